// The report through the real app (SQLite file, real sockets, real sessions): the JSON report agrees
// with the hand-worked fixture, the CSV/XLSX/PDF exports carry the same numbers, and acknowledging an
// outage is authorised per role and unit, audited, and pushed live to the other dashboards. As `serve`
// runs it: figures, XLSX and PDF computed in pool workers (server/workers/) off the request loop.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutageNote } from '../../../shared/report';
import { MeetingReport } from '../../../shared/report';
import { parseCsv } from '../../../server/importer/csv';
import { openSqliteStore } from '../../../server/store/sqlite';
import {
  ackError,
  api,
  connectSocket,
  connected,
  okData,
  startTestApp,
  userCookie,
  waitFor,
  type TestApp,
  type TestSocket,
} from '../../helpers/app';
import { MEETING, seed } from '../../unit/report/fixture';

let t: TestApp;
const cookies: Record<string, string> = {};
const sockets: TestSocket[] = [];
const id = MEETING.id;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dc-report-app-'));
  const store = openSqliteStore(join(dir, 'diemcau.sqlite'));
  seed(store);
  store.close();
  t = await startTestApp({ dir, report: { organization: 'Trung tâm Công báo - Tin học' }, workers: true });
  cookies.admin = t.cookie;
  cookies.viewer = await userCookie(t, 'xem', 'viewer');
  cookies.tech = await userCookie(t, 'kt', 'technician');
  // QT-CL-B holds point B; QT-CL-A does not.
  cookies.techB = await userCookie(t, 'kt.b', 'technician', ['QT-CL-B']);
  cookies.techA = await userCookie(t, 'kt.a', 'technician', ['QT-CL-A']);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t?.dispose();
});

const outageOf = async (point: string, type = 'down', phase = 'live') => {
  const r = MeetingReport.parse((await api(t, 'GET', `/api/meetings/${id}/report`)).json);
  return r.outages.find(
    (o) => o.point === point && o.type === type && (phase === 'live' ? o.liveMs > 0 : o.lineTestMs > 0),
  )!;
};

async function download(
  path: string,
  cookie = t.cookie,
): Promise<{ status: number; type: string; body: Buffer; name: string }> {
  const res = await fetch(`${t.url}${path}`, { headers: { cookie } });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: Buffer.from(await res.arrayBuffer()),
    name: res.headers.get('content-disposition') ?? '',
  };
}

describe('GET /api/meetings/:id/report', () => {
  it('gives every session the report, the figures as worked out by hand', async () => {
    const res = await api(t, 'GET', `/api/meetings/${id}/report`, undefined, cookies.viewer);
    expect(res.status).toBe(200);
    const r = MeetingReport.parse(res.json);
    expect(r.meeting.id).toBe(id);
    expect(r.source).toBe('live');
    expect(r.summary.live).toMatchObject({ upPct: 39.76, downPct: 26.87, reachablePct: 60.5, points: 4 });
    expect(r.points.find((p) => p.code === 'B')!.live).toMatchObject({ upPct: 68.36, rttP95: 150, lossPct: 18.5 });
    expect(r.outages).toHaveLength(4);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses without a session, and answers 404 / 400 for an unknown or malformed meeting', async () => {
    expect((await api(t, 'GET', `/api/meetings/${id}/report`, undefined, null)).status).toBe(401);
    expect((await api(t, 'GET', '/api/meetings/khong-co/report')).status).toBe(404);
    const bad = await api(t, 'GET', `/api/meetings/${encodeURIComponent('a b')}/report.csv`);
    expect(bad.status).toBe(400);
    expect((await api(t, 'GET', `/api/meetings/${id}/report.csv?table=nope`)).json.error.fields).toHaveProperty(
      'query.table',
    );
  });
});

