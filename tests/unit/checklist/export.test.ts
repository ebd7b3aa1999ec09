// Exports read back: the CSV through the importer's own CSV reader, the XLSX through exceljs. The
// history table refuses updates and deletes at the database level.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportChecklistCsv, exportChecklistXlsx, exportRollCallCsv } from '../../../server/checklist/export';
import { parseCsv } from '../../../server/importer/csv';
import { readXlsx } from '../../../server/importer/xlsx';
import { MIN, SESSION, admin, makeRig, meeting, techA, techB, type Rig } from './setup';

let rig: Rig;
afterEach(() => rig?.dispose());
const M = meeting.id;

async function fill(r: Rig): Promise<void> {
  for (const item of ['hinh-anh', 'am-thanh', 'camera', 'phong-nen', 'nguon-dien', 'can-bo-ky-thuat']) {
    await r.service.setItem(techA, { meetingId: M, point: 'HT', item, result: 'pass', version: 0 });
  }
  await r.service.writeAutomatic(M, [
    { point: 'HT', item: 'duong-truyen', result: 'pass' },
    { point: 'HT-CL', item: 'duong-truyen', result: 'fail' },
  ]);
  r.clock.advance(1000);
  await r.service.setItem(techB, {
    meetingId: M,
    point: 'HT-CL',
    item: 'am-thanh',
    result: 'fail',
    // A note that a spreadsheet would otherwise run as a formula.
    note: '=HYPERLINK("http://x") vọng, rè',
    version: 0,
  });
  await r.service.confirmRollCall(techB, { meetingId: M, point: 'HT', status: 'present', note: 'Đã gọi', version: 0 });
}

