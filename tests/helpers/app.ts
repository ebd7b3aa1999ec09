// Starts the real app on port 0: a real SQLite file in a temp dir, a real probe engine, real sockets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack, type ClientEvents, type ServerEvents } from '../../shared/protocol';
import type { Meeting, Point, Unit } from '../../shared/schemas';
import { toWireInstant } from '../../shared/time';
import { createApp, type App, type AppOptions } from '../../server/app';
import { openSqliteStore } from '../../server/store/sqlite';
import type { Store } from '../../server/store/types';

const MIN = 60_000;

export interface TestApp {
  app: App;
  store: Store;
  url: string;
  dir: string;
  dbFile: string;
  /** Stop the app and close the store; the temp dir stays until dispose(). */
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

export interface StartOptions extends Omit<AppOptions, 'store'> {
  units?: Unit[];
  points?: Point[];
  meetings?: Meeting[];
  /** Reuse a database (restart tests). */
  dir?: string;
}

export async function startTestApp(opts: StartOptions = {}): Promise<TestApp> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'dc-app-'));
  const dbFile = join(dir, 'diemcau.sqlite');
  const store = openSqliteStore(dbFile);
  const app = createApp({ logger: pino({ level: 'silent' }), staticDir: null, requestLog: false, ...opts, store });
  if (opts.units || opts.points || opts.meetings) {
    app.inventory.apply({ upsertUnits: opts.units, upsertPoints: opts.points, upsertMeetings: opts.meetings });
  }
  const port = await app.listen(0);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await app.close();
    store.close();
  };
  return {
    app,
    store,
    url: `http://127.0.0.1:${port}`,
    dir,
    dbFile,
    stop,
    async dispose() {
      await stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestSocket = Socket<ServerEvents, ClientEvents>;

export function connectSocket(url: string, protocol = PROTOCOL_VERSION): TestSocket {
  return connect(url, { transports: ['websocket'], auth: { protocol }, reconnection: false, forceNew: true });
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
