// Debian's Chromium on the dashboard's side of accounts: the login screen (wrong password, right
// password, the login limit), what each role is shown (admin, viewer, a technician limited to a unit,
// whose refused "test now" is explained), logout and a session revoked elsewhere, the banner while the
// disk is really full, and a monitor gap drawn grey on a point's chart after a real restart.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, meetingNow, startTestApp, tinyProvince, type TestApp } from '../helpers/app';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser';
import { mountTmpfs, type Tmpfs } from '../integration/faults/tmpfs';
import { rollup } from '../unit/store/fixtures';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const STATIC = join(import.meta.dirname, '..', '..', 'client', 'dist');
// P → D1 → C1..C3 on 127.62.x.x (loopback: every point answers).
const { units, points } = tinyProvince(62, 3);
const MEETING = 'hn-dang-nhap';
const PASSWORD = 'mật-khẩu-người-dùng-e2e';

let chromium: LaunchedBrowser;

beforeAll(async () => {
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
});

interface Watched {
  page: Page;
  /** Uncaught errors and Content-Security-Policy refusals: both must stay empty. */
  problems: string[];
  /** Socket.IO connections the page opened. */
  sockets: string[];
}

async function open(t: TestApp, path = '/'): Promise<Watched> {
  const page = await chromium.context.newPage();
  page.setDefaultTimeout(5000);
  const problems: string[] = [];
  const sockets: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // A CSP refusal (e.g. zod probing `new Function` without jitless) throws nothing visible: listen for it.
  await page.exposeFunction('dcCspViolation', (v: string) => problems.push(`csp: ${v}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { dcCspViolation: (v: string) => void }).dcCspViolation(e.violatedDirective);
    });
  });
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(`${t.url}${path}`);
  return { page, problems, sockets };
}

async function loginUi(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

async function createUser(t: TestApp, name: string, role: 'admin' | 'technician' | 'viewer', scope: string[] = []) {
  if (!(await t.app.auth.users.get(name)))
    await t.app.auth.users.create({ name, password: PASSWORD, role, units: scope });
}

/** The dashboard is up: the meeting picked, every tile drawn, the socket connected. */
async function dashboardShown(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('meeting-picker').inputValue()).toBe(MEETING);
  await expect.poll(() => page.locator('[data-testid^="tile-"]').count()).toBe(points.length);
  await expect.poll(() => page.getByTestId('connection').getAttribute('data-status')).toBe('connected');
}

describe('login and roles in Chromium', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ units, points, meetings: [meetingNow(MEETING, 'live')], staticDir: STATIC });
    await createUser(t, 'nguoi.xem', 'viewer');
    await createUser(t, 'kt.xa1', 'technician', ['C1']);
    await createUser(t, 'kt.thu.hoi', 'technician');
  });

  afterAll(async () => {
    await t?.dispose();
  });

  beforeEach(async () => {
    // Each test signs in for itself.
    await chromium.context.clearCookies();
  });

  it('refuses a wrong password with a message, then lets the right one in; no socket before that', async () => {
    const { page, problems, sockets } = await open(t);
    await expect.poll(() => page.getByTestId('login-screen').count()).toBe(1);
    expect(await page.getByTestId('login-reason').count()).toBe(0);

    // Empty fields are caught before asking the server.
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error-username').textContent()).toBe('Bắt buộc.');

    await loginUi(page, ADMIN.name, 'không-phải-mật-khẩu');
    const error = page.getByTestId('login-error');
    await expect.poll(() => error.textContent()).toBe('Sai tên đăng nhập hoặc mật khẩu.');
    expect(await error.getAttribute('data-kind')).toBe('wrong');
    expect(await page.getByTestId('login-password').inputValue()).toBe('');
    // No session, no socket: the dashboard connects only once signed in.
    expect(sockets).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'login-wrong-password.png') });

    await loginUi(page, ADMIN.name, ADMIN.password);
    await dashboardShown(page);
    expect(sockets.length).toBe(1);
    expect(await page.getByTestId('user-name').textContent()).toBe('admin');
    expect(await page.getByTestId('user-role').textContent()).toBe('Quản trị viên');
    expect(await page.getByTestId('admin-toggle').count()).toBe(1);
    await page.getByTestId('tile-C2').click();
    await expect.poll(() => page.getByTestId('test-now').count()).toBe(1);

    // The session is a cookie: a reload goes straight to the dashboard.
    await page.reload();
    await dashboardShown(page);
    expect(await page.getByTestId('login-screen').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('shows a viewer no admin button and no "test now", not even at #admin', async () => {
    const { page, problems } = await open(t, '/#admin');
    await loginUi(page, 'nguoi.xem', PASSWORD);
    await dashboardShown(page);
    expect(await page.getByTestId('user-role').textContent()).toBe('Người xem');
    expect(await page.getByTestId('admin-toggle').count()).toBe(0);
    expect(await page.getByTestId('admin-view').count()).toBe(0);

    await page.getByTestId('tile-C1').click();
    await expect.poll(() => page.getByTestId('point-detail').getAttribute('data-code')).toBe('C1');
    await expect.poll(() => page.getByTestId('point-detail').textContent()).toContain('Nguyễn Văn Kỹ');
    expect(await page.getByTestId('test-now').count()).toBe(0);

    // The menu says who and what, in English too.
    await page.getByTestId('lang-toggle').click();
    expect(await page.getByTestId('user-role').textContent()).toBe('Viewer');
    await page.getByTestId('lang-toggle').click();
    expect(problems).toEqual([]);
  });

  it('offers a unit-limited technician "test now" on its points only, and explains a refusal', async () => {
    const { page, problems } = await open(t);
    await loginUi(page, 'kt.xa1', PASSWORD);
    await dashboardShown(page);
    expect(await page.getByTestId('user-role').textContent()).toBe('Cán bộ kỹ thuật');
    expect(await page.getByTestId('admin-toggle').count()).toBe(0);
    await page.getByTestId('user-menu').click();
    expect(await page.getByTestId('user-scope').textContent()).toBe('C1');
    await page.keyboard.press('Escape');

    for (const [code, shown] of [
      ['C2', 0],
      ['D1', 0],
      ['P', 0],
      ['C1', 1],
    ] as const) {
      await page.getByTestId(`tile-${code}`).click();
      await expect.poll(() => page.getByTestId('point-detail').getAttribute('data-code')).toBe(code);
      expect({ code, testNow: await page.getByTestId('test-now').count() }).toEqual({ code, testNow: shown });
    }
    await page.getByTestId('test-now').click();
    await expect.poll(() => page.getByTestId('test-now-result').textContent()).toContain('127.62.1.1');

    // The admin moves the technician to C2 meanwhile: the page still offers C1, the server refuses.
    await t.app.auth.users.update('kt.xa1', { role: 'technician', units: ['C2'], displayName: null });
    await page.getByTestId('test-now').click();
    const result = page.getByTestId('test-now-result');
    await expect.poll(() => result.getAttribute('data-error')).toBe('forbidden');
    expect(await result.textContent()).toContain('Tài khoản của bạn không được kiểm tra điểm cầu này.');
    expect(problems).toEqual([]);
  });

  it('logs out back to the login screen, and a session revoked elsewhere does too', async () => {
    const { page, problems } = await open(t);
    await loginUi(page, ADMIN.name, ADMIN.password);
    await dashboardShown(page);
    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout').click();
    await expect.poll(() => page.getByTestId('login-reason').textContent()).toBe('Bạn đã đăng xuất.');
    expect(await page.getByTestId('login-reason').getAttribute('data-reason')).toBe('logout');
    expect(await page.locator('.app').count()).toBe(0);
    // Ended on the server, not just hidden: a reload asks again and gets the login screen.
    await page.reload();
    await expect.poll(() => page.getByTestId('login-screen').count()).toBe(1);
    expect(await page.getByTestId('login-reason').count()).toBe(0);

    // A new password set by someone else ends every session: the server says so over the socket.
    await loginUi(page, 'kt.thu.hoi', PASSWORD);
    await dashboardShown(page);
    await t.app.auth.users.setPassword('kt.thu.hoi', `${PASSWORD}-mới`);
    await expect.poll(() => page.getByTestId('login-reason').getAttribute('data-reason')).toBe('revoked');
    expect(await page.getByTestId('login-reason').textContent()).toContain('thu hồi');
    // And the new password opens a fresh dashboard.
    await loginUi(page, 'kt.thu.hoi', `${PASSWORD}-mới`);
    await dashboardShown(page);
    expect(problems).toEqual([]);
  });

  // Last: it blocks this client address for the rest of the app's life.
  it('says how long to wait once too many logins failed', async () => {
    const { page } = await open(t);
    const error = page.getByTestId('login-error');
    let status = 0;
    for (let i = 0; i < 6 && status !== 429; i++) {
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/auth/login')),
        loginUi(page, 'nguoi.xem', `sai-${i}`),
      ]);
      status = res.status();
    }
    expect(status).toBe(429);
    await expect.poll(() => error.getAttribute('data-kind')).toBe('blocked');
    expect(await error.textContent()).toMatch(
      /^Đăng nhập sai quá nhiều lần\. Vui lòng thử lại sau 1[45] phút \d+ giây\.$/,
    );
    expect(await page.getByTestId('login-submit').isDisabled()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'login-blocked.png') });
  });
});

/** `n` rollup rows of bucket `t0` for points that exist nowhere else (filler for the disk test). */
const batch = (n: number, t0: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => rollup({ point: `${prefix}${i}`, t: t0 }));

describe('server health in Chromium', () => {
  let fs: Tmpfs | null = null;
  let t: TestApp | null = null;

  afterAll(async () => {
    await t?.stop();
    fs?.unmount();
  });

  it('shows a banner while the database cannot be written (a real full disk), and clears it after', async () => {
    fs = mountTmpfs(8);
    // The run log's heartbeat writes every 300 ms: the first write to meet the full disk.
    t = await startTestApp({
      dir: fs.dir,
      units,
      points,
      meetings: [meetingNow(MEETING, 'live')],
      staticDir: STATIC,
      heartbeatMs: 300,
    });
    await chromium.context.clearCookies();
    const { page, problems } = await open(t);
    await loginUi(page, ADMIN.name, ADMIN.password);
    await dashboardShown(page);
    expect(await page.getByTestId('storage-banner').count()).toBe(0);

    // The WAL is checkpointed in the background and then reused from its start, so a small commit
    // can still succeed on a full disk. A large batch first leaves a WAL of a few MB to reuse; once
    // it is copied, the disk fills, and new rows commit into the reused WAL while the database file
    // cannot grow to take them: the checkpoint fails, as will the writers once the WAL must grow.
    const passes: boolean[] = [];
    t.store.onCheckpoint!((ok) => passes.push(ok));
    await t.store.writeRollups(batch(3000, 1_700_000_000_000, 'FILL'));
    await expect.poll(() => passes.includes(true), { timeout: 10_000 }).toBe(true);
    fs.fill();
    // The new rows go through the monitor's own rollup buffer, as probe results do: a write that meets
    // the full disk (the WAL cannot be reused while a reader holds it, and must grow) keeps its rows
    // pending and reports failing; one that fits into the reused WAL leaves a checkpoint that cannot
    // grow the database file. Either way storage is failing — the test's own direct write threw here.
    const rollups = t.app.inProcess!.rollups;
    for (let i = 0; i < 300; i++) {
      const host = `127.9.${i >> 8}.${i & 255}`;
      rollups.add(`NEW${i}`, `icmp:${host}`, { t: 1_700_000_010_000, rtt: 1 });
    }
    await rollups.flush(Date.now(), { all: true });
    const banner = page.getByTestId('storage-banner');
    await expect.poll(() => banner.count(), { timeout: 15_000 }).toBe(1);
    expect(await banner.textContent()).toMatch(/^Lỗi ghi cơ sở dữ liệu — vẫn đang giám sát, \d+ bản ghi chờ ghi/);
    // Monitoring goes on meanwhile.
    expect(await page.getByTestId('connection').getAttribute('data-status')).toBe('connected');
    await page.screenshot({ path: join(ARTIFACTS, 'storage-failing-banner.png') });
    await page.getByTestId('lang-toggle').click();
    expect(await banner.textContent()).toMatch(/^Database writes failing — still monitoring, \d+ records waiting/);
    await page.getByTestId('lang-toggle').click();

    fs.free();
    await expect.poll(() => banner.count(), { timeout: 15_000 }).toBe(0);
    expect(problems).toEqual([]);
  });
});

describe('monitor gaps in Chromium', () => {
  let first: TestApp | null = null;
  let t: TestApp | null = null;

  afterAll(async () => {
    await t?.dispose();
    // Removes the temp dir both apps used.
    await first?.dispose();
  });

  it('draws the time the server was stopped as grey "unknown" on a point chart', async () => {
    const meetings = [meetingNow(MEETING, 'live')];
    first = await startTestApp({ units, points, meetings, staticDir: STATIC, heartbeatMs: 200 });
    await new Promise((r) => setTimeout(r, 500));
    await first.stop();
    await new Promise((r) => setTimeout(r, 1500));
    // The same database again: the span between the stop and this start is a gap.
    t = await startTestApp({ dir: first.dir, units, points, meetings, staticDir: STATIC });
    const gaps = (await (
      await fetch(`${t.url}/api/meetings/${MEETING}/gaps`, { headers: { cookie: t.cookie } })
    ).json()) as { reason: string }[];
    // The stop; a busy machine may add a short `stall` span of its own (docs/SPEC.md MG1).
    expect(gaps.filter((g) => g.reason === 'stopped').length).toBe(1);

    await chromium.context.clearCookies();
    const { page, problems } = await open(t);
    await loginUi(page, ADMIN.name, ADMIN.password);
    await dashboardShown(page);
    await page.getByTestId('tile-C3').click();
    const legend = page.getByTestId('chart-gaps');
    await expect.poll(() => legend.getAttribute('data-count'), { timeout: 10_000 }).toBe('1');
    expect(await legend.textContent()).toContain('máy chủ không giám sát');
    // One grey band on each of the two charts.
    await expect.poll(() => page.locator('.gap-band').count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(ARTIFACTS, 'chart-monitor-gap.png') });
    expect(problems).toEqual([]);
  });
});