describe('checklist export', () => {
  it('[CL10] CSV: one row per point with readiness, results in Vietnamese, notes kept inert', async () => {
    rig = await makeRig();
    await fill(rig);
    const table = parseCsv(exportChecklistCsv(await rig.service.snapshot(M, admin)).replace(/^\ufeff/, ''));
    const [header, ...rows] = table.rows;
    expect(header).toEqual([
      'Mã điểm cầu',
      'Tên điểm cầu',
      'Đơn vị',
      'Sẵn sàng',
      'Đường truyền',
      'Hình ảnh',
      'Âm thanh',
      'Camera / góc quay',
      'Phông nền / maket',
      'Nguồn điện và UPS',
      'Đường truyền dự phòng (không bắt buộc)',
      'Cán bộ kỹ thuật trực',
      'Ghi chú',
      'Cập nhật cuối',
    ]);
    expect(rows.map((r) => r.slice(0, 5))).toEqual([
      ['HT', 'Điểm cầu HT', 'Tỉnh Hà Tĩnh', 'Sẵn sàng', 'Đạt'],
      ['HT-CL', 'Điểm cầu HT-CL', 'Huyện Can Lộc', 'Chưa sẵn sàng', 'Không đạt'],
      ['HT-CL-DL', 'Điểm cầu HT-CL-DL', 'Xã Đồng Lộc', 'Chưa sẵn sàng', 'Chưa kiểm tra'],
      ['HT-CX', 'Điểm cầu HT-CX', 'Huyện Can Xuân', 'Chưa sẵn sàng', 'Chưa kiểm tra'],
    ]);
    expect(rows[1]![6]).toBe('Không đạt');
    expect(rows[1]![12]).toBe('Âm thanh: =HYPERLINK("http://x") vọng, rè');
    expect(rows[1]![13]).toBe('05/03/2026 15:00:01 — kt.binh');
  });

  it('[CL10] roll call CSV: both lists and the confirmation', async () => {
    rig = await makeRig({ now: SESSION - 11 * MIN });
    rig.rollCall.start();
    for (let i = 0; i < 3; i++) rig.probe({ '127.30.0.1': 10, '127.30.0.2': null });
    rig.clock.set(SESSION - 10 * MIN);
    await rig.rollCall.check();
    await fill(rig);
    const [header, ...rows] = parseCsv(
      exportRollCallCsv(await rig.service.snapshot(M, admin)).replace(/^\ufeff/, ''),
    ).rows;
    expect(header).toEqual([
      'Mã điểm cầu',
      'Tên điểm cầu',
      'Đơn vị',
      'Trước 10 phút — lúc 06/03/2026 07:50:00',
      'Khai mạc',
      'Xác nhận',
      'Ghi chú',
      'Người xác nhận',
      'Thời điểm xác nhận',
    ]);
    expect(rows[0]).toEqual([
      'HT',
      'Điểm cầu HT',
      'Tỉnh Hà Tĩnh',
      'Đã kết nối (thông suốt)',
      'Chưa điểm danh',
      'Có mặt',
      'Đã gọi',
      'kt.binh',
      '06/03/2026 07:50:01',
    ]);
    expect(rows[1]?.slice(3, 6)).toEqual(['Chưa kết nối (mất kết nối)', 'Chưa điểm danh', 'Chưa xác nhận']);
    // A note that begins like a formula is written inert (the importer's CSV guard).
    await rig.service.confirmRollCall(techA, {
      meetingId: M,
      point: 'HT-CX',
      status: 'absent',
      note: '@SUM(A1)',
      version: 0,
    });
    const text = exportRollCallCsv(await rig.service.snapshot(M, admin));
    expect(text.split('\r\n')[4]).toContain(",Vắng,'@SUM(A1),");
    // …and the importer's reader, which knows the guard, reads the note back as it was typed.
    expect(parseCsv(text.replace(/^\ufeff/, '')).rows[4]?.slice(5, 7)).toEqual(['Vắng', '@SUM(A1)']);
  });

  it('[CL10] XLSX: checklist, roll call and the whole history, read back', async () => {
    rig = await makeRig();
    await fill(rig);
    const snap = await rig.service.snapshot(M, admin);
    const buf = await exportChecklistXlsx(snap, await rig.service.history(M, { limit: 100_000 }));
    const sheets = await readXlsx(buf);
    expect(sheets.map((s) => s.name)).toEqual(['Danh mục kiểm tra', 'Điểm danh', 'Lịch sử thay đổi']);
    const [checklist, rollCall, history] = sheets;
    expect(checklist!.rows[1]?.slice(0, 4)).toEqual(['HT', 'Điểm cầu HT', 'Tỉnh Hà Tĩnh', 'Sẵn sàng']);
    expect(checklist!.rows[2]?.[12]).toBe('Âm thanh: =HYPERLINK("http://x") vọng, rè');
    expect(rollCall!.rows[1]?.[5]).toBe('Có mặt');
    expect(history!.rows).toHaveLength(1 + 10);
    expect(history!.rows[8]).toEqual([
      '05/03/2026 15:00:00',
      'HT-CL',
      'Đường truyền',
      'Không đạt',
      '',
      '',
      'hệ thống',
      'Tự động',
      '1',
    ]);
    // Stored as text, not as a formula (a formula would read back as its empty result).
    expect(history!.rows[9]?.[5]).toBe('=HYPERLINK("http://x") vọng, rè');
    expect(history!.rows[10]?.slice(2, 4)).toEqual(['Điểm danh', 'Có mặt']);
  });

  it('[CL4] the history table is append-only: the database refuses updates and deletes', async () => {
    rig = await makeRig();
    await fill(rig);
    const raw = new Database(join(rig.dir, 'diemcau.sqlite'));
    try {
      expect(() => raw.prepare("UPDATE checklist_history SET value = 'pass'").run()).toThrow(/append-only/);
      expect(() => raw.prepare('DELETE FROM checklist_history').run()).toThrow(/append-only/);
    } finally {
      raw.close();
    }
    expect(rig.store.listChecklistHistory({ meeting: M })).toHaveLength(10);
  });
});
