// The report's totals agree across the JSON API, the XLSX workbook, the CSV tables and the PDF's text,
// and every table and chart adds up to the summary — the province's own point included (NU3, NU4).
// Real app on a real SQLite file holding real rollups and outage records (province-fixture.ts); the
// workbook is read back with exceljs, the PDF with pdftotext (poppler-utils).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeetingReport, type AggregateFigures, type ReportUnit } from '../../../shared/report';
import { parseCsv } from '../../../server/importer/csv';
import { openSqliteStore } from '../../../server/store/sqlite';
import { unitBars } from '../../../client/src/lib/reportView';
import { subtreeIndex, filterOutages, NO_FILTER } from '../../../client/src/lib/reportFilters';
import { api, startTestApp, type TestApp } from '../../helpers/app';
import { EXPECTED_LIVE, MEETING, seedProvince } from './province-fixture';

const id = MEETING.id;
const LIVE_WORDS = 'Phiên họp chính thức';
let t: TestApp;
let report: MeetingReport;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dc-totals-'));
  const store = openSqliteStore(join(dir, 'diemcau.sqlite'));
  seedProvince(store);
  store.close();
  t = await startTestApp({ dir });
  report = MeetingReport.parse((await api(t, 'GET', `/api/meetings/${id}/report`)).json);
});

afterAll(async () => {
  await t?.dispose();
});

async function download(path: string): Promise<Buffer> {
  const res = await fetch(`${t.url}${path}`, { headers: { cookie: t.cookie } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const num = (v: unknown): number => {
  // ExcelJS reads an Excel duration ([h]:mm:ss) back as a Date counted from 1899-12-30: seconds.
  if (v instanceof Date) return Math.round((v.getTime() - Date.UTC(1899, 11, 30)) / 1000);
  return Number(String(v).replace(',', '.'));
};

type Row = Record<string, unknown>;

/** A table as objects keyed by its header (the first row with `first` as its first cell). */
function keyed(rows: readonly (readonly unknown[])[], first: string): Row[] {
  const h = rows.findIndex((r) => r[0] === first);
  expect(h).toBeGreaterThanOrEqual(0);
  const header = rows[h]!.map(String);
  return rows.slice(h + 1).map((r) => Object.fromEntries(header.map((k, i) => [k, r[i]])));
}

async function csv(table: string): Promise<Row[]> {
  const { rows } = parseCsv((await download(`/api/meetings/${id}/report.csv?table=${table}`)).toString('utf8'));
  return keyed(rows, rows[0]![0]!);
}

async function workbook(): Promise<Record<string, Row[]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await download(`/api/meetings/${id}/report.xlsx`)) as unknown as ArrayBuffer);
  const sheet = (name: string, first: string): Row[] => {
    const rows: unknown[][] = [];
    wb.getWorksheet(name)!.eachRow((r) => void rows.push((r.values as unknown[]).slice(1)));
    return keyed(rows, first);
  };
  return {
    summary: sheet('Tổng hợp', 'Giai đoạn'),
    units: sheet('Theo đơn vị', 'Mã đơn vị'),
    points: sheet('Theo điểm cầu', 'Mã điểm cầu'),
    outages: sheet('Sự cố', 'Mã sự cố'),
  };
}

