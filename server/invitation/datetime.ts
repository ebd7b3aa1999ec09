// Reads the dates and times Vietnamese administrative documents write, in any combination:
//
//   dates  06/3/2022 · 06/03/2022 · 06-03-2022 · 06.03.2022 · ngày 30 tháng 9 năm 2021 ·
//          30 tháng 9 năm 2021 · ngày 05/3 and ngày 5 tháng 3 (no year: year is null)
//   times  08h00 · 8h · 16h · 9h30 · 8g30 · 15h00' · 08 giờ 00 phút · 14 giờ 30 · 8 giờ · 14:30,
//          optionally followed by sáng / trưa / chiều / tối / đêm ("2 giờ chiều" is 14:00)
//   joined "08h00, ngày 06/3/2022" · "08 giờ 00 phút, thứ Hai, ngày 13/01/2025" ·
//          "9h30 ngày …" · "ngày 06/3/2022, lúc 08h00" · "ngày 13/01/2025 (thứ Hai), bắt đầu từ 8 giờ" ·
//          "từ 15h30 đến 17h30 ngày 04/3/2022" (a range: time and endTime) ·
//          "buổi sáng ngày 13/10/2023" (a date with a part of day, no time)
//
// Matching runs on folded text (no diacritics), so "ngay", "gio" and tone-mark typos read too;
// parts of day are read from the original, where "tối" (evening) and "tới" (until) differ.
import { spend } from '../parsing/work';
import { fold } from './text';

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** A date as written: the year is null when the text leaves it out ("ngày 05/3"). */
export interface WrittenDate {
  year: number | null;
  month: number;
  day: number;
}

export interface ClockTime {
  hour: number;
  minute: number;
}

export type DayPart = 'morning' | 'noon' | 'afternoon' | 'evening';

export interface DateTimeMatch {
  /** Offsets into the NFC form of the input (the same string when the input is NFC already). */
  index: number;
  end: number;
  text: string;
  date: WrittenDate | null;
  time: ClockTime | null;
  /** End of a range ("từ 15h30 đến 17h30"). */
  endTime: ClockTime | null;
  dayPart: DayPart | null;
}

interface Token {
  kind: 'date' | 'time';
  index: number;
  end: number;
  date?: WrittenDate;
  time?: ClockTime;
  dayPart?: DayPart;
}

