// The centre's /agent namespace (server/agent/centre.ts, docs/AGENTS.md AG3–AG5, AG8, AG11) on the real
// app over loopback, with a real socket.io-client as the agent. The registry (AgentAuth) is a small real
// implementation over a Map, and the monitor's side (AgentSink) a recording sink: they are the seams.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { encodeBatch } from '../../../server/agent/batch-codec';
import {
  AGENT_CHUNK_BYTES,
  AGENT_MAX_CHUNKS,
  AGENT_WIRE_MAX_BYTES,
  attachAgentCentre,
  splitBatch,
  type AgentCentre,
} from '../../../server/agent/centre';
import {
  AGENT_NAMESPACE,
  AGENT_PROTOCOL,
  CLOCK_FLAG_MS,
  type AgentAuth,
  type AgentBatch,
  type AgentContact,
  type AgentIngest,
  type AgentSchedule,
  type AgentSink,
  type AgentState,
  type BatchAck,
} from '../../../server/agent/contract';
import type { TargetResult } from '../../../server/probe/kinds';
import pino from 'pino';
import { meetingNow, startTestApp, waitFor, tinyProvince, type TestApp } from '../../helpers/app';

class MapAuth implements AgentAuth {
  readonly tokens = new Map<string, string>();
  private listeners: ((name: string) => void)[] = [];
  authenticate(token: string): Promise<string | null> {
    return Promise.resolve(this.tokens.get(token) ?? null);
  }
  onRevoked(listener: (name: string) => void): () => void {
    this.listeners.push(listener);
    return () => (this.listeners = this.listeners.filter((l) => l !== listener));
  }
  revoke(name: string): void {
    for (const [t, n] of this.tokens) if (n === name) this.tokens.delete(t);
    for (const l of this.listeners) l(name);
  }
}

class RecordingSink implements AgentSink {
  readonly batches: AgentIngest[] = [];
  readonly contacts: { agent: string; contact: AgentContact }[] = [];
  ingestAgent(batch: AgentIngest): void {
    this.batches.push(batch);
  }
  agentContact(agent: string, contact: AgentContact): void {
    this.contacts.push({ agent, contact });
  }
  agents(): AgentState[] {
    return [];
  }
  results(): TargetResult[] {
    return this.batches.flatMap((b) => b.results);
  }
}

interface AgentEvents {
  schedule: (s: AgentSchedule) => void;
  clock: (answer: (now: number) => void) => void;
  closing: (why: { code: string; message: string; en: string }) => void;
}
type AgentClient = Socket<AgentEvents, { batch: (...args: unknown[]) => void }>;

const TOKEN = 'tok-A-0123456789abcdef0123456789abcdef';
const OCTET = 61;

let t: TestApp;
let auth: MapAuth;
let sink: RecordingSink;
let centre: AgentCentre;
const open: AgentClient[] = [];

