// Text of a .docx: the runs of word/document.xml, one line per paragraph. Tables, text boxes and
// fields' shown results are paragraphs too; deleted revisions (w:delText) and field codes
// (w:instrText) are not text and are skipped.
import { readZipEntry, ZipError, type ZipLimits, DEFAULT_ZIP_LIMITS } from './zip';

const TOKEN = /<w:p(?:\s[^>]*)?\/>|<\/w:p>|<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\/>|<w:(?:br|cr)\b[^>]*\/>/g;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXmlEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, e: string) => {
    if (e.startsWith('#x')) return safeCodePoint(parseInt(e.slice(2), 16), whole);
    if (e.startsWith('#')) return safeCodePoint(parseInt(e.slice(1), 10), whole);
    return ENTITIES[e] ?? whole;
  });
}

function safeCodePoint(n: number, fallback: string): string {
  return Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : fallback;
}

/** Paragraph text of a WordprocessingML document part. */
export function documentXmlToText(xml: string): string {
  let out = '';
  for (const m of xml.matchAll(TOKEN)) {
    const tag = m[0];
    if (m[1] !== undefined) out += decodeXmlEntities(m[1]);
    else if (tag === '<w:tab/>') out += '\t';
    else out += '\n'; // end of a paragraph, an empty paragraph, or a line break
  }
  return out;
}

export function docxToText(docx: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS): string {
  const xml = readZipEntry(docx, 'word/document.xml', limits);
  if (!xml) throw new ZipError('no word/document.xml: not a Word document');
  return documentXmlToText(xml.toString('utf8'));
}
