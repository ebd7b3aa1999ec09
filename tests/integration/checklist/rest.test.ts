// The checklist's REST routes through the real app: every route for each role (allowed and refused,
// a refusal changing nothing), a unit-limited technician's scope, the 409 with the current value,
// validation, templates, and the exports read back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChecklistTemplateBody } from '../../../shared/checklist';
import type { Unit } from '../../../shared/schemas';
import { parseCsv } from '../../../server/importer/csv';
import { readXlsx } from '../../../server/importer/xlsx';
import { api, meetingNow, point, startTestApp, tinyProvince, userCookie, type TestApp } from '../../helpers/app';

const base = tinyProvince(71, 2);
const units: Unit[] = [
  ...base.units,
  { id: 'D2', name: 'Huyện Hai', level: 'district', parent: 'P' },
  { id: 'C3', name: 'Xã Ba', level: 'commune', parent: 'D2' },
];
const points = [...base.points, point('C3', 'Điểm cầu xã Ba', 'commune', 'C3', '127.71.2.3')];
let t: TestApp;
const cookies: Record<string, string> = {};
const ROLES = ['admin', 'technician', 'viewer'] as const;

beforeAll(async () => {
  t = await startTestApp({
    units,
    points,
    meetings: [meetingNow('M', 'lineTest'), meetingNow('M2', 'lineTest')],
    cadence: { idleMs: 60_000, lineTestMs: 2_000, liveMs: 2_000 },
  });
  cookies.admin = t.cookie;
  cookies.technician = await userCookie(t, 'kt', 'technician');
  cookies.viewer = await userCookie(t, 'xem', 'viewer');
  cookies.techD2 = await userCookie(t, 'kt.d2', 'technician', ['D2']);
});
afterAll(async () => {
  await t?.dispose();
});

const as = (who: string, method: string, path: string, body?: unknown) => api(t, method, path, body, cookies[who]!);
const itemPath = (code: string, item = 'camera') => `/api/meetings/M/checklist/points/${code}/items/${item}`;
const roll = (code: string) => `/api/meetings/M/rollcall/points/${code}`;
const template = (name: string): ChecklistTemplateBody => ({
  name,
  items: [
    { key: 'am-thanh', label: 'Âm thanh' },
    { key: 'duong-truyen', label: 'Đường truyền', mode: 'automatic', rule: 'line' },
  ],
});

