// Text clean-up shared by the invitation readers. Documents arrive as NFC or NFD (Word on macOS,
// some PDF exports), with non-breaking spaces, soft hyphens, Markdown emphasis from conversions and
// lines wrapped by pdftotext; every reader works on the one normal form made here.
import { spend } from '../parsing/work';

const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;
const SPACE_LIKE = /[\t\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;

/** NFC, "\n" line ends, single spaces, trimmed lines, at most one blank line in a row. */
export function normalizeText(raw: string): string {
  // Each step is one linear pass (no expression here can retry a run from every position).
  spend(raw.length * 8);
  return raw
    .normalize('NFC')
    .replace(/\r\n?|[\f\u2028\u2029]/g, '\n')
    .replace(INVISIBLE, '')
    .replace(SPACE_LIKE, ' ')
    .replace(/\*+/g, '')
    .split('\n')
    .map((line) => line.replace(/ {2,}/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const LIST_MARKER = /^(?:\d+(?:\.\d+)*|[IVXLC]+|[a-zđ])[.)]\s/;

/** Lines as long as this were most likely wrapped by the page, not broken by the author. */
const WRAPPED_WIDTH = 60;

/** What `continues` needs of the line being built, kept as it grows instead of re-read each time. */
interface Joined {
  parts: string[];
  length: number;
  last: string;
  hasLower: boolean;
}

const LOWER = /\p{Ll}/u;

function continues(prev: Joined, line: string): boolean {
  if (prev.length === 0 || line === '' || '.:;!?'.includes(prev.last) || LIST_MARKER.test(line)) return false;
  if (/^\p{Ll}/u.test(line) || /^\d/.test(line)) return true;
  // "…gửi về\nSở Khoa học…": a capital after a full-width line, unless either is an all-caps heading.
  return prev.length >= WRAPPED_WIDTH && /^\p{Lu}/u.test(line) && LOWER.test(line) && prev.hasLower;
}

/**
 * Joins the lines of a sentence that the page (pdftotext, a narrow .txt) wrapped. Linear: the joined
 * line is kept as parts with its length, last character and whether it has a lower-case letter, so a
 * document of many short wrapped lines is not re-scanned (and re-concatenated) once per line.
 */
export function unwrapLines(text: string): string {
  const out: string[] = [];
  let cur: Joined | null = null;
  for (const line of text.split('\n')) {
    spend(line.length + 1);
    if (cur && continues(cur, line)) {
      cur.parts.push(' ', line);
      cur.length += line.length + 1;
      cur.last = line.charAt(line.length - 1);
      cur.hasLower ||= LOWER.test(line);
      continue;
    }
    if (cur) out.push(cur.parts.join(''));
    cur = { parts: [line], length: line.length, last: line.charAt(line.length - 1), hasLower: LOWER.test(line) };
  }
  if (cur) out.push(cur.parts.join(''));
  return out.join('\n');
}

const foldCache = new Map<string, string>();

function foldUnit(c: string): string {
  let f = foldCache.get(c);
  if (f === undefined) {
    const stripped = c.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();
    // One code unit in, one out, so indices into the folded text are indices into the original.
    f = stripped.length === 1 ? stripped : c;
    foldCache.set(c, f);
  }
  return f;
}

/**
 * Lower case without diacritics ("Điểm cầu" → "diem cau"), same length as the input so a match in
 * the folded text slices the original. Readers match on it to survive tone-mark typos and
 * documents typed without diacritics.
 */
export function fold(text: string): string {
  spend(text.length);
  let out = '';
  for (let i = 0; i < text.length; i++) out += foldUnit(text[i] as string);
  return out;
}

const CLAUSE_EDGE = new Set([',', ';', ':', '.', '-', '–', '—']);
const isClauseEdge = (c: string): boolean => CLAUSE_EDGE.has(c) || /\s/.test(c);

/**
 * Trims spaces and the separators a clause leaves behind at either end. A loop, not
 * `/[…]+$/`: that expression retries the whole run from every position of a long run of separators
 * in the middle of the text ("a - - - - … b"), quadratic in the run.
 */
export function trimClause(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isClauseEdge(s.charAt(start))) start++;
  while (end > start && isClauseEdge(s.charAt(end - 1))) end--;
  spend(start + (s.length - end) + 1);
  return s.slice(start, end);
}

/** `s` without the characters of `chars` (and white space) at its end; linear, see trimClause. */
export function trimEndOf(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && (chars.includes(s.charAt(end - 1)) || /\s/.test(s.charAt(end - 1)))) end--;
  spend(s.length - end + 1);
  return s.slice(0, end);
}
