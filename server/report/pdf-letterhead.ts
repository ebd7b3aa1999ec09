// The parts that make the report an administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I;
// docs/REPORT.md DOC3–DOC4): on the first page the superior body and the organisation top left with a
// short rule and the number under them, the national motto top right with its rule and the
// place-and-date line under it, then the document's type and summary centred; at the end "Nơi nhận"
// bottom left and the signer bottom right; page numbers centred in the top margin from page 2.
import { documentNumber, placeAndDate, type ReportSettings, type Signer } from '../../shared/report-settings';
import { VN_OFFSET_MS } from '../../shared/time';
import type { Writer } from './pdf-writer';

export const MOTTO = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const MOTTO_2 = 'Độc lập - Tự do - Hạnh phúc';
export const DOC_TYPE = 'BÁO CÁO';
export const DOC_SUMMARY = 'Kết quả bảo đảm kỹ thuật hội nghị trực tuyến';
const DOTS = '……………………………';

/** Who signs when the settings name nobody: a title with blank lines for the name. */
export const DEFAULT_SIGNER: Signer = { authority: null, title: 'THỦ TRƯỞNG ĐƠN VỊ', name: null };
export const DEFAULT_RECIPIENTS = ['Lưu: VT'];

export interface Issue {
  settings: ReportSettings;
  /** The number the clerk gave (`?number=`); null leaves blanks for it. */
  number: number | null;
  /** The date of the place-and-date line (ms). */
  issuedAt: number;
}

function vnDate(ms: number): { day: number; month: number; year: number } {
  const d = new Date(ms + VN_OFFSET_MS);
  return { day: d.getUTCDate(), month: d.getUTCMonth() + 1, year: d.getUTCFullYear() };
}

/** A centred rule of `length` under the text just written. */
function rule(w: Writer, cx: number, length: number, gap = 1): void {
  const y = w.doc.y + gap;
  w.doc
    .save()
    .moveTo(cx - length / 2, y)
    .lineTo(cx + length / 2, y)
    .lineWidth(0.6)
    .strokeColor('#000000')
    .stroke()
    .restore();
  w.doc.y = y + 4;
}

export function letterhead(w: Writer, issue: Issue, meetingTitle: string): void {
  const { doc, left, width } = w;
  const s = issue.settings;
  const date = vnDate(issue.issuedAt);
  // The motto's first line must not wrap: its column is at least as wide as it.
  doc.font('B').fontSize(12);
  const rightWidth = Math.max(width * 0.56, doc.widthOfString(MOTTO) + 8);
  const leftWidth = width - rightWidth;
  const rightX = left + leftWidth;
  const y0 = w.top;

  // Left: the superior body, the organisation (bold), a rule of a third of the column, the number.
  doc.y = y0;
  if (s.superior) {
    doc.font('R').fontSize(12).text(s.superior.toUpperCase(), left, doc.y, { width: leftWidth, align: 'center' });
  }
  doc
    .font('B')
    .fontSize(12)
    .text((s.organization ?? DOTS).toUpperCase(), left, doc.y, { width: leftWidth, align: 'center' });
  rule(w, left + leftWidth / 2, leftWidth / 3);
  const leftEnd = doc.y;

  // Right: the motto, its second line ruled as long as itself.
  doc.y = y0;
  doc.font('B').fontSize(12).text(MOTTO, rightX, doc.y, { width: rightWidth, align: 'center' });
  doc.font('B').fontSize(13).text(MOTTO_2, rightX, doc.y, { width: rightWidth, align: 'center' });
  rule(w, rightX + rightWidth / 2, doc.widthOfString(MOTTO_2));
  const rightEnd = doc.y;

  // The number and the place-and-date line on one line, under each block.
  const y = Math.max(leftEnd, rightEnd) + 2;
  const number = `Số: ${documentNumber(s.numberPattern, issue.number, date.year)}`;
  doc.font('R').fontSize(13).text(number, left, y, { width: leftWidth, align: 'center' });
  const numberEnd = doc.y;
  doc
    .font('I')
    .fontSize(13)
    .text(placeAndDate(s.place, date.day, date.month, date.year), rightX, y, { width: rightWidth, align: 'center' });
  doc.y = Math.max(numberEnd, doc.y) + 18;

  // The type and the summary, centred and bold, a short rule under them.
  doc.font('B').fontSize(14).text(DOC_TYPE, left, doc.y, { width, align: 'center' });
  doc.font('B').fontSize(14).text(DOC_SUMMARY, left, doc.y, { width, align: 'center' });
  doc.font('B').fontSize(13).text(meetingTitle, left, doc.y, { width, align: 'center' });
  rule(w, left + width / 2, width / 4, 5);
  doc.moveDown(0.6);
}

