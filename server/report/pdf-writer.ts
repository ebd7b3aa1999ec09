// The page the report is written on: A4 with the margins of an administrative document (Nghị định
// 30/2020/NĐ-CP, Phụ lục I: top and bottom 20 mm, left 30 mm for binding, right 15 mm), the four
// Liberation Serif faces, and the flow helpers every section uses.
// The types declare only the default export (the module has both).
// oxlint-disable-next-line import/no-named-as-default
import PDFDocument from 'pdfkit';
import { FontsMissingError, VIETNAMESE_PROBE, type PdfFonts } from './pdf-fonts';
import { words } from '../../shared/words';
import { drawTable, tableHeight, type PdfColumn } from './pdf-table';

export type Doc = InstanceType<typeof PDFDocument>;

const MM = 72 / 25.4;
export const MARGINS = { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM };

/** Font sizes (pt): the decree's 13–14 for the text, 12 for the header lines and "Nơi nhận". */
export const SIZE = { text: 13, small: 11, table: 10, note: 10 } as const;

/** Whether the current font has every letter of VIETNAMESE_PROBE (a font missing one drops it silently). */
function setsVietnamese(doc: Doc): boolean {
  // pdfkit keeps the fontkit font of an embedded TTF on its (untyped) current font.
  // oxlint-disable-next-line no-underscore-dangle
  const font = (doc as unknown as { _font?: { font?: { hasGlyphForCodePoint?(cp: number): boolean } } })._font?.font;
  if (!font?.hasGlyphForCodePoint) return true;
  return [...VIETNAMESE_PROBE].every((ch) => font.hasGlyphForCodePoint!(ch.codePointAt(0)!));
}

export class Writer {
  readonly doc: Doc;
  readonly width: number;
  readonly left: number;
  readonly bottom: number;
  readonly top: number;

  constructor(fonts: PdfFonts, info: { title: string; subject: string }) {
    this.doc = new PDFDocument({
      size: 'A4',
      margins: MARGINS,
      bufferPages: true,
      info: { Title: info.title, Author: 'diemcau', Subject: info.subject, Creator: 'diemcau' },
    });
    for (const [name, file] of [
      ['R', fonts.regular],
      ['B', fonts.bold],
      ['I', fonts.italic],
      ['BI', fonts.boldItalic],
    ] as const) {
      this.doc.registerFont(name, file);
      this.doc.font(name);
      if (!setsVietnamese(this.doc))
        throw new FontsMissingError(
          file,
          words('phông chữ không có đủ chữ tiếng Việt:', 'the font lacks Vietnamese letters:'),
        );
    }
    this.doc.font('R');
    this.left = MARGINS.left;
    this.width = this.doc.page.width - MARGINS.left - MARGINS.right;
    this.top = MARGINS.top;
    this.bottom = this.doc.page.height - MARGINS.bottom;
  }

  /** A new page unless `h` points still fit on this one. */
  space(h: number): void {
    if (this.doc.y + h > this.bottom) this.newPage();
  }

  newPage(): void {
    this.doc.addPage();
    this.doc.y = this.top;
  }

  /** Room left on this page. */
  get room(): number {
    return this.bottom - this.doc.y;
  }

  heading(text: string, keep = 90): void {
    this.space(keep);
    this.doc
      .moveDown(0.6)
      .font('B')
      .fontSize(SIZE.text)
      .fillColor('#000000')
      .text(text, this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3).font('R').fontSize(SIZE.table);
  }

  /** `keep`: room the sub-heading's content needs, so the two stay on one page. */
  sub(text: string, keep = 40): void {
    this.space(keep);
    this.doc.moveDown(0.3).font('B').fontSize(SIZE.small).text(text, this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.2).font('R');
  }

  para(text: string, font = 'R', size: number = SIZE.text): void {
    this.doc.font(font).fontSize(size).fillColor('#000000').text(text, this.left, this.doc.y, { width: this.width });
  }

  paraHeight(text: string, font = 'R', size: number = SIZE.text): number {
    return this.doc.font(font).fontSize(size).heightOfString(text, { width: this.width });
  }

  table(columns: PdfColumn[], rows: string[][], size: number = SIZE.table, shade?: (i: number) => string | null): void {
    drawTable(this.doc, this.left, this.width, columns, rows, this.tableOptions(size, shade));
    this.doc.x = this.left;
  }

  tableHeight(columns: PdfColumn[], rows: string[][], size: number = SIZE.table): number {
    return tableHeight(this.doc, this.width, columns, rows, this.tableOptions(size));
  }

  private tableOptions(size: number, shade?: (i: number) => string | null) {
    return { font: 'R', bold: 'B', fontSize: size, bottom: this.bottom, top: this.top, shade };
  }
}
