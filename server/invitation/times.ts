// The three instants of a draft: the session start (from the "Thời gian" section, else the first
// date-time that is not a deadline), the line test (the time given for "chạy thử đường truyền /
// kỹ thuật", never a neighbouring deadline) and the registration deadline (when the connection-point
// lists are due: "gửi danh sách điểm cầu … trước 16 giờ ngày 28/9/2021").
import { addDays, toIsoDate, toVnInstant, type CalendarDate, type ClockTime, type DateTimeMatch } from './datetime';
import { spend } from '../parsing/work';
import {
  dateOf,
  findLabels,
  firstMatchFrom,
  lineAt,
  matchesIn,
  sentenceAt,
  snippetAround,
  type InvitationDoc,
  type Span,
} from './document';

export interface Found {
  value: string;
  evidence: string;
}

export interface StartFound {
  start: Found | null;
  startDate: Found | null;
  date: CalendarDate | null;
  /** Where the start was read, for readers of neighbouring facts (the venue). */
  span: Span | null;
}

const LINE_TEST =
  /chay thu(?:\s+(?:duong truyen|ky thuat|he thong|ket noi))?|kiem tra (?:duong truyen|ky thuat|ket noi)|thu nghiem duong truyen|tong duyet ky thuat/g;
const DEADLINE_BEFORE = /(?:truoc|cham nhat|han chot|thoi han|han cuoi|muon nhat)\s*(?:la\s*|vao\s*|luc\s*|:\s*)?$/;
const HELD = /(?:to chuc|dien ra|khai mac|bat dau|hop|gap mat|doi thoai)(?:\s+\S+){0,6}\s*$/;

// Every expression below is applied to a window of bounded length (a sentence is at most 2,000
// characters, a lead-in 30 or 60), and none has nested unbounded quantifiers: each test costs at
// most its window. HELD's (?:\s+\S+){0,6} cannot split a word two ways (\S+ stops at spaces).
function precededBy(doc: InvitationDoc, m: DateTimeMatch, re: RegExp, reach = 30): boolean {
  const line = lineAt(doc, m.index);
  spend(reach);
  return re.test(doc.folded.slice(Math.max(line.start, m.index - reach), m.index));
}

const LINE_TEST_ONCE = new RegExp(LINE_TEST.source);

/** Whether a sentence names the line test; each distinct sentence is read once per document. */
function sentenceNamesLineTest(doc: InvitationDoc, s: Span, seen: Map<string, boolean>): boolean {
  const key = `${s.start}:${s.end}`;
  let yes = seen.get(key);
  if (yes === undefined) {
    spend(s.end - s.start);
    yes = LINE_TEST_ONCE.test(doc.folded.slice(s.start, s.end));
    seen.set(key, yes);
  }
  return yes;
}

function result(doc: InvitationDoc, m: DateTimeMatch, evidence: Span, time = m.time): StartFound {
  const date = dateOf(doc, m);
  if (!date) return { start: null, startDate: null, date: null, span: null };
  const text = snippetAround(doc, evidence, { start: m.index, end: m.end });
  return {
    start: time ? { value: toVnInstant(date, time), evidence: text } : null,
    startDate: { value: toIsoDate(date), evidence: text },
    date,
    span: evidence,
  };
}

export function readStart(doc: InvitationDoc): StartFound {
  for (const label of findLabels(doc)) {
    if (!label.name.startsWith('thoi gian')) continue;
    // A content is at most 9 lines, and a line is in the content of at most 9 labels: linear.
    spend(label.content.end - label.content.start);
    const content = doc.folded.slice(label.content.start, label.content.end);
    // "Thời gian chạy thử: …", "Thời gian đăng ký: trước ngày …" are other times.
    if (LINE_TEST_ONCE.test(`${label.qualifier} ${content}`)) continue;
    if (/(?:^|\s)(?:dang ky|gui|nop|han|bao cao)(?![a-z])/.test(label.qualifier)) continue;
    const found = matchesIn(doc, label.content);
    const dated = found.find((m) => dateOf(doc, m) !== null);
    if (!dated || precededBy(doc, dated, DEADLINE_BEFORE)) continue;
    // "Thời gian: 14 giờ 30. Ngày 15/7/2025": a lone time in the same section is the start.
    const time = dated.time ?? found.find((m) => m.time && !m.date)?.time ?? null;
    // The label line when the date is on it, else the line below that holds the date.
    const from = dated.index < label.line.end ? label.line.start : lineAt(doc, dated.index).start;
    const evidence = { start: from, end: lineAt(doc, dated.end).end };
    return result(doc, dated, evidence, time);
  }
  const sentences = new Map<string, boolean>();
  const usable = (m: DateTimeMatch): boolean =>
    dateOf(doc, m) !== null &&
    !precededBy(doc, m, DEADLINE_BEFORE) &&
    !sentenceNamesLineTest(doc, sentenceAt(doc, m.index), sentences);
  const timed = doc.dateTimes.find((m) => m.time && usable(m));
  const chosen = timed ?? doc.dateTimes.find((m) => usable(m) && precededBy(doc, m, HELD, 60));
  if (chosen) return result(doc, chosen, sentenceAt(doc, chosen.index));
  return { start: null, startDate: null, date: null, span: null };
}

