// Text clean-up shared by the invitation readers. Documents arrive as NFC or NFD (Word on macOS,
// some PDF exports), with non-breaking spaces, soft hyphens, Markdown emphasis from conversions and
// lines wrapped by pdftotext; every reader works on the one normal form made here.

const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;
const SPACE_LIKE = /[\t\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;

/** NFC, "\n" line ends, single spaces, trimmed lines, at most one blank line in a row. */
export function normalizeText(raw: string): string {
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

function continues(prev: string, line: string): boolean {
  if (prev === '' || line === '' || /[.:;!?]$/.test(prev) || LIST_MARKER.test(line)) return false;
  if (/^\p{Ll}/u.test(line) || /^\d/.test(line)) return true;
  // "…gửi về\nSở Khoa học…": a capital after a full-width line, unless either is an all-caps heading.
  return prev.length >= WRAPPED_WIDTH && /^\p{Lu}/u.test(line) && /\p{Ll}/u.test(line) && /\p{Ll}/u.test(prev);
}

/** Joins the lines of a sentence that the page (pdftotext, a narrow .txt) wrapped. */
export function unwrapLines(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const prev = out[out.length - 1];
    if (prev !== undefined && continues(prev, line)) out[out.length - 1] = `${prev} ${line}`;
    else out.push(line);
  }
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
  let out = '';
  for (let i = 0; i < text.length; i++) out += foldUnit(text[i] as string);
  return out;
}

/** Trims spaces and the separators a clause leaves behind at either end. */
export function trimClause(s: string): string {
  return s.replace(/^[\s,;:.\-–—]+/, '').replace(/[\s,;:.\-–—]+$/, '');
}
