// Endpoint targets in point lists against a real Inventory over a real SQLite file: the endpoint column,
// what a replaced point keeps, conflicts by target identity, export → import, and linear cost.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportPreview, PreviewRow } from '../../../shared/import';
import type { Point } from '../../../shared/schemas';
import { exportPointsCsv, exportPointsXlsx } from '../../../server/exporter';
import { applyImport, previewImport } from '../../../server/importer';
import { stepsOfAsync } from '../../../server/parsing/work';
import { openTestInventory, POINTS, UNITS, type TestInventory } from './province';

// A district point with a SIP endpoint, an H.323 port and a codec API; a commune with a TCP line.
const WITH_ENDPOINTS: Point[] = [
  ...POINTS.filter((p) => p.code !== 'HT-CL' && p.code !== 'HT-CL-DONG-LOC'),
  {
    code: 'HT-CL',
    name: 'Điểm cầu Huyện Can Lộc',
    level: 'district',
    unit: 'HT-CL',
    targets: [
      { kind: 'icmp', host: '127.30.1.1', role: 'primary' },
      { kind: 'sip', host: '127.32.1.5', transport: 'udp', role: 'endpoint' },
      { kind: 'tcp', host: '127.32.1.5', port: 1720, role: 'endpoint' },
      {
        kind: 'videoos',
        host: '127.32.1.6',
        user: 'admin',
        password: { env: 'DIEMCAU_POLY_CAN_LOC' },
        verifyTls: false,
        role: 'endpoint',
      },
    ],
    contacts: [],
  },
  {
    code: 'HT-CL-DONG-LOC',
    name: 'Điểm cầu Xã Đồng Lộc',
    level: 'commune',
    unit: 'HT-CL-DONG-LOC',
    targets: [
      { kind: 'tcp', host: '127.30.1.10', port: 443, role: 'primary' },
      { kind: 'icmp', host: '127.31.1.10', role: 'backup' },
      { kind: 'http', url: 'https://dongloc.hatinh.gov.vn/hop#x', expect: 200, role: 'endpoint' },
    ],
    contacts: [],
  },
];

let t: TestInventory;
beforeEach(async () => {
  t = await openTestInventory(WITH_ENDPOINTS);
});
afterEach(() => {
  t.dispose();
});

const preview = (text: string | Buffer): Promise<ImportPreview> =>
  previewImport(typeof text === 'string' ? Buffer.from(text) : text, t.inventory.data());

function row(p: ImportPreview, n: number): PreviewRow {
  const r = p.rows.find((x) => x.row === n);
  if (!r) throw new Error(`no row ${n}`);
  return r;
}
const errorCodes = (r: PreviewRow): string[] => r.errors.map((e) => `${e.column}:${e.code}`);
const stored = async (code: string): Promise<Point | undefined> =>
  (await t.reload()).points.find((p) => p.code === code);

describe('[IM1] [IM2] the endpoint column', () => {
  it('[IM1] reads a row’s endpoints beside its line, and saves them', async () => {
    const p = await preview(
      'Tên điểm cầu,Đơn vị,Địa chỉ IP,Thiết bị đầu cuối\n' +
        'A,Thạch Kim,127.30.20.1,"sip:127.32.20.1\ntcp:127.32.20.1:1720, https://a.hatinh.gov.vn/#200"\n',
    );
    expect(p.columns.map((c) => c.column)).toEqual(['name', 'unit', 'host', 'endpoint']);
    expect(row(p, 2).point?.targets).toEqual([
      { kind: 'icmp', host: '127.30.20.1', role: 'primary' },
      { kind: 'sip', host: '127.32.20.1', transport: 'udp', role: 'endpoint' },
      { kind: 'tcp', host: '127.32.20.1', port: 1720, role: 'endpoint' },
      { kind: 'http', url: 'https://a.hatinh.gov.vn/', expect: 200, role: 'endpoint' },
    ]);
    await applyImport(t.inventory, p, false);
    expect((await stored('HT-LH-THACH-KIM-A'))?.targets).toHaveLength(4);
  });

  it('[IM2] refuses a bad entry in its column, quoting it, and applies nothing', async () => {
    const before = await t.reload();
    const p = await preview(
      'Tên điểm cầu,Đơn vị,IP,Endpoint\n' +
        'A,Thạch Kim,127.30.21.1,"sip:127.32.21.1, sip:127.32.21.256"\n' +
        'B,Thạch Kim,127.30.21.2,127.32.21.2\n' +
        'C,Thạch Kim,sip:127.30.21.3,\n',
    );
    expect(errorCodes(row(p, 2))).toEqual(['endpoint:endpoint.invalid']);
    expect(row(p, 2).errors[0]?.message).toBe(
      'Thiết bị đầu cuối “sip:127.32.21.256” không hợp lệ: địa chỉ phải là địa chỉ IP (IPv4/IPv6) hoặc tên miền (chữ không dấu, số, “-” và “.”).',
    );
    expect(row(p, 2).errors[0]?.messageEn).toMatch(/^Endpoint "sip:127\.32\.21\.256" cannot be used: /);
    expect(row(p, 3).errors[0]?.message).toMatch(
      /^Thiết bị đầu cuối “127\.32\.21\.2” không hợp lệ: chưa rõ là loại gì/,
    );
    expect(errorCodes(row(p, 4))).toEqual(['host:host.invalid']);
    expect(row(p, 4).errors[0]?.messageEn).toContain('go in the Endpoint column');
    expect(p.counts.invalid).toBe(3);
    await expect(applyImport(t.inventory, p, false)).rejects.toThrow(/3 dòng có lỗi/);
    expect(await t.reload()).toEqual(before);
  });

  it('[IM2] refuses a row holding more targets than a point may, as the row’s problem', async () => {
    const endpoints = Array.from({ length: 7 }, (_, i) => `sip:127.32.22.${i + 1}`).join('\n');
    const p = await preview(
      `Tên điểm cầu,Đơn vị,IP,IP dự phòng,SIP\nA,Thạch Kim,127.30.22.1,127.31.22.1,"${endpoints}"\n`,
    );
    expect(row(p, 2).status).toBe('invalid');
    expect(row(p, 2).errors.map((e) => e.column)).toEqual([null]);
    expect(row(p, 2).errors[0]?.message).toContain('tối đa 8');
  });
});

