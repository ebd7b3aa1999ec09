import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, findDateTimes, readDateTime, toVnInstant, withYear } from '../../../server/invitation/datetime';

const pad = (n: number): string => String(n).padStart(2, '0');

describe('date-time reader: the forms documents use', () => {
  const cases: [string, { date: [number | null, number, number] | null; time: [number, number] | null }][] = [
    ['08h00, ngày 06/3/2022', { date: [2022, 3, 6], time: [8, 0] }],
    ['07h30, ngày 30 tháng 9 năm 2021', { date: [2021, 9, 30], time: [7, 30] }],
    ['08 giờ 00 phút, thứ Hai, ngày 13/01/2025', { date: [2025, 1, 13], time: [8, 0] }],
    ['16h, ngày 29/9/2021', { date: [2021, 9, 29], time: [16, 0] }],
    ['lúc 9h30 ngày 12/3/2024', { date: [2024, 3, 12], time: [9, 30] }],
    ['trước 16 giờ ngày 28/9/2021', { date: [2021, 9, 28], time: [16, 0] }],
    ['buổi sáng ngày 13/10/2023', { date: [2023, 10, 13], time: null }],
    ['14 giờ 30', { date: null, time: [14, 30] }],
    ['ngày 13/01/2025 (thứ Hai), bắt đầu từ 8 giờ', { date: [2025, 1, 13], time: [8, 0] }],
    ['ngày 06/3/2022, lúc 14:00', { date: [2022, 3, 6], time: [14, 0] }],
    ['2 giờ chiều ngày 05/6/2023', { date: [2023, 6, 5], time: [14, 0] }],
    ['8 giờ tối, ngày 05-06-2023', { date: [2023, 6, 5], time: [20, 0] }],
    ['15h00’ ngày 05.3.2022', { date: [2022, 3, 5], time: [15, 0] }],
    ['lúc 14h00 ngày 24/11 (thứ Hai)', { date: [null, 11, 24], time: [14, 0] }],
    ['8g30 Chủ nhật, ngày 6 tháng 3 năm 2022', { date: [2022, 3, 6], time: [8, 30] }],
    // Counterexamples fast-check once found: bare minutes must not swallow the day of a date.
    ['0h 01/01/1990', { date: [1990, 1, 1], time: [0, 0] }],
    ['lúc 0 giờ 1 tháng 1 năm 1990', { date: [1990, 1, 1], time: [0, 0] }],
    ['8 giờ 30 ngày 1/1/2020', { date: [2020, 1, 1], time: [8, 30] }],
    // Tone-mark typos and no diacritics at all.
    ['8 gìơ 30 phut ngay 6/3/2022', { date: [2022, 3, 6], time: [8, 30] }],
  ];
  for (const [text, want] of cases) {
    it(`reads "${text}"`, () => {
      const m = readDateTime(text);
      expect(m).not.toBeNull();
      expect(m?.date ? [m.date.year, m.date.month, m.date.day] : null).toEqual(want.date);
      expect(m?.time ? [m.time.hour, m.time.minute] : null).toEqual(want.time);
    });
  }

  it('reads a range as a start and an end', () => {
    const m = readDateTime('từ 15h30 đến 17h30 ngày 04/3/2022');
    expect(m?.time).toEqual({ hour: 15, minute: 30 });
    expect(m?.endTime).toEqual({ hour: 17, minute: 30 });
    expect(m?.date).toEqual({ year: 2022, month: 3, day: 4 });
  });

  it('tells "tối" (evening) from "tới" (until)', () => {
    expect(readDateTime('từ 8h tới 10h ngày 1/2/2024')?.time).toEqual({ hour: 8, minute: 0 });
    expect(readDateTime('8h tối ngày 1/2/2024')?.time).toEqual({ hour: 20, minute: 0 });
  });

  it('gives a part of day with a date that has no hour', () => {
    expect(readDateTime('Dự kiến buổi sáng ngày 13/10/2023.')?.dayPart).toBe('morning');
    expect(readDateTime('chiều ngày 13/10/2023')?.dayPart).toBe('afternoon');
    // "sang" without its accent is "to move": "chuyển sang ngày" is no morning.
    expect(readDateTime('chuyển sang ngày 14/10/2023')?.dayPart).toBeNull();
  });

  it('gives each time to the date after it, not to the date before', () => {
    const found = findDateTimes('ngày 05/3/2022, 08h00 ngày 06/3/2022');
    expect(found.map((m) => [m.date?.day ?? null, m.time?.hour ?? null])).toEqual([
      [5, null],
      [6, 8],
    ]);
  });

  it('ignores what is not a date or a time', () => {
    const noise = [
      'Công văn số 8059/VPCP-QHĐP',
      '1050-QĐ/TU',
      '9 tháng đầu năm',
      'khoảng 15-20 phút',
      '10 học sinh',
      '3 gia đình',
      'Ngày Quốc tế Phụ nữ (08/3)',
      '31/02/2024',
      '25h00 ngày 30/13/2024',
      'trong 24h',
    ];
    for (const text of noise) {
      expect({ text, found: findDateTimes(text).filter((m) => m.date !== null || m.time !== null) }).toEqual({
        text,
        found: [],
      });
    }
  });

  it('reports offsets into the NFC text', () => {
    const text = 'Thời gian: 08h00, ngày 06/3/2022.';
    const m = readDateTime(text.normalize('NFD'));
    expect(m?.text).toBe('08h00, ngày 06/3/2022');
    expect(text.slice(m?.index, m?.end)).toBe(m?.text);
  });

  it('completes dates and turns them into +07:00 instants', () => {
    expect(withYear({ year: null, month: 2, day: 29 }, 2023)).toBeNull();
    expect(withYear({ year: null, month: 2, day: 29 }, 2024)).toEqual({ year: 2024, month: 2, day: 29 });
    expect(addDays({ year: 2025, month: 3, day: 1 }, -1)).toEqual({ year: 2025, month: 2, day: 28 });
    expect(toVnInstant({ year: 2022, month: 3, day: 6 }, { hour: 8, minute: 0 })).toBe('2022-03-06T08:00:00+07:00');
    expect(Date.parse('2022-03-06T08:00:00+07:00')).toBe(Date.UTC(2022, 2, 6, 1, 0));
  });
});