/** "- Sở Thông tin và Truyền thông;" … "- Lưu: VT." */
export function recipientLines(list: readonly string[]): string[] {
  const items = list.length > 0 ? list : DEFAULT_RECIPIENTS;
  return items.map((r, i) => `- ${r.replace(/[;.,\s]+$/, '')}${i === items.length - 1 ? '.' : ';'}`);
}

/** A signer's block in a column: authority and title (bold, uppercase), room to sign, the name (bold). */
function signerBlock(w: Writer, s: Signer, x: number, y: number, width: number, seal: boolean): number {
  const { doc } = w;
  doc.y = y;
  for (const line of [s.authority, s.title]) {
    if (line) doc.font('B').fontSize(13).text(line.toUpperCase(), x, doc.y, { width, align: 'center' });
  }
  doc
    .font('I')
    .fontSize(11)
    .text(seal ? '(Ký, ghi rõ họ tên, đóng dấu)' : '(Ký, ghi rõ họ tên)', x, doc.y, { width, align: 'center' });
  doc.y += 62;
  doc
    .font('B')
    .fontSize(13)
    .text(s.name ?? DOTS, x, doc.y, { width, align: 'center' });
  return doc.y;
}

/** Height of the closing part, so it is never split across pages. */
function closingHeight(w: Writer, signers: readonly Signer[], recipients: readonly string[]): number {
  const band = Math.max(20 + recipients.length * 14, 130);
  return (signers.length > 1 ? 130 : 0) + band + 30;
}

export function closing(w: Writer, settings: ReportSettings): void {
  const { doc, left, width } = w;
  const signers = settings.signers.length > 0 ? settings.signers : [DEFAULT_SIGNER];
  const recipients = recipientLines(settings.recipients);
  w.space(closingHeight(w, signers, recipients));
  doc.moveDown(1);
  // Those who sign besides the head (e.g. who prepared the report): a row of their own above.
  const others = signers.slice(0, -1);
  if (others.length > 0) {
    const col = width / others.length;
    const y = doc.y;
    let end = y;
    others.forEach((s, i) => {
      end = Math.max(end, signerBlock(w, s, left + i * col, y, col, false));
    });
    doc.y = end + 16;
  }
  const half = width / 2;
  const y = doc.y;
  doc
    .font('BI')
    .fontSize(12)
    .text('Nơi nhận:', left, y, { width: half - 10 });
  for (const r of recipients)
    doc
      .font('R')
      .fontSize(11)
      .text(r, left, doc.y, { width: half - 10 });
  const leftEnd = doc.y;
  const end = signerBlock(w, signers[signers.length - 1]!, left + half, y, half, true);
  doc.y = Math.max(leftEnd, end) + 8;
  doc.x = left;
}

/** Page numbers centred in the top margin, not on the first page. */
export function pageNumbers(w: Writer): void {
  const { doc } = w;
  const range = doc.bufferedPageRange();
  for (let i = range.start + 1; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing in the margin must not start a new page.
    const top = doc.page.margins.top;
    doc.page.margins.top = 0;
    doc
      .font('R')
      .fontSize(13)
      .fillColor('#000000')
      .text(String(i + 1), w.left, top / 2 - 6, { width: w.width, align: 'center', lineBreak: false });
    doc.page.margins.top = top;
  }
}