async function pdfText(): Promise<string> {
  const file = join(t.dir, 'report.pdf');
  writeFileSync(file, await download(`/api/meetings/${id}/report.pdf`));
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

/** The rows of the first level with two or more units: what the unit chart draws as bars. */
function firstLevel(units: readonly ReportUnit[]): ReportUnit[] {
  const depth = [0, 1, 2, 3].find((d) => units.filter((u) => u.depth === d).length >= 2)!;
  return units.filter((u) => u.depth === depth);
}

const COUNT = 'Số lần mất kết nối';
const DOWN_S = 'Thời gian mất kết nối (cộng các điểm cầu, giây)';
const DOWN_XLSX = 'Thời gian mất kết nối (cộng các điểm cầu)';
const live = (rows: Row[]): Row[] => rows.filter((r) => r['Giai đoạn'] === LIVE_WORDS);

describe('the report adds up', () => {
  it('[NU3] every level of the unit table sums to its parent and the first level to the summary, the province’s own point included', () => {
    const s = report.summary.live!;
    expect(s).toMatchObject({
      downCount: EXPECTED_LIVE.downCount,
      pointsWithDown: EXPECTED_LIVE.pointsWithDown,
      severeCount: EXPECTED_LIVE.severeCount,
      downMs: EXPECTED_LIVE.downSeconds * 1000,
      points: 5,
    });
    // The province's own point has a row of its own, first among the districts; so has a district's.
    expect(report.units.map((u) => [u.id, u.depth, u.ownOf ?? null, u.live?.points])).toEqual([
      ['HT', 0, null, 5],
      ['HT#own', 1, 'HT', 1],
      ['HT-A', 1, null, 3],
      ['HT-A#own', 2, 'HT-A', 1],
      ['HT-A-2', 2, null, 1],
      ['HT-A-1', 2, null, 1],
      ['HT-B', 1, null, 1],
      ['HT-B-1', 2, null, 1],
    ]);
    expect(report.units[1]!.name).toBe('Điểm cầu riêng của Tỉnh Hà Tĩnh');
    const fields = ['points', 'pointsWithDown', 'downCount', 'severeCount', 'downMs', 'periodMs', 'upMs'] as const;
    const pick = (f: AggregateFigures) => Object.fromEntries(fields.map((k) => [k, f[k]]));
    const total = (list: readonly ReportUnit[]) =>
      Object.fromEntries(fields.map((k) => [k, sum(list.map((u) => u.live![k]))]));
    const parents = report.units.filter((p) => report.units.some((u) => u.parent === p.id));
    expect(parents.map((p) => p.id)).toEqual(['HT', 'HT-A', 'HT-B']);
    const sums = parents.map((p) => ({ id: p.id, ...total(report.units.filter((u) => u.parent === p.id)) }));
    expect(sums).toEqual(parents.map((p) => ({ id: p.id, ...pick(p.live!) })));
    expect(total(report.units.filter((u) => u.depth === 0))).toEqual(pick(s));
    expect(total(firstLevel(report.units))).toEqual(pick(s));
    // The points and the outage list say the same.
    expect(sum(report.points.map((p) => p.live!.downCount))).toBe(s.downCount);
    expect(sum(report.points.map((p) => p.live!.downMs))).toBe(s.downMs);
    const liveDown = report.outages.filter((o) => o.type === 'down' && o.liveMs > 0);
    expect(liveDown).toHaveLength(s.downCount);
    expect(sum(liveDown.map((o) => o.liveMs))).toBe(s.downMs);

    // The dashboard's unit chart draws that first level; the outage filter on the own row keeps the
    // province point's outages only.
    const bars = unitBars(report.units, 'live');
    expect(bars.map((b) => b.id)).toEqual(['HT#own', 'HT-A', 'HT-B']);
    const own = filterOutages(report.outages, { ...NO_FILTER, unit: 'HT#own' }, subtreeIndex(report.units));
    expect(new Set(own.map((o) => o.point))).toEqual(new Set(['P']));
    const all = filterOutages(report.outages, { ...NO_FILTER, unit: 'HT' }, subtreeIndex(report.units));
    expect(all).toHaveLength(report.outages.length);
  });

  it('[NU4] the JSON, the XLSX, the CSV and the PDF give the same totals', async () => {
    const s = report.summary.live!;
    const downS = s.downMs / 1000;
    const top = new Set(firstLevel(report.units).map((u) => u.id));

    // CSV: durations in whole seconds.
    const [cs, cu, cp, co] = await Promise.all([csv('summary'), csv('units'), csv('points'), csv('outages')]);
    const csvLive = live(cs)[0]!;
    expect(num(csvLive[COUNT])).toBe(s.downCount);
    expect(num(csvLive[DOWN_S])).toBe(downS);
    const csvTop = live(cu).filter((r) => top.has(String(r['Mã đơn vị'])));
    expect(csvTop).toHaveLength(top.size);
    expect(sum(csvTop.map((r) => num(r[COUNT])))).toBe(s.downCount);
    expect(sum(csvTop.map((r) => num(r[DOWN_S])))).toBe(downS);
    expect(sum(live(cp).map((r) => num(r[COUNT])))).toBe(s.downCount);
    const csvDown = co.filter((r) => r['Loại'] === 'Mất kết nối' && num(r['Trong phiên họp (giây)']) > 0);
    expect(csvDown).toHaveLength(s.downCount);
    expect(sum(csvDown.map((r) => num(r['Trong phiên họp (giây)'])))).toBe(downS);

    // XLSX: numbers stay numbers, durations Excel durations.
    const x = await workbook();
    const xLive = live(x.summary!)[0]!;
    expect(num(xLive[COUNT])).toBe(s.downCount);
    expect(num(xLive[DOWN_XLSX])).toBe(downS);
    const xTop = live(x.units!).filter((r) => top.has(String(r['Mã đơn vị'])));
    expect(xTop).toHaveLength(top.size);
    expect(sum(xTop.map((r) => num(r[COUNT])))).toBe(s.downCount);
    expect(sum(xTop.map((r) => num(r[DOWN_XLSX])))).toBe(downS);
    expect(sum(live(x.points!).map((r) => num(r[COUNT])))).toBe(s.downCount);
    const xDown = x.outages!.filter((r) => r['Loại'] === 'Mất kết nối' && num(r['Trong phiên họp']) > 0);
    expect(xDown).toHaveLength(s.downCount);
    expect(x.outages).toHaveLength(report.outages.length);

    // PDF: the summary's count (with the points that went down), the unit table's first level, the
    // outage list's rows. Its durations are written for people, so they are not compared here.
    const text = await pdfText();
    const summaryLine = text.split('\n').find((l) => l.trimStart().startsWith(COUNT))!;
    const pairs = [...summaryLine.matchAll(/(\d+) \((\d+) điểm cầu\)/g)];
    expect(pairs.map((m) => [Number(m[1]), Number(m[2])]).at(-1)).toEqual([s.downCount, s.pointsWithDown]);
    const unitRows = firstLevel(report.units).map((u) => {
      const line = text.split('\n').find((l) => l.startsWith(`${u.name}  `) && /\d+\s*$/.test(l));
      expect({ unit: u.name, found: line !== undefined }).toEqual({ unit: u.name, found: true });
      // … | Số lần mất | Điểm cầu có mất kết nối: the last two figures of the row.
      const cells = line!
        .slice(u.name.length)
        .trim()
        .split(/\s{2,}/);
      return Number(cells.at(-2));
    });
    expect(sum(unitRows)).toBe(s.downCount);
    const stt = [...text.matchAll(/^\s*(\d+) Điểm cầu /gm)].map((m) => Number(m[1]));
    expect(Math.max(...stt)).toBe(report.outages.length);
  });
});
