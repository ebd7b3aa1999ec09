// Two `serve` processes on one PostgreSQL database and one Redis (docs/FAILOVER.md): one runs the
// monitor, the other stands by; both serve dashboards from the same statuses. A point is cut with an
// nftables table of the test's own; the active instance is SIGKILLed during the outage: the standby
// runs the monitor within 10 s, the outage keeps its id and closes once when the cut is lifted, the
// dashboards saw it open and close, and a dashboard of the dead instance resyncs on the other with
// its session (sessions are in the database).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { MeetingDelta } from '../../../shared/protocol';
import type { Outage } from '../../../shared/schemas';
import { unpackSnapshot, type PackedSnapshot } from '../../../shared/wire';
import { Sessions } from '../../../server/auth/sessions';
import { Users } from '../../../server/auth/users';
import { systemClock } from '../../../server/clock';
import { openStore } from '../../../server/store/open';
import {
  api,
  connectSocket,
  connected,
  login,
  meetingNow,
  tinyProvince,
  waitFor,
  type TestSocket,
} from '../../helpers/app';
import { createDropTable, destroyAllNftTables, nftSkipReason, type NftDropTable } from '../../helpers/nft';
import { createTestDatabase, ensurePostgres, type TestDatabase } from '../../helpers/postgres';
import {
  dropCluster,
  ensureRedis,
  privateRedis,
  sharedClient,
  SHARED_URL,
  type PrivateRedis,
} from '../../helpers/redis';
import { closeRedis } from '../../../server/cluster/redis';
import { startPrivatePostgres, type PrivatePostgres } from '../../helpers/pg-private';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'diemcau.mjs');
const skip = nftSkipReason();
const { units, points } = tinyProvince(48, 3);
const C2 = '127.48.1.2';
const PASSWORD = 'mật-khẩu-thử-nghiệm-cụm';

interface Instance {
  name: string;
  child: ChildProcess;
  url: string;
  cookie: string;
}

const children: ChildProcess[] = [];
let pg: PrivatePostgres | null = null;
let redis: PrivateRedis | null = null;
const sockets: TestSocket[] = [];
let db: TestDatabase | null = null;
let dir: string | null = null;
let table: NftDropTable | null = null;

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  table?.destroy();
  destroyAllNftTables();
  await new Promise((r) => setTimeout(r, 500)); // the monitor processes see their parent gone
  if (db) {
    // What the cluster (named after its database) left in the shared Redis.
    const r = await sharedClient();
    await dropCluster(r, db.name);
    closeRedis(r);
  }
  await db?.drop();
  pg?.destroy();
  await redis?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The admin of a fresh database, and a province with a live meeting in a config file. */
async function prepare(url: string): Promise<string> {
  const store = await openStore(url);
  const sessions = new Sessions({ store, clock: systemClock, logger: pino({ level: 'silent' }) });
  await new Users({ store, clock: systemClock, sessions }).create({ name: 'admin', password: PASSWORD, role: 'admin' });
  await store.close();
  dir ??= mkdtempSync(join(tmpdir(), 'dc-failover-'));
  const config = join(dir, 'province.json');
  writeFileSync(config, JSON.stringify({ units, points, meetings: [meetingNow('LIVE', 'live')] }));
  return config;
}