describe('checklist REST: who may do what', () => {
  it('every route needs a session', async () => {
    for (const [method, path] of [
      ['GET', '/api/checklist/templates'],
      ['PUT', '/api/checklist/templates/x'],
      ['GET', '/api/meetings/M/checklist'],
      ['PUT', '/api/meetings/M/checklist/points/C1/items/camera'],
      ['PUT', '/api/meetings/M/rollcall/points/C1'],
      ['GET', '/api/meetings/M/checklist.xlsx'],
    ] as const) {
      expect((await api(t, method, path, method === 'PUT' ? {} : undefined, null)).status, `${method} ${path}`).toBe(
        401,
      );
    }
  });

  it('reads are open to every role', async () => {
    for (const role of ROLES) {
      for (const path of [
        '/api/checklist/templates',
        '/api/checklist/templates/mac-dinh',
        '/api/meetings/M/checklist',
        '/api/meetings/M/checklist/history',
        '/api/meetings/M/checklist.csv',
        '/api/meetings/M/rollcall.csv',
        '/api/meetings/M/checklist.xlsx',
      ]) {
        expect((await as(role, 'GET', path)).status, `${role} GET ${path}`).toBe(200);
      }
    }
  });

  it("templates and a meeting's template: admins only; a refusal changes nothing", async () => {
    for (const role of ['technician', 'viewer', 'techD2']) {
      expect((await as(role, 'PUT', '/api/checklist/templates/xa', template('Mẫu xã'))).status).toBe(403);
      expect((await as(role, 'PUT', '/api/meetings/M2/checklist/template', { template: 'mac-dinh' })).status).toBe(403);
      expect((await as(role, 'DELETE', '/api/checklist/templates/mac-dinh')).status).toBe(403);
    }
    expect((await as('admin', 'GET', '/api/checklist/templates')).json).toHaveLength(1);

    const created = await as('admin', 'PUT', '/api/checklist/templates/xa', template('Mẫu xã'));
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: 'xa', name: 'Mẫu xã', isDefault: false });
    expect((await as('admin', 'PUT', '/api/checklist/templates/xa', template('Mẫu xã (2)'))).status).toBe(200);
    const assigned = await as('admin', 'PUT', '/api/meetings/M2/checklist/template', { template: 'xa' });
    expect(assigned.status).toBe(200);
    expect((await as('viewer', 'GET', '/api/meetings/M2/checklist')).json.template.items).toHaveLength(2);
    expect((await as('admin', 'DELETE', '/api/checklist/templates/xa')).status).toBe(204);
    expect((await as('admin', 'DELETE', '/api/checklist/templates/mac-dinh')).status).toBe(400);
    expect((await as('admin', 'GET', '/api/checklist/templates/xa')).status).toBe(404);
    const bad = await as('admin', 'PUT', '/api/checklist/templates/bad', { name: '', items: [{ key: 'Sai Khoá' }] });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json.error.fields)).toEqual(
      expect.arrayContaining(['name', 'items[0].key', 'items[0].label']),
    );
  });

  it('ticking: admin and technicians; viewers and technicians outside their units refused', async () => {
    expect((await as('viewer', 'PUT', itemPath('C1'), { result: 'pass', version: 0 })).status).toBe(403);
    const outside = await as('techD2', 'PUT', itemPath('C1'), { result: 'pass', version: 0 });
    expect(outside.status).toBe(403);
    expect(outside.json.error.message).toMatch(/trong đơn vị D2; điểm cầu C1/);
    // The refused writes left nothing; the system's automatic items ([CL6]: the backup line is n/a for a
    // point without one) may have been recorded already, depending on when its first tick ran.
    const history = (await as('viewer', 'GET', '/api/meetings/M/checklist/history?point=C1')).json as {
      source: string;
    }[];
    expect(history.filter((h) => h.source !== 'auto')).toEqual([]);

    const inside = await as('techD2', 'PUT', itemPath('C3'), { result: 'pass', version: 0 });
    expect(inside.status).toBe(200);
    expect(inside.json).toMatchObject({ point: 'C3', item: 'camera', result: 'pass', by: 'kt.d2', version: 1 });
    expect(
      (await as('technician', 'PUT', itemPath('C1'), { result: 'fail', note: 'Lệch khung', version: 0 })).status,
    ).toBe(200);
    expect((await as('admin', 'PUT', itemPath('C1'), { result: 'pass', version: 1 })).status).toBe(200);
    expect((await as('techD2', 'GET', '/api/meetings/M/checklist')).json.writable).toEqual(['C3']);

    expect((await as('viewer', 'PUT', roll('C1'), { status: 'present', version: 0 })).status).toBe(403);
    expect((await as('techD2', 'PUT', roll('C1'), { status: 'present', version: 0 })).status).toBe(403);
    expect((await as('technician', 'PUT', roll('C1'), { status: 'present', version: 0 })).json).toMatchObject({
      point: 'C1',
      status: 'present',
      version: 1,
    });
  });

  it('[CL5] a stale version: 409 with the current value; nothing written', async () => {
    const path = '/api/meetings/M/checklist/points/D1/items/am-thanh';
    expect((await as('technician', 'PUT', path, { result: 'pass', version: 0 })).status).toBe(200);
    const stale = await as('admin', 'PUT', path, { result: 'fail', version: 0 });
    expect(stale.status).toBe(409);
    expect(stale.json.error).toMatchObject({
      code: 'conflict',
      current: { point: 'D1', item: 'am-thanh', result: 'pass', by: 'kt', version: 1 },
    });
    const history = (await as('viewer', 'GET', '/api/meetings/M/checklist/history?point=D1&item=am-thanh')).json;
    expect(history.map((h: { value: string }) => h.value)).toEqual(['pass']);
  });

  it('validates the URL and the body', async () => {
    const put = (path: string, body: unknown) => as('admin', 'PUT', path, body);
    expect(
      (await put('/api/meetings/M/checklist/points/D1/items/duong-truyen', { result: 'pass', version: 0 })).status,
    ).toBe(400);
    expect(
      (await put('/api/meetings/M/checklist/points/D1/items/khong-co', { result: 'pass', version: 0 })).status,
    ).toBe(404);
    expect(
      (await put('/api/meetings/M/checklist/points/KHONG/items/camera', { result: 'pass', version: 0 })).status,
    ).toBe(404);
    expect(
      (await put('/api/meetings/NOPE/checklist/points/D1/items/camera', { result: 'pass', version: 0 })).status,
    ).toBe(404);
    expect(
      (await put('/api/meetings/M/checklist/points/D1/items/Sai%20Khoa', { result: 'pass', version: 0 })).status,
    ).toBe(400);
    const bad = await put('/api/meetings/M/checklist/points/D1/items/camera', { result: 'maybe', version: 1.5, x: 1 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields).toMatchObject({ result: expect.any(String), version: expect.any(String) });
    expect((await put('/api/meetings/M/checklist/points/D1/items/camera', { version: 0 })).status).toBe(400);
    expect(
      (await put('/api/meetings/M/checklist/points/D1/items/camera', { note: 'x'.repeat(501), version: 0 })).status,
    ).toBe(400);
    expect((await as('admin', 'GET', '/api/meetings/M/checklist/history?limit=0')).status).toBe(400);
  });

  it('[CL10] exports: CSV and XLSX read back with the ticks', async () => {
    const csv = await as('viewer', 'GET', '/api/meetings/M/checklist.csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(
      /^attachment; filename="?danh-muc-kiem-tra-M-\d{8}-\d{4}\.csv"?$/,
    );
    const rows = parseCsv(String(csv.json).replace(/^\ufeff/, '')).rows;
    expect(rows[0]?.slice(0, 4)).toEqual(['Mã điểm cầu', 'Tên điểm cầu', 'Đơn vị', 'Sẵn sàng']);
    expect(rows.map((r) => r[0])).toEqual(['Mã điểm cầu', 'P', 'D1', 'C1', 'C2', 'C3']);
    const res = await fetch(`${t.url}/api/meetings/M/checklist.xlsx`, { headers: { cookie: cookies.viewer! } });
    expect(res.status).toBe(200);
    const sheets = await readXlsx(new Uint8Array(await res.arrayBuffer()));
    expect(sheets.map((s) => s.name)).toEqual(['Danh mục kiểm tra', 'Điểm danh', 'Lịch sử thay đổi']);
    const c1 = sheets[0]!.rows.find((r) => r[0] === 'C1')!;
    expect(c1[7]).toBe('Đạt'); // Camera / góc quay, after the admin's change
    expect(sheets[1]!.rows.find((r) => r[0] === 'C1')?.[5]).toBe('Có mặt');
    expect(sheets[2]!.rows.some((r) => r[1] === 'C1' && r[5] === 'Lệch khung')).toBe(true);
  });
});
