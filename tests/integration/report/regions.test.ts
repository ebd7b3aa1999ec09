// [NV5] The report by region through the real app, on SQLite and on PostgreSQL, with the pool workers
// `serve` uses: the regions table in the JSON, CSV and workbook; a unit's report (`?unit=`) as JSON,
// CSV, XLSX and PDF; the refusals in both languages; a unit-limited technician; and, once the
// meeting's snapshot is stored, a unit's report cut from it.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeetingReport } from '../../../shared/report';
import type { Unit } from '../../../shared/schemas';
import { parseCsv } from '../../../server/importer/csv';
import { api, startTestApp, userCookie, type TestApp } from '../../helpers/app';
import { STORE_BACKENDS, type TestStore } from '../../helpers/backends';
import { MEETING, POINTS, UNITS, seedProvinceRecords } from './province-fixture';

const id = MEETING.id;
/** A district of the province with no participating point. */
const EMPTY: Unit = { id: 'HT-C', name: 'Huyện Cẩm', level: 'district', parent: 'HT' };
const LIVE_WORDS = 'Phiên họp chính thức';

/** The points a checklist or roll-call table lists (its "Mã điểm cầu" column), sorted. */
const codesOf = (table: MeetingReport['checklist']): string[] =>
  table!.rows.map((row) => row[table!.columns.indexOf('Mã điểm cầu')]!).sort();

