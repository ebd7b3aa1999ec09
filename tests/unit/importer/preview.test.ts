// Preview and apply against a real Inventory over a real SQLite file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportPreview, PreviewRow } from '../../../shared/import';
import { applyImport, ImportRefusedError, previewImport } from '../../../server/importer';
import { openTestInventory, POINTS, type TestInventory } from './province';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'import');
let t: TestInventory;

beforeEach(async () => {
  t = await openTestInventory();
});
afterEach(() => {
  t.dispose();
});

const preview = (text: string | Buffer): Promise<ImportPreview> =>
  previewImport(typeof text === 'string' ? Buffer.from(text) : text, t.inventory.data());

function row(p: ImportPreview, n: number): PreviewRow {
  const r = p.rows.find((x) => x.row === n);
  if (!r) throw new Error(`no row ${n} in ${p.rows.map((x) => x.row).join(',')}`);
  return r;
}

const errorCodes = (r: PreviewRow): string[] => r.errors.map((e) => `${e.column}:${e.code}`);

describe('a district list as offices write it', () => {
  it('previews every row with its point, numbered as the spreadsheet shows them', async () => {
    const p = await preview(readFileSync(join(FIXTURES, 'danh-sach-can-loc.csv')));
    expect(p.format).toBe('csv');
    expect(p.headerRow).toBe(4);
    expect(p.counts).toEqual({ new: 2, updated: 1, unchanged: 0, invalid: 0 });

    const dongLoc = row(p, 5);
    // No code column: the existing point of the same unit and name keeps its code.
    expect(dongLoc).toMatchObject({ status: 'updated', derivedCode: true });
    expect(dongLoc.point).toEqual({
      code: 'HT-CL-DONG-LOC',
      name: 'Điểm cầu xã Đồng Lộc',
      level: 'commune',
      unit: 'HT-CL-DONG-LOC',
      room: 'Hội trường UBND xã',
      targets: [{ kind: 'icmp', host: '127.30.1.10', role: 'primary' }],
      contacts: [{ name: 'Nguyễn Thị Hoa', role: 'technician', phone: '0987 111 222' }],
    });

    const nghen = row(p, 6);
    expect(nghen.status).toBe('new');
    expect(nghen.point?.code).toBe('HT-CL-NGHEN');
    expect(nghen.point?.room).toBe('Phòng họp trực tuyến; tầng 2');
    expect(nghen.point?.contacts).toEqual([
      { name: 'Phan Văn Bình', role: 'technician', phone: '0912 333 444' },
      { name: 'Lê Thị Cúc', role: 'technician', phone: '0913 555 666' },
    ]);

    const tramYTe = row(p, 7);
    expect(tramYTe.point?.code).toBe('HT-CL-DONG-LOC-TRAM-Y-TE-XA-DONG-LOC');
    expect(tramYTe.point?.contacts).toEqual([{ name: 'Võ Văn Dũng', role: 'technician', phone: '0977 888 999' }]);
  });

  it('applies in one go, and a second import of the same file changes nothing', async () => {
    const bytes = readFileSync(join(FIXTURES, 'danh-sach-can-loc.csv'));
    const first = await applyImport(t.inventory, await preview(bytes), false);
    expect(first.created.sort()).toEqual(['HT-CL-DONG-LOC-TRAM-Y-TE-XA-DONG-LOC', 'HT-CL-NGHEN']);
    expect(first.updated).toEqual(['HT-CL-DONG-LOC']);
    const stored = await t.reload();
    expect(stored.points.map((p) => p.code).sort()).toEqual(
      ['HT', 'HT-CL', 'HT-CL-DONG-LOC', 'HT-CL-DONG-LOC-TRAM-Y-TE-XA-DONG-LOC', 'HT-CL-NGHEN'].sort(),
    );

    let changes = 0;
    t.inventory.onChange(() => changes++);
    const again = await preview(bytes);
    expect(again.counts).toEqual({ new: 0, updated: 0, unchanged: 3, invalid: 0 });
    const second = await applyImport(t.inventory, again, false);
    expect(second).toMatchObject({ created: [], updated: [], unchanged: 3 });
    expect(changes).toBe(0);
    expect(await t.reload()).toEqual(stored);
  });
});

