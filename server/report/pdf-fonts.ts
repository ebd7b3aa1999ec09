// The PDF embeds Liberation Serif 2 (Debian fonts-liberation2): Times New Roman's metrics, as an
// administrative document is set (Nghị định 30/2020/NĐ-CP, docs/REPORT.md DOC2), with full Vietnamese
// coverage, so every diacritic is drawn from the embedded font rather than the reader's. The older
// Liberation 1.07 (fonts-liberation) has no ơ, ư nor the letters of U+1EA0–1EF9: it would drop them,
// so a font without them is refused (VIETNAMESE_PROBE, checked in pdf-writer.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { words, type Words } from '../../shared/words';

export const FONT_DIR = '/usr/share/fonts/truetype/liberation2';
export const FONT_PACKAGE = 'fonts-liberation2';

/** Letters a font must have to set Vietnamese: ơ ư Ư and the stacked diacritics. */
export const VIETNAMESE_PROBE = 'ơưƯẠặễỗữỨỹĐ';

export interface PdfFonts {
  regular: string;
  bold: string;
  italic: string;
  boldItalic: string;
}

export class FontsMissingError extends Error {
  readonly status = 503;
  /** The message in Vietnamese and English (it crosses the worker pool with both). */
  readonly words: Words;
  constructor(file: string, what: Words = words('không có tệp', 'no file')) {
    const w = words(
      `Thiếu phông chữ Liberation Serif (thay cho Times New Roman) để lập báo cáo PDF: ${what.vi} ${file}. ` +
        `Cài gói ${FONT_PACKAGE}: sudo apt-get install -y ${FONT_PACKAGE}`,
      `The Liberation Serif fonts (for Times New Roman) needed for the PDF report are missing: ${what.en} ${file}. ` +
        `Install the ${FONT_PACKAGE} package: sudo apt-get install -y ${FONT_PACKAGE}`,
    );
    super(w.vi);
    this.words = w;
    this.name = 'FontsMissingError';
  }
}

/** The four faces; refuses (FontsMissingError) rather than fall back to another typeface. */
export function pdfFonts(dir = process.env.DIEMCAU_FONT_DIR ?? FONT_DIR): PdfFonts {
  const fonts: PdfFonts = {
    regular: join(dir, 'LiberationSerif-Regular.ttf'),
    bold: join(dir, 'LiberationSerif-Bold.ttf'),
    italic: join(dir, 'LiberationSerif-Italic.ttf'),
    boldItalic: join(dir, 'LiberationSerif-BoldItalic.ttf'),
  };
  for (const f of Object.values(fonts)) if (!existsSync(f)) throw new FontsMissingError(f);
  return fonts;
}