describe.each(STORE_BACKENDS)('[NV5] the report by region on %s', (_name, open) => {
  let store: TestStore;
  let t: TestApp;
  let whole: MeetingReport;
  let techA: string;

  beforeAll(async () => {
    store = await open();
    t = await startTestApp({
      db: store.db,
      workers: true,
      units: [...UNITS, EMPTY],
      points: POINTS,
      meetings: [MEETING],
    });
    await seedProvinceRecords(t.store);
    techA = await userCookie(t, 'kt.an', 'technician', ['HT-A']);
    whole = MeetingReport.parse((await api(t, 'GET', `/api/meetings/${id}/report`)).json);
  }, 60_000);

  afterAll(async () => {
    await t?.dispose();
    await store?.drop();
  });

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${t.url}${path}`, { headers: { cookie: t.cookie, ...headers } });
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
  };
  const csvRows = async (query: string): Promise<string[][]> => {
    const res = await get(`/api/meetings/${id}/report.csv?${query}`);
    expect(res.status).toBe(200);
    return parseCsv(res.body.toString('utf8')).rows;
  };
  const workbook = async (query = ''): Promise<ExcelJS.Workbook> => {
    const res = await get(`/api/meetings/${id}/report.xlsx${query}`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    return wb;
  };
  const pdfText = async (query: string): Promise<string> => {
    const res = await get(`/api/meetings/${id}/report.pdf${query}`);
    expect(res.status).toBe(200);
    const file = join(t.dir, `r-${Math.random().toString(36).slice(2)}.pdf`);
    writeFileSync(file, res.body);
    return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  };

  it('lists the regions with figures that add up to the summary', () => {
    expect(whole.regions!.map((g) => [g.id, g.own, g.points, g.live!.downCount])).toEqual([
      ['HT', true, 1, 2],
      ['HT-A', false, 3, 2],
      ['HT-B', false, 1, 2],
    ]);
    expect(whole.regions!.reduce((a, g) => a + g.live!.downMs, 0)).toBe(whole.summary.live!.downMs);
    expect(whole.summary.live!.downMs).toBe(970_000);
  });

  it('writes the regions as a CSV table and a workbook sheet named after their level', async () => {
    const rows = await csvRows('table=regions');
    const h = rows[0]!;
    const live = rows.filter((r) => r[h.indexOf('Giai đoạn')] === LIVE_WORDS);
    expect(
      live.map((r) => [r[h.indexOf('Mã đơn vị')], r[h.indexOf('Khu vực')], r[h.indexOf('Số lần mất kết nối')]]),
    ).toEqual([
      ['HT', 'Điểm cầu riêng của Tỉnh Hà Tĩnh', '2'],
      ['HT-A', 'Huyện An', '2'],
      ['HT-B', 'Huyện Bình', '2'],
    ]);
    const downS = live.map((r) => Number(r[h.indexOf('Thời gian mất kết nối (cộng các điểm cầu, giây)')]));
    expect(downS).toEqual([210, 340, 420]);

    const wb = await workbook();
    expect(wb.worksheets.map((w) => w.name)).toContain('Theo huyện');
    const sheet = wb.getWorksheet('Theo huyện')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const points: number[] = [];
    sheet.eachRow((r, n) => {
      const v = (r.values as unknown[]).slice(1);
      if (n > 1 && v[header.indexOf('Giai đoạn')] === LIVE_WORDS) points.push(Number(v[header.indexOf('Số điểm cầu')]));
    });
    expect(points).toEqual([1, 3, 1]);
  });

  it('gives a unit’s report: its row’s figures, its points and outages only', async () => {
    const res = await api(t, 'GET', `/api/meetings/${id}/report?unit=HT-A`);
    expect(res.status).toBe(200);
    const r = MeetingReport.parse(res.json);
    expect(r.scope).toEqual({ unit: 'HT-A', name: 'Huyện An', level: 'district' });
    expect(r.summary.live).toEqual(whole.units.find((u) => u.id === 'HT-A')!.live);
    expect(r.points.map((p) => p.code).sort()).toEqual(['A1', 'A2', 'DA']);
    expect(new Set(r.outages.map((o) => o.point))).toEqual(new Set(['DA', 'A1', 'A2']));
    expect(r.units[0]).toMatchObject({ id: 'HT-A', depth: 0 });
    // The checklist and the roll call list one row per point: the unit's only.
    expect(codesOf(whole.checklist)).toEqual(['A1', 'A2', 'B1', 'DA', 'P']);
    expect(codesOf(r.checklist)).toEqual(['A1', 'A2', 'DA']);
    expect(codesOf(r.rollCall)).toEqual(['A1', 'A2', 'DA']);
    expect(r.timeline.live!.rows.at(-1)!.up + r.timeline.live!.rows.at(-1)!.unknown).toBeCloseTo(3, 1);
    expect(r.timeline).toEqual({
      lineTest: whole.regions![1]!.timeline!.lineTest,
      live: whole.regions![1]!.timeline!.live,
    });
  });

  it('exports a unit’s report: CSV and workbook of its points, the PDF titled with the unit', async () => {
    const points = await csvRows('table=points&unit=HT-B');
    expect(points.slice(1).map((r) => r[0])).toEqual(['B1', 'B1']);
    const res = await get(`/api/meetings/${id}/report.csv?table=points&unit=HT-B`);
    expect(res.headers.get('content-disposition')).toContain(`bao-cao-${id}-HT-B-`);

    const wb = await workbook('?unit=HT-A');
    expect(wb.getWorksheet('Tổng hợp')!.getCell('A2').value).toBe(`${MEETING.title} — Huyện An`);
    const codes: string[] = [];
    wb.getWorksheet('Theo điểm cầu')!.eachRow((r, n) => void (n > 1 && codes.push(String(r.getCell(1).value))));
    expect([...new Set(codes)].sort()).toEqual(['A1', 'A2', 'DA']);
    const outageSheet = wb.getWorksheet('Sự cố')!;
    expect(outageSheet.rowCount - 1).toBe(whole.outages.filter((o) => ['DA', 'A1', 'A2'].includes(o.point)).length);

    const unitPdf = await pdfText('?unit=HT-A');
    expect(unitPdf).toContain(`${MEETING.title} — Huyện An`);
    const wholePdf = await pdfText('');
    expect(wholePdf).toContain('Theo huyện — Phiên họp chính thức (khu vực kém nhất trước)');
    expect(wholePdf).not.toContain('— Huyện An');
  }, 60_000);

  it('refuses an unknown unit (404) and a unit with no participating point (400), in both languages', async () => {
    const unknown = await api(t, 'GET', `/api/meetings/${id}/report?unit=HT-Z`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toBe('không có đơn vị HT-Z');
    const en = await get(`/api/meetings/${id}/report.pdf?unit=HT-Z`, { 'accept-language': 'en' });
    expect(en.status).toBe(404);
    expect(JSON.parse(en.body.toString()).error.message).toBe('no unit HT-Z');

    const empty = await api(t, 'GET', `/api/meetings/${id}/report.xlsx?unit=HT-C`);
    expect(empty.status).toBe(400);
    expect(empty.json.error.message).toBe(`đơn vị: không có điểm cầu nào của Huyện Cẩm (HT-C) tham gia hội nghị ${id}`);
    const emptyEn = await get(`/api/meetings/${id}/report.csv?unit=HT-C`, { 'accept-language': 'en' });
    expect(emptyEn.status).toBe(400);
    expect(JSON.parse(emptyEn.body.toString()).error.message).toBe(
      `unit: no point of Huyện Cẩm (HT-C) takes part in meeting ${id}`,
    );
    // A malformed code or an unknown parameter is refused before anything is computed.
    expect((await api(t, 'GET', `/api/meetings/${id}/report?unit=a%20b`)).status).toBe(400);
    expect((await api(t, 'GET', `/api/meetings/${id}/report?region=HT-A`)).status).toBe(400);
  });

  it('lets a technician limited to a unit read that unit’s report and its exports', async () => {
    const res = await api(t, 'GET', `/api/meetings/${id}/report?unit=HT-A`, undefined, techA);
    expect(res.status).toBe(200);
    expect(MeetingReport.parse(res.json).points).toHaveLength(3);
    const csv = await fetch(`${t.url}/api/meetings/${id}/report.csv?table=outages&unit=HT-A`, {
      headers: { cookie: techA },
    });
    expect(csv.status).toBe(200);
  });

  it('[RP13] once the snapshot is stored, cuts a unit’s report from it: later records do not change it', async () => {
    await t.app.reports.service.archive(id);
    const before = MeetingReport.parse((await api(t, 'GET', `/api/meetings/${id}/report?unit=HT-A`)).json);
    expect(before.source).toBe('snapshot');
    // A record written after the snapshot (as a replayed agent's might be) is not in the signed figures.
    const late = await t.store.openOutage({
      point: 'DA',
      meeting: id,
      type: 'down',
      phase: 'live',
      startedAt: Date.parse('2026-03-06T08:45:00+07:00'),
      detectedAt: Date.parse('2026-03-06T08:45:03+07:00'),
    });
    await t.store.closeOutage(late.id, Date.parse('2026-03-06T08:46:00+07:00'));
    const after = MeetingReport.parse((await api(t, 'GET', `/api/meetings/${id}/report?unit=HT-A`)).json);
    expect(after.source).toBe('snapshot');
    expect(after.summary).toEqual(before.summary);
    expect(after.outages.map((o) => o.id)).not.toContain(late.id);
    expect(after.summary.live).toEqual(whole.units.find((u) => u.id === 'HT-A')!.live);
  });
});