describe('exports', () => {
  it('CSV tables carry the JSON numbers; semicolon CSV uses decimal commas', async () => {
    const csv = await download(`/api/meetings/${id}/report.csv?table=points`);
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    expect(csv.name).toMatch(/attachment; filename="?bao-cao-hn-cam-lo-\d{8}-\d{4}\.points\.csv"?$/);
    const { rows } = parseCsv(csv.body.toString('utf8'));
    const header = rows[0]!;
    const b = rows.find((r) => r[0] === 'B' && r[4] === 'Phiên họp chính thức')!;
    expect(b[header.indexOf('Thông suốt (%)')]).toBe('68.36');
    expect(b[header.indexOf('Thời gian mất kết nối (giây)')]).toBe('604'); // 10 min 04 s
    expect(b[header.indexOf('Độ trễ p95 (ms)')]).toBe('150.00');
    expect(b[1]).toBe('Điểm cầu xã Cam Thành');

    const semi = parseCsv(
      (await download(`/api/meetings/${id}/report.csv?table=summary&delimiter=semicolon`)).body.toString('utf8'),
      ';',
    );
    const live = semi.rows.find((r) => r[0] === 'Phiên họp chính thức')!;
    expect(live[semi.rows[0]!.indexOf('Khả dụng trên thời gian đo được (%)')]).toBe('60,50');

    const out = parseCsv((await download(`/api/meetings/${id}/report.csv?table=outages`)).body.toString('utf8'));
    expect(out.rows).toHaveLength(5);
    // Oldest first: B in the line test, then C, down since 07:30. (The running monitor finds C's loopback
    // address up and closes that outage now: its end is today's, which the session's figures clip.)
    expect(out.rows[2]!.slice(1, 5)).toEqual(['C', 'Điểm cầu xã Cam Tuyền', 'Xã Cam Tuyền', 'Mất kết nối']);
  });

  it('the workbook has the summary, units, points, outages, checklist and roll call', async () => {
    const x = await download(`/api/meetings/${id}/report.xlsx`, cookies.viewer);
    expect(x.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.body as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Tổng hợp',
      'Theo xã', // [NV5] the regions of a district's meeting
      'Theo đơn vị',
      'Theo điểm cầu',
      'Sự cố',
      'Sự cố theo nhóm',
      'Kiểm tra',
      'Điểm danh',
    ]);
    const points = wb.getWorksheet('Theo điểm cầu')!;
    const head = (points.getRow(1).values as unknown[]).slice(1);
    const all: unknown[][] = [];
    points.eachRow((row) => void all.push((row.values as unknown[]).slice(1)));
    const c = all.find((v) => v[0] === 'C' && v[4] === 'Phiên họp chính thức')!;
    expect(c[head.indexOf('Mất kết nối (%)')]).toBe(90.69);
    // Durations are Excel times ([h]:mm:ss); ExcelJS reads such a cell back as a Date from 1899-12-30.
    const cell = c[head.indexOf('Thời gian mất kết nối')] as Date;
    expect((cell.getTime() - Date.UTC(1899, 11, 30)) / 1000).toBe(3_265);
    // The checklist of issue 4: its default items as columns, a row per point.
    const check = wb.getWorksheet('Kiểm tra')!;
    expect((check.getRow(1).values as unknown[]).slice(1)).toEqual(
      expect.arrayContaining(['Tên điểm cầu', 'Sẵn sàng']),
    );
    expect(check.rowCount).toBe(5);
  });

  it('the PDF is a PDF with the title and the points’ names', async () => {
    const pdf = await download(`/api/meetings/${id}/report.pdf`, cookies.viewer);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const file = join(t.dir, 'r.pdf');
    writeFileSync(file, pdf.body);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toMatch(/^\s*BÁO CÁO\n\s*Kết quả bảo đảm kỹ thuật hội nghị trực tuyến$/m);
    // `serve --report-org` (report.organization) names the organisation when no settings do.
    expect(text).toContain('TRUNG TÂM CÔNG BÁO - TIN HỌC');
    expect(text).toContain('Điểm cầu xã Cam Tuyền');
  });
});

