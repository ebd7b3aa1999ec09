// Issue 18.5: one rule for the human-readable text of the inventory (shared/text.ts). The same table of
// bad strings goes through the three ways in — the REST API, the inventory file, the point-list import —
// and each is refused with the reason naming the character as U+XXXX, located as each way locates
// errors (the field in `fields`, file:line and path, the row number). Good Vietnamese names, NFD input
// included, are accepted and stored in NFC with single spaces.
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportFileError, previewImport, previewTable } from '../../../server/importer';
import { parseInventoryText } from '../../../server/config/load';
import { ValidationError } from '../../../server/errors';
import type { ImportPreview, PreviewRow } from '../../../shared/import';
import { cleanText } from '../../../shared/text';
import { api, meetingNow, point, startTestApp, tinyProvince, type TestApp } from '../../helpers/app';
import { openTestInventory, type TestInventory } from '../../unit/importer/province';

/** [what, the name, the reason expected]. */
const BAD: [string, string, RegExp][] = [
  ['NUL', 'Xã\u0000Đồng Lộc', /ký tự điều khiển U\+0000 \(NUL\) ở ký tự thứ 3/],
  ['ESC (a terminal colour)', 'Xã \u001b[31mĐồng Lộc', /ký tự điều khiển U\+001B \(ESC\)/],
  ['LF', 'Xã Đồng\nLộc', /ký tự điều khiển U\+000A/],
  ['CR', 'Xã Đồng\rLộc', /ký tự điều khiển U\+000D/],
  ['CRLF', 'Xã Đồng\r\nLộc', /ký tự điều khiển U\+000D/],
  ['tab', 'Xã\tĐồng Lộc', /ký tự điều khiển U\+0009/],
  ['DEL', 'Xã Đồng Lộc\u007f', /ký tự điều khiển U\+007F/],
  ['C1 NEL', 'Xã Đồng\u0085Lộc', /ký tự điều khiển U\+0085/],
  ['C1 CSI', 'Xã Đồng\u009bLộc', /ký tự điều khiển U\+009B/],
  ['RLO', 'Xã \u202Ecol gnoĐ', /ký tự điều khiển hướng chữ U\+202E/],
  ['LRE', 'Xã \u202ADồng Lộc', /hướng chữ U\+202A/],
  ['RLE', 'Xã \u202BĐồng Lộc', /hướng chữ U\+202B/],
  ['PDF', 'Xã Đồng Lộc\u202C', /hướng chữ U\+202C/],
  ['LRO', 'Xã \u202DĐồng Lộc', /hướng chữ U\+202D/],
  ['LRI', 'Xã \u2066Đồng Lộc', /hướng chữ U\+2066/],
  ['RLI', 'Xã \u2067Đồng Lộc', /hướng chữ U\+2067/],
  ['FSI', 'Xã \u2068Đồng Lộc', /hướng chữ U\+2068/],
  ['PDI', 'Xã Đồng Lộc\u2069', /hướng chữ U\+2069/],
  ['LRM', 'Xã\u200E Đồng Lộc', /hướng chữ U\+200E/],
  ['RLM', 'Xã\u200F Đồng Lộc', /hướng chữ U\+200F/],
  ['zero-width space', 'Xã Đồng\u200BLộc', /ký tự vô hình U\+200B/],
  ['ZWNJ', 'Xã Đồng\u200CLộc', /ký tự vô hình U\+200C/],
  ['ZWJ', 'Xã Đồng\u200DLộc', /ký tự vô hình U\+200D/],
  ['BOM', '\uFEFFXã Đồng Lộc', /ký tự vô hình U\+FEFF \(BOM\) ở ký tự thứ 1/],
  ['line separator', 'Xã Đồng\u2028Lộc', /ký tự ngắt dòng U\+2028/],
  ['lone high surrogate', 'Xã Đồng Lộc \uD83D', /nửa cặp UTF-16 đứng lẻ U\+D83D/],
  ['lone low surrogate', '\uDE00Xã Đồng Lộc', /nửa cặp UTF-16 đứng lẻ U\+DE00/],
  ['empty', '', /không được để trống/],
  ['only spaces', '   ', /không được để trống/],
  ['only no-break and ideographic spaces', '\u00a0\u3000 ', /không được để trống/],
];

