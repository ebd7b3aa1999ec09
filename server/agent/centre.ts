// The centre's side of the agents' link (docs/AGENTS.md AG3–AG5, AG8, AG11): the Socket.IO namespace
// `/agent` on the app's server. A handshake carries the agent's token in its Authorization header and
// an AgentHello; the centre sends the agent its schedule (again when it changes), measures its clock at
// connection and every minute, and takes its batches one after another in arrival order: each checked
// whole (bytes, shape, targets, times, rate) before any of it reaches the monitor (AgentSink), then
// acknowledged. Nothing an agent sends can throw out of here: every handler catches and logs.
import type { Logger } from 'pino';
import type { Namespace, Server, Socket } from 'socket.io';
import { DEFAULT_WINDOWS, type WindowConfig } from '../../shared/phase';
import { targetId } from '../../shared/targets';
import { inLang, wordLang, words, type WordLang, type Words } from '../../shared/words';
import { systemClock, type Clock } from '../clock';
import { DEFAULT_CADENCE, type CadenceConfig } from '../schedule/scheduler';
import { decodeBatch } from './batch-codec';
import {
  AGENT_NAMESPACE,
  AGENT_PROTOCOL,
  CLOCK_FLAG_MS,
  CLOCK_REFUSE_MS,
  MAX_BATCH_BYTES,
  AGENT_PROBE_SLACK_MS,
  type AgentAuth,
  type AgentProbeAnswer,
  type AgentProbeRequest,
  type AgentContact,
  type AgentSchedule,
  type AgentSink,
  type BatchAck,
} from './contract';
import { agentSchedule, agentSchedules, type ScheduleSource } from './schedule';

/**
 * A batch travels as Socket.IO binary attachments, one WebSocket frame each: the app's server takes no
 * frame over 64 KiB (its `maxHttpBufferSize`, kept for the dashboards) and Socket.IO's parser no packet
 * of more than 10 attachments. So a batch crosses the link in at most AGENT_MAX_CHUNKS chunks of at most
 * AGENT_CHUNK_BYTES: AGENT_WIRE_MAX_BYTES (639 KiB) at most, under MAX_BATCH_BYTES (a batch of
 * MAX_BATCH_RESULTS plain results in the binary codec takes far less).
 */
export const AGENT_CHUNK_BYTES = 64 * 1024 - 64;
export const AGENT_MAX_CHUNKS = 10;
export const AGENT_WIRE_MAX_BYTES = Math.min(MAX_BATCH_BYTES, AGENT_CHUNK_BYTES * AGENT_MAX_CHUNKS);

/** The wire form of the `batch` event's payload: the buffer itself, or its chunks. */
export function splitBatch(buf: Buffer): Buffer | Buffer[] {
  if (buf.length <= AGENT_CHUNK_BYTES) return buf;
  const out: Buffer[] = [];
  for (let at = 0; at < buf.length; at += AGENT_CHUNK_BYTES) out.push(buf.subarray(at, at + AGENT_CHUNK_BYTES));
  return out;
}

/** The batch's bytes from the event's payload; its size when over the bound; null when it is not binary. */
function joinBatch(payload: unknown): Buffer | { bytes: number } | null {
  if (Buffer.isBuffer(payload)) return payload;
  if (!Array.isArray(payload) || payload.length === 0 || payload.length > AGENT_MAX_CHUNKS) return null;
  let bytes = 0;
  for (const part of payload) {
    if (!Buffer.isBuffer(part)) return null;
    bytes += part.length;
  }
  if (bytes > MAX_BATCH_BYTES) return { bytes };
  return Buffer.concat(payload as Buffer[], bytes);
}

/** A result this far in the future of the centre's clock (after correction) refuses its batch. */
export const MAX_FUTURE_MS = 5_000;
/** A result older than this refuses its batch (an outbox holds about a day; a week of margin). */
export const MAX_AGE_MS = 8 * 24 * 3_600_000;
/**
 * After a new schedule, the targets of the one before are still taken this long: the agent's batches
 * already on their way hold results probed while those targets were its own.
 */