function agentSocket(
  o: { token?: string | null; protocol?: number; query?: Record<string, string>; skewMs?: number } = {},
): AgentClient {
  const token = o.token === undefined ? TOKEN : o.token;
  const s: AgentClient = connect(`${t.url}${AGENT_NAMESPACE}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: token === null ? {} : { authorization: `Bearer ${token}` },
    auth: { protocol: o.protocol ?? AGENT_PROTOCOL, version: 'test', now: Date.now() },
    query: o.query,
  });
  // The agent's clock, as the test makes it.
  s.on('clock', (answer) => answer(Date.now() + (o.skewMs ?? 0)));
  open.push(s);
  return s;
}

function refused(s: AgentClient): Promise<Error & { data?: { code: string; en: string } }> {
  return new Promise((resolve, reject) => {
    s.once('connect_error', resolve);
    s.once('connect', () => reject(new Error('connected, expected a refusal')));
  });
}

/** Connected, with its first schedule. */
async function connected(s: AgentClient): Promise<AgentSchedule> {
  const schedule = new Promise<AgentSchedule>((resolve) => s.once('schedule', resolve));
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  return schedule;
}

/** As the agent sends: a buffer over one frame's size goes in chunks. */
const send = (s: AgentClient, payload: unknown): Promise<BatchAck> =>
  s.timeout(10_000).emitWithAck('batch', Buffer.isBuffer(payload) ? splitBatch(payload) : payload) as Promise<BatchAck>;

const batch = (seq: number, results: TargetResult[]): Buffer =>
  encodeBatch({ seq, sentAt: Date.now(), outboxDepth: 0, results } satisfies AgentBatch);

const mine = `icmp:127.${OCTET}.1.1`;
const mine2 = `icmp:127.${OCTET}.1.2`;

beforeAll(async () => {
  const { units, points } = tinyProvince(OCTET, 2);
  // District D1 and its communes C1, C2 go through agent tram-a (inherited); the rest is the centre's.
  const d1 = units.find((u) => u.id === 'D1')!;
  d1.agent = 'tram-a';
  t = await startTestApp({ units, points, meetings: [meetingNow('M', 'live')], engine: 'ping', agentLink: false });
});

afterAll(async () => {
  await t?.dispose();
});

// A fresh centre per test: its memory of seqs and connections starts empty.
let nextTest = 0;
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  centre?.close();
});

async function freshCentre(sweepMs?: number): Promise<void> {
  auth = new MapAuth();
  auth.tokens.set(TOKEN, 'tram-a');
  auth.tokens.set('tok-B-fedcba9876543210fedcba9876543210', 'tram-b');
  sink = new RecordingSink();
  centre = attachAgentCentre(t.app.io, {
    auth,
    sink,
    inventory: t.app.inventory,
    logger: pino({ level: 'silent' }),
    instance: `test-${nextTest++}`,
    sweepMs,
  });
}

describe('the handshake', () => {
  it('refuses no header, an unknown token, a token in the query string and another protocol, in words', async () => {
    await freshCentre();
    const none = await refused(agentSocket({ token: null }));
    expect(none.message).toContain('Authorization: Bearer');
    expect(none.message).toMatch(/mã truy cập/);
    expect(none.data).toEqual({ code: 'no-token', en: expect.stringContaining('No token') });

    const bad = await refused(agentSocket({ token: 'tok-unknown-000000000000000000000000' }));
    expect(bad.data?.code).toBe('bad-token');
    expect(bad.message).toMatch(/thu hồi/);

    // Even beside a valid header: a token in a URL ends up in logs.
    const inUrl = await refused(agentSocket({ query: { token: TOKEN } }));
    expect(inUrl.data?.code).toBe('token-in-url');
    expect(inUrl.data?.en).toContain('query string');

    const old = await refused(agentSocket({ protocol: AGENT_PROTOCOL + 1 }));
    expect(old.data?.code).toBe('protocol');
    expect(old.message).toContain(`giao thức ${AGENT_PROTOCOL + 1}`);

    expect(sink.contacts).toEqual([]);
    expect(centre.connected()).toEqual([]);
  });

  it('sends the schedule of the agent: its points and targets, the meeting reduced to them', async () => {
    await freshCentre();
    const s = await connected(agentSocket());
    expect(s.points.map((p) => p.code)).toEqual(['C1', 'C2', 'D1']);
    expect(s.points.flatMap((p) => p.targets.map((x) => x.kind === 'icmp' && x.host))).toEqual([
      `127.${OCTET}.1.1`,
      `127.${OCTET}.1.2`,
      `127.${OCTET}.0.2`,
    ]);
    expect(s.meetings).toHaveLength(1);
    expect(s.meetings[0]!.participants).toEqual({ levels: [], units: [], points: ['C1', 'C2', 'D1'] });
    expect(centre.connected()).toEqual(['tram-a']);
    await waitFor('the contact', () => sink.contacts.length === 1);
    expect(sink.contacts[0]).toMatchObject({ agent: 'tram-a', contact: { connected: true, version: 'test' } });
  });

  it('sends a new schedule when the inventory changes this agent’s part, not for other parts', async () => {
    await freshCentre();
    const s = agentSocket();
    const first = await connected(s);
    const next = new Promise<AgentSchedule>((resolve) => s.once('schedule', resolve));
    const p = t.app.inventory.point('P')!;
    await t.app.inventory.apply({ upsertPoints: [{ ...p, name: 'Điểm cầu tỉnh (đổi tên)' }] });
    const c1 = t.app.inventory.point('C1')!;
    await t.app.inventory.apply({ upsertPoints: [{ ...c1, name: 'Điểm cầu xã Một (đổi tên)' }] });
    const s2 = await next;
    // The first schedule after both changes is the one of C1's: P's change sent none.
    expect(s2.points.find((x) => x.code === 'C1')!.name).toBe('Điểm cầu xã Một (đổi tên)');
    expect(s2.version).not.toBe(first.version);
    await t.app.inventory.apply({ upsertPoints: [c1, p] });
  });

  it('takes results of a target moved away for a short while after the new schedule (batches on their way)', async () => {
    await freshCentre();
    const s = agentSocket();
    await connected(s);
    const next = new Promise<AgentSchedule>((resolve) => s.once('schedule', resolve));
    const c2 = t.app.inventory.point('C2')!;
    await t.app.inventory.apply({ upsertPoints: [{ ...c2, agent: 'tram-b' }] });
    try {
      expect((await next).points.map((p) => p.code)).toEqual(['C1', 'D1']);
      expect(await send(s, batch(1, [{ target: mine2, t: Date.now() - 1_500, rtt: 0.3 }]))).toEqual({
        ok: true,
        seq: 1,
      });
      expect(sink.results().map((r) => r.target)).toEqual([mine2]);
    } finally {
      await t.app.inventory.apply({ upsertPoints: [c2] });
    }
  });

  it('closes a revoked agent at once, and a second connection replaces the first', async () => {
    await freshCentre();
    const first = agentSocket();
    await connected(first);
    const told = new Promise<{ code: string; message: string }>((resolve) => first.once('closing', resolve));
    const gone = new Promise<string>((resolve) => first.once('disconnect', resolve));
    const second = agentSocket();
    await connected(second);
    expect(await told).toMatchObject({ code: 'replaced', message: expect.stringContaining('thay thế') });
    expect(await gone).toBe('io server disconnect');
    expect(centre.connected()).toEqual(['tram-a']);

    const revokedTold = new Promise<{ code: string }>((resolve) => second.once('closing', resolve));
    const revokedGone = new Promise<string>((resolve) => second.once('disconnect', resolve));
    auth.revoke('tram-a');
    expect((await revokedTold).code).toBe('revoked');
    expect(await revokedGone).toBe('io server disconnect');
    expect(centre.connected()).toEqual([]);
    const last = sink.contacts.at(-1)!;
    expect(last).toMatchObject({ agent: 'tram-a', contact: { connected: false } });
    // The revoked token no longer opens.
    expect((await refused(agentSocket())).data?.code).toBe('bad-token');
  });
});

describe('the centre stopping', () => {
  it('says so and drops the link as a cut would, so the agent comes back by itself', async () => {
    await freshCentre();
    const s = agentSocket();
    await connected(s);
    const told = new Promise<{ code: string; message: string }>((resolve) => s.once('closing', resolve));
    const gone = new Promise<string>((resolve) => s.once('disconnect', resolve));
    centre.close();
    expect(await told).toMatchObject({ code: 'closing', message: 'Trung tâm đang dừng.' });
    expect(await gone).toBe('transport close');
  });
});

describe('revocations made elsewhere', () => {
  it('closes an agent whose token no longer authenticates, found by the periodic check', async () => {
    await freshCentre(200);
    const s = agentSocket();
    await connected(s);
    const told = new Promise<{ code: string }>((resolve) => s.once('closing', resolve));
    // As the CLI does it in another process: the registry changes, no listener here hears it.
    auth.tokens.delete(TOKEN);
    expect((await told).code).toBe('revoked');
    await waitFor('the agent gone', () => centre.connected().length === 0);
    expect(sink.contacts.at(-1)).toMatchObject({ agent: 'tram-a', contact: { connected: false } });
  });
});

describe('batches', () => {
  it('refuses a batch whole — foreign target, too big, garbage, future, not binary — and goes on serving', async () => {
    await freshCentre();
    const s = agentSocket();
    await connected(s);
    const now = Date.now();

    const foreign = await send(
      s,
      batch(1, [
        { target: mine, t: now - 1_000, rtt: 0.2 },
        { target: `icmp:127.${OCTET}.0.1`, t: now - 1_000, rtt: 0.2 }, // P: the centre's own
      ]),
    );
    expect(foreign).toMatchObject({ ok: false, seq: 1, where: 'results[1]', retry: false });
    expect((foreign as { error: string }).error).toContain('không được giao cho trạm đo này');

    // The most the link carries (10 frames of ~64 KiB) is not a batch (no codec version in front): refused,
    // the connection stays.
    const most = await send(s, Buffer.alloc(AGENT_WIRE_MAX_BYTES, 0x20));
    expect(most).toMatchObject({ ok: false, seq: null, where: 'version', retry: false });

    const garbage = await send(s, randomBytes(4_096));
    expect(garbage).toMatchObject({ ok: false, seq: null, retry: false });

    const future = await send(s, batch(2, [{ target: mine, t: now + 60_000, rtt: 0.2 }]));
    expect(future).toMatchObject({ ok: false, seq: 2, where: 'results[0]', retry: false });

    const old = await send(s, batch(3, [{ target: mine, t: now - 9 * 86_400_000, rtt: 0.2 }]));
    expect(old).toMatchObject({ ok: false, seq: 3, where: 'results[0]', retry: false });

    expect(await send(s, 'một chuỗi')).toMatchObject({ ok: false, seq: null, retry: false });
    // No acknowledgement callback: logged and dropped (nothing to answer, nothing applied).
    s.emit('batch', batch(4, [{ target: mine, t: now - 500, rtt: 0.3 }]));

    expect(sink.results()).toEqual([]);
    const good = await send(s, batch(5, [{ target: mine, t: now - 200, rtt: 0.4 }]));
    expect(good).toEqual({ ok: true, seq: 5 });
    expect(sink.results()).toEqual([{ target: mine, t: now - 200, rtt: 0.4 }]);
    expect(sink.batches.at(-1)!.agent).toBe('tram-a');
    expect(centre.connected()).toEqual(['tram-a']);
  });

  it('takes a batch of many chunks, refuses a list of anything else, and closes a connection sending a frame over 64 KiB', async () => {
    await freshCentre();
    const s = agentSocket();
    await connected(s);
    const now = Date.now();
    // Lost probes, each with a detail of its own (the codec's side section): several chunks on the wire.
    const results: TargetResult[] = Array.from({ length: 10_000 }, (_, i) => ({
      target: i % 2 ? mine : mine2,
      t: now - 20_000 + i,
      rtt: null,
      reason: 'timeout',
      detail: `không trả lời lần thứ ${i}`,
    }));
    const big = batch(1, results);
    expect(big.length).toBeGreaterThan(4 * AGENT_CHUNK_BYTES);
    expect(await send(s, big)).toEqual({ ok: true, seq: 1 });
    expect(sink.results()).toEqual(results);
    expect(await send(s, [Buffer.alloc(10), 'chữ'])).toMatchObject({ ok: false, seq: null, retry: false });
    expect(await send(s, [])).toMatchObject({ ok: false, seq: null, retry: false });

    // A frame over 64 KiB, or a packet of more attachments than Socket.IO takes: that connection closes.
    const gone = new Promise<string>((resolve) => s.once('disconnect', resolve));
    s.emit('batch', Buffer.alloc(100 * 1024), () => undefined);
    expect(await gone).toMatch(/close/);
    const other = agentSocket();
    await connected(other);
    const closed = new Promise<string>((resolve) => other.once('disconnect', resolve));
    other.emit(
      'batch',
      Array.from({ length: AGENT_MAX_CHUNKS + 1 }, () => Buffer.alloc(10)),
      () => undefined,
    );
    expect(await closed).toMatch(/close/);
    const again = agentSocket();
    await connected(again);
    expect(await send(again, batch(2, []))).toEqual({ ok: true, seq: 2 });
  });

  it('acknowledges a batch seen before again without applying it twice (also across connections)', async () => {
    await freshCentre();
    const s = agentSocket();
    await connected(s);
    const now = Date.now();
    const b7 = batch(7, [
      { target: mine, t: now - 2_000, rtt: 0.5 },
      { target: mine2, t: now - 2_000, rtt: null, reason: 'timeout' },
    ]);
    expect(await send(s, b7)).toEqual({ ok: true, seq: 7 });
    expect(await send(s, b7)).toEqual({ ok: true, seq: 7 });
    s.close();
    const again = agentSocket();
    await connected(again);
    expect(await send(again, b7)).toEqual({ ok: true, seq: 7 });
    expect(sink.results()).toHaveLength(2);
    // The duplicates still count as contact (an empty ingest).
    expect(sink.batches.map((b) => b.results.length)).toEqual([2, 0, 0]);
    expect(await send(again, batch(8, [{ target: mine, t: now - 1_000, rtt: 0.6 }]))).toEqual({ ok: true, seq: 8 });
    expect(sink.results()).toHaveLength(3);
    // An empty batch (a keep-alive), whatever its seq, is contact only: batch 8 is still known.
    expect(await send(again, batch(0, []))).toEqual({ ok: true, seq: 0 });
    const b8 = batch(8, [{ target: mine, t: now - 1_000, rtt: 0.6 }]);
    expect(await send(again, b8)).toEqual({ ok: true, seq: 8 });
    expect(sink.results()).toHaveLength(3);
  });

  it('slows an agent sending more than its schedule explains, and keeps its batches in order', async () => {
    await freshCentre();
    const s = agentSocket();
    await connected(s);
    const now = Date.now();
    const many = (seq: number): Buffer =>
      batch(
        seq,
        Array.from({ length: 11_000 }, (_, i) => ({ target: i % 2 ? mine : mine2, t: now - 60_000 + i, rtt: 1 })),
      );
    expect(await send(s, many(1))).toEqual({ ok: true, seq: 1 });
    // 3 targets: 1,000 results/s (the floor), a bucket of 20,000: the second 11,000 now is too many.
    const slowed = await send(s, many(2));
    expect(slowed).toMatchObject({ ok: false, seq: 2, retry: true });
    expect((slowed as { error: string }).error).toContain('nhanh hơn lịch đo');
    // Batch 3 may not overtake batch 2.
    expect(await send(s, many(3))).toMatchObject({ ok: false, seq: 3, retry: true });
    expect(sink.results()).toHaveLength(11_000);
    // 9,000 left, 1,000 more a second: 11,000 fit again after 2 s.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await send(s, many(2))).toEqual({ ok: true, seq: 2 });
    expect(sink.results()).toHaveLength(22_000);
  });
});

describe('the agent’s clock', () => {
  it('is measured, flagged beyond a second and its times corrected', async () => {
    await freshCentre();
    const s = agentSocket({ skewMs: 5_000 });
    await connected(s);
    await waitFor('the clock measured', () =>
      sink.contacts.find((c) => c.contact.clockFlagged && c.contact.clockOffsetMs !== null),
    );
    const now = Date.now();
    // The agent's clock says now + 5 s: not in the future once corrected.
    expect(await send(s, batch(1, [{ target: mine, t: now + 5_000, rtt: 0.5 }]))).toEqual({ ok: true, seq: 1 });
    const got = sink.batches.at(-1)!;
    expect(got.contact.clockFlagged).toBe(true);
    expect(Math.abs(got.contact.clockOffsetMs! - 5_000)).toBeLessThan(CLOCK_FLAG_MS);
    expect(Math.abs(got.results[0]!.t - now)).toBeLessThan(CLOCK_FLAG_MS);
  });

  it('is not corrected within a second', async () => {
    await freshCentre();
    const s = agentSocket({ skewMs: 300 });
    await connected(s);
    const now = Date.now();
    expect(await send(s, batch(1, [{ target: mine, t: now, rtt: 0.5 }]))).toEqual({ ok: true, seq: 1 });
    const got = sink.batches.at(-1)!;
    expect(got.contact.clockFlagged).toBe(false);
    expect(got.contact.clockOffsetMs).not.toBeNull();
    expect(got.results[0]!.t).toBe(now);
  });

  it('refuses the batches of an agent more than an hour off, until measured right', async () => {
    await freshCentre();
    let skew = 2 * 3_600_000;
    const s: AgentClient = connect(`${t.url}${AGENT_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { authorization: `Bearer ${TOKEN}` },
      auth: { protocol: AGENT_PROTOCOL, version: 'test', now: Date.now() },
    });
    open.push(s);
    s.on('clock', (answer) => answer(Date.now() + skew));
    await connected(s);
    const refusedClock = await send(s, batch(1, [{ target: mine, t: Date.now() + skew, rtt: 0.5 }]));
    expect(refusedClock).toMatchObject({ ok: false, seq: 1, where: 'clock', retry: false });
    expect((refusedClock as { error: string }).error).toContain('NTP');
    skew = 0;
    await centre.measureClock('tram-a');
    expect(await send(s, batch(2, [{ target: mine, t: Date.now(), rtt: 0.5 }]))).toEqual({ ok: true, seq: 2 });
    expect(sink.results()).toHaveLength(1);
  });
});
