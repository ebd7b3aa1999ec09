// Agents' results where the monitor runs on another instance (docs/AGENTS.md AG9, docs/CLUSTER.md): an
// agent's connection lands on an edge instance; its batches go over the command stream (Redis, msgpack)
// to the lease holder's monitor process, whose statuses and agents' states come back over the bus to
// every instance. Real PostgreSQL (the lease, the store) and real Redis.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetId } from '../../../shared/targets';
import type { AgentContact } from '../../../server/agent/contract';
import { CommandReader, sendToMonitor, type ClusterCommand } from '../../../server/cluster/commands';
import { closeRedis, type Redis } from '../../../server/cluster/redis';
import type { TargetResult } from '../../../server/probe/kinds';
import { meetingNow, startTestApp, tinyProvince, waitFor, type TestApp } from '../../helpers/app';
import { createTestDatabase, ensurePostgres, type TestDatabase } from '../../helpers/postgres';
import { dropCluster, ensureRedis, eventually, sharedClient, testCluster } from '../../helpers/redis';
import { statusRow } from '../targets/pipeline';

const AGENT = 'tram-cum';
const logger = pino({ level: 'silent' });
const contact = (connected = true): AgentContact => ({
  connected,
  instance: 'edge-b',
  version: '0.0.0-test',
  outboxDepth: 0,
  clockOffsetMs: null,
  clockFlagged: false,
});

let redis: Redis;
beforeAll(async () => {
  await ensureRedis();
  await ensurePostgres();
  redis = await sharedClient();
});
afterAll(() => closeRedis(redis));

describe('agent commands over Redis', () => {
  it('[AG9] an ingest and a contact reach the active monitor intact (absent fields stay absent)', async () => {
    const cluster = testCluster();
    const got: ClusterCommand[] = [];
    const reader = new CommandReader({
      redis,
      cluster,
      logger,
      blockMs: 500,
      onCommand: (cmd) => got.push(cmd),
      onGap: () => undefined,
    });
    await reader.start();
    try {
      const results: TargetResult[] = [
        { target: 'icmp:127.0.0.1', t: 1_762_000_000_123, rtt: 0.042 },
        { target: 'icmp:127.0.0.1', t: 1_762_000_001_123, rtt: null, reason: 'timeout' },
        { target: 'sip:udp:127.0.0.2:5060', t: 1_762_000_001_500, rtt: 4.5, code: 200, detail: 'OK' },
      ];
      const ingest: ClusterCommand = { type: 'agentIngest', batches: [{ agent: AGENT, contact: contact(), results }] };
      const closed: ClusterCommand = { type: 'agentContact', agent: AGENT, contact: contact(false) };
      expect(await sendToMonitor(redis, cluster, ingest, 'edge-b')).toBe(true);
      expect(await sendToMonitor(redis, cluster, closed, 'edge-b')).toBe(true);
      await eventually('both commands', () => got.length === 2);
      expect(got).toEqual([ingest, closed]);
      expect(Object.keys((got[0] as Extract<ClusterCommand, { type: 'agentIngest' }>).batches[0]!.results[0]!)).toEqual(
        ['target', 't', 'rtt'],
      );
    } finally {
      await reader.stop();
      await dropCluster(redis, cluster);
    }
  });
});

describe('agents on a cluster', () => {
  let db: TestDatabase;
  const cluster = testCluster();
  const apps: TestApp[] = [];
  const { units, points } = tinyProvince(63, 2);
  const C1 = targetId(points.find((p) => p.code === 'C1')!.targets[0]!);

  beforeAll(async () => {
    db = await createTestDatabase('dc_agents');
    const common = {
      db: db.url,
      units: units.map((u) => (u.id === 'C1' ? { ...u, agent: AGENT } : u)),
      points,
      meetings: [meetingNow('LIVE', 'live')],
      cadence: { idleMs: 60_000, lineTestMs: 2_000, liveMs: 1_000 },
      monitorProcess: true,
    };
    // The monitor's instance first (it takes the lease), then an edge that never runs it.
    apps.push(await startTestApp({ ...common, cluster: { redis, name: cluster, role: 'all', ttlMs: 2_000 } }));
    apps.push(await startTestApp({ ...common, cluster: { redis, name: cluster, role: 'edge' } }));
  }, 60_000);

  afterAll(async () => {
    for (const a of apps.toReversed()) await a.dispose();
    await dropCluster(redis, cluster);
    await db?.drop();
  });

  it('[AG9][AG10] batches given to an edge instance reach the lease holder; states and statuses reach both', async () => {
    const [active, edge] = apps as [TestApp, TestApp];
    await waitFor(
      'the edge hears the monitor',
      async () => (await statusRow(edge, 'LIVE', 'P'))?.state === 'up',
      30_000,
    );
    const started = Date.now();
    for (let i = 0; i < 4; i++) {
      edge.app.monitor.ingestAgent({
        agent: AGENT,
        contact: contact(),
        results: [{ target: C1, t: Date.now(), rtt: 1 }],
      });
      await new Promise((r) => setTimeout(r, 500));
    }
    await waitFor('C1 up on the edge', async () => (await statusRow(edge, 'LIVE', 'C1'))?.state === 'up', 10_000);
    expect((await statusRow(active, 'LIVE', 'C1'))?.state).toBe('up');
    for (const a of [active, edge]) {
      const s = await waitFor('the agent heard, on both instances', () =>
        a.app.monitor.agents().find((x) => x.name === AGENT && x.connected),
      );
      expect(s).toMatchObject({ instance: 'edge-b', targets: 1 });
      expect(s.lastContactAt!).toBeGreaterThanOrEqual(started);
    }
    edge.app.monitor.agentContact(AGENT, contact(false));
    await waitFor(
      'C1 unknown on the edge',
      async () => (await statusRow(edge, 'LIVE', 'C1'))?.state === 'unknown',
      10_000,
    );
  }, 60_000);
});