describe('columns', () => {
  it('reads every column, English headers included', async () => {
    const p = await preview(
      'code,name,level,unit,room,address,host,backup host,technician,phone\n' +
        'HT-LH-TK,Điểm cầu xã Thạch Kim,commune,Thạch Kim,Hội trường,"Thôn 1, xã Thạch Kim",127.30.2.1,"127.31.2.1\n127.32.2.1",Hồ Văn Em,0905 123 456\n',
    );
    expect(row(p, 2).point).toEqual({
      code: 'HT-LH-TK',
      name: 'Điểm cầu xã Thạch Kim',
      level: 'commune',
      unit: 'HT-LH-THACH-KIM',
      room: 'Hội trường',
      address: 'Thôn 1, xã Thạch Kim',
      targets: [
        { kind: 'icmp', host: '127.30.2.1', role: 'primary' },
        { kind: 'icmp', host: '127.31.2.1', role: 'backup' },
        { kind: 'icmp', host: '127.32.2.1', role: 'backup' },
      ],
      contacts: [{ name: 'Hồ Văn Em', role: 'technician', phone: '0905 123 456' }],
    });
  });

  it('takes the level from the unit when there is no level column, and reads level words', async () => {
    const p = await preview(
      'Tên điểm cầu;Đơn vị;Cấp;Địa chỉ IP\n' +
        'Phường Bắc Hà;Bắc Hà;Phường;127.30.3.1\n' +
        'Thành phố Hà Tĩnh;Thành phố Hà Tĩnh;Thành phố;127.30.3.2\n' +
        'Thị trấn Nghèn;TT Nghèn;;127.30.3.3\n' +
        'Xã Thạch Kim;Thạch Kim;cấp 9;127.30.3.4\n',
    );
    expect(row(p, 2).point?.level).toBe('commune');
    expect(row(p, 3).point?.level).toBe('district');
    expect(row(p, 4).point?.level).toBe('commune');
    expect(errorCodes(row(p, 5))).toEqual(['level:level.unknown']);
  });

  it('resolves units by id column first, refuses ambiguous and unknown names', async () => {
    const p = await preview(
      'Tên điểm cầu,Xã/Phường,Huyện,Mã đơn vị,IP\n' +
        'Xã Tùng Lộc,Tùng Lộc,,,127.30.4.1\n' +
        'Xã Tùng Lộc,Tùng Lộc,Lộc Hà,,127.30.4.2\n' +
        'Xã Tùng Lộc,whatever,,HT-CL-TUNG-LOC,127.30.4.3\n' +
        'Xã Mới,Xã Mới,,,127.30.4.4\n' +
        'X,,,HT-NOPE,127.30.4.5\n',
    );
    const amb = row(p, 2);
    expect(errorCodes(amb)).toEqual(['unit:unit.ambiguous']);
    expect(amb.errors[0]?.message).toContain('HT-LH-TUNG-LOC');
    expect(row(p, 3).point?.unit).toBe('HT-LH-TUNG-LOC');
    expect(row(p, 4).point?.unit).toBe('HT-CL-TUNG-LOC');
    expect(errorCodes(row(p, 5))).toEqual(['unit:unit.not-found']);
    expect(errorCodes(row(p, 6))).toEqual(['unitId:unit.not-found']);
  });

  it('keeps what the file does not say: room, address and backups without their columns, leaders and organizations', async () => {
    const p = await preview(
      'Mã,Tên điểm cầu,Đơn vị,IP,Cán bộ kỹ thuật,SĐT\nHT,Điểm cầu Tỉnh ủy - UBND tỉnh,HT,127.30.0.1,Trần Minh Hùng,0918 000 999\n',
    );
    const r = row(p, 2);
    expect(r.status).toBe('updated');
    const before = POINTS[0];
    expect(r.point).toEqual({
      ...before,
      contacts: [
        {
          name: 'Trần Minh Hùng',
          role: 'technician',
          phone: '0918 000 999',
          organization: 'Trung tâm Công báo - Tin học',
        },
        { name: 'Lê Văn Chánh', role: 'leader', phone: '0912 000 111' },
      ],
    });
  });

  it('clears room and backups when their columns are present and empty', async () => {
    const p = await preview(
      'Mã,Tên điểm cầu,Đơn vị,Phòng họp,IP,IP dự phòng\nHT,Điểm cầu Tỉnh ủy - UBND tỉnh,HT,,127.30.0.1,\n',
    );
    expect(row(p, 2).point?.room).toBeUndefined();
    expect(row(p, 2).point?.targets).toEqual([{ kind: 'icmp', host: '127.30.0.1', role: 'primary' }]);
  });

  it('gives a phone back the 0 Excel dropped, and refuses phones without a name or one too many', async () => {
    const p = await preview(
      'Tên điểm cầu,Đơn vị,IP,Cán bộ kỹ thuật,SĐT\n' +
        'A,Thạch Kim,127.30.5.1,Hồ Văn Em,913294787\n' +
        'B,Thạch Kim,127.30.5.2,,0913 294 787\n' +
        'C,Thạch Kim,127.30.5.3,Hồ Văn Em,"0913 294 787\n0914 000 000"\n' +
        'D,Thạch Kim,127.30.5.4,Hồ Văn Em,gọi tổng đài\n',
    );
    expect(row(p, 2).point?.contacts[0]?.phone).toBe('0913294787');
    expect(errorCodes(row(p, 3))).toEqual(['technician:phone.without-name']);
    expect(errorCodes(row(p, 4))).toEqual(['phone:phone.too-many']);
    expect(errorCodes(row(p, 5))).toEqual(['phone:field.invalid']);
  });
});