describe('[IM4] [IM5] what a replaced point keeps', () => {
  it('[IM4] keeps its endpoints without the column, and clears them with an empty cell', async () => {
    const without = await preview('Mã,Tên điểm cầu,Đơn vị,IP\nHT-CL,Điểm cầu Huyện Can Lộc,HT-CL,127.30.1.1\n');
    expect(row(without, 2).status).toBe('unchanged');

    const emptied = await preview(
      'Mã,Tên điểm cầu,Đơn vị,IP,Thiết bị đầu cuối\nHT-CL,Điểm cầu Huyện Can Lộc,HT-CL,127.30.1.1,\n',
    );
    expect(row(emptied, 2).status).toBe('updated');
    await applyImport(t.inventory, emptied, false);
    // [IM5] The codec target stays whatever the sheet says.
    expect((await stored('HT-CL'))?.targets.map((x) => x.kind)).toEqual(['icmp', 'videoos']);
  });

  it('[IM5] keeps the codec target when the endpoints change, and refuses one written in the sheet', async () => {
    const p = await preview(
      'Mã,Tên điểm cầu,Đơn vị,IP,Codec\n' +
        'HT-CL,Điểm cầu Huyện Can Lộc,HT-CL,127.30.1.1,sip+tls:127.32.1.5\n' +
        'HT,Điểm cầu Tỉnh ủy - UBND tỉnh,HT,127.30.0.1,videoos:127.32.0.6\n',
    );
    expect(row(p, 2).point?.targets.slice(1)).toEqual([
      { kind: 'sip', host: '127.32.1.5', transport: 'tls', role: 'endpoint' },
      expect.objectContaining({ kind: 'videoos', host: '127.32.1.6', password: { env: 'DIEMCAU_POLY_CAN_LOC' } }),
    ]);
    expect(errorCodes(row(p, 3))).toEqual(['endpoint:endpoint.invalid']);
    expect(row(p, 3).errors[0]?.message).toContain('không ghi trong bảng tính');
    await applyImport(t.inventory, p, true);
    expect((await stored('HT-CL'))?.targets.map((x) => x.kind)).toEqual(['icmp', 'sip', 'videoos']);
  });
});

