// The report PDF as an official document (docs/REPORT.md DOC1–DOC6), through the real app (SQLite
// file, pool workers, real sessions) with the demo province's 79 points (config/demo.yaml) and its
// meeting's line test under way: the settings saved on the admin route appear (organisation, superior
// body, number, place and date right under the motto, "Nơi nhận", signers); the fonts are Liberation
// Serif, embedded; the checklist section fits one page; the figures are the API's.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPct, MeetingReport } from '../../../shared/report';
import { summariseChecklist, summariseRollCall } from '../../../server/report/pdf-checklist';
import { loadInventoryFile } from '../../../server/config/load';
import { retimeForDemo } from '../../../server/demo';
import { api, startTestApp, userCookie, type TestApp } from '../../helpers/app';

const ARTIFACTS = join(import.meta.dirname, '..', '..', '..', 'test-artifacts');
const DEMO = join(import.meta.dirname, '..', '..', '..', 'config', 'demo.yaml');
const SETTINGS = {
  organization: 'Trung tâm Công báo - Tin học',
  superior: 'Văn phòng UBND tỉnh Hà Tĩnh',
  numberPattern: '{seq}/BC-TTCBTH',
  place: 'Hà Tĩnh',
  signers: [
    { title: 'Người lập báo cáo', name: 'Nguyễn Thị Lan' },
    { authority: 'KT. Giám đốc', title: 'Phó Giám đốc', name: 'Trần Văn Hùng' },
  ],
  recipients: ['Văn phòng UBND tỉnh (b/c)', 'Sở Khoa học và Công nghệ', 'Viễn thông Hà Tĩnh', 'Lưu: VT, KT'],
};

let t: TestApp;
let meetingId: string;
let file: string;
let pages: string[];
let readingOrder: string[];
let codes: string[];
let names: Map<string, string>;
let report: MeetingReport;

