// Starts the real app on port 0: a real SQLite file in a temp dir, a real probe engine, real sockets.
// An admin account is created and logged in through the real login route; `cookie` carries its
// session for fetch and for connectSocket.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack, type ClientEvents, type Role, type ServerEvents } from '../../shared/protocol';
import type { Meeting, Point, Unit } from '../../shared/schemas';
import { toWireInstant } from '../../shared/time';
import { createApp, type App, type AppOptions } from '../../server/app';
import { openStore } from '../../server/store/open';
import type { Store } from '../../server/store/types';
import { targetHost } from '../../shared/targets';

const MIN = 60_000;

export interface TestApp {
  app: App;
  store: Store;
  url: string;
  dir: string;
  dbFile: string;
  /** `name=value` of the admin's session cookie: send it as the Cookie header. */
  cookie: string;
  /** Stop the app and close the store; the temp dir stays until dispose(). */
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

export interface StartOptions extends Omit<AppOptions, 'store' | 'monitorProcess' | 'workers'> {
  /** Heavy request work in worker threads, as `serve` does (server/workers/). */
  workers?: boolean | { size?: number; maxQueue?: number; timeoutMs?: number; maxHeapMb?: number };
  /** Run the probe pipeline in a process of its own, as `serve` does (server/pipeline/). */
  monitorProcess?: boolean;
  units?: Unit[];
  points?: Point[];
  meetings?: Meeting[];
  /** Reuse a database (restart tests). */
  dir?: string;
  /** The store (a `--db` value): default the SQLite file `diemcau.sqlite` in `dir`. */
  db?: string;
  /** Listen on this port (a restart test's browser keeps its address); default: a free one. */
  port?: number;
  /** Listen on this address (a lab's namespaces reach the root namespace's veth end); default 127.0.0.1. */
  host?: string;
}

export const ADMIN = { name: 'admin', password: 'mật-khẩu-thử-nghiệm-admin' } as const;

export async function startTestApp(opts: StartOptions = {}): Promise<TestApp> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'dc-app-'));
  const dbFile = opts.db ?? join(dir, 'diemcau.sqlite');
  const store = await openStore(dbFile);
  const app = await createApp({
    logger: pino({ level: 'silent' }),
    staticDir: null,
    requestLog: false,
    ...opts,
    store,
    monitorProcess: opts.monitorProcess ? { db: dbFile } : undefined,
    workers: opts.workers ? { ...(opts.workers === true ? {} : opts.workers), db: dbFile } : undefined,
  });
  if (opts.units || opts.points || opts.meetings) {
    await app.inventory.apply({ upsertUnits: opts.units, upsertPoints: opts.points, upsertMeetings: opts.meetings });
  }
  if (!(await app.auth.users.get(ADMIN.name))) {
    await app.auth.users.create({ name: ADMIN.name, password: ADMIN.password, role: 'admin' });
  }
  const host = opts.host ?? '127.0.0.1';
  const port = await app.listen(opts.port ?? 0, host);
  const url = `http://${host}:${port}`;
  let cookie: string;
  try {
    cookie = await login(url, ADMIN.name, ADMIN.password);
  } catch (err) {
    await app.close();
    await store.close();
    throw err;
  }
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await app.close();
    await store.close();
  };
  return {
    app,
    store,
    url,
    dir,
    dbFile,
    cookie,
    stop,
    async dispose() {
      await stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestSocket = Socket<ServerEvents, ClientEvents>;

/** A socket carrying `cookie` (a session) as browsers do; without it the server refuses the handshake. */
/** `auth` adds to the handshake's auth (e.g. `{ lang: 'en' }`). */
export function connectSocket(
  url: string,
  cookie?: string,
  protocol = PROTOCOL_VERSION,
  auth: Record<string, unknown> = {},
): TestSocket {
  return connect(url, {
    transports: ['websocket'],
    auth: { protocol, ...auth },
    reconnection: false,
    forceNew: true,
    extraHeaders: cookie === undefined ? {} : { cookie },
  });
}

/** Logs in through POST /api/auth/login; returns the `name=value` of the session cookie. */
export async function login(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login as ${username}: ${res.status} ${await res.text()}`);
  const set = res.headers.get('set-cookie');
  if (!set) throw new Error('login: no Set-Cookie');
  return set.split(';')[0]!;
}

/** Creates a user (through the app's account rules) and logs them in; returns their cookie. */
export async function userCookie(t: TestApp, name: string, role: Role, units: string[] = []): Promise<string> {
  const password = `mật-khẩu-${name}-123`;
  if (!(await t.app.auth.users.get(name))) await t.app.auth.users.create({ name, password, role, units });
  return login(t.url, name, password);
}

/** fetch with the admin's (or the given) session cookie; JSON in and out. */
export async function api(
  t: Pick<TestApp, 'url' | 'cookie'>,
  method: string,
  path: string,
  body?: unknown,
  cookie: string | null = t.cookie,
): Promise<{ status: number; json: any; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

/** A small province: P → D1 → C1..Cn, points on 127.<octet>.0.x. */
export function tinyProvince(octet: number, communes: number): { units: Unit[]; points: Point[] } {
  const units: Unit[] = [
    { id: 'P', name: 'Tỉnh Thử', level: 'province', parent: null },
    { id: 'D1', name: 'Huyện Một', level: 'district', parent: 'P' },
  ];
  const points: Point[] = [
    point('P', 'Điểm cầu tỉnh', 'province', 'P', `127.${octet}.0.1`),
    point('D1', 'Điểm cầu huyện Một', 'district', 'D1', `127.${octet}.0.2`),
  ];
  for (let i = 1; i <= communes; i++) {
    units.push({ id: `C${i}`, name: `Xã Số ${i}`, level: 'commune', parent: 'D1' });
    points.push(point(`C${i}`, `Điểm cầu xã Số ${i}`, 'commune', `C${i}`, `127.${octet}.1.${i}`));
  }
  return { units, points };
}

/** tinyProvince's district D1 (C1–C3) and a second district D2 with its own communes E1–E3. */
export function twoDistrictProvince(octet: number): { units: Unit[]; points: Point[]; host: (code: string) => string } {
  const { units, points } = tinyProvince(octet, 3);
  units.push({ id: 'D2', name: 'Huyện Hai', level: 'district', parent: 'P' });
  points.push(point('D2', 'Điểm cầu huyện Hai', 'district', 'D2', `127.${octet}.2.100`));
  for (let i = 1; i <= 3; i++) {
    units.push({ id: `E${i}`, name: `Xã E${i}`, level: 'commune', parent: 'D2' });
    points.push(point(`E${i}`, `Điểm cầu xã E${i}`, 'commune', `E${i}`, `127.${octet}.2.${i}`));
  }
  const host = (code: string): string => points.find((p) => p.code === code)!.targets.map(targetHost)[0]!;
  return { units, points, host };
}

export function point(code: string, name: string, level: Point['level'], unit: string, host: string): Point {
  return {
    code,
    name,
    level,
    unit,
    targets: [{ kind: 'icmp', host, role: 'primary' }],
    contacts: [{ name: 'Nguyễn Văn Kỹ', role: 'technician', phone: '0912 345 678' }],
  };
}

/** A meeting whose live session runs now (started `minutesAgo`), or whose line test does. */
export function meetingNow(
  id: string,
  phase: 'live' | 'lineTest',
  participants: Partial<Meeting['participants']> = { levels: ['province', 'district', 'commune'] },
  now = Date.now(),
): Meeting {
  const lineTestStart = phase === 'lineTest' ? now - 5 * MIN : now - 24 * 60 * MIN;
  const sessionStart = phase === 'live' ? now - 5 * MIN : now + 18 * 60 * MIN;
  return {
    id,
    title: `Hội nghị ${id}`,
    host: null,
    lineTest: { start: toWireInstant(lineTestStart), durationMin: 120 },
    session: { start: toWireInstant(sessionStart), plannedEnd: toWireInstant(sessionStart + 180 * MIN) },
    participants: { levels: [], units: [], points: [], ...participants },
  };
}

/** Poll until `check` returns a value (not undefined/false) or time runs out. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The log's outages once it holds some and every one is closed. The status goes up before the close is
 * written (the recorder writes in order, behind the writes before it), so a read right after "up" may
 * still see the outage open: read until it is closed, or fail after the timeout.
 */
export function closedOutages<T extends { endedAt: unknown }>(
  what: string,
  read: () => Promise<T[]>,
  timeoutMs = 10_000,
): Promise<T[]> {
  return waitFor(
    what,
    async () => {
      const rows = await read();
      return rows.length > 0 && rows.every((o) => o.endedAt !== null) ? rows : undefined;
    },
    timeoutMs,
  );
}

/** The data of a successful ack; throws (failing the test) with the error of a refused one. */
export function okData<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected an ok ack, got ${JSON.stringify(ack.error)}`);
  return ack.data;
}

/** The error of a refused ack; throws when the ack was ok. */
export function ackError<T>(ack: Ack<T>): Extract<Ack<T>, { ok: false }>['error'] {
  if (ack.ok) throw new Error('expected a refused ack, got ok');
  return ack.error;
}

/** Real time plus an offset that a test moves: the app runs normally, then its clock jumps. */
export class JumpClock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  jump(ms: number): void {
    this.offset += ms;
  }
}

/** Resolves with the error of the next connect_error (or rejects if the socket connects). */
export function connectError(s: TestSocket): Promise<Error> {
  return new Promise((resolve, reject) => {
    s.once('connect_error', resolve);
    s.once('connect', () => reject(new Error('expected the handshake to be refused, but it connected')));
  });
}

/** Resolves once the socket is connected (or rejects with its connect_error). */
export function connected(s: TestSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (s.connected) return resolve();
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
}
