// The invitation as the field readers see it: normalized text, its folded twin for matching, every
// date-time in it, and the spans (line, clause, sentence, labelled section) they reason about.
import { findDateTimes, withYear, type CalendarDate, type DateTimeMatch } from './datetime';
import { spend } from '../parsing/work';
import { fold, normalizeText, unwrapLines } from './text';

export interface Span {
  start: number;
  end: number;
}

export interface InvitationDoc {
  text: string;
  folded: string;
  /** In reading order (sorted by index). */
  dateTimes: DateTimeMatch[];
  /** Year of the first fully written date, for dates written without one ("ngày 05/3"). */
  year: number | null;
  lineStarts: number[];
  /** Positions of sentence stops (". ", "! ", "? " or one ending a line), ascending: see sentenceAt. */
  stops: number[];
  /** The same with clause stops ("; ") as well. */
  clauseStops: number[];
  /** findLabels' answer, computed once: three readers ask for it. */
  labels?: Labelled[];
}

/** An invitation is a few pages; past this it is not one, and the rest is not read. */
export const MAX_DOCUMENT_CHARS = 500_000;

export function readDocument(raw: string): InvitationDoc {
  // Callers refuse longer texts with a message (extract.ts); the cut keeps a direct caller bounded.
  const text = unwrapLines(normalizeText(raw.slice(0, MAX_DOCUMENT_CHARS)));
  const dateTimes = findDateTimes(text);
  const year = dateTimes.find((m) => m.date?.year != null)?.date?.year ?? null;
  const lineStarts = [0];
  const stops: number[] = [];
  const clauseStops: number[] = [];
  spend(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) lineStarts.push(i + 1);
    else if (isStop(text, i, true)) {
      clauseStops.push(i);
      if (c !== 59) stops.push(i); // not ";"
    }
  }
  return { text, folded: fold(text), dateTimes, year, lineStarts, stops, clauseStops };
}

/** Index of the last element of sorted `xs` that is <= `x` (binary search; -1 when none). */
function lastAtMost(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) <= x) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export function lineAt(doc: InvitationDoc, i: number): Span {
  const n = Math.max(0, lastAtMost(doc.lineStarts, i));
  const next = doc.lineStarts[n + 1];
  return { start: doc.lineStarts[n] as number, end: next === undefined ? doc.text.length : next - 1 };
}

function isStop(text: string, at: number, clause: boolean): boolean {
  const c = text[at];
  const after = text[at + 1];
  return (
    (c === '.' || c === '!' || c === '?' || (clause && c === ';')) &&
    (after === undefined || after === ' ' || after === '\n')
  );
}

/** No real sentence is longer; the bound keeps a text without full stops from costing n² to read. */
const MAX_SENTENCE_REACH = 1_000;

/** Index of the first element of sorted `xs` that is >= `x` (xs.length when none). */
function firstAtLeast(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Sentence (or, with `clause`, the part between semicolons too) around position `i`, within its line
 * and at most MAX_SENTENCE_REACH characters either side. The stops were found once by readDocument,
 * so this is two binary searches, not a walk to the nearest stop: readers ask it for every match.
 */
export function sentenceAt(doc: InvitationDoc, i: number, clause = false): Span {
  spend(1);
  const line = lineAt(doc, i);
  const low = Math.max(line.start, i - MAX_SENTENCE_REACH);
  const high = Math.min(line.end, i + MAX_SENTENCE_REACH);
  const stops = clause ? doc.clauseStops : doc.stops;
  const from = Math.min(i, line.end);
  // The last stop before `from` ends the previous sentence; the first at or after `i` ends this one.
  const before = firstAtLeast(stops, from) - 1;
  let start = from;
  if (from > low) start = before >= 0 ? Math.max(low, (stops[before] as number) + 1) : low;
  const at = Math.max(i, line.start);
  const next = stops[firstAtLeast(stops, at)];
  const end = next === undefined || next >= high ? Math.max(high, at) : next;
  return { start, end: Math.min(line.end, end + 1) };
}

export function slice(doc: InvitationDoc, span: Span): string {
  return doc.text.slice(span.start, span.end);
}

/** The text of a span as evidence: trimmed and kept short enough for a form. */
export function snippet(doc: InvitationDoc, span: Span, max = 240): string {
  // Only the first 4 × max characters can show (the text has no runs of more than two spaces), so a
  // span of a whole long line costs no more than a short one.
  const cut = { start: span.start, end: Math.min(span.end, span.start + max * 4) };
  spend(cut.end - cut.start);
  const s = slice(doc, cut).replace(/\s+/g, ' ').trim();
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

/** Like `snippet`, but when `span` is too long keeps the part around `focus` (what was read). */
export function snippetAround(doc: InvitationDoc, span: Span, focus: Span, max = 240): string {
  if (span.end - span.start <= max) return snippet(doc, span, max);
  const room = Math.max(0, max - (focus.end - focus.start));
  let start = Math.max(span.start, focus.start - Math.ceil((room * 2) / 3));
  let end = Math.min(span.end, Math.max(focus.end, start + max));
  // Cut between words, never inside one. Each search may run to an end of the text, but a reader
  // calls this once, for the value it returns, not per candidate.
  if (start > span.start) start = Math.min(focus.start, spaceAfter(doc.text, start) + 1 || start);
  if (end < span.end) end = Math.max(focus.end, spaceBefore(doc.text, end));
  const text = snippet(doc, { start, end }, max);
  return `${start > span.start ? '…' : ''}${text}${end < span.end && !text.endsWith('…') ? '…' : ''}`;
}

function spaceAfter(text: string, from: number): number {
  const at = text.indexOf(' ', from);
  spend((at === -1 ? text.length : at) - from + 1);
  return at;
}

function spaceBefore(text: string, from: number): number {
  const at = text.lastIndexOf(' ', from);
  spend(from - at + 1);
  return at;
}

export function matchesIn(doc: InvitationDoc, span: Span): DateTimeMatch[] {
  const out: DateTimeMatch[] = [];
  let lo = 0;
  let hi = doc.dateTimes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((doc.dateTimes[mid] as DateTimeMatch).index < span.start) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < doc.dateTimes.length; k++) {
    const m = doc.dateTimes[k] as DateTimeMatch;
    if (m.index >= span.end) break;
    if (m.end <= span.end) out.push(m);
  }
  spend(out.length + 1);
  return out;
}

/** The first match beginning at or after `from` and ending by `end`, if it begins within `reach`. */
export function firstMatchFrom(
  doc: InvitationDoc,
  from: number,
  end: number,
  reach: number,
): DateTimeMatch | undefined {
  spend(1);
  let lo = 0;
  let hi = doc.dateTimes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((doc.dateTimes[mid] as DateTimeMatch).index < from) lo = mid + 1;
    else hi = mid;
  }
  // Matches do not overlap, so those after the first that begins in time begin even later.
  for (let k = lo; k < doc.dateTimes.length; k++) {
    const m = doc.dateTimes[k] as DateTimeMatch;
    if (m.index >= end || m.index - from > reach) return undefined;
    if (m.end <= end) return m;
  }
  return undefined;
}