const NUMERIC_DATE = /(?<![\d/.-])(\d{1,2})(\s?\/\s?|-|\.)(\d{1,2})\2(\d{4})(?!\d)/g;
const WORD_DATE = /(?<![a-z\d])(ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})(?:\s*,?\s*nam\s+(\d{4}))?(?!\d)/g;
const SHORT_DATE = /(?<![a-z\d])ngay\s+(\d{1,2})\s?\/\s?(\d{1,2})(?![\d/])/g;
// Minutes after a space ("8 giờ 30") must not be the day of a date ("8h 01/01/2025", "0 giờ 1 tháng 1").
const UNIT_TIME =
  /(?<![\d.,:/])(\d{1,2})\s?(?:gio|h|g)(?:(?:(\d{1,2})|\s(\d{1,2})(?!\d|\s?[/.-]\s?\d|\s+thang(?![a-z])))(?!\d)\s?(?:phut(?![a-z])|p(?![a-z])|'|’)?)?(?![a-z\d])/g;
const COLON_TIME = /(?<![\d:.,/])(\d{1,2}):(\d{2})(?![\d:])/g;

const DAY_PART_AFTER = /^\s?(sáng|trưa|chiều|tối|đêm)(?!\p{L})/u;
const DAY_PART_BEFORE = /(?:^|[^\p{L}])(?:buổi\s+)?(sáng|trưa|chiều|tối)\s*,?\s*$/u;
const DAY_PARTS: Record<string, DayPart> = {
  sáng: 'morning',
  trưa: 'noon',
  chiều: 'afternoon',
  tối: 'evening',
  đêm: 'evening',
};

const SEP = String.raw`[\s,;:()\-–]*`;
const WEEKDAY = String.raw`(?:thu\s*(?:hai|ba|tu|nam|sau|bay|[2-7])|chu\s*nhat)`;
const PART = String.raw`(?:(?:buoi\s+)?(?:sang|trua|chieu|toi)${SEP})`;
const LEAD = String.raw`(?:(?:vao|bat dau|tu|luc|hoi|khai mac)\s*)*`;
const GAP_TIME_DATE = new RegExp(`^${SEP}${PART}?(?:${WEEKDAY}${SEP})?(?:ngay\\s*)?$`);
const GAP_DATE_TIME = new RegExp(`^${SEP}(?:${WEEKDAY}${SEP})?${LEAD}${PART}?${LEAD}$`);
const GAP_RANGE = /^\s*(?:den|toi|-|–|—)\s*$/;
/**
 * Longest text between two tokens that can join them: the longest real one ("…, thứ Hai, ngày",
 * "(thứ Hai), bắt đầu từ lúc") is under 40. GAP_DATE_TIME has two runs of LEAD words around an
 * optional part of day, which a long run of "từ từ từ …" can split in quadratically many ways; the
 * bound keeps each test constant, so joining is linear in the number of tokens.
 */
const MAX_GAP = 80;

// The token expressions are run once over the whole text. Each has only bounded quantifiers except
// white-space runs (\s+, \s*) that a digit or a word must follow, and a run is retried only from the
// few positions that can start a token before it: linear in the text.

export function isValidDate(year: number, month: number, day: number): boolean {
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function writtenDate(day: string, month: string, year: string | undefined): WrittenDate | null {
  const d = Number(day);
  const m = Number(month);
  const y = year === undefined ? null : Number(year);
  // A year-less date is checked against a leap year so 29/02 is still readable.
  return isValidDate(y ?? 2024, m, d) ? { year: y, month: m, day: d } : null;
}

function clockTime(hour: string, minute: string | undefined): ClockTime | null {
  const h = Number(hour);
  const m = minute === undefined ? 0 : Number(minute);
  return h <= 23 && m <= 59 ? { hour: h, minute: m } : null;
}

function applyDayPart(t: ClockTime, part: DayPart): ClockTime {
  const h = t.hour;
  const pm = (part === 'afternoon' && h >= 1 && h < 12) || (part === 'evening' && h >= 6 && h < 12);
  return pm || (part === 'noon' && h < 3) ? { hour: h + 12, minute: t.minute } : t;
}

function dateTokens(s: string, f: string): Token[] {
  const out: Token[] = [];
  const push = (index: number, end: number, date: WrittenDate | null): void => {
    if (!date) return;
    // Include a leading "ngày " so the match reads as the document wrote it.
    const lead = /ngay\s*$/.exec(f.slice(Math.max(0, index - 6), index));
    const start = lead ? index - lead[0].length : index;
    const before = DAY_PART_BEFORE.exec(s.slice(Math.max(0, start - 16), start));
    const token: Token = { kind: 'date', index: start, end, date };
    if (before?.[1]) token.dayPart = DAY_PARTS[before[1]] as DayPart;
    out.push(token);
  };
  for (const m of f.matchAll(NUMERIC_DATE)) {
    push(m.index, m.index + m[0].length, writtenDate(m[1] as string, m[3] as string, m[4]));
  }
  for (const m of f.matchAll(WORD_DATE)) {
    if (m[1] === undefined && m[4] === undefined) continue; // "3 tháng 2" alone is a duration, not a date
    push(m.index, m.index + m[0].length, writtenDate(m[2] as string, m[3] as string, m[4]));
  }
  for (const m of f.matchAll(SHORT_DATE)) {
    push(m.index, m.index + m[0].length, writtenDate(m[1] as string, m[2] as string, undefined));
  }
  return out;
}

function timeTokens(s: string, f: string): Token[] {
  const out: Token[] = [];
  for (const re of [UNIT_TIME, COLON_TIME]) {
    for (const m of f.matchAll(re)) {
      let time = clockTime(m[1] as string, m[2] ?? m[3]);
      if (!time) continue;
      let end = m.index + m[0].length;
      const after = DAY_PART_AFTER.exec(s.slice(end, end + 8));
      if (after?.[1]) {
        time = applyDayPart(time, DAY_PARTS[after[1]] as DayPart);
        end += after[0].length;
      }
      out.push({ kind: 'time', index: m.index, end, time });
    }
  }
  return out;
}

/** Tokens sorted by position, dropping any that overlaps an earlier, longer one. */
function tokenize(s: string, f: string): Token[] {
  const all = [...dateTokens(s, f), ...timeTokens(s, f)].sort(
    (a, b) => a.index - b.index || b.end - b.index - (a.end - a.index),
  );
  const out: Token[] = [];
  for (const t of all) {
    const last = out[out.length - 1];
    if (!last || t.index >= last.end) out.push(t);
  }
  return out;
}

/** Every date, time and date-time in `text`, in reading order, each joined with its partner. */
export function findDateTimes(text: string): DateTimeMatch[] {
  const s = text.normalize('NFC');
  const f = fold(s);
  const tokens = tokenize(s, f);
  spend(f.length * 6 + tokens.length);
  /** Whether the text between `a` and `b` is one that joins them. */
  const joins = (re: RegExp, a: Token, b: Token | undefined): boolean =>
    b !== undefined && b.index - a.end <= MAX_GAP && re.test(f.slice(a.end, b.index));
  const out: DateTimeMatch[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const first = tokens[i] as Token;
    let last = first;
    let time: ClockTime | null = first.time ?? null;
    let endTime: ClockTime | null = null;
    let date: WrittenDate | null = first.date ?? null;
    let dayPart: DayPart | null = first.dayPart ?? null;
    if (first.kind === 'time') {
      const next = tokens[i + 1];
      if (next?.kind === 'time' && joins(GAP_RANGE, first, next)) {
        endTime = next.time ?? null;
        last = next;
        i++;
      }
      const d = tokens[i + 1];
      if (d?.kind === 'date' && joins(GAP_TIME_DATE, last, d)) {
        date = d.date ?? null;
        dayPart = d.dayPart ?? null;
        last = d;
        i++;
      }
    } else {
      const t = tokens[i + 1];
      const after = tokens[i + 2];
      // "ngày 05/3/2022, 08h00 ngày 06/3/2022": the time belongs to the date that follows it.
      const timeTakenByNext = after?.kind === 'date' && t !== undefined && joins(GAP_TIME_DATE, t, after);
      if (t?.kind === 'time' && !timeTakenByNext && joins(GAP_DATE_TIME, first, t)) {
        time = t.time ?? null;
        last = t;
        i++;
        const r = tokens[i + 1];
        if (r?.kind === 'time' && joins(GAP_RANGE, last, r)) {
          endTime = r.time ?? null;
          last = r;
          i++;
        }
      }
    }
    out.push({ index: first.index, end: last.end, text: s.slice(first.index, last.end), date, time, endTime, dayPart });
  }
  return out;
}

/** The first date, time or date-time in `text`, or null. Never throws. */
export function readDateTime(text: string): DateTimeMatch | null {
  return findDateTimes(text)[0] ?? null;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `2022-03-06` */
export function toIsoDate(d: CalendarDate): string {
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

/** `2022-03-06T08:00:00+07:00`: documents give Vietnamese wall-clock time. */
export function toVnInstant(d: CalendarDate, t: ClockTime): string {
  return `${toIsoDate(d)}T${pad(t.hour)}:${pad(t.minute)}:00+07:00`;
}

export function addDays(d: CalendarDate, days: number): CalendarDate {
  const x = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: x.getUTCFullYear(), month: x.getUTCMonth() + 1, day: x.getUTCDate() };
}

/** Completes a written date with `year` when it has none. */
export function withYear(d: WrittenDate, year: number): CalendarDate | null {
  const y = d.year ?? year;
  return isValidDate(y, d.month, d.day) ? { year: y, month: d.month, day: d.day } : null;
}
