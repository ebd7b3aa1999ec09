// A table in pdfkit: wrapped cells, a header repeated on every page the table spans, light rules.
// Cells wrap between words, never inside one (DOC5): each column is at least as wide as its longest
// word, and when the columns' longest words do not fit the width together the table's font shrinks.
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
/** The table's font shrinks at most to this share of its size before a word may be split. */
export const MIN_SCALE = 0.7;

/**
 * Widths for columns of these weights that give each column at least its minimum: columns whose share
 * is below their minimum get the minimum, the rest share what is left by weight. Null when the minimums
 * alone exceed the total.
 */
export function fitColumns(weights: readonly number[], mins: readonly number[], total: number): number[] | null {
  if (mins.reduce((a, b) => a + b, 0) > total + 1e-6) return null;
  const fixed = new Set<number>();
  for (;;) {
    const left = total - [...fixed].reduce((a, i) => a + mins[i]!, 0);
    const weight = weights.reduce((a, w, i) => (fixed.has(i) ? a : a + w), 0);
    const widths = weights.map((w, i) => (fixed.has(i) ? mins[i]! : weight > 0 ? (left * w) / weight : 0));
    const short = widths.findIndex((w, i) => !fixed.has(i) && w < mins[i]!);
    if (short < 0) return widths;
    fixed.add(short);
  }
}

const WORD = /\S+/g;

/** The widest single word of each column (header in bold), at `size`. */
function longestWords(doc: Doc, columns: PdfColumn[], rows: string[][], o: PdfTableOptions, size: number): number[] {
  const widest = columns.map(() => 0);
  const measure = (cells: readonly string[], font: string): void => {
    doc.font(font).fontSize(size);
    cells.forEach((c, i) => {
      if (i >= widest.length) return;
      for (const word of c.match(WORD) ?? []) widest[i] = Math.max(widest[i]!, doc.widthOfString(word));
    });
  };
  measure(
    columns.map((c) => c.header),
    o.bold,
  );
  for (const r of rows) measure(r, o.font);
  return widest;
}

/** The font size and column widths at which no word is split (or the smallest size, proportional). */
export function layoutColumns(
  doc: Doc,
  width: number,
  columns: PdfColumn[],
  rows: string[][],
  o: PdfTableOptions,
): { size: number; widths: number[] } {
  const base = o.fontSize ?? 8;
  const weights = columns.map((c) => c.width);
  // Words scale with the size: measure once, then scale; 0.5 pt for rounding in the line breaker.
  const words = longestWords(doc, columns, rows, o, base);
  for (let scale = 1; scale >= MIN_SCALE - 1e-9; scale -= 0.05) {
    const widths = fitColumns(
      weights,
      words.map((w) => w * scale + 2 * PAD + 0.5),
      width,
    );
    if (widths) return { size: base * scale, widths };
  }
  const total = weights.reduce((a, b) => a + b, 0);
  return { size: base * MIN_SCALE, widths: weights.map((w) => (w / total) * width) };
}

function rowHeight(doc: Doc, cells: string[], font: string, size: number, widths: number[]): number {
  doc.font(font).fontSize(size);
  let h = 0;
  cells.forEach((c, i) => {
    h = Math.max(h, doc.heightOfString(c || ' ', { width: widths[i]! - 2 * PAD }));
  });
  return h + 2 * PAD;
}

/** The height the table takes when drawn whole on one page (header once). */
export function tableHeight(
  doc: Doc,
  width: number,
  columns: PdfColumn[],
  rows: string[][],
  o: PdfTableOptions,
): number {
  const { size, widths } = layoutColumns(doc, width, columns, rows, o);
  return rows.reduce(
    (h, r) => h + rowHeight(doc, r, o.font, size, widths),
    rowHeight(
      doc,
      columns.map((c) => c.header),
      o.bold,
      size,
      widths,
    ),
  );
}

export function drawTable(
  doc: Doc,
  x: number,
  width: number,
  columns: PdfColumn[],
  rows: string[][],
  o: PdfTableOptions,
): void {
  const { size, widths } = layoutColumns(doc, width, columns, rows, o);
  const heightOf = (cells: string[], font: string): number => rowHeight(doc, cells, font, size, widths);
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
