// Text of a .docx: the runs of word/document.xml, one line per paragraph. Tables, text boxes and
// fields' shown results are paragraphs too; deleted revisions (w:delText) and field codes
// (w:instrText) are not text and are skipped.
//
// The XML is read by a scanner that moves forward only, never a regular expression over the whole
// part: `<w:p(?:\s[^>]*)?\/>` retried its `[^>]*` from every "<w:p " of a part that never closes
// its tags, so a 592-byte .docx (one paragraph, then "<w:p " repeated) took 10 s (issue 18).
import { spend } from '../parsing/work';
import { readZipEntry, ZipError, type ZipLimits, DEFAULT_ZIP_LIMITS } from './zip';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

// Bounded repetitions: no entity is longer, and a run of "&aaaa…" is then read once.
const ENTITY = /&(#x[0-9a-fA-F]{1,8}|#\d{1,10}|[a-z]{1,8});/g;

export function decodeXmlEntities(s: string): string {
  if (!s.includes('&')) return s;
  spend(s.length);
  return s.replace(ENTITY, (whole, e: string) => {
    if (e.startsWith('#x')) return safeCodePoint(parseInt(e.slice(2), 16), whole);
    if (e.startsWith('#')) return safeCodePoint(parseInt(e.slice(1), 10), whole);
    return ENTITIES[e] ?? whole;
  });
}

function safeCodePoint(n: number, fallback: string): string {
  return Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : fallback;
}

/** The element name of the tag at `lt` ("w:p", "/w:p", "w:t"…): up to a space, "/" or ">". */
function tagName(xml: string, lt: number, gt: number): string {
  let end = lt + 1;
  if (xml.charCodeAt(end) === 47) end++; // the "/" of a closing tag
  while (end < gt) {
    const c = xml.charCodeAt(end);
    if (c === 47 || c === 62 || c === 32 || c === 9 || c === 10 || c === 13) break;
    end++;
  }
  return xml.slice(lt + 1, end);
}

/**
 * Paragraph text of a WordprocessingML document part. Every character is visited a bounded number of
 * times: the scan goes from one "<" to the next ">" and on; when no ">" is left, nothing after can
 * be a tag, and the scan stops instead of looking again from each later "<".
 */
export function documentXmlToText(xml: string): string {
  const out: string[] = [];
  let at = 0;
  while (at < xml.length) {
    const lt = xml.indexOf('<', at);
    if (lt === -1) {
      spend(xml.length - at);
      break;
    }
    const gt = xml.indexOf('>', lt + 1);
    spend((gt === -1 ? xml.length : gt) - at + 1);
    if (gt === -1) break;
    const name = tagName(xml, lt, gt);
    const selfClosing = xml.charCodeAt(gt - 1) === 47;
    at = gt + 1;
    if (name === 'w:t' && !selfClosing) {
      // The run's text goes to the next tag, which must close it (as Word writes it).
      const next = xml.indexOf('<', at);
      const end = next === -1 ? xml.length : next;
      spend(end - at + 1);
      if (next !== -1 && xml.startsWith('</w:t>', next)) {
        out.push(decodeXmlEntities(xml.slice(at, end)));
        at = next + '</w:t>'.length;
      } else {
        at = end;
      }
    } else if (name === 'w:tab') {
      if (gt === lt + '<w:tab/>'.length - 1 && selfClosing) out.push('\t'); // not a tab stop (w:tabs)
    } else if (name === '/w:p') {
      if (gt === lt + '</w:p>'.length - 1) out.push('\n');
    } else if ((name === 'w:p' || name === 'w:br' || name === 'w:cr') && selfClosing) {
      out.push('\n'); // an empty paragraph, or a line break
    }
  }
  return out.join('');
}

/**
 * An invitation's document.xml is a few hundred kB: 16 MB holds far more than the 500,000 characters
 * the readers take, and a part of more than 1 MB inflated over 100 times is a zip bomb.
 */
export const DOCX_ZIP_LIMITS: ZipLimits = { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: 16 * 1024 * 1024 };

export function docxToText(docx: Buffer, limits: ZipLimits = DOCX_ZIP_LIMITS): string {
  const xml = readZipEntry(docx, 'word/document.xml', limits);
  if (!xml) throw new ZipError('no word/document.xml: not a Word document');
  return documentXmlToText(xml.toString('utf8'));
}
