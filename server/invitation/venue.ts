// The host room: "Địa điểm: Hội trường UBND tỉnh." for an in-person meeting, and for an online one
// the province point ("Điểm cầu tỉnh: Hội trường tầng 1, …"), which is where the centre's own
// technicians sit. Falls back to "… tại Hội trường …" in the sentence that gives the start.
import { spend } from '../parsing/work';
import { findLabels, lineAt, snippet, snippetAround, type InvitationDoc, type Span } from './document';
import { levelsAfter } from './levels';
import { trimClause } from './text';

const MAX = 300;
/**
 * How much of a line after "Điểm cầu tỉnh:" or "tại" is read for the place. The place is cut to MAX
 * characters anyway; reading the rest of the line instead made a one-line document of n "điểm cầu:"
 * cost n² (each mention sliced and cleaned the whole remaining line).
 */
const PLACE_WINDOW = 2 * MAX;
const PLACE =
  /(?:^|[\s,(])tai\s+(?=(?:hoi truong|phong|trung tam|nha|tru so|khach san|cung|san|quang truong|toa)(?![a-z]))/;

// Where the place ends and the sentence goes on: "…, Hạ Long, kết nối đến các điểm cầu …".
const PLACE_END = /,\s*(?:kết nối|trực tuyến|có sự|với sự|với các|đến các)\s|\s(?:để|nhằm)\s/u;

// PLACE_END's \s* runs are retried only from a preceding "," and PLACE's \s+ only after "tai":
// linear in the window they are given.
function clean(text: string): string | null {
  spend(text.length * 3);
  const semicolon = text.indexOf(';');
  const first = (semicolon === -1 ? text : text.slice(0, semicolon)).split(PLACE_END)[0] ?? '';
  const v = trimClause(trimClause(first).replace(/^t[ạa]i\s+/i, ''));
  return v === '' ? null : v.slice(0, MAX);
}

/** Lists of people ("Tại điểm cầu tỉnh: Kính mời …") share the "Điểm cầu tỉnh:" shape with places. */
const NOT_A_PLACE = /^(?:kinh moi|moi|dong chi|cac dong chi|dai dien|lanh dao|thanh phan|chu tich|bi thu)(?![a-z])/;

/** The room after "Điểm cầu tỉnh:" in `span`, else after "Điểm cầu chính:"; other points are not the host. */
function provincePoint(doc: InvitationDoc, span: Span): { venue: string; line: Span } | null {
  // "Điểm cầu tỉnh: X" or "Điểm cầu chính tại X".
  const re = /(diem\s?ca[un])(?![a-z])(?:([^:\n]{0,60}):|([a-z ,]{0,30}?)\s+(?:dat\s+)?tai)\s*/g;
  const text = doc.folded.slice(span.start, span.end);
  spend(text.length);
  // The first province point wins, else the first main point; others are never the host, so their
  // place is not even read.
  let best: { rank: number; venue: string; line: Span } | null = null;
  for (const m of text.matchAll(re)) {
    const at = span.start + m.index;
    const qualifier = m[2] ?? m[3] ?? '';
    const rank = levelsAfter(doc.folded, at + (m[1] as string).length).has('province')
      ? 0
      : /chinh|trung tam|chu tri/.test(qualifier)
        ? 1
        : 2;
    if (rank >= (best?.rank ?? 2)) continue;
    const line = lineAt(doc, at);
    const from = at + m[0].length;
    const to = Math.min(line.end, from + PLACE_WINDOW);
    if (NOT_A_PLACE.test(doc.folded.slice(from, Math.min(to, from + 32)))) continue;
    const venue = clean(doc.text.slice(from, to));
    if (venue) best = { rank, venue, line };
    if (best?.rank === 0) break;
  }
  return best;
}

export function readVenue(doc: InvitationDoc, startSentence: Span | null): { venue: string | null; evidence?: string } {
  for (const label of findLabels(doc)) {
    if (!label.name.includes('dia diem')) continue;
    const point = provincePoint(doc, label.content);
    if (point) return { venue: point.venue, evidence: snippet(doc, point.line) };
    spend(label.content.end - label.content.start);
    const content = doc.folded.slice(label.content.start, label.content.end);
    if (content.trim() === '') continue;
    // "Thời gian, địa điểm: 08h00 ngày …, tại Hội trường …": the place follows "tại".
    const place = label.name.includes('thoi gian') ? PLACE.exec(content) : null;
    const from = label.content.start + (place ? place.index + place[0].length : 0);
    const venue = clean(doc.text.slice(from, Math.min(lineAt(doc, from).end, from + PLACE_WINDOW)));
    if (venue && !/^diem\s?ca[un]/.test(doc.folded.slice(from, from + 32).trimStart())) {
      const line = lineAt(doc, from);
      return { venue, evidence: snippet(doc, from < label.line.end ? label.line : line) };
    }
  }
  if (startSentence) {
    spend(startSentence.end - startSentence.start);
    const place = PLACE.exec(doc.folded.slice(startSentence.start, startSentence.end));
    if (place) {
      const from = startSentence.start + place.index + place[0].length;
      const venue = clean(doc.text.slice(from, startSentence.end).split(/[.;]\s|[.;]$/)[0] ?? '');
      if (venue)
        return { venue, evidence: snippetAround(doc, startSentence, { start: from, end: from + venue.length }) };
    }
  }
  const point = provincePoint(doc, { start: 0, end: doc.text.length });
  return point ? { venue: point.venue, evidence: snippet(doc, point.line) } : { venue: null };
}
