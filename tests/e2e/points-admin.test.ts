// Debian's Chromium on the admin view's "Điểm cầu" tab, over a 400-point province: a point found by a
// search without diacritics; a SIP endpoint and a Poly codec (password by reference) added and saved,
// the REST API then has them; a port of 70000 refused at its field in Vietnamese (English once
// switched) with nothing saved; a contact edited; a point created and deleted after a confirmation
// naming it; no tab for a viewer.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Point, Unit } from '../../shared/schemas';
import { api, point, startTestApp, userCookie, type TestApp } from '../helpers/app';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const COMMUNES = 398;
let t: TestApp;
let chromium: LaunchedBrowser;

/** P → D1 → C1..C398: 400 points, on 127.147.1.x and 127.147.2.x. */
function bigProvince(): { units: Unit[]; points: Point[] } {
  const units: Unit[] = [
    { id: 'P', name: 'Tỉnh Thử', level: 'province', parent: null },
    { id: 'D1', name: 'Huyện Một', level: 'district', parent: 'P' },
  ];
  const points: Point[] = [
    point('P', 'Điểm cầu tỉnh', 'province', 'P', '127.147.0.1'),
    point('D1', 'Điểm cầu huyện Một', 'district', 'D1', '127.147.0.2'),
  ];
  for (let i = 1; i <= COMMUNES; i++) {
    units.push({ id: `C${i}`, name: `Xã Số ${i}`, level: 'commune', parent: 'D1' });
    const host = `127.147.${1 + Math.floor((i - 1) / 200)}.${((i - 1) % 200) + 1}`;
    points.push(point(`C${i}`, `Điểm cầu xã Số ${i}`, 'commune', `C${i}`, host));
  }
  return { units, points };
}

beforeAll(async () => {
  t = await startTestApp({ ...bigProvince(), staticDir: join(import.meta.dirname, '..', '..', 'client', 'dist') });
  chromium = await launchChromium();
  const [name, ...value] = t.cookie.split('=');
  await chromium.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
});

afterAll(async () => {
  await chromium?.close();
  await t?.dispose();
});

async function openPoints(): Promise<{ page: Page; errors: string[] }> {
  const page = await chromium.context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(t.url);
  await page.getByTestId('admin-toggle').click();
  await page.getByTestId('admin-tab-points').click();
  await page.getByTestId('points-panel').waitFor();
  return { page, errors };
}

/** Search, pick the point, wait for its form. */
async function pick(page: Page, code: string, query = code): Promise<void> {
  await page.getByTestId('points-search').fill(query);
  await page.getByTestId(`points-item-${code}`).click();
  await expect.poll(() => page.getByTestId('point-editor').getAttribute('data-code')).toBe(code);
}

const getPoint = async (code: string): Promise<{ status: number; json: Point }> => api(t, 'GET', `/api/points/${code}`);