describe('[IM7] conflicts by target identity', () => {
  it('marks one SIP endpoint on two rows, naming the other row and the target', async () => {
    const p = await preview(
      'Tên điểm cầu,Đơn vị,IP,Thiết bị đầu cuối\n' +
        'A,Thạch Kim,127.30.23.1,sip:127.32.23.9\n' +
        'B,Thạch Kim,127.30.23.2,"tcp:127.32.23.9:1720\nsip:127.32.23.9:5060"\n' +
        'C,Thạch Kim,127.30.23.3,sip+tcp:127.32.23.9\n',
    );
    expect(errorCodes(row(p, 2))).toEqual(['endpoint:target.duplicate']);
    expect(row(p, 2).errors[0]).toMatchObject({
      message: 'SIP/UDP 127.32.23.9:5060 trùng với dòng 3.',
      messageEn: 'SIP/UDP 127.32.23.9:5060 is also on row 3.',
    });
    expect(row(p, 3).errors[0]?.message).toBe('SIP/UDP 127.32.23.9:5060 trùng với dòng 2.');
    // SIP over TCP and an H.323 port on the same address are other targets.
    expect(row(p, 4).status).toBe('new');
  });

  it('marks a target of a point the file does not replace, by its label; ICMP keeps its words', async () => {
    const p = await preview(
      'Tên điểm cầu,Đơn vị,IP,IP dự phòng,Thiết bị đầu cuối\n' +
        'A,Thạch Kim,127.30.24.1,,"tcp:127.32.1.5:1720\nsip:127.32.1.5"\n' +
        'B,Thạch Kim,tcp:127.30.1.10:443,,\n' +
        'C,Thạch Kim,127.30.24.3,127.30.1.1,\n',
    );
    expect(row(p, 2).errors.map((e) => [e.column, e.code, e.message])).toEqual([
      ['endpoint', 'target.taken', 'TCP 127.32.1.5:1720 đã thuộc điểm cầu HT-CL (Điểm cầu Huyện Can Lộc).'],
      ['endpoint', 'target.taken', 'SIP/UDP 127.32.1.5:5060 đã thuộc điểm cầu HT-CL (Điểm cầu Huyện Can Lộc).'],
    ]);
    expect(row(p, 2).errors[0]?.messageEn).toBe(
      'TCP 127.32.1.5:1720 already belongs to point HT-CL (Điểm cầu Huyện Can Lộc).',
    );
    expect(row(p, 3).errors.map((e) => [e.column, e.code, e.message])).toEqual([
      ['host', 'target.taken', 'TCP 127.30.1.10:443 đã thuộc điểm cầu HT-CL-DONG-LOC (Điểm cầu Xã Đồng Lộc).'],
    ]);
    expect(row(p, 4).errors.map((e) => [e.column, e.code, e.message])).toEqual([
      ['backupHost', 'host.taken', 'Địa chỉ 127.30.1.1 đã thuộc điểm cầu HT-CL (Điểm cầu Huyện Can Lộc).'],
    ]);
  });

  it('marks nothing where an ICMP line and a SIP endpoint share an address', async () => {
    // The commune's line is TCP 443 on 127.30.1.10: ICMP and SIP on that address are other targets.
    const p = await preview(
      'Tên điểm cầu,Đơn vị,IP,Thiết bị đầu cuối\n' +
        'A,Thạch Kim,127.30.1.10,sip:127.30.1.10\n' +
        'B,Thạch Kim,127.30.25.2,sip:127.30.25.2\n',
    );
    expect(p.rows.map((r) => [r.status, r.errors])).toEqual([
      ['new', []],
      ['new', []],
    ]);
    await applyImport(t.inventory, p, false);
    expect((await stored('HT-LH-THACH-KIM-B'))?.targets.map((x) => x.kind)).toEqual(['icmp', 'sip']);
  });
});

describe('[IM8] export → import', () => {
  it('writes the endpoint column and TCP lines, never the codec target, and reads back unchanged', async () => {
    const inv = { units: UNITS, points: WITH_ENDPOINTS };
    const csv = exportPointsCsv(inv);
    const [header, ...lines] = csv.replace(/^\ufeff/, '').split('\r\n');
    expect(header?.split(',')).toContain('Thiết bị đầu cuối');
    expect(lines.find((l) => l.startsWith('HT-CL,'))).toContain('"sip:127.32.1.5\ntcp:127.32.1.5:1720"');
    expect(lines.find((l) => l.startsWith('HT-CL-DONG-LOC,'))).toContain(
      'tcp:127.30.1.10:443,127.31.1.10,https://dongloc.hatinh.gov.vn/hop#x#200',
    );
    expect(csv).not.toMatch(/videoos|127\.32\.1\.6|DIEMCAU_POLY/);
    for (const bytes of [Buffer.from(csv), await exportPointsXlsx(inv)]) {
      const p = await previewImport(bytes, inv);
      expect(p.rows.filter((r) => r.status !== 'unchanged')).toEqual([]);
    }
  });
});

/** n rows, each with a SIP endpoint (its own or, with `same`, one for all) and a web endpoint. */
const file = (n: number, same: boolean): Buffer => {
  const rows = Array.from({ length: n }, (_, i) => {
    const ip = `127.33.${i >> 8}.${i & 255}`;
    return `P${i},R${i},Thạch Kim,${ip},"sip:${same ? '127.34.0.1' : ip}\nhttps://a.vn/${i}#200"`;
  });
  return Buffer.from(`Mã,Tên điểm cầu,Đơn vị,IP,Thiết bị đầu cuối\n${rows.join('\n')}\n`);
};

describe('[IM9] cost', () => {
  it('grows linearly with the rows, also when every row holds the same endpoint', async () => {
    const inv = t.inventory.data();
    for (const same of [false, true]) {
      const [a, b] = [
        await stepsOfAsync(() => previewImport(file(500, same), inv)),
        await stepsOfAsync(() => previewImport(file(1000, same), inv)),
      ];
      expect(b / a).toBeGreaterThan(1.8);
      expect(b / a).toBeLessThan(2.2);
    }
  });
});