// ---- properties ---------------------------------------------------------------------------------

interface Value {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const value = fc
  .record({
    year: fc.integer({ min: 1990, max: 2100 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
  })
  .filter((v) => v.day <= new Date(Date.UTC(v.year, v.month, 0)).getUTCDate());

const WEEKDAYS = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];
const weekday = (v: Value): string => WEEKDAYS[new Date(Date.UTC(v.year, v.month - 1, v.day)).getUTCDay()] as string;

/** Every date form the reader claims, each with its "ngày" when the form has one. */
const DATE_FORMS: ((v: Value) => string)[] = [
  (v) => `ngày ${v.day}/${v.month}/${v.year}`,
  (v) => `ngày ${pad(v.day)}/${pad(v.month)}/${v.year}`,
  (v) => `${pad(v.day)}/${pad(v.month)}/${v.year}`,
  (v) => `ngày ${pad(v.day)}-${pad(v.month)}-${v.year}`,
  (v) => `ngày ${pad(v.day)}.${pad(v.month)}.${v.year}`,
  (v) => `ngày ${v.day} tháng ${v.month} năm ${v.year}`,
  (v) => `ngày ${pad(v.day)} tháng ${pad(v.month)} năm ${v.year}`,
  (v) => `${v.day} tháng ${v.month} năm ${v.year}`,
];

/** Every time form; null when the form cannot write this value ("8h" has no minutes). */
const TIME_FORMS: ((v: Value) => string | null)[] = [
  (v) => `${pad(v.hour)}h${pad(v.minute)}`,
  (v) => `${v.hour}h${pad(v.minute)}`,
  (v) => (v.minute === 0 ? `${v.hour}h` : null),
  (v) => `${pad(v.hour)} giờ ${pad(v.minute)} phút`,
  (v) => `${v.hour} giờ ${pad(v.minute)}`,
  (v) => (v.minute === 0 ? `${v.hour} giờ` : null),
  (v) => `${pad(v.hour)}:${pad(v.minute)}`,
  (v) => `${v.hour}g${pad(v.minute)}`,
  (v) => `${pad(v.hour)}h${pad(v.minute)}'`,
  (v) => (v.hour >= 13 ? `${v.hour - 12} giờ ${pad(v.minute)} chiều` : null),
  (v) => (v.hour >= 18 ? `${v.hour - 12}h${pad(v.minute)} tối` : null),
  (v) => (v.hour < 12 ? `${v.hour} giờ ${pad(v.minute)} sáng` : null),
];

const JOINED_FORMS: ((t: string, d: string, v: Value) => string)[] = [
  (t, d) => `${t}, ${d}`,
  (t, d) => `${t} ${d}`,
  (t, d, v) => `${t}, ${weekday(v)}, ${d}`,
  (t, d, v) => `${t} (${weekday(v)}) ${d}`,
  (t, d) => `lúc ${t} ${d}`,
  (t, d) => `${d}, lúc ${t}`,
  (t, d, v) => `${d} (${weekday(v)}), bắt đầu từ ${t}`,
  (t, d) => `${d}, ${t}`,
];

const PREFIXES = ['', 'Thời gian: ', 'Hội nghị bắt đầu ', '(dự kiến vào ', '1. Thời gian : '];
const SUFFIXES = ['', '.', ').', ' (Chủ nhật).', ', tại Hội trường tỉnh.', ';\n2. Địa điểm:'];

const form = <T>(list: T[]): fc.Arbitrary<T> => fc.integer({ min: 0, max: list.length - 1 }).map((i) => list[i] as T);

describe('date-time reader: properties', () => {
  it('round-trips every joined date-time form, in context', () => {
    fc.assert(
      fc.property(
        value,
        form(DATE_FORMS),
        form(TIME_FORMS),
        form(JOINED_FORMS),
        form(PREFIXES),
        form(SUFFIXES),
        (v, df, tf, jf, pre, post) => {
          const t = tf(v);
          fc.pre(t !== null);
          const text = pre + jf(t as string, df(v), v) + post;
          const m = readDateTime(text);
          expect({ text, date: m?.date, time: m?.time }).toEqual({
            text,
            date: { year: v.year, month: v.month, day: v.day },
            time: { hour: v.hour, minute: v.minute },
          });
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('round-trips every date form alone', () => {
    fc.assert(
      fc.property(value, form(DATE_FORMS), form(PREFIXES), (v, df, pre) => {
        const m = readDateTime(pre + df(v));
        expect(m?.date).toEqual({ year: v.year, month: v.month, day: v.day });
        expect(m?.time).toBeNull();
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips every time form alone', () => {
    fc.assert(
      fc.property(value, form(TIME_FORMS), form(PREFIXES), (v, tf, pre) => {
        const t = tf(v);
        fc.pre(t !== null);
        const m = readDateTime(`${pre}${t}.`);
        expect({ t, time: m?.time, date: m?.date }).toEqual({
          t,
          time: { hour: v.hour, minute: v.minute },
          date: null,
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips ranges and year-less dates', () => {
    fc.assert(
      fc.property(value, value, form(TIME_FORMS), (v, w, tf) => {
        const a = tf(v);
        const b = tf(w);
        fc.pre(a !== null && b !== null);
        const m = readDateTime(`từ ${a} đến ${b} ngày ${v.day}/${v.month}`);
        expect(m?.time).toEqual({ hour: v.hour, minute: v.minute });
        expect(m?.endTime).toEqual({ hour: w.hour, minute: w.minute });
        expect(m?.date).toEqual({ year: null, month: v.month, day: v.day });
      }),
      { numRuns: 1000 },
    );
  });

  const WORDS = [
    'ngày',
    'tháng',
    'năm',
    'giờ',
    'gio',
    'h',
    'g',
    'phút',
    "'",
    ':',
    '/',
    '-',
    '.',
    ',',
    ' ',
    ' ',
    '(',
    ')',
    '0',
    '08',
    '8',
    '13',
    '24',
    '29',
    '30',
    '31',
    '99',
    '2021',
    '2025',
    '12345',
    'sáng',
    'chiều',
    'tối',
    'tới',
    'đến',
    'thứ Hai',
    'Chủ nhật',
    'lúc',
    'từ',
    'buổi',
    '\n',
    'điểm cầu',
    '\u0301',
    '\u00a0',
  ];
  const docLike = fc.array(fc.constantFrom(...WORDS), { maxLength: 40 }).map((w) => w.join(''));

  it('never throws, and every match is well-formed', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 120 }), docLike), (text) => {
        const nfc = text.normalize('NFC');
        let last = -1;
        for (const m of findDateTimes(text)) {
          expect(m.index).toBeGreaterThanOrEqual(last);
          expect(m.end).toBeGreaterThan(m.index);
          expect(nfc.slice(m.index, m.end)).toBe(m.text);
          last = m.end;
          const d = m.date;
          expect(d === null || (d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= 31)).toBe(true);
          const times = [m.time, m.endTime].filter((t) => t !== null);
          expect(times.every((t) => t.hour >= 0 && t.hour <= 23 && t.minute >= 0 && t.minute <= 59)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