export const SCHEDULE_GRACE_MS = 10_000;
/** The clock is measured this often (and at every connection). */
export const CLOCK_EVERY_MS = 60_000;
/** A batch far enough below the last acknowledged seq is a renumbered outbox (a reinstalled agent). */
export const RENUMBER_SLACK = 64;
/**
 * Results an agent may send per second: this many times what its schedule explains at the live
 * cadence (a replay of a day then takes 1/20 of a day), and never less than RATE_FLOOR; a bucket holds
 * two seconds of that, and at least one full batch.
 */
export const RATE_MULTIPLE = 20;
export const RATE_FLOOR = 1_000;

/** centre → agent */
export interface AgentServerEvents {
  schedule: (s: AgentSchedule) => void;
  /** Answered with the agent's Date.now(). */
  clock: (answer: (agentNow: number) => void) => void;
  /** Why the centre is about to close this connection. */
  closing: (why: { code: ClosingCode; message: string; en: string }) => void;
  /** [AG12] Probe these targets of the schedule once ("Kiểm tra ngay"), answered with the results. */
  probe: (request: AgentProbeRequest, answer: (a: AgentProbeAnswer) => void) => void;
}
/** agent → centre: anything, checked here. */
export interface AgentClientEvents {
  batch: (...args: unknown[]) => void;
}
/** centre ↔ centre (several instances: docs/CLUSTER.md). */
export interface AgentPeerEvents {
  'agent:revoked': (name: string) => void;
  'agent:connected': (name: string, instance: string) => void;
}
export type ClosingCode = 'revoked' | 'replaced' | 'closing';

interface AgentSocketData {
  name?: string;
  token?: string;
  version?: string;
  lang?: WordLang;
}
type AgentNamespace = Namespace<AgentClientEvents, AgentServerEvents, AgentPeerEvents, AgentSocketData>;
type AgentSocket = Socket<AgentClientEvents, AgentServerEvents, AgentPeerEvents, AgentSocketData>;

export interface AgentCentreDeps {
  auth: AgentAuth;
  sink: AgentSink;
  /** The inventory (server/inventory/inventory.ts): read at each schedule, heard on change. */
  inventory: { data(): ScheduleSource; onChange(listener: () => void): void };
  cadence?: CadenceConfig;
  windows?: WindowConfig;
  logger: Logger;
  /** This instance's name (AgentContact.instance). */
  instance: string;
  clock?: Clock;
  /**
   * Several instances share Socket.IO over Redis (server/cluster/socket-adapter.ts): revocations and
   * replaced connections are told to the others with serverSideEmit (the in-memory adapter has none).
   */
  cluster?: boolean;
  /** Clock measurement period (default CLOCK_EVERY_MS). */
  clockEveryMs?: number;
  /** How often connected agents' tokens are checked again, for revocations made elsewhere (default 30 s). */
  sweepMs?: number;
}

export interface AgentCentre {
  /** Names of the agents connected to this instance. */
  connected(): string[];
  /** Measures this agent's clock now (tests; the timer does it every minute). */
  measureClock(name: string): Promise<void>;
  /**
   * [AG12] Asks the agent to probe these targets once, on whichever instance holds its connection (the
   * room `agent:NAME` spans the cluster); resolves with the answers received within the request's timeout
   * plus AGENT_PROBE_SLACK_MS, none when it is not connected anywhere. Never rejects.
   */
  probe(name: string, request: AgentProbeRequest): Promise<unknown[]>;
  close(): void;
}

/** The room of an agent's connection: a broadcast to it reaches the agent wherever it is connected. */
const roomOf = (name: string): string => `agent:${name}`;

/** A connection refused in the handshake: Vietnamese message, English and a code in `data`. */
function refusal(code: string, said: Words): Error {
  return Object.assign(new Error(said.vi), { data: { code, en: said.en } });
}

const REFUSED = {
  noToken: words(
    'Trạm đo không gửi mã truy cập: cần tiêu đề “Authorization: Bearer …”.',
    'No token: the agent must send the "Authorization: Bearer …" header.',
  ),
  tokenInUrl: words(
    'Không nhận mã truy cập trong địa chỉ (query string): gửi nó trong tiêu đề Authorization.',
    'A token in the URL (query string) is refused: send it in the Authorization header.',
  ),
  badToken: words(
    'Mã truy cập của trạm đo không đúng, đã bị thu hồi hoặc đã được cấp lại.',
    'Unknown, revoked or rotated agent token.',
  ),
  protocol: (got: unknown) =>
    words(
      `Trạm đo dùng giao thức ${String(got)}, trung tâm dùng giao thức ${AGENT_PROTOCOL}: hãy cập nhật diemcau trên trạm đo.`,
      `The agent speaks protocol ${String(got)}, the centre ${AGENT_PROTOCOL}: update diemcau on the agent.`,
    ),
  hello: words(
    'Lời chào của trạm đo (auth) không đúng dạng: cần { protocol, version, now }.',
    'Malformed agent hello (auth): expected { protocol, version, now }.',
  ),
  gone: words(
    'Kết nối này đã bị đóng: lô kết quả không được nhận.',
    'This connection was closed: the batch is not taken.',
  ),
  internal: words('Lỗi nội bộ của trung tâm khi xác thực trạm đo.', 'Internal error while authenticating the agent.'),
};