describe('the points tab in Chromium', () => {
  it('finds a point among 400 and adds a SIP endpoint to it; the API has it', async () => {
    const { page, errors } = await openPoints();
    await expect.poll(() => page.getByTestId('points-count').textContent()).toBe('400 điểm cầu');
    expect(await page.getByTestId('points-list').locator('li').count()).toBe(400);

    // Without diacritics, by the unit's name: "xa so 17" finds C17, C117, C170..C179, C217 and C317.
    const started = Date.now();
    await page.getByTestId('points-search').fill('xa so 17');
    await expect.poll(() => page.getByTestId('points-count').textContent()).toBe('14 / 400 điểm cầu');
    const searchMs = Date.now() - started;
    expect(searchMs).toBeLessThan(5_000);

    await pick(page, 'C17', 'xa so 17');
    await page.getByTestId('target-add').click();
    const row = page.getByTestId('target-1');
    // The whole-inventory check answers `points[C17].targets[1].host`: shown at that row's host.
    await row.getByTestId('target-1-host').locator('input').fill('127.147.1.5');
    await page.getByTestId('point-save').click();
    await expect.poll(() => page.getByTestId('target-1-host-error').textContent()).toContain('điểm cầu C5');
    await row.getByTestId('target-1-kind').locator('select').selectOption('sip');
    // A SIP target is the room's endpoint: the role is fixed.
    expect(await row.getByTestId('target-1-role').locator('select').inputValue()).toBe('endpoint');
    expect(await row.getByTestId('target-1-role').locator('select').isDisabled()).toBe(true);
    await row.getByTestId('target-1-host').locator('input').fill('127.147.9.17');
    await row.getByTestId('target-1-port').locator('input').fill('5062');
    await row.getByTestId('target-1-transport').locator('select').selectOption('tcp');
    await page.getByTestId('point-save').click();
    await expect.poll(() => page.getByTestId('points-notice').textContent()).toBe('Đã lưu điểm cầu C17.');

    const saved = await getPoint('C17');
    expect(saved.status).toBe(200);
    expect(saved.json.targets).toEqual([
      { kind: 'icmp', host: '127.147.1.17', role: 'primary' },
      { kind: 'sip', host: '127.147.9.17', port: 5062, transport: 'tcp', role: 'endpoint' },
    ]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('adds a Poly codec whose password is a reference (environment variable or secrets file), never typed', async () => {
    const { page, errors } = await openPoints();
    await pick(page, 'C4');
    await page.getByTestId('target-add').click();
    const row = page.getByTestId('target-1');
    await row.getByTestId('target-1-kind').locator('select').selectOption('videoos');
    await row.getByTestId('target-1-host').locator('input').fill('127.147.9.4');
    await row.getByTestId('target-1-user').locator('input').fill('admin');
    await row.getByTestId('target-1-env').locator('input').fill('1POLY');
    await page.getByTestId('point-save').click();
    await expect
      .poll(() => page.getByTestId('target-1-env-error').textContent())
      .toBe('tên biến môi trường chỉ gồm chữ cái không dấu, chữ số và “_”, không bắt đầu bằng chữ số');
    expect((await getPoint('C4')).json.targets).toHaveLength(1);

    // From a secrets file instead: path and key, the TLS check asked for.
    await row.getByTestId('target-1-password-from').locator('select').selectOption('file');
    await row.getByTestId('target-1-file').locator('input').fill('/etc/diemcau/codecs.yaml');
    await row.getByTestId('target-1-key').locator('input').fill('C4');
    await row.getByTestId('target-1-verify-tls').locator('input').check();
    await page.getByTestId('point-save').click();
    await expect.poll(() => page.getByTestId('points-notice').textContent()).toBe('Đã lưu điểm cầu C4.');
    expect((await getPoint('C4')).json.targets[1]).toEqual({
      kind: 'videoos',
      host: '127.147.9.4',
      user: 'admin',
      password: { file: '/etc/diemcau/codecs.yaml', key: 'C4' },
      verifyTls: true,
      role: 'endpoint',
    });
    // Reopened, the form shows the reference as saved.
    await pick(page, 'C5');
    await pick(page, 'C4');
    expect(await page.getByTestId('target-1-file').locator('input').inputValue()).toBe('/etc/diemcau/codecs.yaml');
    expect(await page.getByTestId('target-1-verify-tls').locator('input').isChecked()).toBe(true);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.getByTestId('target-1').screenshot({ path: join(ARTIFACTS, 'admin-points-codec.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('refuses a port of 70000 at its field, in Vietnamese then English, and saves nothing', async () => {
    const { page, errors } = await openPoints();
    const before = await getPoint('C2');
    await pick(page, 'C2');
    await page.getByTestId('point-name').locator('input').fill('Điểm cầu xã Số 2 (đã đổi)');
    await page.getByTestId('target-add').click();
    const row = page.getByTestId('target-1');
    await row.getByTestId('target-1-kind').locator('select').selectOption('tcp');
    await row.getByTestId('target-1-host').locator('input').fill('127.147.9.2');
    await row.getByTestId('target-1-port').locator('input').fill('70000');
    await page.getByTestId('point-save').click();

    const portError = page.getByTestId('target-1-port-error');
    await expect.poll(() => portError.textContent()).toBe('lớn quá: tối đa 65535');
    expect(await page.getByTestId('point-form-error').textContent()).toContain(
      'Chưa lưu: hãy sửa các mục được đánh dấu.',
    );
    expect(await page.getByTestId('points-notice').count()).toBe(0);
    // The form keeps what was typed.
    expect(await row.getByTestId('target-1-port').locator('input').inputValue()).toBe('70000');
    expect(await page.getByTestId('point-name').locator('input').inputValue()).toBe('Điểm cầu xã Số 2 (đã đổi)');
    expect((await getPoint('C2')).json).toEqual(before.json);

    await page.getByTestId('lang-toggle').click();
    await page.getByTestId('point-save').click();
    await expect.poll(() => portError.textContent()).toBe('too large: at most 65535');
    expect(await page.getByTestId('point-form-error').textContent()).toContain('Not saved: fix the marked fields.');
    expect((await getPoint('C2')).json).toEqual(before.json);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'admin-points-refused.png'), fullPage: true });
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => page.getByTestId('admin-tab-points').textContent()).toBe('Điểm cầu');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("edits a contact, keeping what the form does not show (the contact's role)", async () => {
    const { page, errors } = await openPoints();
    await pick(page, 'C3');
    const contact = page.getByTestId('point-contacts').getByTestId('contact-0');
    await contact.getByLabel('Điện thoại').fill('abc');
    await page.getByTestId('point-save').click();
    await expect
      .poll(() => page.getByTestId('contacts-error').textContent())
      .toContain('Liên hệ 1, điện thoại: số điện thoại chỉ gồm chữ số');
    expect((await getPoint('C3')).json.contacts[0]?.phone).toBe('0912 345 678');

    await contact.getByLabel('Điện thoại').fill('0987 654 321');
    await contact.getByLabel('Cơ quan').fill('Viễn thông tỉnh');
    await page.getByTestId('point-contacts').getByRole('button', { name: 'Thêm liên hệ' }).click();
    const added = page.getByTestId('point-contacts').getByTestId('contact-1');
    await added.getByLabel('Họ tên').fill('Trần Thị Trực');
    await added.getByLabel('Điện thoại').fill('0911 000 111');
    await page.getByTestId('point-save').click();
    await expect.poll(() => page.getByTestId('points-notice').textContent()).toBe('Đã lưu điểm cầu C3.');
    expect(await page.getByTestId('contacts-error').count()).toBe(0);
    expect((await getPoint('C3')).json.contacts).toEqual([
      { name: 'Nguyễn Văn Kỹ', role: 'technician', phone: '0987 654 321', organization: 'Viễn thông tỉnh' },
      { name: 'Trần Thị Trực', role: 'technician', phone: '0911 000 111' },
    ]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('creates a point, then deletes it after a confirmation naming it', async () => {
    const { page, errors } = await openPoints();
    await page.getByTestId('point-new').click();
    const form = page.getByTestId('point-editor');
    await form.getByTestId('point-code').locator('input').fill('C1');
    await form.getByTestId('point-name').locator('input').fill('Phòng họp xã mới');
    await form.getByTestId('point-unit').locator('select').selectOption('C1');
    await form.getByTestId('point-room').locator('input').fill('Hội trường tầng 2');
    await form.getByTestId('target-0-host').locator('input').fill('127.147.9.99');
    await page.getByTestId('point-save').click();
    // C1 exists: refused at the code, nothing overwritten.
    await expect
      .poll(() => page.getByTestId('point-code-error').textContent())
      .toBe('Mã C1 đã có: chọn mã khác hoặc sửa điểm cầu đó.');
    expect((await getPoint('C1')).json.name).toBe('Điểm cầu xã Số 1');

    await form.getByTestId('point-code').locator('input').fill('C1-MOI');
    await page.getByTestId('point-save').click();
    await expect.poll(() => page.getByTestId('points-notice').textContent()).toBe('Đã tạo điểm cầu C1-MOI.');
    const created = await getPoint('C1-MOI');
    expect(created.status).toBe(200);
    expect(created.json).toEqual({
      code: 'C1-MOI',
      name: 'Phòng họp xã mới',
      level: 'commune',
      unit: 'C1',
      room: 'Hội trường tầng 2',
      targets: [{ kind: 'icmp', host: '127.147.9.99', role: 'primary' }],
      contacts: [],
    });
    await expect.poll(() => page.getByTestId('points-count').textContent()).toBe('401 điểm cầu');
    await expect.poll(() => page.getByTestId('point-editor').getAttribute('data-code')).toBe('C1-MOI');

    await page.getByTestId('point-delete').click();
    const confirm = page.getByTestId('point-delete-confirm');
    expect(await confirm.textContent()).toContain('Xoá điểm cầu C1-MOI — Phòng họp xã mới?');
    // Nothing is deleted before the confirmation.
    expect((await getPoint('C1-MOI')).status).toBe(200);
    await page.getByTestId('point-delete-yes').click();
    await expect.poll(() => page.getByTestId('points-notice').textContent()).toBe('Đã xoá điểm cầu C1-MOI.');
    expect((await getPoint('C1-MOI')).status).toBe(404);
    expect(await page.getByTestId('points-item-C1-MOI').count()).toBe(0);
    expect(await page.getByTestId('point-editor').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a viewer no points tab, not even at #admin', async () => {
    const cookie = await userCookie(t, 'nguoi.xem', 'viewer');
    const viewer = await launchChromium();
    try {
      const [name, ...value] = cookie.split('=');
      await viewer.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
      const page = await viewer.context.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(`${t.url}/#admin`);
      await expect.poll(() => page.getByTestId('user-role').textContent()).toBe('Người xem');
      expect(await page.getByTestId('admin-toggle').count()).toBe(0);
      expect(await page.getByTestId('admin-tab-points').count()).toBe(0);
      expect(await page.getByTestId('points-panel').count()).toBe(0);
      // The server refuses the viewer's write anyway.
      const refused = await api(t, 'PUT', '/api/points/C1', (await getPoint('C1')).json, cookie);
      expect(refused.status).toBe(403);
    } finally {
      await viewer.close();
    }
  }, 60_000);
});