/** [input, stored]: Vietnamese with every kind of diacritic, NFD input, stray and odd spaces. */
const GOOD: [string, string][] = [
  ['Điểm cầu Xã Đồng Lộc', 'Điểm cầu Xã Đồng Lộc'],
  ['Phường Bắc Hà – Hội trường tầng 2 (cũ)', 'Phường Bắc Hà – Hội trường tầng 2 (cũ)'],
  ['Thị trấn Nghèn, huyện Can Lộc', 'Thị trấn Nghèn, huyện Can Lộc'],
  ['Trạm y tế xã Thạch Kim', 'Trạm y tế xã Thạch Kim'],
  ['Ủy ban nhân dân xã Tùng Lộc'.normalize('NFD'), 'Ủy ban nhân dân xã Tùng Lộc'],
  ['Xã Hương Khê'.normalize('NFD'), 'Xã Hương Khê'],
  ['  Xã   Đồng\u00a0Lộc  ', 'Xã Đồng Lộc'],
];

/** A YAML double-quoted scalar with every non-ASCII or control unit escaped (\uXXXX), as a file may. */
const quoted = (s: string): string =>
  `"${[...Array(s.length).keys()]
    .map((i) => {
      const c = s.charCodeAt(i);
      if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) return s[i];
      return `\\u${c.toString(16).padStart(4, '0')}`;
    })
    .join('')}"`;

const file = (name: string): string =>
  [
    'units:',
    '  - { id: P, name: Tỉnh Thử, level: province }',
    '  - { id: D1, name: Huyện Một, level: district, parent: P }',
    'points:',
    '  - code: D1',
    `    name: ${name}`,
    '    level: district',
    '    unit: D1',
    '    targets:',
    '      - { kind: icmp, host: 127.0.0.2 }',
  ].join('\n');

const HEADER = ['Tên điểm cầu', 'Xã/Phường', 'Phòng họp', 'Địa chỉ IP', 'Cán bộ kỹ thuật'];
const csvCell = (s: string): string => `"${s.replace(/"/g, '""')}"`;
const csv = (name: string, room = 'Hội trường', tech = 'Nguyễn Văn An'): string =>
  `${HEADER.join(',')}\r\nĐiểm cầu Thạch Kim,Thạch Kim,,127.30.40.1,\r\n${csvCell(name)},Bắc Hà,${csvCell(room)},127.30.40.2,${csvCell(tech)}\r\n`;

function rowOf(p: ImportPreview, n: number): PreviewRow {
  const r = p.rows.find((x) => x.row === n);
  if (!r) throw new Error(`no row ${n}`);
  return r;
}

// Decoded cells, as an XLSX sheet or a CSV parser hands them over: every string of the table.
const sheet = (name: string) => ({
  format: 'xlsx' as const,
  sheet: 'Sheet1',
  rows: [HEADER, ['Điểm cầu Thạch Kim', 'Thạch Kim', '', '127.30.40.1', ''], [name, 'Bắc Hà', '', '127.30.40.2', '']],
});

/** How the importer meets a bad string: a spreadsheet cell's line break is a wrap (read as a space), an
 * empty name is "missing"; NUL and lone surrogates cannot be written in a UTF-8 CSV at all. */
const isLineBreak = (s: string): boolean => s.includes('\n') || s.includes('\r');
const notInCsv = (s: string): boolean => s.includes('\u0000') || /[\uD800-\uDFFF]/.test(s);
const isBlankText = (s: string): boolean => s.trim() === '';

const { units, points } = tinyProvince(47, 2);
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ units, points, meetings: [meetingNow('M', 'live')] });
});
afterAll(async () => t?.dispose());

const pointBody = (name: string) => point('C9', name, 'commune', 'C1', '127.47.9.9');

