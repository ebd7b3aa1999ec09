// Debian's Chromium on the admin page "Báo cáo PDF" (docs/REPORT.md DOC1): the settings in force are
// shown with where they come from; a refused pattern shows the server's message and saves nothing;
// a valid form is saved and is what the next PDF is laid out with; a reset returns to the file's.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSettings } from '../../shared/report-settings';
import { api, startTestApp, type TestApp } from '../helpers/app';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser';
import { MEETING, POINTS, UNITS } from '../unit/report/fixture';

let t: TestApp;
let chromium: LaunchedBrowser;

beforeAll(async () => {
  t = await startTestApp({
    units: UNITS,
    points: POINTS,
    meetings: [MEETING],
    staticDir: join(import.meta.dirname, '..', '..', 'client', 'dist'),
    // As if the config file had a report: section.
    report: { settings: ReportSettings.parse({ organization: 'Trung tâm Công báo - Tin học', place: 'Quảng Trị' }) },
  });
  chromium = await launchChromium();
  const [name, ...value] = t.cookie.split('=');
  await chromium.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
});

afterAll(async () => {
  await chromium?.close();
  await t?.dispose();
});

describe('[DOC1] the report settings page in Chromium', () => {
  it('shows the file’s settings, refuses a bad pattern, saves a good form the PDF then uses, resets', async () => {
    const page = await chromium.context.newPage();
    page.setDefaultTimeout(5000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(t.url);
    await page.getByTestId('admin-toggle').click();
    await page.getByTestId('admin-tab-reportSettings').click();
    const source = page.getByTestId('report-settings-source');
    await expect.poll(() => source.textContent()).toBe('Đang dùng: mục report: của tệp cấu hình');
    expect(await page.getByTestId('report-settings-organization').inputValue()).toBe('Trung tâm Công báo - Tin học');

    await page.getByTestId('report-settings-numberPattern').fill('BC-TTCBTH');
    await page.getByTestId('report-settings-save').click();
    const message = page.getByTestId('report-settings-message');
    await expect.poll(() => message.textContent()).toMatch(/numberPattern.*\{seq\}/);
    expect((await api(t, 'GET', '/api/report/settings')).json.source).toBe('file');

    await page.getByTestId('report-settings-numberPattern').fill('{seq}/BC-TTCBTH');
    await page.getByTestId('report-settings-superior').fill('Văn phòng UBND tỉnh Quảng Trị');
    await page.getByTestId('report-settings-add-signer').click();
    await page.getByTestId('report-settings-signer-title-0').fill('Giám đốc');
    await page.getByTestId('report-settings-recipients').fill('Sở Khoa học và Công nghệ\nLưu: VT');
    await page.getByTestId('report-settings-save').click();
    await expect.poll(() => message.textContent()).toBe('Đã lưu.');
    expect(await source.textContent()).toBe('Đang dùng: thông tin đã lưu trên trang này');
    const saved = (await api(t, 'GET', '/api/report/settings')).json;
    expect(saved.settings).toMatchObject({
      superior: 'Văn phòng UBND tỉnh Quảng Trị',
      numberPattern: '{seq}/BC-TTCBTH',
      place: 'Quảng Trị',
      signers: [{ title: 'Giám đốc', authority: null, name: null }],
      recipients: ['Sở Khoa học và Công nghệ', 'Lưu: VT'],
    });
    const pdf = await fetch(`${t.url}/api/meetings/${MEETING.id}/report.pdf?number=12`, {
      headers: { cookie: t.cookie },
    });
    const file = join(t.dir, 'settings.pdf');
    writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    // The superior body, wrapped in its column beside the motto.
    expect(text).toMatch(/^\s*VĂN PHÒNG UBND TỈNH QUẢNG\s{3,}CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\s*TRỊ\s/m);
    expect(text).toMatch(/Số: 12\/BC-TTCBTH\s+Quảng Trị, ngày/);
    expect(text).toMatch(/- Sở Khoa học và Công nghệ;[\s\S]*- Lưu: VT\./);

    await page.getByRole('button', { name: 'Dùng lại tệp cấu hình' }).click();
    await expect.poll(() => source.textContent()).toBe('Đang dùng: mục report: của tệp cấu hình');
    expect(await page.getByTestId('report-settings-superior').inputValue()).toBe('');
    expect(errors).toEqual([]);
  });
});
