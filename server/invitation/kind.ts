// Online or in person. An in-person meeting must come out as such rather than with invented
// connection points, so "online" needs a positive sign: the stated form ("Hình thức: trực tuyến"),
// a meeting said to be online ("Hội nghị trực tuyến", "tổ chức trực tuyến", "kết hợp trực tuyến"),
// connection points or a line test. "trực tuyến" alone is no sign: government text is full of
// "Cổng dịch vụ công trực tuyến" and "phát trực tuyến trên Cổng thông tin"; nor is a negation
// ("không tổ chức trực tuyến", "không có điểm cầu").
import type { InvitationKind } from '../../shared/invitation';
import { findLabels, lineAt, sentenceAt, snippet, type InvitationDoc, type Span } from './document';
import { spend } from '../parsing/work';
import { pointMentions } from './levels';

const MEETING_ONLINE =
  /(?:hoi nghi|cuoc hop|hop|hinh thuc|to chuc|ket hop|ket noi|truyen hinh|tham du|du|hoi thao|tap huan|giao ban|doi thoai|phien)\s+(?:\S+\s+)?truc tuyen|truc tuyen\s+(?:tu|den|toi|voi)\s|cau truyen hinh|hop (?:qua )?video|chay thu (?:duong truyen|ky thuat)/g;
const NEGATED = /(?:khong|chua)\s+(?:\S+\s+){0,3}$/;
const STREAMED = /(?:phat|tuong thuat|dua tin|dang tai|livestream)\s+(?:\S+\s+){0,2}$/;

// MEETING_ONLINE runs once over the text; its one unbounded part, (?:\S+\s+)?, reads the word after
// a meeting word and cannot split it two ways. NEGATED and STREAMED see 40 characters.
function isNegated(doc: InvitationDoc, at: number, also?: RegExp): boolean {
  spend(40);
  const before = doc.folded.slice(Math.max(lineAt(doc, at).start, at - 40), at);
  return NEGATED.test(before) || (also !== undefined && also.test(before));
}

function onlineSigns(doc: InvitationDoc, span: Span): number[] {
  spend(span.end - span.start);
  const text = doc.folded.slice(span.start, span.end);
  return [...text.matchAll(MEETING_ONLINE)].map((m) => span.start + m.index).filter((at) => !isNegated(doc, at));
}

export function readKind(doc: InvitationDoc): { kind: InvitationKind; evidence?: string } {
  // The stated form decides when the document states one.
  const form = findLabels(doc).find((l) => l.name === 'hinh thuc');
  if (form) {
    spend((form.content.end - form.content.start) * 3);
    const content = doc.folded.slice(form.content.start, form.content.end);
    // Within the stated form, "trực tuyến" on its own is enough: "Hình thức: trực tuyến."
    const online = [...content.matchAll(/truc tuyen/g)].some(
      (m) => !isNegated(doc, form.content.start + m.index, STREAMED),
    );
    if (online || /truc tiep/.test(content)) {
      const first = doc.text.slice(form.content.start, form.content.end).search(/\S/);
      const end = first === -1 ? form.line.end : lineAt(doc, form.content.start + first).end;
      const evidence = snippet(doc, { start: form.line.start, end });
      return { kind: online ? 'online' : 'in-person', evidence };
    }
  }
  const whole = { start: 0, end: doc.text.length };
  const sign = onlineSigns(doc, whole)[0];
  const point = pointMentions(doc).find((m) => (!m.typo || m.levels.size > 0) && !isNegated(doc, m.index));
  const at = Math.min(sign ?? Infinity, point?.index ?? Infinity);
  if (at !== Infinity) return { kind: 'online', evidence: snippet(doc, sentenceAt(doc, at, true)) };
  spend(doc.folded.length);
  const direct = /truc tiep/.exec(doc.folded);
  return direct
    ? { kind: 'in-person', evidence: snippet(doc, sentenceAt(doc, direct.index, true)) }
    : { kind: 'in-person' };
}