describe('[H18.5] the rule itself', () => {
  it('[H18.5] [TX1] is idempotent: what it stores reads back unchanged (the dashboard parses it again)', () => {
    const unit = fc.constantFrom(
      'a',
      'Đ',
      'ộ',
      'o\u0302\u0323',
      ' ',
      '\u00a0',
      '\u3000',
      '\u200b',
      '\u202e',
      '\t',
      '\ud800',
      '-',
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 30 }), (raw) => {
        const r = cleanText(raw);
        const stable = r.ok && JSON.stringify(cleanText(r.text)) === JSON.stringify(r);
        const located = !r.ok && /U\+[0-9A-F]{4}|không được để trống/.test(r.reason);
        expect(stable || located).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('[H18.5] through the REST API', () => {
  for (const [what, name, reason] of BAD) {
    it(`[H18.5] [TX2] PUT /api/points refuses a name with ${what}`, async () => {
      const r = await api(t, 'PUT', '/api/points/C9', pointBody(name));
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('bad_request');
      expect(Object.keys(r.json.error.fields)).toEqual(['name']);
      expect(r.json.error.fields.name).toMatch(reason);
      expect(r.json.error.message).toMatch(/^name: /);
      expect((await api(t, 'GET', '/api/points/C9')).status).toBe(404);
    });
  }

  it('[H18.5] [TX2] the reason names the code point and never echoes the character', async () => {
    const r = await api(t, 'PUT', '/api/points/C9', pointBody('Xã \u202Ecol gnoĐ'));
    expect(JSON.stringify(r.json)).not.toContain('\u202E');
    expect(r.json.error.fields.name).toBe(
      'chứa ký tự điều khiển hướng chữ U+202E (RLO, đảo chiều chữ) ở ký tự thứ 4: hãy xoá ký tự này',
    );
  });

  for (const [input, stored] of GOOD) {
    it(`[H18.5] [TX1] PUT /api/points accepts “${stored}” and stores it in NFC`, async () => {
      const r = await api(t, 'PUT', '/api/points/C9', pointBody(input));
      expect([200, 201]).toContain(r.status);
      expect(r.json.name).toBe(stored);
      const back = await api(t, 'GET', '/api/points/C9');
      expect(back.json.name).toBe(stored);
      expect(back.json.name.normalize('NFC')).toBe(back.json.name);
    });
  }

  it('[H18.5] [TX3] every text field of the inventory follows the rule, located in `fields`', async () => {
    const bad = 'Xã\u200BĐồng Lộc';
    const reason = /U\+200B/;
    const cases: [string, unknown, string][] = [
      ['/api/units/C1', { ...units[2], name: bad }, 'name'],
      ['/api/meetings/M', { ...meetingNow('M', 'live'), title: bad }, 'title'],
      ['/api/points/C9', { ...pointBody('Điểm cầu'), room: bad }, 'room'],
      ['/api/points/C9', { ...pointBody('Điểm cầu'), address: bad }, 'address'],
      ['/api/points/C9', { ...pointBody('Điểm cầu'), contacts: [{ name: bad }] }, 'contacts[0].name'],
      [
        '/api/points/C9',
        { ...pointBody('Điểm cầu'), contacts: [{ name: 'Nguyễn Văn An', organization: bad }] },
        'contacts[0].organization',
      ],
    ];
    for (const [path, body, field] of cases) {
      const r = await api(t, 'PUT', path, body);
      expect(r.status, `${path} ${field}`).toBe(400);
      expect(r.json.error.fields[field], `${path} ${field}`).toMatch(reason);
    }
    const u = await api(t, 'PUT', '/api/units/C1', { ...units[2], name: 'Xã Số'.normalize('NFD') + '   Một ' });
    expect(u.json.name).toBe('Xã Số Một');
  });

  it('[H18.5] [TX2] an empty optional room or address means none; an all-space title is refused', async () => {
    const r = await api(t, 'PUT', '/api/points/C9', { ...pointBody('Điểm cầu'), room: '   ', address: '' });
    expect([200, 201]).toContain(r.status);
    expect(r.json).not.toHaveProperty('room');
    expect(r.json).not.toHaveProperty('address');
    const m = await api(t, 'PUT', '/api/meetings/M', { ...meetingNow('M', 'live'), title: ' \u00a0 ' });
    expect(m.status).toBe(400);
    expect(m.json.error.fields.title).toMatch(/không được để trống/);
  });
});

describe('[H18.5] through the inventory file', () => {
  for (const [what, name, reason] of BAD) {
    it(`[H18.5] [TX3] refuses a point name with ${what}, at its line and path`, () => {
      let caught: unknown;
      try {
        parseInventoryText(file(quoted(name)), 'prov.yaml');
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      const issues = (caught as ValidationError).issues;
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ file: 'prov.yaml', line: 6, path: 'points[0].name' });
      expect(issues[0]!.message).toMatch(reason);
      // [WE1] the point by its code and the field, at its line and column, never `points[0]`.
      expect((caught as ValidationError).message).toMatch(/^prov\.yaml:6:\d+: điểm cầu D1, trường “name”: /);
    });
  }

  for (const [input, stored] of GOOD) {
    it(`[H18.5] [TX1] accepts “${stored}” written raw and escaped`, () => {
      expect(parseInventoryText(file(JSON.stringify(input)), 'prov.yaml').points[0]!.name).toBe(stored);
      expect(parseInventoryText(file(quoted(input)), 'prov.yaml').points[0]!.name).toBe(stored);
    });
  }

  it('[H18.5] [TX3] unit names, meeting titles and contacts too', () => {
    const text = [
      'units:',
      `  - { id: P, name: ${quoted('Tỉnh\u2066 Thử')}, level: province }`,
      'points:',
      '  - code: P',
      '    name: Điểm cầu tỉnh',
      '    level: province',
      '    unit: P',
      `    room: ${quoted('Hội trường\u0007')}`,
      '    targets: [{ kind: icmp, host: 127.0.0.2 }]',
      `    contacts: [{ name: ${quoted('An\u200D')} }]`,
    ].join('\n');
    let caught: unknown;
    try {
      parseInventoryText(text, 'prov.yaml');
    } catch (e) {
      caught = e;
    }
    const lines = (caught as ValidationError).message.split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^prov\.yaml:2:\d+: đơn vị P, trường “name”: chứa ký tự điều khiển hướng chữ U\+2066/),
      expect.stringMatching(/^prov\.yaml:8:\d+: điểm cầu P, trường “room”: chứa ký tự điều khiển U\+0007/),
      expect.stringMatching(/^prov\.yaml:10:\d+: điểm cầu P, .*“name”: chứa ký tự vô hình U\+200D/),
    ]);
  });
});