async function spawnInstance(name: string, config: string, url: string, redisUrl = SHARED_URL): Promise<Instance> {
  const args = ['serve', '--config', config, '--db', url, '--redis', redisUrl, '--instance', name];
  const child = spawn(
    process.execPath,
    [BIN, ...args, '--port', '0', '--host', '127.0.0.1', '--engine', 'fping', '--log-level', 'warn'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const base = await waitFor(
    `instance ${name} listening`,
    () => {
      if (child.exitCode !== null) throw new Error(`instance ${name} exited: ${out}`);
      return /diemcau: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)?.[1];
    },
    30_000,
  );
  return { name, child, url: base, cookie: await login(base, 'admin', PASSWORD) };
}

const health = async (i: Instance): Promise<{ monitor: string; instance: string; store: string }> =>
  (await (await fetch(`${i.url}/api/health`)).json()) as { monitor: string; instance: string; store: string };

/** A dashboard on `i` in meeting LIVE: every outage it was told of (snapshot, then deltas), by id. */
async function dashboard(i: Instance, cookie = i.cookie) {
  const s = connectSocket(i.url, cookie);
  sockets.push(s);
  const seen = new Map<number, Outage[]>();
  const note = (o: Outage): void => void seen.set(o.id, [...(seen.get(o.id) ?? []), o]);
  s.on('meeting:delta', (d: MeetingDelta) => d.outages.forEach(note));
  await connected(s);
  const ack = await (s.emitWithAck as (ev: string, p: unknown) => Promise<{ ok: boolean; data: PackedSnapshot }>)(
    'meeting:join',
    { meetingId: 'LIVE' },
  );
  expect(ack.ok).toBe(true);
  const snap = await unpackSnapshot(ack.data);
  snap.outages.forEach(note);
  return { socket: s, seen, snapshot: snap };
}

const stateOf = async (i: Instance, code: string): Promise<string | undefined> =>
  ((await api(i, 'GET', '/api/meetings/LIVE/status')).json as { code: string; state: string }[]).find(
    (s) => s.code === code,
  )?.state;

const opened = (seen: Map<number, Outage[]>, code: string): Outage | undefined =>
  [...seen.values()].flat().find((o) => o.point === code && o.endedAt === null);
const closed = (seen: Map<number, Outage[]>, id: number): boolean => (seen.get(id) ?? []).some((o) => o.endedAt);

describe.skipIf(skip !== null)(`two instances, one monitor${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it(
    '[FO3] the standby runs the monitor within 10 s of the active one’s SIGKILL; the outage keeps its id and closes once',
    { timeout: 120_000 },
    async () => {
      await Promise.all([ensurePostgres(), ensureRedis()]);
      db = await createTestDatabase('dc_failover');
      const store = await openStore(db.url);
      const logger = pino({ level: 'silent' });
      const sessions = new Sessions({ store, clock: systemClock, logger });
      await new Users({ store, clock: systemClock, sessions }).create({
        name: 'admin',
        password: PASSWORD,
        role: 'admin',
      });
      await store.close();
      dir = mkdtempSync(join(tmpdir(), 'dc-failover-'));
      const config = join(dir, 'province.json');
      writeFileSync(config, JSON.stringify({ units, points, meetings: [meetingNow('LIVE', 'live')] }));

      const a = await spawnInstance('A', config, db.url);
      await waitFor('A active', async () => (await health(a)).monitor === 'active', 15_000);
      const b = await spawnInstance('B', config, db.url);
      expect(await health(b)).toMatchObject({ monitor: 'standby', instance: 'B', store: 'postgres' });
      const onA = await dashboard(a);
      const onB = await dashboard(b);
      await waitFor('C2 up on B', async () => (await stateOf(b, 'C2')) === 'up', 20_000);

      table = createDropTable({ hook: 'input' });
      table.add(C2);
      const outage = await waitFor(
        'the outage on both dashboards',
        () => {
          const x = opened(onA.seen, 'C2');
          const y = opened(onB.seen, 'C2');
          return x && y && x.id === y.id ? x : undefined;
        },
        20_000,
      );

      // The active instance dies with its monitor; its dashboard goes to the other with its session.
      const killedAt = Date.now();
      a.child.kill('SIGKILL');
      await waitFor('B active', async () => (await health(b)).monitor === 'active', 10_000);
      const takeoverMs = Date.now() - killedAt;
      expect(takeoverMs).toBeLessThan(10_000);
      const moved = await dashboard(b, a.cookie);
      expect(opened(moved.seen, 'C2')?.id).toBe(outage.id);
      await waitFor('C2 down again under the new monitor', async () => (await stateOf(b, 'C2')) === 'down', 20_000);

      table.remove(C2);
      await waitFor(
        'the outage closed on both dashboards',
        () => closed(onB.seen, outage.id) && closed(moved.seen, outage.id),
        20_000,
      );
      const log = (await api(b, 'GET', '/api/outages?meeting=LIVE&point=C2')).json as Outage[];
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ id: outage.id, startedAt: outage.startedAt });
      expect(log[0]!.endedAt).not.toBeNull();
      // The time without a monitor is a gap of the log, not an outage: from the dead monitor's last sign
      // of life (its stop, when its parent's death ended it; else its last heartbeat) to the new one's start.
      const gaps = (await api(b, 'GET', '/api/meetings/LIVE/gaps')).json as {
        from: string;
        to: string;
        reason: string;
      }[];
      const stopped = gaps.filter((g) => g.reason === 'stopped');
      expect(stopped).toHaveLength(1);
      expect(Date.parse(stopped[0]!.from)).toBeGreaterThan(killedAt - 6_000);
      expect(Date.parse(stopped[0]!.from)).toBeLessThan(killedAt + 2_000);
      expect(Date.parse(stopped[0]!.to)).toBeLessThan(killedAt + 10_000);
    },
  );

  it(
    '[FO4] Redis and then PostgreSQL restart: dashboards on both instances still hear the outage open and close, once',
    { timeout: 120_000 },
    async () => {
      // Servers of the test's own: restarting the machine's would cut the other test files.
      [pg, redis] = await Promise.all([startPrivatePostgres(), privateRedis()]);
      table ??= createDropTable({ hook: 'input' });
      const config = await prepare(pg.url);
      const a = await spawnInstance('A', config, pg.url, redis.url);
      await waitFor('A active', async () => (await health(a)).monitor === 'active', 15_000);
      const b = await spawnInstance('B', config, pg.url, redis.url);
      const onA = await dashboard(a);
      const onB = await dashboard(b);
      await waitFor('C2 up on B', async () => (await stateOf(b, 'C2')) === 'up', 20_000);

      await redis.stop();
      await redis.start();
      // The bus and the rooms resume by themselves: an outage after the restart reaches both.
      table.add(C2);
      const outage = await waitFor(
        'the outage on both dashboards after Redis came back',
        () => {
          const x = opened(onA.seen, 'C2');
          const y = opened(onB.seen, 'C2');
          return x && y && x.id === y.id ? x : undefined;
        },
        30_000,
      );

      // PostgreSQL restarts while the point is still cut, and the cut is lifted once it is back: the
      // monitor (re-elected: the lease lives in PostgreSQL) continues the same outage and closes it once.
      await pg.restart();
      await waitFor(
        'a monitor again',
        async () => (await Promise.all([health(a), health(b)])).some((h) => h.monitor === 'active'),
        20_000,
      );
      await waitFor('C2 down under the monitor', async () => (await stateOf(b, 'C2')) === 'down', 30_000);
      table.remove(C2);
      await waitFor(
        'the outage closed on both dashboards',
        () => closed(onA.seen, outage.id) && closed(onB.seen, outage.id),
        30_000,
      );
      const log = (await api(b, 'GET', '/api/outages?meeting=LIVE&point=C2')).json as Outage[];
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ id: outage.id, startedAt: outage.startedAt });
      expect(log[0]!.endedAt).not.toBeNull();
      expect((await Promise.all([health(a), health(b)])).filter((h) => h.monitor === 'active')).toHaveLength(1);
    },
  );
});
