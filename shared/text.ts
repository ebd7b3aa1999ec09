// The one rule for the human-readable text of the inventory — unit and point names, rooms, addresses,
// contact names and organizations, meeting titles — wherever it comes from (REST API, inventory file,
// point-list import) and on both ends. These strings reach the dashboard, spreadsheets, the PDF report
// and the logs: an invisible character makes two names that look the same differ ("Xã A" and "Xã A"
// with a zero-width space), a bidi override (U+202E) shows what follows it reversed, and control
// characters break CSV rows and log lines. So the text is NFC-normalised (the same name typed on two
// keyboards is one name), runs of spaces become one space, the ends are trimmed, and the characters
// below are refused with a reason that names the code point without echoing it.

/** `blank`: refused only for being empty or all spaces (an optional field takes that as absent). */
export type TextResult = { ok: true; text: string } | { ok: false; reason: string; reasonEn: string; blank: boolean };

/** Controls (C0, DEL, C1), format characters (bidi marks and isolates, zero-width, BOM…), line and
 * paragraph separators, and lone surrogates (text cut in the middle of a UTF-16 pair). */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/** Every space-like separator (space, no-break space, en/em spaces, ideographic space…). */
const SPACES = /\p{Zs}+/gu;

const BIDI = new Set([0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);

/** Names a technician can look up; the code point alone is always given. */
const NAMES: Record<number, string> = {
  0x00: 'NUL',
  0x09: 'tab',
  0x0a: 'xuống dòng, LF',
  0x0d: 'về đầu dòng, CR',
  0x1b: 'ESC',
  0x7f: 'DEL',
  0xad: 'gạch nối mềm',
  0x200b: 'khoảng trắng độ rộng 0',
  0x200c: 'ZWNJ',
  0x200d: 'ZWJ',
  0x200e: 'LRM',
  0x200f: 'RLM',
  0x202a: 'LRE',
  0x202b: 'RLE',
  0x202c: 'PDF',
  0x202d: 'LRO',
  0x202e: 'RLO, đảo chiều chữ',
  0x2066: 'LRI',
  0x2067: 'RLI',
  0x2068: 'FSI',
  0x2069: 'PDI',
  0xfeff: 'BOM',
};

/** `U+202E`: four hex digits at least, as Unicode writes it. */
export function codePointLabel(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

function kindOf(cp: number): string {
  if (cp >= 0xd800 && cp <= 0xdfff) return 'nửa cặp UTF-16 đứng lẻ';
  if (BIDI.has(cp)) return 'ký tự điều khiển hướng chữ';
  if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) return 'ký tự điều khiển';
  if (cp === 0x2028 || cp === 0x2029) return 'ký tự ngắt dòng';
  return 'ký tự vô hình';
}

/** The English of the names above that are Vietnamese. */
const NAMES_EN: Record<number, string> = {
  ...NAMES,
  0x0a: 'line feed, LF',
  0x0d: 'carriage return, CR',
  0xad: 'soft hyphen',
  0x200b: 'zero-width space',
  0x202e: 'RLO, reverses the text',
};

function kindOfEn(cp: number): string {
  if (cp >= 0xd800 && cp <= 0xdfff) return 'a lone UTF-16 surrogate';
  if (BIDI.has(cp)) return 'a text-direction control';
  if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) return 'a control character';
  if (cp === 0x2028 || cp === 0x2029) return 'a line separator';
  return 'an invisible character';
}

/** Why `raw` is refused, or its normalised form. */
export function cleanText(raw: string): TextResult {
  const bad = FORBIDDEN.exec(raw);
  if (bad) {
    const cp = bad[0].codePointAt(0) ?? 0;
    // Counted in characters (code points), as an editor's cursor moves, 1-based.
    const position = Array.from(raw.slice(0, bad.index)).length + 1;
    const name = NAMES[cp] ?? (cp >= 0xd800 && cp <= 0xdfff ? 'văn bản bị cắt hỏng' : undefined);
    const nameEn = NAMES_EN[cp] ?? (cp >= 0xd800 && cp <= 0xdfff ? 'text cut apart' : undefined);
    return {
      ok: false,
      blank: false,
      reason: `chứa ${kindOf(cp)} ${codePointLabel(cp)}${name ? ` (${name})` : ''} ở ký tự thứ ${position}: hãy xoá ký tự này`,
      reasonEn: `holds ${kindOfEn(cp)} ${codePointLabel(cp)}${nameEn ? ` (${nameEn})` : ''} at character ${position}: delete it`,
    };
  }
  const text = raw.normalize('NFC').replace(SPACES, ' ').replace(/^ | $/g, '');
  if (text === '') {
    return {
      ok: false,
      blank: true,
      reason: 'không được để trống hoặc chỉ có khoảng trắng',
      reasonEn: 'must not be empty or spaces only',
    };
  }
  return { ok: true, text };
}