describe('[H18.5] through the point-list import', () => {
  let inv: TestInventory;
  beforeAll(async () => {
    inv = await openTestInventory();
  });
  afterAll(() => inv?.dispose());

  const preview = (text: string | Uint8Array) =>
    previewImport(typeof text === 'string' ? Buffer.from(text) : text, inv.inventory.data(), 'ds.csv');

  for (const [what, name, reason] of BAD.filter(([, n]) => !isLineBreak(n))) {
    it(`[H18.5] [TX3] a row whose name has ${what} is invalid, with its row number`, () => {
      const p = previewTable(sheet(name), inv.inventory.data());
      expect(rowOf(p, 2).status).toBe('new');
      const row = rowOf(p, 3);
      expect(row.status).toBe('invalid');
      expect(row.point).toBeNull();
      expect(row.errors).toHaveLength(1);
      expect(row.errors[0]).toMatchObject({ row: 3, column: 'name' });
      expect(row.errors[0]!.message).toMatch(isBlankText(name) ? /^Thiếu Tên điểm cầu\.$/ : /^Tên điểm cầu chứa /);
      expect(row.errors[0]!.message).toMatch(isBlankText(name) ? /Thiếu/ : reason);
    });
  }

  for (const [what, name] of BAD.filter(([, n]) => isLineBreak(n))) {
    it(`[H18.5] [TX3] a name cell with ${what} is a wrapped cell: the break reads as one space`, () => {
      const row = rowOf(previewTable(sheet(name), inv.inventory.data()), 3);
      expect(row.status).toBe('new');
      expect(row.point?.name).toBe('Xã Đồng Lộc');
    });
  }

  const inCsv = BAD.filter(([, n]) => !isLineBreak(n) && !notInCsv(n) && !isBlankText(n));
  it('[H18.5] [TX2] the CSV table holds most of the bad strings', () => {
    expect(inCsv.length).toBeGreaterThan(15);
  });
  for (const [what, name, reason] of inCsv) {
    for (const [column, text] of [
      ['name', csv(name)],
      ['room', csv('Điểm cầu Bắc Hà', name)],
      ['technician', csv('Điểm cầu Bắc Hà', 'Hội trường', name)],
    ] as const) {
      it(`[H18.5] [TX3] a CSV row with ${what} in its ${column} is refused with its row number`, async () => {
        const p = await preview(text);
        expect(rowOf(p, 2).status).toBe('new');
        const row = rowOf(p, 3);
        expect(row.status).toBe('invalid');
        expect(row.errors.map((e) => [e.row, e.column])).toEqual([[3, column]]);
        expect(row.errors[0]!.message).toMatch(reason);
      });
    }
  }

  it('[H18.5] [TX3] NUL and lone surrogates cannot even reach a row: the CSV file is refused', async () => {
    await expect(preview(csv('Xã\u0000Đồng Lộc'))).rejects.toMatchObject({ problem: 'bad-file' });
    // A lone surrogate written as bytes (ED A0 BD): not UTF-8.
    const bytes = Buffer.concat([Buffer.from(csv('Xã Đồng Lộc @')).subarray(0, -1), Buffer.from([0xed, 0xa0, 0xbd])]);
    const err = await preview(bytes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFileError);
    expect((err as ImportFileError).problem).toBe('encoding');
  });

  for (const [input, stored] of GOOD) {
    it(`[H18.5] [TX1] a CSV row named “${stored}” is imported in NFC with single spaces`, async () => {
      const row = rowOf(await preview(csv(input, ` Hội   trường ${'tầng'.normalize('NFD')} 2 `)), 3);
      expect(row.errors).toEqual([]);
      expect(row.point?.name).toBe(stored);
      expect(row.point?.room).toBe('Hội trường tầng 2');
    });
  }
});