const CLOSING: Record<ClosingCode, Words> = {
  revoked: words(
    'Mã truy cập của trạm đo đã bị thu hồi hoặc cấp lại: kết nối bị đóng.',
    'The agent token was revoked or rotated: connection closed.',
  ),
  replaced: words(
    'Một kết nối khác của trạm đo này (cùng tên) đã thay thế kết nối này.',
    'Another connection of this agent (same name) replaced this one.',
  ),
  closing: words('Trung tâm đang dừng.', 'The centre is shutting down.'),
};

/** Token bucket of results per second. */
class Bucket {
  private tokens: number;
  private at: number;
  constructor(
    private rate: number,
    private capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.at = now;
  }
  resize(rate: number, capacity: number): void {
    this.rate = rate;
    this.capacity = capacity;
    this.tokens = Math.min(this.tokens, capacity);
  }
  take(n: number, now: number): boolean {
    this.tokens = Math.min(this.capacity, this.tokens + (Math.max(0, now - this.at) * this.rate) / 1000);
    this.at = now;
    if (n > this.tokens) return false;
    this.tokens -= n;
    return true;
  }
}

/** Results per second allowed to an agent with this schedule, and its bucket's size. */
export function agentRate(s: Pick<AgentSchedule, 'points' | 'cadence'>): { perSecond: number; burst: number } {
  let targets = 0;
  for (const p of s.points) targets += p.targets.length;
  const perSecond = Math.max(RATE_FLOOR, Math.ceil((RATE_MULTIPLE * targets * 1000) / Math.max(1, s.cadence.liveMs)));
  return { perSecond, burst: Math.max(20_000, perSecond * 2) };
}

interface Conn {
  name: string;
  socket: AgentSocket;
  token: string;
  version: string;
  lang: WordLang;
  schedule: AgentSchedule;
  targets: Set<string>;
  /** The targets of the schedule before, still taken until `formerUntil` (batches already on their way). */
  former: Set<string>;
  formerUntil: number;
  outboxDepth: number;
  offsetMs: number | null;
  flagged: boolean;
  clockRefused: boolean;
  /** The first clock measurement (settled either way): batches wait for it. */
  clockReady: Promise<void>;
  chain: Promise<void>;
  /** A batch refused for retry on this connection: later ones are refused until it comes again. */
  blockedAt: number | null;
  bucket: Bucket;
  slowed: boolean;
  timer: NodeJS.Timeout;
}

/** Tells the socket why, then closes it (its whole connection). */
function kick(socket: AgentSocket, code: ClosingCode): void {
  const said = CLOSING[code];
  socket.emit('closing', { code, message: inLang(said, socket.data.lang ?? 'vi'), en: said.en });
  // The centre stopping: the link drops as a network cut would, so the agent comes back with its usual
  // backoff once the centre is up; revoked or replaced, Socket.IO's client does not come back by itself.
  if (code === 'closing') socket.conn.close();
  else socket.disconnect(true);
}

