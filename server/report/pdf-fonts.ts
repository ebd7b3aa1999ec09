// The PDF embeds DejaVu Sans (Debian fonts-dejavu-core): full Vietnamese coverage, so every diacritic
// is drawn from the embedded font rather than whatever the reader has.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const FONT_DIR = '/usr/share/fonts/truetype/dejavu';

export interface PdfFonts {
  regular: string;
  bold: string;
  /** Falls back to the regular face when the oblique file is absent. */
  italic: string;
}

export class FontsMissingError extends Error {
  readonly status = 503;
  constructor(file: string) {
    super(`Thiếu phông chữ cho PDF: ${file} (cài gói fonts-dejavu-core)`);
    this.name = 'FontsMissingError';
  }
}

export function pdfFonts(dir = process.env.DIEMCAU_FONT_DIR ?? FONT_DIR): PdfFonts {
  const regular = join(dir, 'DejaVuSans.ttf');
  const bold = join(dir, 'DejaVuSans-Bold.ttf');
  const oblique = join(dir, 'DejaVuSans-Oblique.ttf');
  for (const f of [regular, bold]) if (!existsSync(f)) throw new FontsMissingError(f);
  return { regular, bold, italic: existsSync(oblique) ? oblique : regular };
}