describe('acknowledging an outage', () => {
  it('[RP12] refuses viewers and technicians outside the point’s units, before reading the body', async () => {
    const o = await outageOf('B');
    const viewer = await api(t, 'PUT', `/api/outages/${o.id}/note`, { bogus: true }, cookies.viewer);
    expect(viewer.status).toBe(403);
    const outside = await api(t, 'PUT', `/api/outages/${o.id}/note`, { cause: 'power', note: '' }, cookies.techA);
    expect(outside.status).toBe(403);
    expect(outside.json.error.message).toMatch(/QT-CL-A/);
    expect((await api(t, 'GET', `/api/outages/${o.id}/note`)).json).toEqual({ note: null, history: [] });
    expect((await api(t, 'PUT', `/api/outages/${o.id}/note`, { cause: 'power', note: '' }, null)).status).toBe(401);
  });

  it('[RP12] validates the body and the id', async () => {
    const o = await outageOf('B');
    const cases: [unknown, string][] = [
      [{ cause: 'sabotage', note: '' }, 'body.cause'],
      [{ cause: 'line', note: 'x'.repeat(2001) }, 'body.note'],
      [{ cause: 'line', note: '', extra: 1 }, 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await api(t, 'PUT', `/api/outages/${o.id}/note`, body, cookies.techB);
      expect(res.status).toBe(400);
      expect(Object.keys(res.json.error.fields ?? {})).toContain(field);
    }
    expect((await api(t, 'PUT', '/api/outages/999999/note', { cause: 'line' }, cookies.techB)).status).toBe(404);
    expect((await api(t, 'PUT', '/api/outages/-1/note', { cause: 'line' }, cookies.techB)).status).toBe(400);
  });

  it('[RP12] a technician of the unit acknowledges; an admin edits; the history says who, when, old → new', async () => {
    const o = await outageOf('B');
    const first = await api(
      t,
      'PUT',
      `/api/outages/${o.id}/note`,
      { cause: null, note: '  Đang kiểm tra  ' },
      cookies.techB,
    );
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      changed: true,
      note: { acknowledgedBy: 'kt.b', cause: null, note: 'Đang kiểm tra' },
    });
    const again = await api(
      t,
      'PUT',
      `/api/outages/${o.id}/note`,
      { cause: null, note: 'Đang kiểm tra' },
      cookies.techB,
    );
    expect(again.json.changed).toBe(false);
    const edit = await api(t, 'PUT', `/api/outages/${o.id}/note`, { cause: 'line', note: 'Đứt cáp quang' });
    expect(edit.json.note).toMatchObject({ acknowledgedBy: 'kt.b', updatedBy: 'admin', cause: 'line' });
    const { history } = (await api(t, 'GET', `/api/outages/${o.id}/note`, undefined, cookies.viewer)).json;
    expect(history.map((h: any) => [h.by, h.acknowledged, h.cause, h.note])).toEqual([
      ['kt.b', true, { from: null, to: null }, { from: '', to: 'Đang kiểm tra' }],
      ['admin', false, { from: null, to: 'line' }, { from: 'Đang kiểm tra', to: 'Đứt cáp quang' }],
    ]);
    const r = MeetingReport.parse((await api(t, 'GET', `/api/meetings/${id}/report`)).json);
    expect(r.outages.find((x) => x.id === o.id)!.note).toMatchObject({ cause: 'line', note: 'Đứt cáp quang' });
    const out = parseCsv((await download(`/api/meetings/${id}/report.csv?table=outages`)).body.toString('utf8'));
    expect(out.rows.find((row) => row[0] === String(o.id))).toEqual(
      expect.arrayContaining(['Đường truyền / nhà mạng', 'Đứt cáp quang', 'kt.b']),
    );
  });

  it('[RP12] over the socket: refused for a viewer, and every dashboard in the meeting sees the note', async () => {
    const o = await outageOf('C');
    const watcher = connectSocket(t.url, cookies.viewer);
    const tech = connectSocket(t.url, cookies.tech);
    sockets.push(watcher, tech);
    await Promise.all([connected(watcher), connected(tech)]);
    // The report view watches the meeting's room without taking a snapshot.
    expect(ackError(await watcher.emitWithAck('report:watch', { meetingId: 'khong-co' })).code).toBe('not_found');
    expect(okData(await watcher.emitWithAck('report:watch', { meetingId: id }))).toBeNull();
    const seen: OutageNote[] = [];
    watcher.on('outage:annotated', (n) => seen.push(n));

    expect(ackError(await watcher.emitWithAck('outage:acknowledge', { id: o.id, cause: 'power', note: '' })).code).toBe(
      'forbidden',
    );
    const bad = ackError(await tech.emitWithAck('outage:acknowledge', { id: o.id, cause: 'nope', note: '' } as never));
    expect(bad.code).toBe('bad_request');
    const done = okData(
      await tech.emitWithAck('outage:acknowledge', { id: o.id, cause: 'power', note: 'Mất điện lưới' }),
    );
    expect(done.note).toMatchObject({ outageId: o.id, cause: 'power', acknowledgedBy: 'kt' });
    await waitFor('the note to reach the other dashboard', () => seen.length > 0);
    expect(seen[0]).toMatchObject({ outageId: o.id, meeting: id, cause: 'power', note: 'Mất điện lưới' });

    const techA = connectSocket(t.url, cookies.techA);
    sockets.push(techA);
    await connected(techA);
    expect(ackError(await techA.emitWithAck('outage:acknowledge', { id: o.id, cause: 'other', note: '' })).code).toBe(
      'forbidden',
    );
    expect(ackError(await tech.emitWithAck('outage:acknowledge', { id: 987_654, cause: 'other', note: '' })).code).toBe(
      'not_found',
    );
  });

  it('shows the retention settings', async () => {
    expect((await api(t, 'GET', '/api/report/retention', undefined, cookies.viewer)).json).toEqual({
      rollupDays: 90,
      reportDays: null,
      lastPurge: null,
    });
  });
});