export function attachAgentCentre(io: Server, d: AgentCentreDeps): AgentCentre {
  const nsp = io.of(AGENT_NAMESPACE) as unknown as AgentNamespace;
  const clock = d.clock ?? systemClock;
  const cadence = d.cadence ?? DEFAULT_CADENCE;
  const windows = d.windows ?? DEFAULT_WINDOWS;
  const log = d.logger.child({ part: 'agents' });
  const conns = new Map<string, Conn>();
  /** The last seq acknowledged (or refused for good) per agent, over its connections to this instance. */
  const lastSeq = new Map<string, number>();
  /** Each agent's rate bucket, kept over its connections (reconnecting does not refill it). */
  const buckets = new Map<string, Bucket>();
  let closed = false;

  nsp.use((socket, next) => {
    // A closed centre's middleware stays on the namespace (Socket.IO has no removal): it steps aside.
    if (closed) return next();
    admit(socket).then(
      (err) => next(err ?? undefined),
      (err: unknown) => {
        log.error({ err }, 'agent handshake failed');
        next(refusal('internal', REFUSED.internal));
      },
    );
  });

  async function admit(socket: AgentSocket): Promise<Error | null> {
    const { headers, query } = socket.handshake;
    const auth = socket.handshake.auth as Record<string, unknown> | undefined;
    socket.data.lang = typeof auth?.lang === 'string' ? wordLang(auth.lang) : 'vi';
    for (const key of Object.keys(query)) {
      if (/^(token|access_token|authorization|bearer|key)$/i.test(key)) {
        log.warn({ address: socket.handshake.address }, 'agent handshake refused: a token in the query string');
        return refusal('token-in-url', REFUSED.tokenInUrl);
      }
    }
    const header = headers.authorization;
    const m = typeof header === 'string' ? /^Bearer ([^\s]{1,512})$/i.exec(header.trim()) : null;
    if (!m) return refusal('no-token', REFUSED.noToken);
    if (typeof auth !== 'object' || auth === null) return refusal('hello', REFUSED.hello);
    if (auth.protocol !== AGENT_PROTOCOL) return refusal('protocol', REFUSED.protocol(auth.protocol));
    if (
      typeof auth.version !== 'string' ||
      auth.version.length === 0 ||
      auth.version.length > 64 ||
      typeof auth.now !== 'number' ||
      !Number.isFinite(auth.now)
    ) {
      return refusal('hello', REFUSED.hello);
    }
    const name = await d.auth.authenticate(m[1]!);
    if (name === null) {
      log.warn({ address: socket.handshake.address }, 'agent handshake refused: unknown or revoked token');
      return refusal('bad-token', REFUSED.badToken);
    }
    socket.data.name = name;
    socket.data.token = m[1]!;
    socket.data.version = auth.version;
    return null;
  }

  const contactOf = (c: Conn, connected: boolean): AgentContact => ({
    connected,
    instance: d.instance,
    version: c.version,
    outboxDepth: c.outboxDepth,
    clockOffsetMs: c.offsetMs,
    clockFlagged: c.flagged,
  });

  function safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      log.error({ err }, what);
    }
  }

  /** Every agent's schedule, computed once per inventory change (agentSchedules: one pass for all). */
  let schedules: Map<string, AgentSchedule> | null = null;
  function scheduleOf(name: string): AgentSchedule {
    schedules ??= agentSchedules(d.inventory.data(), cadence, windows, clock.now());
    const s = schedules.get(name);
    if (s) return { ...s, issuedAt: clock.now() };
    return agentSchedule({ units: [], points: [], meetings: [] }, name, cadence, windows, clock.now());
  }

  function setSchedule(c: Conn, s: AgentSchedule): void {
    c.schedule = s;
    c.former = c.targets;
    c.formerUntil = clock.now() + SCHEDULE_GRACE_MS;
    c.targets = new Set(s.points.flatMap((p) => p.targets.map((t) => targetId(t))));
    const r = agentRate(s);
    c.bucket.resize(r.perSecond, r.burst);
    c.socket.emit('schedule', s);
  }

  const onConnection = (socket: AgentSocket): void => safely('agent connection failed', () => connect(socket));
  nsp.on('connection', onConnection);

  function connect(socket: AgentSocket): void {
    const name = socket.data.name!;
    const before = conns.get(name);
    if (before) {
      log.warn({ agent: name }, 'a second connection of this agent replaces the first');
      conns.delete(name);
      kick(before.socket, 'replaced');
    }
    if (d.cluster) nsp.serverSideEmit('agent:connected', name, d.instance);
    const schedule = scheduleOf(name);
    const r = agentRate(schedule);
    const c: Conn = {
      name,
      socket,
      token: socket.data.token!,
      version: socket.data.version!,
      lang: socket.data.lang ?? 'vi',
      schedule,
      targets: new Set(),
      former: new Set(),
      formerUntil: 0,
      outboxDepth: 0,
      offsetMs: null,
      flagged: false,
      clockRefused: false,
      clockReady: Promise.resolve(),
      chain: Promise.resolve(),
      blockedAt: null,
      bucket: buckets.get(name) ?? new Bucket(r.perSecond, r.burst, clock.now()),
      slowed: false,
      timer: setInterval(() => void measure(c), d.clockEveryMs ?? CLOCK_EVERY_MS),
    };
    c.timer.unref();
    void socket.join(roomOf(name));
    buckets.set(name, c.bucket);
    conns.set(name, c);
    log.info({ agent: name, version: c.version, address: socket.handshake.address }, 'agent connected');
    safely('agent contact failed', () => d.sink.agentContact(name, contactOf(c, true)));
    setSchedule(c, schedule);
    c.clockReady = measure(c);

    socket.on('batch', (...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (typeof ack !== 'function') {
        log.warn({ agent: name }, 'agent batch without an acknowledgement callback: dropped');
        return;
      }
      const answer = (a: BatchAck): void => safely('acknowledging a batch failed', () => ack(a));
      const payload = args[0];
      c.chain = c.chain
        .then(() => c.clockReady)
        .then(() => answer(handleBatch(c, payload)))
        .catch((err: unknown) => {
          log.error({ err, agent: name }, 'agent batch failed');
          answer({ ok: false, seq: null, error: inLang(BATCH.internal, c.lang), retry: true });
        });
    });
    socket.on('disconnect', (reason) => {
      clearInterval(c.timer);
      if (conns.get(name) !== c) return; // replaced: the new connection is the agent's contact now
      conns.delete(name);
      log.info({ agent: name, reason }, 'agent disconnected');
      safely('agent contact failed', () => d.sink.agentContact(name, contactOf(c, false)));
    });
  }

  /** AG8: the agent's clock minus ours, from one request answered with its Date.now(). */
  async function measure(c: Conn): Promise<void> {
    if (c.socket.disconnected) return;
    const sent = clock.now();
    let agentNow: unknown;
    try {
      agentNow = await c.socket.timeout(10_000).emitWithAck('clock');
    } catch {
      log.warn({ agent: c.name }, 'agent did not answer the clock request within 10 s');
      return;
    }
    const received = clock.now();
    if (typeof agentNow !== 'number' || !Number.isFinite(agentNow)) {
      log.warn({ agent: c.name }, 'agent answered the clock request with something not a time');
      return;
    }
    const offset = Math.round(agentNow - (sent + received) / 2);
    const errorMs = (received - sent) / 2;
    const flagged = Math.abs(offset) > CLOCK_FLAG_MS;
    const refused = Math.abs(offset) > CLOCK_REFUSE_MS;
    const first = c.offsetMs === null;
    const changed = flagged !== c.flagged || refused !== c.clockRefused;
    c.offsetMs = offset;
    c.flagged = flagged;
    c.clockRefused = refused;
    const fields = { agent: c.name, offsetMs: offset, errorMs, flagged, refused };
    if (refused && (first || changed))
      log.error(fields, 'agent clock is off beyond the bound: its batches are refused until it is fixed');
    else if (flagged && (first || changed)) log.warn(fields, 'agent clock is off: its times are corrected');
    else if (first || changed) log.info(fields, 'agent clock measured');
    if (changed) safely('agent contact failed', () => d.sink.agentContact(c.name, contactOf(c, true)));
  }

  function handleBatch(c: Conn, payload: unknown): BatchAck {
    const refuse = (seq: number | null, said: Words, retry: boolean, where?: string): BatchAck => {
      if (!retry && seq !== null) lastSeq.set(c.name, Math.max(lastSeq.get(c.name) ?? -1, seq));
      log.warn({ agent: c.name, seq, where, retry, error: said.en }, 'agent batch refused');
      return { ok: false, seq, error: inLang(said, c.lang), ...(where ? { where } : {}), retry };
    };
    // Queued before this connection was replaced or revoked: not applied (a current one sends it again).
    if (conns.get(c.name) !== c) return { ok: false, seq: null, error: inLang(BATCH.gone, c.lang), retry: true };
    const joined = joinBatch(payload);
    if (joined === null) return refuse(null, BATCH.notBuffer, false);
    if (!Buffer.isBuffer(joined)) return refuse(null, BATCH.tooBig(joined.bytes), false, 'bytes');
    if (joined.length > MAX_BATCH_BYTES) return refuse(null, BATCH.tooBig(joined.length), false, 'bytes');
    const decoded = decodeBatch(joined);
    if (!decoded.ok) return refuse(null, BATCH.malformed(decoded.error, decoded.en), false, decoded.where);
    const b = decoded.batch;
    if (b.results.length === 0) {
      // Nothing to apply (a keep-alive): contact only, whatever its seq; the order of results is not at stake.
      c.outboxDepth = b.outboxDepth;
      d.sink.ingestAgent({ agent: c.name, contact: contactOf(c, true), results: [] });
      return { ok: true, seq: b.seq };
    }
    const last = lastSeq.get(c.name);
    if (last !== undefined && b.seq <= last) {
      if (b.seq >= last - RENUMBER_SLACK) {
        // Seen already (its acknowledgement was lost): contact, nothing applied.
        c.outboxDepth = b.outboxDepth;
        d.sink.ingestAgent({ agent: c.name, contact: contactOf(c, true), results: [] });
        return { ok: true, seq: b.seq };
      }
      log.warn({ agent: c.name, seq: b.seq, last }, 'agent batches numbered anew (a new outbox): taken as new');
    }
    if (c.blockedAt !== null && b.seq !== c.blockedAt) return refuse(b.seq, BATCH.waiting(c.blockedAt), true);
    c.blockedAt = null;
    if (c.clockRefused) return refuse(b.seq, BATCH.clock(c.offsetMs ?? 0), false, 'clock');
    const now = clock.now();
    if (!c.bucket.take(b.results.length, now)) {
      if (!c.slowed) log.warn({ agent: c.name, seq: b.seq }, 'agent sends faster than its schedule explains: slowed');
      c.slowed = true;
      c.blockedAt = b.seq;
      return refuse(b.seq, BATCH.rate, true);
    }
    c.slowed = false;
    const shift = c.flagged && c.offsetMs !== null ? c.offsetMs : 0;
    const results = shift === 0 ? b.results : b.results.map((r) => ({ ...r, t: r.t - shift }));
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      if (!c.targets.has(r.target) && !(now < c.formerUntil && c.former.has(r.target))) {
        return refuse(b.seq, BATCH.foreign(r.target), false, `results[${i}]`);
      }
      if (r.t > now + MAX_FUTURE_MS) return refuse(b.seq, BATCH.future(r.t - now), false, `results[${i}]`);
      if (r.t < now - MAX_AGE_MS) return refuse(b.seq, BATCH.old, false, `results[${i}]`);
    }
    c.outboxDepth = b.outboxDepth;
    try {
      d.sink.ingestAgent({ agent: c.name, contact: contactOf(c, true), results });
    } catch (err) {
      // The monitor did not take it: sent again, and nothing after it overtakes it.
      log.error({ err, agent: c.name, seq: b.seq }, 'the monitor failed to take an agent batch');
      c.blockedAt = b.seq;
      return { ok: false, seq: b.seq, error: inLang(BATCH.internal, c.lang), retry: true };
    }
    lastSeq.set(c.name, b.seq);
    return { ok: true, seq: b.seq };
  }

  d.inventory.onChange(() => {
    schedules = null;
    if (closed) return;
    for (const c of conns.values()) {
      safely('sending a new schedule failed', () => {
        const s = scheduleOf(c.name);
        if (s.version !== c.schedule.version) setSchedule(c, s);
      });
    }
  });

  function revoked(name: string): void {
    const c = conns.get(name);
    if (!c) return;
    log.warn({ agent: name }, 'agent token revoked: connection closed');
    conns.delete(name);
    safely('agent contact failed', () => d.sink.agentContact(name, contactOf(c, false)));
    kick(c.socket, 'revoked');
  }
  const unsubscribe = d.auth.onRevoked((name) => {
    safely('closing a revoked agent failed', () => revoked(name));
    if (d.cluster) safely('telling the other instances failed', () => nsp.serverSideEmit('agent:revoked', name));
  });
  const onPeerRevoked = (name: string): void => safely('closing a revoked agent failed', () => revoked(name));
  nsp.on('agent:revoked', onPeerRevoked);
  const onPeerConnected = (name: string, instance: string): void => {
    if (instance === d.instance) return;
    const c = conns.get(name);
    if (!c) return;
    log.warn({ agent: name, instance }, 'this agent connected to another instance: this connection is closed');
    conns.delete(name);
    kick(c.socket, 'replaced');
  };
  nsp.on('agent:connected', onPeerConnected);

  // Revocations made by another process (the CLI) reach no listener here: the tokens are checked again.
  const sweep = setInterval(() => {
    for (const c of conns.values()) {
      d.auth.authenticate(c.token).then(
        (name) => {
          if (name !== c.name && conns.get(c.name) === c) revoked(c.name);
        },
        (err: unknown) => log.warn({ err, agent: c.name }, 'checking an agent token again failed'),
      );
    }
  }, d.sweepMs ?? 30_000);
  sweep.unref();

  return {
    connected: () => [...conns.keys()],
    measureClock: async (name) => {
      const c = conns.get(name);
      if (c) await measure(c);
    },
    probe: (name, request) =>
      new Promise((resolve) => {
        try {
          // On timeout the callback still gets the answers that came (an instance that died is counted
          // until the adapter's heartbeat forgets it): those are used.
          nsp
            .to(roomOf(name))
            .timeout(request.timeoutMs + AGENT_PROBE_SLACK_MS)
            .emit('probe', request, (_err: Error | null, answers: AgentProbeAnswer[] | null) => resolve(answers ?? []));
        } catch (err) {
          log.error({ err, agent: name }, 'asking the agent to probe failed');
          resolve([]);
        }
      }),
    close() {
      if (closed) return;
      closed = true;
      clearInterval(sweep);
      unsubscribe();
      nsp.off('connection', onConnection);
      nsp.off('agent:revoked', onPeerRevoked);
      nsp.off('agent:connected', onPeerConnected);
      for (const c of conns.values()) {
        clearInterval(c.timer);
        kick(c.socket, 'closing');
      }
      conns.clear();
    },
  };
}

