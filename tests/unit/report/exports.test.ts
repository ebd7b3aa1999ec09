// The exports read back: CSV tables and the XLSX workbook carry the report's very numbers; the PDF's
// text (pdftotext) holds the Vietnamese headings and the points' names with their diacritics, its
// fonts are embedded, and its first page is rendered to test-artifacts/ for a person to look at.
import { execFileSync } from 'node:child_process';
import { asyncStore } from '../../../server/store/async';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_TABLES, type MeetingReport } from '../../../shared/report';
import { ReportSettings } from '../../../shared/report-settings';
import { parseCsv } from '../../../server/importer/csv';
import { computeReport } from '../../../server/report/compute';
import { reportCsv } from '../../../server/report/csv';
import { chartedPoints, reportPdf } from '../../../server/report/pdf';
import { applyCurrent } from '../../../server/report/current';
import { presentNote } from '../../../server/report/notes-present';
import { reportXlsx } from '../../../server/report/xlsx';
import { MemoryStore } from '../../helpers/memory-store';
import { LIVE, END, MEETING, NOW, POINTS, THRESHOLDS, UNITS, seed } from './fixture';

const ARTIFACTS = join(import.meta.dirname, '..', '..', '..', 'test-artifacts');
const dir = mkdtempSync(join(tmpdir(), 'dc-report-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The i-th hour after the session's start; an instant as ISO 8601. */
const hourly = (i: number): string => new Date(LIVE + i * 3_600_000).toISOString();
const iso = (ms: number): string => new Date(ms).toISOString();

let report: MeetingReport;
let store: MemoryStore;

beforeAll(async () => {
  store = new MemoryStore();
  seed(store);
  const base = await computeReport({
    store: asyncStore(store),
    meeting: MEETING,
    participants: POINTS,
    points: POINTS,
    units: UNITS,
    now: NOW,
    thresholds: THRESHOLDS,
  });
  const b = base.outages.find((o) => o.point === 'B' && o.liveMs > 0 && o.type === 'down')!;
  const saved = store.saveOutageNote({
    outageId: b.id,
    cause: 'line',
    note: 'Đứt cáp quang tại Cam Thành; Viễn thông tỉnh đã khắc phục',
    by: 'kt.camlo',
    byName: 'Lê Thị Thuỷ',
    at: END,
  });
  report = {
    ...base,
    outages: base.outages.map((o) => (o.id === b.id ? { ...o, note: presentNote(saved.note, o.meeting) } : o)),
    checklist: {
      title: 'Danh mục kiểm tra mặc định',
      columns: ['Mã điểm cầu', 'Tên điểm cầu', 'Đơn vị', 'Sẵn sàng', 'Đường truyền', 'Âm thanh'],
      rows: POINTS.map((p, i) => [
        p.code,
        p.name,
        'Huyện Cam Lộ',
        i < 3 ? 'Sẵn sàng' : 'Chưa sẵn sàng',
        'Đạt',
        i < 3 ? 'Đạt' : 'Không đạt',
      ]),
    },
    rollCall: null,
  };
});

describe('CSV', () => {
  it('writes every table with its header and the report’s numbers', () => {
    const rowCounts = Object.fromEntries(
      CSV_TABLES.map((table) => [table, parseCsv(reportCsv(report, table)).rows.length]),
    );
    // Header + rows: two per unit and per point (one per phase), one per outage or checklist row.
    expect(rowCounts).toEqual({
      summary: 3,
      regions: 1 + 2 * report.regions!.length,
      units: 1 + 2 * report.units.length,
      points: 1 + 2 * POINTS.length,
      outages: 1 + report.outages.length,
      checklist: 1 + POINTS.length,
      rollcall: 2,
    });
    const summary = parseCsv(reportCsv(report, 'summary')).rows;
    const live = summary.find((r) => r[0] === 'Phiên họp chính thức')!;
    const col = (h: string) => summary[0]!.indexOf(h);
    expect(live[col('Thông suốt (%)')]).toBe(report.summary.live!.upPct.toFixed(2));
    expect(live[col('Số điểm cầu')]).toBe('4');
    // [NU2] Durations in whole seconds, never h:mm:ss that reads as a time of day.
    // A unit's or the meeting's times are its points' added up: the headers say so.
    expect(live[col('Thời gian mất kết nối (cộng các điểm cầu, giây)')]).toBe('3869'); // 1 h 04 min 29 s
    expect(live[col('Lần mất kết nối dài nhất (giây)')]).toBe('3265');
    expect(live[col('Thời gian theo dõi (cộng các điểm cầu, giây)')]).toBe('14400'); // 4 points × 1 h
    const points = parseCsv(reportCsv(report, 'points')).rows;
    expect(points).toHaveLength(1 + 2 * POINTS.length);
    const outages = parseCsv(reportCsv(report, 'outages')).rows;
    expect(outages.some((r) => r.includes('Đứt cáp quang tại Cam Thành; Viễn thông tỉnh đã khắc phục'))).toBe(true);
    expect(outages.some((r) => r.includes('Lê Thị Thuỷ'))).toBe(true);
  });

  it('with semicolons writes decimal commas, and starts with a BOM for Excel', () => {
    const text = reportCsv(report, 'summary', true);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(text, ';').rows;
    const live = rows.find((r) => r[0] === 'Phiên họp chính thức')!;
    expect(live[rows[0]!.indexOf('Khả dụng trên thời gian đo được (%)')]).toBe('60,50');
  });
});

describe('XLSX', () => {
  it('reads back with the same numbers on every sheet', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await reportXlsx(report)) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Tổng hợp',
      'Theo xã', // [NV5] the regions of a district's meeting are its communes
      'Theo đơn vị',
      'Theo điểm cầu',
      'Sự cố',
      'Sự cố theo nhóm',
      'Kiểm tra',
      'Điểm danh',
    ]);
    const summary = wb.getWorksheet('Tổng hợp')!;
    expect(summary.getCell('A1').value).toBe('Báo cáo kết quả bảo đảm kỹ thuật hội nghị trực tuyến');
    expect(summary.getCell('A2').value).toBe(MEETING.title);
    let header: unknown[] = [];
    const phases = new Map<string, unknown[]>();
    summary.eachRow((row) => {
      const v = (row.values as unknown[]).slice(1);
      if (v[0] === 'Giai đoạn') header = v;
      else if (header.length) phases.set(String(v[0]), v);
    });
    const live = phases.get('Phiên họp chính thức')!;
    expect(live[header.indexOf('Thông suốt (%)')]).toBe(report.summary.live!.upPct);
    expect(live[header.indexOf('Độ trễ p95 (ms)')]).toBe(20);
    expect(live[header.indexOf('Số lần chập chờn nặng')]).toBe(1);
    expect(phases.get('Chạy thử đường truyền')![header.indexOf('Chưa rõ (%)')]).toBe(25);
    // [NU2] A duration stays an Excel duration that adds up, shown in words rather than as a clock.
    const downCol = summary.getColumn(header.indexOf('Thời gian mất kết nối (cộng các điểm cầu)') + 1);
    expect(downCol.numFmt).toBe('[h] "giờ" mm "phút" ss "giây"');

    const units = wb.getWorksheet('Theo đơn vị')!;
    expect(units.rowCount).toBe(1 + 2 * report.units.length);
    const outages = wb.getWorksheet('Sự cố')!;
    const oh = (outages.getRow(1).values as unknown[]).slice(1);
    const noted = outages.getRow(2 + report.outages.findIndex((o) => o.note));
    expect(noted.getCell(oh.indexOf('Nguyên nhân') + 1).value).toBe('Đường truyền / nhà mạng');
    expect(noted.getCell(oh.indexOf('Thời điểm xác nhận') + 1).value).toBe('06/03/2026 09:00:00');
    const check = wb.getWorksheet('Kiểm tra')!;
    expect((check.getRow(5).values as unknown[]).slice(1)).toEqual([
      'N',
      'Điểm cầu xã Cam Nghĩa',
      'Huyện Cam Lộ',
      'Chưa sẵn sàng',
      'Đạt',
      'Không đạt',
    ]);
    expect(wb.getWorksheet('Điểm danh')!.getCell('A2').value).toBe('Chưa có điểm danh.');
  });
});