/** "15 giờ chiều ngày hôm trước" and "cùng ngày": dates relative to the session. */
function relativeDate(text: string, session: CalendarDate | null): CalendarDate | null {
  if (!session) return null;
  if (/hom truoc|truoc (?:01|1|mot) ngay/.test(text)) return addDays(session, -1);
  if (/cung ngay|ngay hom do|ngay to chuc|ngay hop/.test(text)) return session;
  return null;
}

function instantOf(doc: InvitationDoc, m: DateTimeMatch, time: ClockTime, session: CalendarDate | null): string | null {
  const year = session?.year ?? doc.year;
  let date = dateOf(doc, m, year);
  if (!date && !m.date) {
    const line = lineAt(doc, m.index);
    spend(m.end + 40 - m.index);
    date = relativeDate(doc.folded.slice(m.index, Math.min(line.end, m.end + 40)), session);
  }
  return date ? toVnInstant(date, time) : null;
}

export function readLineTest(doc: InvitationDoc, session: CalendarDate | null): Found | null {
  // A date-time near many mentions ("chạy thử … chạy thử … 15h00") is a candidate of each: what it
  // yields does not depend on the mention, so it is worked out once.
  const values = new Map<DateTimeMatch, string | null>();
  const deadlines = new Map<DateTimeMatch, boolean>();
  const valueOf = (m: DateTimeMatch, time: ClockTime): string | null => {
    if (!values.has(m)) values.set(m, instantOf(doc, m, time, session));
    return values.get(m) ?? null;
  };
  const isDeadline = (m: DateTimeMatch): boolean => {
    if (!deadlines.has(m)) deadlines.set(m, precededBy(doc, m, DEADLINE_BEFORE));
    return deadlines.get(m) === true;
  };
  for (const k of doc.folded.matchAll(LINE_TEST)) {
    const sentence = sentenceAt(doc, k.index);
    const after = matchesIn(doc, { start: k.index, end: sentence.end });
    const clause = sentenceAt(doc, k.index, true);
    const before = matchesIn(doc, { start: clause.start, end: k.index })
      .toReversed()
      .filter((m) => !isDeadline(m));
    for (const m of [...after, ...before]) {
      spend(1);
      if (!m.time) continue;
      const value = valueOf(m, m.time);
      if (!value) continue;
      // The clause of the keyword, stretched to the time when that sits beyond it.
      const span = {
        start: Math.min(clause.start, m.index),
        end: Math.max(clause.end, Math.min(sentence.end, m.end + 1)),
      };
      const focus = { start: Math.min(k.index, m.index), end: Math.max(k.index + k[0].length, m.end) };
      return { value, evidence: snippetAround(doc, span, focus) };
    }
  }
  return null;
}

// "thông tin" is what is sent, but "Sở Thông tin và Truyền thông" is who is asked to do things.
const REGISTRATION = /danh sach|dang ky|dia chi|thong tin(?! va truyen thong)/;
const DEADLINE = /(?:truoc|cham nhat|han chot|thoi han|han cuoi|muon nhat)(?![a-z])/g;

export function readRegistrationDeadline(doc: InvitationDoc, session: CalendarDate | null): Found | null {
  // Mentions in one sentence share it: it is read once. A document with no full stops still gives
  // each mention a window of its own, but of at most 2,000 characters.
  const read = new Set<string>();
  for (const p of doc.folded.matchAll(/diem\s?ca[un](?![a-z])/g)) {
    const sentence = sentenceAt(doc, p.index);
    const key = `${sentence.start}:${sentence.end}`;
    if (read.has(key)) continue;
    read.add(key);
    spend((sentence.end - sentence.start) * 2);
    const text = doc.folded.slice(sentence.start, sentence.end);
    if (!REGISTRATION.test(text)) continue;
    for (const d of text.matchAll(DEADLINE)) {
      const from = sentence.start + d.index + d[0].length;
      const m = firstMatchFrom(doc, from, sentence.end, 12);
      if (!m?.date) continue;
      // A bare date: "trước ngày D" ends as D begins; "chậm nhất ngày D" lets the whole day run.
      const time = m.time ?? (d[0] === 'truoc' ? { hour: 0, minute: 0 } : { hour: 23, minute: 59 });
      const value = instantOf(doc, m, time, session);
      if (value) return { value, evidence: snippetAround(doc, sentence, { start: from - d[0].length, end: m.end }) };
    }
  }
  return null;
}
