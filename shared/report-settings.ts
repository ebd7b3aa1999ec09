// Who issues the post-meeting report, as an administrative document (docs/REPORT.md, DOC rules): the
// organisation and its superior body, the document number pattern, the place, the signers and the
// recipients ("Nơi nhận"). One schema for the config file's `report:` section, the admin page's body
// and the stored row; the types are inferred from it.
import { z } from 'zod';
import { cleanText } from './text';

/** One line of text: normalised by shared/text.ts, at most `max` characters. */
function Line(max: number) {
  return z.string().transform((raw, ctx) => {
    const r = cleanText(raw);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.reason });
      return z.NEVER;
    }
    if (r.text.includes('\n')) {
      ctx.addIssue({ code: 'custom', message: 'một dòng, không xuống dòng' });
      return z.NEVER;
    }
    if (r.text.length > max) {
      ctx.addIssue({ code: 'custom', message: `dài ${r.text.length} ký tự, tối đa ${max}` });
      return z.NEVER;
    }
    return r.text;
  });
}

/** Empty or absent means "not set" (null): the PDF leaves a dotted line to fill in by hand. */
function OptionalLine(max: number) {
  return z
    .union([z.null(), z.string()])
    .optional()
    .transform((raw, ctx) => {
      if (raw == null || raw.trim() === '') return null;
      const r = Line(max).safeParse(raw);
      if (!r.success) {
        for (const i of r.error.issues) ctx.addIssue({ code: 'custom', message: i.message });
        return z.NEVER;
      }
      return r.data;
    });
}

export const SEQ = '{seq}';
export const YEAR = '{year}';

/**
 * `{seq}/BC-TTCNTT`: `{seq}` (once) is the number the clerk gives at issue, `{year}` the year of the
 * date line; nothing else in braces.
 */
export const NumberPattern = Line(60).superRefine((p, ctx) => {
  const seqs = p.split(SEQ).length - 1;
  if (seqs !== 1) ctx.addIssue({ code: 'custom', message: `cần đúng một ${SEQ} (số văn bản), ví dụ {seq}/BC-TTCNTT` });
  const other = p.replaceAll(SEQ, '').replaceAll(YEAR, '');
  if (/[{}]/.test(other)) ctx.addIssue({ code: 'custom', message: `chỉ dùng ${SEQ} và ${YEAR} trong ngoặc nhọn` });
});

export const Signer = z.strictObject({
  /** Who signs on whose behalf, above the title: "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN" (optional). */
  authority: OptionalLine(80),
  /** The position: "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "NGƯỜI LẬP BÁO CÁO". */
  title: Line(80),
  /** Empty: a blank line for the name written by hand. */
  name: OptionalLine(80),
});
export type Signer = z.infer<typeof Signer>;

export const ReportSettings = z.strictObject({
  /** The issuing organisation: "Trung tâm Công báo - Tin học". */
  organization: OptionalLine(120),
  /** Its superior body, printed above it: "Văn phòng UBND tỉnh Hà Tĩnh". */
  superior: OptionalLine(120),
  numberPattern: NumberPattern.default('{seq}/BC'),
  /** The place of the date line: "Hà Tĩnh". */
  place: OptionalLine(60),
  /** The last signs bottom right beside "Nơi nhận"; up to two more sign in a row above. */
  signers: z.array(Signer).max(3, 'tối đa 3 người ký').default([]),
  recipients: z.array(Line(200)).max(20, 'tối đa 20 nơi nhận').default([]),
});
/** As written in the file or sent by the admin page (defaults may be left out). */
export type ReportSettingsInput = z.input<typeof ReportSettings>;
export type ReportSettings = z.infer<typeof ReportSettings>;

export const DEFAULT_REPORT_SETTINGS: ReportSettings = ReportSettings.parse({});

/** Where the settings in force come from: saved on the admin page, the config file, or neither. */
export const SETTINGS_SOURCES = ['saved', 'file', 'default'] as const;
export type ReportSettingsSource = (typeof SETTINGS_SOURCES)[number];

/** GET/PUT /api/report/settings. */
export interface ReportSettingsView {
  settings: ReportSettings;
  source: ReportSettingsSource;
  /** The config file's section (what a reset returns to), null when the file has none. */
  file: ReportSettings | null;
  updatedBy: string | null;
  updatedAt: string | null;
}

/** "Số: 15/BC-TTCNTT"; without a number, blanks for the clerk to write it in ("Số:      /BC-TTCNTT"). */
export function documentNumber(pattern: string, seq: number | null, year: number): string {
  const n = seq === null ? '\u00a0'.repeat(6) : seq < 10 ? `0${seq}` : String(seq);
  return pattern.replace(SEQ, n).replaceAll(YEAR, String(year));
}

/** "Hà Tĩnh, ngày 03 tháng 12 năm 2026": day with two digits, months 1 and 2 as 01, 02 (Nghị định 30/2020). */
export function placeAndDate(place: string | null, day: number, month: number, year: number): string {
  const d = String(day).padStart(2, '0');
  const m = month < 3 ? `0${month}` : String(month);
  return `${place ?? '……………'}, ngày ${d} tháng ${m} năm ${year}`;
}