describe('PDF', () => {
  let file: string;
  let text: string;

  beforeAll(async () => {
    const samples = new Map(chartedPoints(report).map((c) => [c, store.listRollups(c, LIVE, END)]));
    const pdf = await reportPdf({
      report,
      samples,
      settings: ReportSettings.parse({
        organization: 'Trung tâm Công báo - Tin học tỉnh Quảng Trị',
        signers: [{ title: 'Người lập báo cáo' }, { title: 'Lãnh đạo Trung tâm' }],
      }),
    });
    file = join(dir, 'bao-cao.pdf');
    writeFileSync(file, pdf);
    // Reading order, lines joined: a table cell that wraps ("Đường truyền /" + "nhà mạng") reads whole.
    text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  });

  it('charts the points with most downtime', () => {
    expect(chartedPoints(report)).toEqual(['C', 'B']);
  });

  it('holds the Vietnamese headings, the points’ names and the causes, diacritics intact', () => {
    const missing = [
      'BÁO CÁO Kết quả bảo đảm kỹ thuật hội nghị trực tuyến',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'TRUNG TÂM CÔNG BÁO - TIN HỌC',
      MEETING.title,
      'I. Tổng hợp',
      'II. Biểu đồ',
      'Số điểm cầu theo trạng thái — Phiên họp chính thức',
      'III. Danh sách sự cố',
      'V. Kết quả kiểm tra trước hội nghị',
      'Chưa có điểm danh.',
      'Điểm cầu xã Cam Hiếu',
      'Điểm cầu xã Cam Nghĩa',
      'Điểm cầu xã Cam Thành',
      'Điểm cầu xã Cam Tuyền',
      'Đứt cáp quang tại Cam Thành; Viễn thông tỉnh đã khắc phục',
      'Khả dụng trên thời gian đo được',
      '60,50 %',
      'NGƯỜI LẬP BÁO CÁO',
      'LÃNH ĐẠO TRUNG TÂM',
    ].filter((s) => !text.includes(s));
    expect(missing).toEqual([]);
    // The cause, wrapped in its cell; the duration cell beside it may interleave in reading order.
    expect(text).toMatch(/Đường truyền \/ (\S+ ){0,3}nhà mạng/);
    // No place set: dots; the date is the report's (Asia/Ho_Chi_Minh), months 1–2 with a leading zero.
    expect(text).toMatch(/…+, ngày \d\d tháng (0[12]|[3-9]|1[0-2]) năm \d{4}/);
    // Precomposed (NFC) letters, as typed: nothing decomposed or lost on the way.
    expect(text).toBe(text.normalize('NFC'));
    expect(text).toContain('Nơi nhận: - Lưu: VT.');
  });

  it('embeds its fonts (Liberation Serif, Times New Roman’s metrics)', () => {
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
    const rows = fonts
      .split('\n')
      .slice(2)
      .filter((l) => l.trim());
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r).toMatch(/LiberationSerif/);
      expect(r).toMatch(/\byes\s+yes\s+(yes|no)\s+\d+\s+\d+\s*$/); // emb, sub, uni
    }
  });

  it('is A4, and its first page renders to a PNG in test-artifacts/', () => {
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)/);
    mkdirSync(ARTIFACTS, { recursive: true });
    const out = join(ARTIFACTS, 'report-pdf-page1');
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', file, out]);
    const png = readFileSync(`${out}.png`);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(statSync(`${out}.png`).size).toBeGreaterThan(10_000);
    copyFileSync(file, join(ARTIFACTS, 'report.pdf'));
  });

  it('caps a long outage list and says where the whole list is', async () => {
    // An hour apart: 620 problems of their own, not one flapping line (AL15).
    const many = {
      ...report,
      outages: Array.from({ length: 620 }, (_, i) => ({
        ...report.outages[0]!,
        id: i + 1,
        startedAt: hourly(i),
        endedAt: new Date(Date.parse(hourly(i)) + 60_000).toISOString(),
      })),
    };
    const f = join(dir, 'many.pdf');
    writeFileSync(f, await reportPdf({ report: many, samples: new Map() }));
    const t = execFileSync('pdftotext', [f, '-'], { encoding: 'utf8' });
    expect(t).toContain('500 sự cố đầu tiên trong 620; danh sách đầy đủ trong tệp Excel.');
    expect(t).toContain('……………………………'); // no organisation set: a dotted line
  });

  it('[AL15] a bouncing line is one flapping row and a district cut one row naming its communes; every loss stays in the Excel list', async () => {
    const o0 = report.outages[0]!;
    const t0 = LIVE + 10 * 60_000;
    // Point N's line bounces 30 times (down 22 s, up 8 s); then A, B and C go down together.
    const bounces = Array.from({ length: 30 }, (_, i) => ({
      ...o0,
      id: 1000 + i,
      point: 'N',
      pointName: 'Điểm cầu xã Cam Nghĩa',
      type: 'down' as const,
      startedAt: iso(t0 + i * 30_000),
      detectedAt: iso(t0 + i * 30_000 + 3_000),
      endedAt: iso(t0 + i * 30_000 + 22_000),
      note: null,
    }));
    const cut = ['A', 'B', 'C'].map((code, i) => ({
      ...o0,
      id: 2000 + i,
      point: code,
      pointName: POINTS.find((p) => p.code === code)!.name,
      type: 'down' as const,
      startedAt: iso(t0 + 30 * 60_000 + i * 1_000),
      detectedAt: iso(t0 + 30 * 60_000 + i * 1_000 + 3_000),
      endedAt: iso(t0 + 40 * 60_000),
      note: null,
    }));
    const grouped = applyCurrent(
      { ...report, outages: [...bounces, ...cut] },
      { notes: [], checklist: null, rollCall: null },
    );
    expect(
      grouped.outageGroups!.map((g) => [g.kind, g.points.map((p) => p.code).join(','), g.outages.length, g.drops]),
    ).toEqual([
      ['flapping', 'N', 30, 30],
      ['unit', 'A,B,C', 3, 1],
    ]);
    expect(grouped.outageGroups![1]!.unit).toEqual({ id: 'QT-CL', name: 'Huyện Cam Lộ' });
    // The alerts' settings are the report's (server/report/service.ts passes them in).
    const lenient = applyCurrent(
      { ...report, outages: [...bounces, ...cut] },
      { notes: [], checklist: null, rollCall: null, grouping: { flapCount: 100, settleMs: 0, unitShare: 0.9 } },
    );
    expect(lenient.outageGroups!.filter((g) => g.kind !== 'point')).toEqual([]);
    expect(lenient.outageGroups).toHaveLength(33);
    const f = join(dir, 'grouped.pdf');
    writeFileSync(f, await reportPdf({ report: grouped, samples: new Map() }));
    const t = execFileSync('pdftotext', [f, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(t).toContain('33 lần gián đoạn được ghi nhận, gộp thành 2 sự cố');
    expect(t.match(/Chập chờn liên tục \(30 lần\)/g)).toHaveLength(1);
    expect(t).toContain(
      'Huyện Cam Lộ (3 điểm cầu): Điểm cầu xã Cam Hiếu, Điểm cầu xã Cam Thành, Điểm cầu xã Cam Tuyền',
    );
    expect(t).toContain('Mất kết nối cả đơn vị');
    // The outage table's row numbers stop at 2.
    const section = t.slice(t.indexOf('III. Danh sách sự cố'), t.indexOf('IV. '));
    expect(section).not.toMatch(/ 3 Điểm cầu/);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await reportXlsx(grouped)) as unknown as ArrayBuffer);
    expect(wb.getWorksheet('Sự cố')!.rowCount).toBeGreaterThanOrEqual(33);
    const sheet = wb.getWorksheet('Sự cố theo nhóm')!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    const body = rows.filter((r) => typeof r[0] === 'number');
    expect(body.map((r) => [r[1], r[4], r[5]])).toEqual([
      ['Chập chờn liên tục (30 lần)', 1, 30],
      ['Mất kết nối cả đơn vị', 3, 1],
    ]);
  });
});