describe('row errors', () => {
  it('refuses bad addresses and injection attempts in hosts, per row', async () => {
    const hosts = ['10.0.0.256', '-f', '$(reboot)', '10.0.0.1;reboot', '10.0.0.1 10.0.0.2', '`id`', '1.2.3', '--help'];
    const body = hosts.map((h, i) => `P${i},Thạch Kim,"${h}"`).join('\n');
    const p = await preview(`Tên điểm cầu,Đơn vị,Địa chỉ IP\n${body}\nOK,Thạch Kim,127.30.6.1\n`);
    const seen = hosts.map((host, i) => {
      const r = row(p, i + 2);
      return { host, status: r.status, errors: errorCodes(r), column: r.errors[0]?.message.startsWith('Địa chỉ IP') };
    });
    expect(seen).toEqual(
      hosts.map((host) => ({ host, status: 'invalid', errors: ['host:host.invalid'], column: true })),
    );
    expect(row(p, hosts.length + 2).status).toBe('new');
    expect(p.counts).toEqual({ new: 1, updated: 0, unchanged: 0, invalid: hosts.length });
  });

  it('refuses injection in backup hosts and a missing primary', async () => {
    const p = await preview(
      'Tên điểm cầu,Đơn vị,IP,IP dự phòng\nA,Thạch Kim,127.30.7.1,"127.31.7.1,-f"\nB,Thạch Kim,,\n',
    );
    expect(errorCodes(row(p, 2))).toEqual(['backupHost:backupHost.invalid']);
    expect(errorCodes(row(p, 3))).toEqual(['host:host.required']);
  });

  it('marks every row of a code used twice, and every row of a host used twice', async () => {
    const p = await preview(
      'Mã,Tên điểm cầu,Đơn vị,IP\n' +
        'X1,A,Thạch Kim,127.30.8.1\n' +
        'X1,B,Thạch Kim,127.30.8.2\n' +
        'X2,C,Thạch Kim,127.30.8.9\n' +
        'X3,D,Thạch Kim,127.30.8.9\n' +
        'X4,E,Thạch Kim,127.30.8.4\n',
    );
    expect(errorCodes(row(p, 2))).toEqual(['code:code.duplicate']);
    expect(row(p, 2).errors[0]?.message).toContain('dòng 3');
    expect(errorCodes(row(p, 3))).toEqual(['code:code.duplicate']);
    expect(errorCodes(row(p, 4))).toEqual(['host:host.duplicate']);
    expect(row(p, 5).errors[0]?.message).toContain('dòng 4');
    expect(row(p, 6).status).toBe('new');
  });

  it('[WE5] words every row problem in Vietnamese and English, naming rows and point codes, never English in the Vietnamese', async () => {
    const p = await preview(
      'Mã,Tên điểm cầu,Đơn vị,IP,IP dự phòng\n' +
        'X1,A,Thạch Kim,127.30.8.1,-f\n' +
        'X1,B,Thạch Kim,127.30.8.2,\n' +
        'X5,Mới,Thạch Kim,127.30.1.1,\n' +
        'có dấu,D,Xã Không Có,,\n',
    );
    expect(row(p, 2).errors.map((e) => [e.message, e.messageEn])).toEqual([
      [
        'IP dự phòng “-f” không hợp lệ: địa chỉ không được bắt đầu bằng “-”.',
        'Backup IP "-f" cannot be used: host must not begin with "-".',
      ],
      ['Mã X1 trùng với dòng 3.', 'Code X1 is also on row 3.'],
    ]);
    expect(row(p, 3).errors.map((e) => [e.message, e.messageEn])).toEqual([
      ['Mã X1 trùng với dòng 2.', 'Code X1 is also on row 2.'],
    ]);
    expect(row(p, 4).errors.map((e) => e.messageEn)).toEqual([
      'Address 127.30.1.1 already belongs to point HT-CL (Điểm cầu Huyện Can Lộc).',
    ]);
    expect(row(p, 4).errors[0]?.message).toBe('Địa chỉ 127.30.1.1 đã thuộc điểm cầu HT-CL (Điểm cầu Huyện Can Lộc).');
    const five = row(p, 5).errors;
    expect(five.map((e) => e.code).sort()).toEqual(['code.invalid', 'host.required', 'unit.not-found']);
    for (const e of p.rows.flatMap((r) => r.errors)) {
      expect(e.messageEn).toMatch(/\S/);
      expect(e.message).not.toMatch(/\b(invalid|expected|received|must|error)\b|points\[/i);
    }
  });

  it('marks two rows that derive the same code', async () => {
    const p = await preview('Tên điểm cầu,Đơn vị,IP\nTrạm y tế,Thạch Kim,127.30.9.1\ntram y te,Thạch Kim,127.30.9.2\n');
    expect(errorCodes(row(p, 2))).toEqual(['name:code.duplicate']);
    expect(errorCodes(row(p, 3))).toEqual(['name:code.duplicate']);
  });

  it("refuses a host of another point, unless that point's own row moves it away", async () => {
    const taken = await preview('Tên điểm cầu,Đơn vị,IP\nMới,Thạch Kim,127.30.1.1\n');
    expect(errorCodes(row(taken, 2))).toEqual(['host:host.taken']);
    expect(row(taken, 2).errors[0]?.message).toContain('HT-CL');

    const swap = await preview(
      'Mã,Tên điểm cầu,Đơn vị,IP\nHT-CL,Điểm cầu Huyện Can Lộc,HT-CL,127.30.1.10\nHT-CL-DONG-LOC,Điểm cầu Xã Đồng Lộc,HT-CL-DONG-LOC,127.30.1.1\n',
    );
    expect(swap.counts).toEqual({ new: 0, updated: 2, unchanged: 0, invalid: 0 });
    await applyImport(t.inventory, swap, false);
    expect((await t.reload()).points.find((p) => p.code === 'HT-CL')?.targets[0]).toEqual({
      kind: 'icmp',
      host: '127.30.1.10',
      role: 'primary',
    });
  });

  it('a row left out keeps its host, so a row that wanted that host is left out too', async () => {
    const p = await preview(
      'Mã,Tên điểm cầu,Đơn vị,IP,SĐT,Cán bộ kỹ thuật\n' +
        'HT-CL,Điểm cầu Huyện Can Lộc,HT-CL,127.30.1.10,không có số,An\n' +
        'HT-CL-DONG-LOC,Điểm cầu Xã Đồng Lộc,HT-CL-DONG-LOC,127.30.1.1,,\n',
    );
    expect(errorCodes(row(p, 2))).toEqual(['phone:field.invalid']);
    expect(errorCodes(row(p, 3))).toEqual(['host:host.taken']);
    await expect(applyImport(t.inventory, p, true)).rejects.toThrow(ImportRefusedError);
  });

  it('reports a missing name and an invalid code', async () => {
    const p = await preview(
      'Mã,Tên điểm cầu,Đơn vị,IP\nmã có dấu,A,Thạch Kim,127.30.10.1\nX9,,Thạch Kim,127.30.10.2\n',
    );
    expect(errorCodes(row(p, 2))).toEqual(['code:code.invalid']);
    expect(errorCodes(row(p, 3))).toEqual(['name:name.required']);
  });
});

describe('apply', () => {
  const file = 'Tên điểm cầu,Đơn vị,IP\nA,Thạch Kim,127.30.11.1\nB,Thạch Kim,-f\nC,Thạch Kim,127.30.11.3\n';

  it('applies nothing while rows have errors', async () => {
    const before = await t.reload();
    const p = await preview(file);
    await expect(applyImport(t.inventory, p, false)).rejects.toThrow(/1 dòng có lỗi/);
    expect(await t.reload()).toEqual(before);
    expect(t.inventory.listPoints()).toHaveLength(POINTS.length);
  });

  it('applies the valid rows only when asked, reporting the rows left out', async () => {
    const report = await applyImport(t.inventory, await preview(file), true);
    expect(report.created.sort()).toEqual(['HT-LH-THACH-KIM-A', 'HT-LH-THACH-KIM-C']);
    expect(report.skippedRows).toEqual([3]);
    expect((await t.reload()).points.map((p) => p.code)).toContain('HT-LH-THACH-KIM-C');
  });

  it('refuses a file with no valid row even when asked for the valid rows', async () => {
    const p = await preview('Tên điểm cầu,Đơn vị,IP\nB,Thạch Kim,-f\n');
    await expect(applyImport(t.inventory, p, true)).rejects.toThrow(/Không có dòng hợp lệ/);
  });
});