/** Setting up: a refusal stops the suite with what was refused. */
const must = (res: { status: number; json: unknown }, what: string): void => {
  if (res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.json)}`);
};

/** One page's text: as laid out (columns side by side), or in reading order (a wrapped cell whole). */
const pageText = (n: number, layout = true): string =>
  execFileSync('pdftotext', [...(layout ? ['-layout'] : []), '-f', String(n), '-l', String(n), file, '-'], {
    encoding: 'utf8',
  });

beforeAll(async () => {
  const demo = loadInventoryFile(DEMO);
  const meetings = retimeForDemo(demo.meetings, Date.now());
  meetingId = meetings[0]!.id;
  t = await startTestApp({ units: demo.units, points: demo.points, meetings, workers: true });
  if (demo.points.length !== 79) throw new Error(`the demo has ${demo.points.length} points, not 79`);
  must(await api(t, 'PUT', '/api/report/settings', SETTINGS), 'saving the settings');
  // The checklist as technicians leave it: most points ticked, a few items failed with a note,
  // some points not checked at all; two points confirmed absent at the roll call.
  const manual = ['hinh-anh', 'am-thanh', 'camera', 'phong-nen', 'nguon-dien', 'can-bo-ky-thuat'];
  const put = async (code: string, item: string, result: string, note?: string) => {
    const path = `/api/meetings/${meetingId}/checklist/points/${code}/items/${item}`;
    must(await api(t, 'PUT', path, { result, version: 0, ...(note ? { note } : {}) }), path);
  };
  codes = demo.points.map((p) => p.code);
  names = new Map(demo.points.map((p) => [p.code, p.name.replace(/^Điểm cầu\s+/i, '')]));
  for (const [i, code] of codes.slice(0, 60).entries()) {
    for (const item of manual) {
      const fail = (item === 'camera' && i % 9 === 0) || (item === 'am-thanh' && i % 13 === 0);
      await put(code, item, fail ? 'fail' : 'pass', fail ? 'Camera mất nét, đã báo kỹ thuật viên' : undefined);
    }
  }
  for (const code of codes.slice(70, 72)) {
    const path = `/api/meetings/${meetingId}/rollcall/points/${code}`;
    must(await api(t, 'PUT', path, { status: 'absent', version: 0, note: 'Mất điện cục bộ' }), path);
  }
  report = MeetingReport.parse((await api(t, 'GET', `/api/meetings/${meetingId}/report`)).json);
  const res = await fetch(`${t.url}/api/meetings/${meetingId}/report.pdf?number=7`, { headers: { cookie: t.cookie } });
  must({ status: res.status, json: res.status === 200 ? null : await res.text() }, 'the PDF');
  file = join(t.dir, 'official.pdf');
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  // For a person to look at.
  mkdirSync(ARTIFACTS, { recursive: true });
  copyFileSync(file, join(ARTIFACTS, 'report-official-79.pdf'));
  const count = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
  pages = Array.from({ length: count }, (_, i) => pageText(i + 1));
  readingOrder = Array.from({ length: count }, (_, i) => pageText(i + 1, false).replace(/\s+/g, ' '));
}, 120_000);

afterAll(async () => {
  await t?.dispose();
});

describe('the report PDF as an official document', () => {
  it('[DOC2] embeds Liberation Serif (Times New Roman’s metrics) and nothing else', () => {
    const rows = execFileSync('pdffonts', [file], { encoding: 'utf8' })
      .split('\n')
      .slice(2)
      .filter((l) => l.trim());
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const r of rows) {
      expect(r).toMatch(/^[A-Z]{6}\+LiberationSerif/);
      expect(r).toMatch(/\byes\s+yes\s+yes\s+\d+\s+\d+\s*$/); // emb, sub, uni
    }
    expect(rows.join('\n')).not.toMatch(/DejaVu/);
  });

  it('[DOC3] heads the first page with the superior, the organisation, the number, the motto and the date under it', () => {
    const lines = pages[0]!.split('\n').map((l) => l.trim());
    const top = lines.slice(0, 8).join('\n');
    expect(top).toContain('VĂN PHÒNG UBND TỈNH HÀ TĨNH');
    expect(top).toContain('TRUNG TÂM CÔNG BÁO - TIN HỌC');
    expect(top).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    // The motto's second line, then the number and the place-and-date line together on the next.
    const motto = lines.findIndex((l) => l.includes('Độc lập - Tự do - Hạnh phúc'));
    expect(motto).toBeGreaterThanOrEqual(0);
    const next = lines.slice(motto + 1).find((l) => l !== '')!;
    expect(next).toMatch(/^Số: 07\/BC-TTCBTH\s+Hà Tĩnh, ngày \d\d tháng (0[12]|[3-9]|1[0-2]) năm 20\d\d$/);
    const title = lines.findIndex((l) => l === 'BÁO CÁO');
    expect(title).toBeGreaterThan(motto);
    expect(lines[title + 1]).toBe('Kết quả bảo đảm kỹ thuật hội nghị trực tuyến');
  });

  it('[DOC4] ends with "Nơi nhận" and the recipients bottom left, the signers bottom right', () => {
    const last = pages[pages.length - 1]!;
    const flat = last.replace(/\s+/g, ' ');
    expect(flat).toMatch(
      /Nơi nhận: .*- Văn phòng UBND tỉnh \(b\/c\); .*- Sở Khoa học và Công nghệ; .*- Viễn thông Hà Tĩnh; .*- Lưu: VT, KT\./,
    );
    for (const s of ['NGƯỜI LẬP BÁO CÁO', 'KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC', 'Trần Văn Hùng', 'Nguyễn Thị Lan']) {
      expect(flat).toContain(s);
    }
    // Side by side: "Nơi nhận:" left, the head's title right, on the same line.
    expect(last).toMatch(/^\s*Nơi nhận:\s{5,}KT\. GIÁM ĐỐC\s*$/m);
    // Page numbers from page 2, centred at the top.
    pages.slice(1).forEach((p, i) =>
      expect(
        p
          .split('\n')
          .find((l) => l.trim())!
          .trim(),
      ).toBe(String(i + 2)),
    );
  });

  it('[DOC6] summarises the checklist of 79 points on one page, with the API’s figures', () => {
    const checklist = summariseChecklist(report.checklist!)!;
    expect(checklist.points).toBe(79);
    const at = pages.findIndex((p) => p.includes('V. Kết quả kiểm tra trước hội nghị'));
    expect(at).toBeGreaterThanOrEqual(0);
    const page = pages[at]!.slice(pages[at]!.indexOf('V. Kết quả kiểm tra trước hội nghị'));
    const section = page.slice(0, page.indexOf('VI. Điểm danh') >= 0 ? page.indexOf('VI. Điểm danh') : undefined);
    // The whole section, to its closing line, on this page.
    expect(section).toContain('Danh sách đầy đủ từng điểm cầu trong tệp Excel.');
    const flat = section.replace(/\s+/g, ' ');
    expect(flat).toContain(`79 điểm cầu; sẵn sàng ${checklist.ready}, chưa sẵn sàng ${79 - checklist.ready}.`);
    // Totals per item: the rows of the API's table counted.
    const rows = report.checklist!.rows;
    const camera = report.checklist!.columns.indexOf('Camera / góc quay');
    const failed = rows.filter((r) => r[camera] === 'Không đạt').length;
    expect(failed).toBe(7); // points 0, 9, …, 54
    const passed = rows.filter((r) => r[camera] === 'Đạt').length;
    expect(section).toMatch(new RegExp(`Camera / góc quay\\s+${passed}\\s+${failed}\\s+${79 - passed - failed}\\s+0`));
    // The exceptions grouped by what is wrong, every point in one group: the 19 never checked and
    // the 11 with a failed item named (whether the automatic line item has ticked yet or not).
    const read = readingOrder[at]!;
    expect(checklist.groups.reduce((n, g) => n + g.points.length, 0)).toBe(79 - checklist.ready);
    for (const code of [...codes.slice(60), ...codes.filter((_, i) => i < 60 && (i % 9 === 0 || i % 13 === 0))]) {
      expect(read).toContain(names.get(code)!);
    }
    expect(read).toMatch(/Không đạt: (Âm thanh, )?Camera \/ góc quay/);
    expect(read).toContain('Camera mất nét, đã báo kỹ thuật viên');
    // Nothing of the old per-point table: the point codes' column is gone.
    expect(read).not.toContain('Mã điểm cầu');
  });

  it('[DOC6] summarises the roll call: the two absent points named, the totals the API’s', () => {
    const rollCall = summariseRollCall(report.rollCall!)!;
    expect(rollCall.confirmed).toEqual({ present: 0, absent: 2, pending: 77 });
    const at = pages.findIndex((p) => p.includes('VI. Điểm danh'));
    const flat = pages
      .slice(at)
      .join(' ')
      .slice(pages.slice(at).join(' ').indexOf('VI. Điểm danh'))
      .replace(/\s+/g, ' ');
    expect(flat).toContain('có mặt 0, vắng 2, chưa xác nhận 77.');
    const absent = rollCall.groups.find((g) => g.problem === 'Vắng (đã xác nhận)')!;
    expect(absent.points).toHaveLength(2);
    for (const p of absent.points) expect(flat).toContain(p);
    expect(flat).toContain('Mất điện cục bộ');
  });

  it('[DOC7] prints the summary’s figures as the API gives them, durations in words', () => {
    const lt = report.summary.lineTest!;
    expect(lt.points).toBe(79);
    const flat = pages.join(' ').replace(/\s+/g, ' ');
    expect(flat).toContain(`Thông suốt ${formatPct(report.summary.lineTest!.upPct)}`);
    expect(flat).toContain(`Khả dụng trên thời gian đo được ${formatPct(lt.reachablePct)}`);
    expect(flat).toMatch(/Thời gian theo dõi \(mỗi điểm cầu\) (\d+ giờ \d\d phút|\d+ phút \d\d giây|\d+ giây)/);
    expect(flat).not.toMatch(/Thời gian theo dõi \(mỗi điểm cầu\) \d+:\d\d/);
  });
});

describe('[DOC1] the settings over REST', () => {
  it('are for admins only, validated whole with the field named, and a reset returns to the file’s', async () => {
    const viewer = await userCookie(t, 'xem', 'viewer');
    expect((await api(t, 'GET', '/api/report/settings', undefined, viewer)).status).toBe(403);
    expect((await api(t, 'PUT', '/api/report/settings', SETTINGS, viewer)).status).toBe(403);
    const view = await api(t, 'GET', '/api/report/settings');
    expect(view.json).toMatchObject({ source: 'saved', updatedBy: 'admin', settings: { place: 'Hà Tĩnh' } });
    const bad = await api(t, 'PUT', '/api/report/settings', { ...SETTINGS, numberPattern: 'BC-TTCBTH' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toMatch(/numberPattern.*\{seq\}/);
    // Nothing half-applied: the saved settings are unchanged.
    expect((await api(t, 'GET', '/api/report/settings')).json.settings.numberPattern).toBe('{seq}/BC-TTCBTH');
    const reset = await api(t, 'DELETE', '/api/report/settings');
    expect(reset.json).toMatchObject({ source: 'default', settings: { organization: null, signers: [] } });
  });
});
