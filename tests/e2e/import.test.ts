// Debian's Chromium on the admin view: a meeting created from an uploaded invitation (server field
// errors shown on their fields), an in-person invitation refused, a point list previewed with its
// errors and imported valid rows only, a non-UTF-8 list refused, and the export downloaded.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Meeting } from '../../shared/schemas';
import { startTestApp, type TestApp } from '../helpers/app';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser';
import { POINTS, UNITS } from '../unit/importer/province';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
let t: TestApp;
let chromium: LaunchedBrowser;

beforeAll(async () => {
  t = await startTestApp({
    units: UNITS,
    points: POINTS,
    staticDir: join(import.meta.dirname, '..', '..', 'client', 'dist'),
  });
  chromium = await launchChromium();
  // Logged in as the admin that startTestApp created (the dashboard's login screen is not ours).
  const [name, ...value] = t.cookie.split('=');
  await chromium.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
});

afterAll(async () => {
  await chromium?.close();
  await t?.dispose();
});

async function openAdmin(tab: 'invitation' | 'import' | 'export') {
  const page = await chromium.context.newPage();
  page.setDefaultTimeout(5000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(t.url);
  await page.getByTestId('admin-toggle').click();
  await page.getByTestId(`admin-tab-${tab}`).click();
  return { page, errors };
}

describe('admin view in Chromium', () => {
  it('creates a meeting from an invitation, showing the server’s field errors first', async () => {
    const { page, errors } = await openAdmin('invitation');
    await page
      .getByTestId('invitation-file')
      .setInputFiles(join(FIXTURES, 'invitations', 'giay-moi-quang-tri-2025-hai-cap.txt'));
    const review = page.getByTestId('invitation-review');
    await expect.poll(() => review.getAttribute('data-kind')).toBe('online');
    expect(await page.getByTestId('meeting-start-date').inputValue()).toBe('2025-08-15');
    expect(await page.getByTestId('meeting-start-time').inputValue()).toBe('08:00');
    expect(await page.getByTestId('meeting-linetest-time').inputValue()).toBe('14:30');
    expect(await page.getByTestId('meeting-end-time').inputValue()).toBe('11:30');
    expect(await page.getByTestId('evidence-start').textContent()).toContain('08 giờ 00 phút');
    expect(await page.getByTestId('meeting-level-province').isChecked()).toBe(true);
    expect(await page.getByTestId('meeting-level-district').isChecked()).toBe(false);
    expect(await page.getByTestId('meeting-level-commune').isChecked()).toBe(true);
    expect(await page.getByTestId('contact-0').locator('input').first().inputValue()).toBe('Hoàng Minh Tuấn');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'admin-invitation-review.png'), fullPage: true });

    // An end before the start: the server refuses it and the form says where.
    await page.getByTestId('meeting-end-time').fill('07:00');
    await page.getByTestId('meeting-create').click();
    await expect.poll(() => page.getByTestId('error-end').textContent()).toContain('session.start');

    await page.getByTestId('meeting-end-time').fill('11:00');
    await page.getByTestId('meeting-id').fill('qt-hai-cap-2025');
    await page.getByTestId('meeting-create').click();
    await expect.poll(() => page.getByTestId('meeting-created').textContent()).toContain('qt-hai-cap-2025');

    const stored = Meeting.parse(t.app.inventory.meeting('qt-hai-cap-2025'));
    expect(stored.session).toEqual({
      start: '2025-08-15T08:00:00.000+07:00',
      plannedEnd: '2025-08-15T11:00:00.000+07:00',
    });
    expect(stored.lineTest).toEqual({ start: '2025-08-14T14:30:00.000+07:00', durationMin: 120 });
    expect(stored.participants.levels).toEqual(['province', 'commune']);

    // Back to the monitor, on the new meeting.
    await page.getByTestId('meeting-created').getByRole('button').click();
    await expect.poll(() => page.getByTestId('meeting-picker').inputValue()).toBe('qt-hai-cap-2025');

    // The same invitation again: its id is taken now, and the form says so on the id.
    await page.getByTestId('admin-toggle').click();
    await page
      .getByTestId('invitation-file')
      .setInputFiles(join(FIXTURES, 'invitations', 'giay-moi-quang-tri-2025-hai-cap.txt'));
    await page.getByTestId('meeting-id').fill('qt-hai-cap-2025');
    await page.getByTestId('meeting-create').click();
    await expect.poll(() => page.getByTestId('error-id').textContent()).toContain('qt-hai-cap-2025');
    expect(errors).toEqual([]);
  });

  it('says an in-person invitation is in person and offers no meeting', async () => {
    const { page } = await openAdmin('invitation');
    await page
      .getByTestId('invitation-file')
      .setInputFiles(join(FIXTURES, 'invitations', 'ke-hoach-doi-thoai-thai-nguyen-2023.txt'));
    await expect.poll(() => page.getByTestId('in-person-notice').textContent()).toContain('trực tiếp');
    expect(await page.getByTestId('meeting-create').count()).toBe(0);
    expect(await page.getByTestId('meeting-start-time').inputValue()).toBe('');
  });

  it('previews a point list with its errors, then imports the valid rows only', async () => {
    const { page, errors } = await openAdmin('import');
    await page.getByTestId('import-file').setInputFiles({
      name: 'danh-sach.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'Tên điểm cầu;Xã/Phường;Địa chỉ IP;Cán bộ kỹ thuật\nĐiểm cầu xã Thạch Kim;Thạch Kim;127.30.40.1;Hồ Văn Em\nTrạm y tế;Thạch Kim;$(reboot);\n',
      ),
    });
    await expect.poll(() => page.getByTestId('import-count-new').getAttribute('data-count')).toBe('1');
    expect(await page.getByTestId('import-count-invalid').getAttribute('data-count')).toBe('1');
    const bad = page.getByTestId('import-row-3');
    expect(await bad.getAttribute('data-status')).toBe('invalid');
    expect(await bad.locator('td.cell-error').getAttribute('data-column')).toBe('host');
    expect(await bad.textContent()).toContain('không hợp lệ');
    expect(await page.getByTestId('import-apply').isDisabled()).toBe(true);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'admin-import-preview.png'), fullPage: true });

    await page.getByTestId('import-apply-valid').click();
    await expect.poll(() => page.getByTestId('import-report').textContent()).toContain('1 mới');
    expect(t.app.inventory.point('HT-LH-THACH-KIM')?.contacts[0]?.name).toBe('Hồ Văn Em');
    // The preview is read again against the inventory: the imported row is now unchanged.
    await expect.poll(() => page.getByTestId('import-count-unchanged').getAttribute('data-count')).toBe('1');

    await page.getByTestId('import-file').setInputFiles(join(FIXTURES, 'import', 'danh-sach-windows-1258.csv'));
    await expect.poll(() => page.getByTestId('import-error').textContent()).toContain('CSV UTF-8');
    expect(errors).toEqual([]);
  });

  it('downloads the export, which the import reads back unchanged', async () => {
    const { page } = await openAdmin('export');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
    expect(download.suggestedFilename()).toMatch(/^diem-cau-\d{8}-\d{4}\.xlsx$/);
    const file = await download.path();
    await page.getByTestId('admin-tab-import').click();
    await page.getByTestId('import-file').setInputFiles({
      name: 'diem-cau.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: readFileSync(file),
    });
    const total = t.app.inventory.listPoints().length;
    await expect.poll(() => page.getByTestId('import-count-unchanged').getAttribute('data-count')).toBe(String(total));
    expect(await page.getByTestId('import-apply').isDisabled()).toBe(true);
  });
});