const BATCH = {
  notBuffer: words(
    `Lô kết quả phải là dữ liệu nhị phân (Buffer, hoặc danh sách tối đa ${AGENT_MAX_CHUNKS} phần).`,
    `A batch must be binary data (a Buffer, or a list of at most ${AGENT_MAX_CHUNKS} parts).`,
  ),
  tooBig: (n: number) =>
    words(
      `Lô kết quả dài ${n} byte, tối đa ${MAX_BATCH_BYTES} byte.`,
      `The batch is ${n} bytes, at most ${MAX_BATCH_BYTES}.`,
    ),
  malformed: (why: string, en: string) => words(`Lô kết quả không đúng dạng: ${why}.`, `Malformed batch: ${en}.`),
  waiting: (seq: number) =>
    words(
      `Trung tâm đang chờ lô số ${seq} gửi lại trước: các lô phải đến theo thứ tự.`,
      `The centre waits for batch ${seq} again first: batches arrive in order.`,
    ),
  clock: (offset: number) =>
    words(
      `Đồng hồ của trạm đo lệch ${Math.round(offset / 1000)} giây (quá ${CLOCK_REFUSE_MS / 60_000} phút): hãy chỉnh giờ (NTP) trên trạm đo.`,
      `The agent clock is ${Math.round(offset / 1000)} s off (beyond ${CLOCK_REFUSE_MS / 60_000} min): fix its time (NTP).`,
    ),
  rate: words(
    'Trạm đo gửi nhanh hơn lịch đo cho phép: hãy gửi chậm lại rồi thử lại.',
    'The agent sends faster than its schedule explains: slow down and retry.',
  ),
  foreign: (target: string) =>
    words(`Mục tiêu ${target} không được giao cho trạm đo này.`, `Target ${target} is not assigned to this agent.`),
  future: (ms: number) =>
    words(
      `Thời điểm đo ở tương lai (sớm hơn đồng hồ trung tâm ${Math.round(ms / 1000)} giây).`,
      `A probe time in the future (${Math.round(ms / 1000)} s ahead of the centre's clock).`,
    ),
  old: words('Thời điểm đo cũ hơn 8 ngày.', 'A probe time older than 8 days.'),
  gone: words(
    'Kết nối này đã bị đóng: lô kết quả không được nhận.',
    'This connection was closed: the batch is not taken.',
  ),
  internal: words('Lỗi nội bộ của trung tâm: hãy gửi lại.', 'Internal error at the centre: send again.'),
};
