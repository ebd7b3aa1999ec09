// A table in pdfkit: wrapped cells, a header repeated on every page the table spans, light rules.
import type PDFDocument from 'pdfkit';

type Doc = InstanceType<typeof PDFDocument>;

export interface PdfColumn {
  header: string;
  /** Share of the table's width (normalised over the columns). */
  width: number;
  align?: 'left' | 'right' | 'center';
}

export interface PdfTableOptions {
  fontSize?: number;
  font: string;
  bold: string;
  /** Bottom of the usable page (y); past it the table continues on a new page. */
  bottom: number;
  top: number;
  /** Shades a row (e.g. an open outage) */
  shade?: (row: number) => string | null;
}

const PAD = 3;

export function drawTable(
  doc: Doc,
  x: number,
  width: number,
  columns: PdfColumn[],
  rows: string[][],
  o: PdfTableOptions,
): void {
  const size = o.fontSize ?? 8;
  const total = columns.reduce((n, c) => n + c.width, 0);
  const widths = columns.map((c) => (c.width / total) * width);
  const heightOf = (cells: string[], font: string): number => {
    doc.font(font).fontSize(size);
    let h = 0;
    cells.forEach((c, i) => {
      h = Math.max(h, doc.heightOfString(c || ' ', { width: widths[i]! - 2 * PAD }));
    });
    return h + 2 * PAD;
  };
  const drawRow = (cells: string[], font: string, fill: string | null): void => {
    const h = heightOf(cells, font);
    const y = doc.y;
    if (fill) doc.save().rect(x, y, width, h).fill(fill).restore();
    let cx = x;
    doc.font(font).fontSize(size).fillColor('#000000');
    cells.forEach((c, i) => {
      doc.text(c, cx + PAD, y + PAD, { width: widths[i]! - 2 * PAD, align: columns[i]?.align ?? 'left' });
      cx += widths[i]!;
    });
    doc
      .save()
      .moveTo(x, y + h)
      .lineTo(x + width, y + h)
      .lineWidth(0.4)
      .strokeColor('#9aa3ad')
      .stroke()
      .restore();
    doc.x = x;
    doc.y = y + h;
  };
  const header = columns.map((c) => c.header);
  const headerHeight = heightOf(header, o.bold);
  const ensure = (h: number, withHeader: boolean): void => {
    if (doc.y + h <= o.bottom) return;
    doc.addPage();
    doc.y = o.top;
    if (withHeader) drawRow(header, o.bold, '#e4e8ee');
  };
  ensure(headerHeight + heightOf(rows[0] ?? [''], o.font), false);
  drawRow(header, o.bold, '#e4e8ee');
  rows.forEach((r, i) => {
    ensure(heightOf(r, o.font), true);
    drawRow(r, o.font, o.shade?.(i) ?? (i % 2 === 1 ? '#f6f7f9' : null));
  });
  doc.font(o.font).fontSize(10);
}
