// Header mapping, level words, unit resolution and derived codes.
import { describe, expect, it } from 'vitest';
import { derivedCode } from '../../../server/importer/codes';
import { ImportFileError } from '../../../server/importer/errors';
import { columnOf, findHeader } from '../../../server/importer/headers';
import { readLevel } from '../../../server/importer/levels';
import { UnitResolver } from '../../../server/importer/units';
import { UNITS } from './province';

function refused(rows: string[][]): ImportFileError {
  try {
    findHeader(rows);
  } catch (err) {
    if (err instanceof ImportFileError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('headers', () => {
  it.each([
    ['Mã điểm cầu', 'code'],
    ['Mã', 'code'],
    ['code', 'code'],
    ['Tên điểm cầu', 'name'],
    ['TÊN ĐIỂM CẦU', 'name'],
    ['ten diem cau', 'name'],
    ['name', 'name'],
    ['Cấp', 'level'],
    ['Level', 'level'],
    ['Xã/Phường', 'unit'],
    ['xa / phuong', 'unit'],
    ['Xã, phường, thị trấn', 'unit'],
    ['Đơn vị', 'unit'],
    ['Unit', 'unit'],
    ['Mã đơn vị', 'unitId'],
    ['unit id', 'unitId'],
    ['Huyện', 'parentUnit'],
    ['Phòng họp', 'room'],
    ['room', 'room'],
    ['Địa chỉ', 'address'],
    ['Address', 'address'],
    ['Địa chỉ IP', 'host'],
    ['IP', 'host'],
    ['host', 'host'],
    ['Địa chỉ IP (chính)', 'host'],
    ['IP dự phòng', 'backupHost'],
    ['backup host', 'backupHost'],
    ['Thiết bị đầu cuối', 'endpoint'],
    ['thiet bi dau cuoi', 'endpoint'],
    ['Thiết bị đầu cuối (SIP/H.323)', 'endpoint'],
    ['Địa chỉ IP thiết bị đầu cuối', 'endpoint'],
    ['Codec', 'endpoint'],
    ['Endpoint', 'endpoint'],
    ['SIP', 'endpoint'],
    ['Địa chỉ SIP', 'endpoint'],
    ['H.323', 'endpoint'],
    ['IP thiết bị', 'host'],
    ['Cán bộ kỹ thuật', 'technician'],
    ['Cán bộ kĩ thuật', 'technician'],
    ['Họ tên cán bộ kỹ thuật', 'technician'],
    ['technician', 'technician'],
    ['Số điện thoại', 'phone'],
    ['SĐT', 'phone'],
    ['Điện thoại cán bộ kỹ thuật', 'phone'],
    ['phone', 'phone'],
  ] as const)('[IM3] “%s” → %s', (header, column) => {
    expect(columnOf(header)).toBe(column);
  });

  it('maps nothing for unknown and row-number headers', () => {
    expect(columnOf('STT')).toBeNull();
    expect(columnOf('Ghi chú')).toBeNull();
    expect(columnOf('')).toBeNull();
  });

  it('finds the header under title rows and lists unknown headers as ignored', () => {
    const h = findHeader([
      ['UBND HUYỆN CAN LỘC', '', ''],
      ['DANH SÁCH ĐIỂM CẦU', '', ''],
      [],
      ['STT', 'Tên điểm cầu', 'Xã', 'IP', 'Ghi chú', 'Chức vụ'],
    ]);
    expect(h.row).toBe(4);
    expect(h.columns.map((c) => [c.column, c.index])).toEqual([
      ['name', 2],
      ['unit', 3],
      ['host', 4],
    ]);
    expect(h.ignored).toEqual(['Chức vụ']);
  });

  it('takes "Huyện" as the unit when there is no commune column (a list of district points)', () => {
    const h = findHeader([['Tên điểm cầu', 'Huyện', 'Địa chỉ IP']]);
    expect(h.columns.find((c) => c.index === 2)?.column).toBe('unit');
  });

  it('refuses a file with no header row, quoting its first row', () => {
    const err = refused([
      ['Họ và tên', 'Năm sinh'],
      ['A', '1990'],
    ]);
    expect(err.problem).toBe('no-header');
    expect(err.message).toContain('“Năm sinh”');
  });

  it('names every missing required column', () => {
    const err = refused([['Tên điểm cầu', 'Phòng họp', 'Cán bộ kỹ thuật']]);
    expect(err.problem).toBe('missing-columns');
    expect(err.message).toContain('Xã/Phường');
    expect(err.message).toContain('Địa chỉ IP');
    expect(err.message).not.toContain('Tên điểm cầu,');
  });

  it('refuses two columns that map to the same thing', () => {
    const err = refused([['Tên điểm cầu', 'Xã', 'IP', 'Địa chỉ IP']]);
    expect(err.problem).toBe('duplicate-columns');
    expect(err.message).toContain('“IP”');
    expect(err.message).toContain('“Địa chỉ IP”');
  });
});

describe('level words', () => {
  it.each([
    ['Tỉnh', 'province'],
    ['cấp tỉnh', 'province'],
    ['province', 'province'],
    ['Huyện', 'district'],
    ['HUYEN', 'district'],
    ['Quận', 'district'],
    ['Thị xã', 'district'],
    ['district', 'district'],
    ['Xã', 'commune'],
    ['Phường', 'commune'],
    ['Thị trấn', 'commune'],
    ['thi tran', 'commune'],
    ['Đặc khu', 'commune'],
    ['commune', 'commune'],
  ] as const)('“%s” → %s', (word, level) => {
    expect(readLevel(word, undefined)).toEqual({ level });
  });

  it('decides "Thành phố" by the unit, and refuses it for a commune or an unknown unit', () => {
    expect(readLevel('Thành phố', 'province')).toEqual({ level: 'province' });
    expect(readLevel('TP', 'district')).toEqual({ level: 'district' });
    expect(readLevel('Thành phố', 'commune')).toEqual({ error: 'ambiguous' });
    expect(readLevel('Thành phố', undefined)).toEqual({ error: 'ambiguous' });
    expect(readLevel('cấp 4', undefined)).toEqual({ error: 'unknown' });
  });
});

describe('unit resolution', () => {
  const r = new UnitResolver(UNITS);
  const id = (cell: string, opts = {}): string | undefined => {
    const found = r.resolve(cell, opts);
    return 'unit' in found ? found.unit.id : undefined;
  };

  it('finds a unit by id, by full name and by name without its kind word, without diacritics', () => {
    expect(id('HT-CL-DONG-LOC')).toBe('HT-CL-DONG-LOC');
    expect(id('ht-cl-dong-loc')).toBe('HT-CL-DONG-LOC');
    expect(id('Xã Đồng Lộc')).toBe('HT-CL-DONG-LOC');
    expect(id('XA DONG LOC')).toBe('HT-CL-DONG-LOC');
    expect(id('Đồng Lộc')).toBe('HT-CL-DONG-LOC');
    expect(id('dong loc')).toBe('HT-CL-DONG-LOC');
    expect(id('TT Nghèn')).toBe('HT-CL-NGHEN');
    expect(id('P. Bắc Hà')).toBe('HT-TP-BAC-HA');
    expect(id('Huyện Can Lộc')).toBe('HT-CL');
  });

  it('refuses a name two units share, naming both, unless the parent tells them apart', () => {
    const amb = r.resolve('Xã Tùng Lộc');
    expect('error' in amb && amb.error).toBe('ambiguous');
    expect('message' in amb && amb.message.vi).toContain('HT-CL-TUNG-LOC');
    expect('message' in amb && amb.message.vi).toContain('HT-LH-TUNG-LOC');
    expect('message' in amb && amb.message.en).toMatch(/is the name of 2 units: .*HT-CL-TUNG-LOC.*HT-LH-TUNG-LOC/);
    expect(id('Tùng Lộc', { parent: 'Lộc Hà' })).toBe('HT-LH-TUNG-LOC');
    expect(id('Tùng Lộc', { parent: 'HT-CL' })).toBe('HT-CL-TUNG-LOC');
    expect(id('Tùng Lộc', { parent: 'Huyện Can Lộc' })).toBe('HT-CL-TUNG-LOC');
  });

  it('reports an unknown unit', () => {
    const nf = r.resolve('Xã Không Có');
    expect('error' in nf && nf.error).toBe('not-found');
    expect('error' in r.resolveId('HT-XX') && r.resolveId('HT-XX')).toMatchObject({ error: 'not-found' });
  });
});

describe('derived codes', () => {
  const dongLoc = { id: 'HT-CL-DONG-LOC', name: 'Xã Đồng Lộc' };

  it("gives the unit's own point the unit's id", () => {
    expect(derivedCode(dongLoc, 'Điểm cầu xã Đồng Lộc')).toBe('HT-CL-DONG-LOC');
    expect(derivedCode(dongLoc, 'Đồng Lộc')).toBe('HT-CL-DONG-LOC');
    expect(derivedCode(dongLoc, 'XÃ ĐỒNG LỘC')).toBe('HT-CL-DONG-LOC');
  });

  it('gives other points UNIT-NAME, the same for the same name whatever its case or diacritics', () => {
    expect(derivedCode(dongLoc, 'Trạm y tế xã Đồng Lộc')).toBe('HT-CL-DONG-LOC-TRAM-Y-TE-XA-DONG-LOC');
    expect(derivedCode(dongLoc, 'tram y te xa dong loc')).toBe('HT-CL-DONG-LOC-TRAM-Y-TE-XA-DONG-LOC');
  });

  it('cuts long codes to 64 characters with a hash that keeps different names apart', () => {
    const a = derivedCode(dongLoc, `Phòng họp trực tuyến của Ủy ban nhân dân xã, tầng hai, dãy nhà A`);
    const b = derivedCode(dongLoc, `Phòng họp trực tuyến của Ủy ban nhân dân xã, tầng hai, dãy nhà B`);
    expect(a.length).toBeLessThanOrEqual(64);
    expect(a).toMatch(/^HT-CL-DONG-LOC-PHONG-HOP-.*-[0-9A-F]{6}$/);
    expect(a).not.toBe(b);
  });
});