export function dateOf(doc: InvitationDoc, m: DateTimeMatch, year = doc.year): CalendarDate | null {
  if (!m.date) return null;
  if (m.date.year !== null) return withYear(m.date, m.date.year);
  return year === null ? null : withYear(m.date, year);
}

const LABEL = new RegExp(
  String.raw`^(?:[-+•]\s*)?(?:(?:[ivxlc]+|\d+(?:\.\d+)*|[a-z])\s*[.)/]\s*)?(?:[-+•]\s*)?` +
    String.raw`((?:thoi gian|dia diem|hinh thuc)(?:\s*(?:,|va)\s*(?:thoi gian|dia diem))*)([^:\n]{0,40}?)\s*(:|$)`,
);
/** Heading rank: I. → 0, 1. → 1, 1.1. → 2, a) → 3; null for other lines (bullets, prose). */
function headingRank(line: string): number | null {
  const m = /^(?:([IVXLC]+)|(\d+(?:\.\d+)*)|([a-zđ]))[.)]\s/.exec(line);
  if (!m) return null;
  if (m[1]) return 0;
  if (m[2]) return m[2].split('.').length;
  return 3;
}

export interface Labelled {
  /** "thoi gian", "dia diem", "thoi gian, dia diem", "hinh thuc" (folded). */
  name: string;
  /** Folded words between the name and the colon: "to chuc", "chay thu duong truyen"… */
  qualifier: string;
  line: Span;
  content: Span;
}

/**
 * Lines such as "1. Thời gian: …", "- Địa điểm:" or a heading "3. Hình thức đối thoại". When
 * nothing follows on the line, the content is the lines below, up to the next numbered heading.
 */
export function findLabels(doc: InvitationDoc): Labelled[] {
  doc.labels ??= labelsOf(doc);
  return doc.labels;
}

// LABEL and headingRank are anchored at the line start and their unbounded parts ([ivxlc]+,
// \d+(?:\.\d+)*) cannot split a run two ways, so each costs at most the length of its line.
function labelsOf(doc: InvitationDoc): Labelled[] {
  const out: Labelled[] = [];
  let pos = 0;
  for (const lineText of doc.text.split('\n')) {
    const line = { start: pos, end: pos + lineText.length };
    pos = line.end + 1;
    spend(lineText.length + 1);
    const m = LABEL.exec(doc.folded.slice(line.start, line.end));
    if (!m) continue;
    const name = (m[1] as string).replace(/\s+/g, ' ');
    const qualifier = (m[2] as string).trim();
    // "Thời gian qua, …" is prose; a heading without a colon must end where the label does.
    if (m[3] === '' && qualifier.split(/\s+/).length > 6) continue;
    let content: Span = { start: line.start + m[0].length, end: line.end };
    if (doc.text.slice(content.start, content.end).trim() === '') {
      content = blockBelow(doc, line.end, headingRank(lineText) ?? 3);
    }
    out.push({ name, qualifier, line, content });
  }
  return out;
}

/** Lines under a heading of rank `rank`, up to the next heading of the same or a higher rank. */
function blockBelow(doc: InvitationDoc, from: number, rank: number): Span {
  const start = from + 1;
  let end = start;
  let lines = 0;
  let at = start;
  while (at < doc.text.length && lines < 8) {
    const nl = doc.text.indexOf('\n', at);
    const lineEnd = nl === -1 ? doc.text.length : nl;
    // A line is read here for at most the 8 labels above it whose content it may be: linear overall.
    spend(lineEnd - at + 1);
    const text = doc.text.slice(at, lineEnd);
    if ((headingRank(text) ?? Infinity) <= rank) break;
    if (text !== '') {
      end = lineEnd;
      lines++;
    }
    at = lineEnd + 1;
  }
  return { start: Math.min(start, doc.text.length), end: Math.max(end, Math.min(start, doc.text.length)) };
}
