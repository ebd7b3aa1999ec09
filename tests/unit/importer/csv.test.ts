import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCsvBytes, detectDelimiter, parseCsv, writeCsv } from '../../../server/importer/csv';
import { ImportFileError } from '../../../server/importer/errors';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'import');

/** "records" when rows came back, "clean error" for an ImportFileError; anything else is returned as is. */
function outcome(fn: () => string[][]): unknown {
  try {
    return Array.isArray(fn()) ? 'records' : 'not records';
  } catch (err) {
    return err instanceof ImportFileError ? 'clean error' : err;
  }
}

function fileError(fn: () => unknown): ImportFileError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImportFileError) return err;
    throw err;
  }
  throw new Error('expected an ImportFileError');
}

describe('CSV reader', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks inside', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","line 1\nline 2"\r\nplain,,last\r\n';
    expect(parseCsv(text).rows).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'line 1\nline 2'],
      ['plain', '', 'last'],
    ]);
  });

  it('takes CRLF, LF and lone CR as line ends, and a last line without one', () => {
    expect(parseCsv('a,b\rc,d\ne,f\r\ng,h').rows).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
    ]);
  });

  it('keeps empty lines as empty records and does not add one after the final line end', () => {
    expect(parseCsv('a,b\n\nc,d\n').rows).toEqual([['a', 'b'], [''], ['c', 'd']]);
  });

  it('strips a BOM and honours a sep= line', () => {
    expect(parseCsv('\ufeffsep=;\na,b;c\n').rows).toEqual([['a,b', 'c']]);
    expect(parseCsv('\ufeffsep=;\na,b;c\n').delimiter).toBe(';');
  });

  it('detects ";" when addresses hold commas, "," otherwise, and tab', () => {
    const semi = 'Tên;Địa chỉ;IP\nA;Thôn 1, xã B;10.0.0.1\nC;Thôn 2, xã D, huyện E;10.0.0.2\n';
    expect(detectDelimiter(semi)).toBe(';');
    expect(detectDelimiter('Tên,IP\nA,10.0.0.1\nB,10.0.0.2\n')).toBe(',');
    expect(detectDelimiter('Tên\tIP\nA\t10.0.0.1\n')).toBe('\t');
    // Title rows above the header do not mislead it.
    expect(detectDelimiter('DANH SÁCH, ĐỢT 1\n\nTên;Xã;IP\nA;B;1.1.1.1\nC;D;1.1.1.2\n')).toBe(';');
  });

  it('reads what Excel writes after a closing quote (`"ab"c` is abc), and quotes inside an unquoted field', () => {
    expect(parseCsv('"ab"c,d"e\n').rows).toEqual([['abc', 'd"e']]);
  });

  it('refuses an unterminated quote, naming the row it opened on', () => {
    const err = fileError(() => parseCsv('a,b\nc,"open\nd,e\n'));
    expect(err.problem).toBe('bad-file');
    expect(err.message).toMatch(/dòng 2/);
  });

  it('reads the office fixture: BOM, ";", title rows, CRLF and a two-line cell', () => {
    const { rows, delimiter } = parseCsv(decodeCsvBytes(readFileSync(join(FIXTURES, 'danh-sach-can-loc.csv'))));
    expect(delimiter).toBe(';');
    expect(rows[3]?.[1]).toBe('Tên điểm cầu');
    expect(rows[5]?.[5]).toBe('Phan Văn Bình\nLê Thị Cúc');
    expect(rows[5]?.[3]).toBe('Phòng họp trực tuyến; tầng 2');
    expect(rows).toHaveLength(7);
  });
});

describe('CSV bytes', () => {
  it('refuses Windows-1258 with a message that says to save as CSV UTF-8', () => {
    const bytes = readFileSync(join(FIXTURES, 'danh-sach-windows-1258.csv'));
    const err = fileError(() => decodeCsvBytes(bytes));
    expect(err.problem).toBe('encoding');
    expect(err.message).toContain('CSV UTF-8');
    expect(err.message).toContain('Windows-1258');
    // The first non-ASCII byte is on the first line ("HUYỆN").
    expect(err.message).toContain('dòng 1');
  });

  it('names the line of the first invalid byte', () => {
    const err = fileError(() => decodeCsvBytes(Buffer.from([0x61, 0x0a, 0x62, 0x0a, 0x58, 0xe3, 0x0a])));
    expect(err.message).toContain('dòng 3');
  });

  it('reads UTF-16 with a BOM (Excel "Unicode text") and UTF-8 with or without BOM', () => {
    const text = 'Tên\tIP\nXã Đồng Lộc\t10.0.0.1\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(decodeCsvBytes(le)).toBe(text);
    expect(decodeCsvBytes(Buffer.from(`\ufeff${text}`))).toBe(text);
    expect(decodeCsvBytes(Buffer.from(text))).toBe(text);
  });

  it('refuses an empty file and NUL bytes', () => {
    expect(fileError(() => decodeCsvBytes(new Uint8Array())).problem).toBe('empty');
    expect(fileError(() => decodeCsvBytes(Buffer.from('a\u0000b'))).problem).toBe('bad-file');
  });
});

describe('CSV writer', () => {
  it('quotes what needs it, writes CRLF and a BOM', () => {
    expect(writeCsv([['a', 'b,c', 'say "x"', 'two\nlines', ' padded']])).toBe(
      '\ufeffa,"b,c","say ""x""","two\nlines"," padded"\r\n',
    );
  });

  it('guards formula-like cells with a quote that the reader removes', () => {
    const text = writeCsv([['=1+1', '+84 913', '-f', '@x', "'=kept", 'plain']]);
    expect(text).toContain("'=1+1");
    expect(parseCsv(text).rows).toEqual([['=1+1', '+84 913', '-f', '@x', "'=kept", 'plain']]);
  });
});

describe('CSV properties', () => {
  it('never throws anything but a clean ImportFileError on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'é', ',', ';', '\t', '"', '\n', '\r', ' ', "'", '=', 'x') }),
        (s) => {
          expect(['records', 'clean error']).toContain(outcome(() => parseCsv(s).rows));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never throws anything but an ImportFileError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(['records', 'clean error']).toContain(outcome(() => parseCsv(decodeCsvBytes(bytes)).rows));
      }),
      { numRuns: 1000 },
    );
  });

  it('reads back every grid it writes, whatever the delimiter', () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', 'Đ', 'ộ', ',', ';', '\t', '"', '\n', '\r', '\r\n', ' ', "'", '=', '-', '@'),
    });
    const grid = fc
      .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }))
      .chain(([w, h]) => fc.array(fc.array(cell, { minLength: w, maxLength: w }), { minLength: h, maxLength: h }));
    fc.assert(
      fc.property(grid, fc.constantFrom<',' | ';' | '\t'>(',', ';', '\t'), (rows, d) => {
        // A record of one empty cell is written as an empty line: the reader sees [''] as well.
        const back = parseCsv(writeCsv(rows, d), d).rows;
        expect(back).toEqual(rows);
      }),
      { numRuns: 1000 },
    );
  });
});
