// `diemcau agent run` (docs/AGENTS.md AG3–AG5, AG8): a probe agent. It connects out to the centre's
// `/agent` namespace with its token in the Authorization header, takes the schedule the centre sends
// (kept beside its outbox, so it probes on without the centre, after a restart too), plans its probes
// with the centre's own scheduler and engines, puts every result in its outbox and sends the outbox's
// batches oldest first, a few in flight, dropping each once acknowledged. It answers the centre's clock
// requests. SIGTERM / SIGINT close the outbox (its last batch written) and exit 0.
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { io as connectTo, type Socket } from 'socket.io-client';
import { z } from 'zod';
import { Target, type Point } from '../../shared/schemas';
import { targetId } from '../../shared/targets';
import { words } from '../../shared/words';
import type { CliIo } from '../cli';
import { systemClock } from '../clock';
import { ValidationError, cliLang, issueOf, oneOf } from '../errors';
import { makeLogger } from '../logger';
import { createEngine, type EngineKind, type EngineOptions, type ProbeEngine } from '../probe';
import { defaultKindEngines } from '../probe/engines';
import type { TargetResult } from '../probe/kinds';
import { ProbeRouter } from '../probe/router';
import { resolveSecret } from '../probe/secrets';
import { Scheduler } from '../schedule/scheduler';
import pkg from '../../package.json' with { type: 'json' };
import { encodeBatch } from './batch-codec';
import { AGENT_WIRE_MAX_BYTES, splitBatch, type AgentClientEvents, type AgentServerEvents } from './centre';
import {
  AGENT_BATCH_MS,
  AGENT_NAMESPACE,
  AGENT_PROTOCOL,
  type AgentBatch,
  type AgentHello,
  type AgentSchedule,
  type BatchAck,
} from './contract';
import { Outbox } from './outbox';
import { answerProbeRequest } from './probe-now';
import { AgentScheduleMessage } from './schedule';

const ENGINES: readonly EngineKind[] = ['auto', 'fping', 'ping'];
const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/**
 * Batches sent and not yet acknowledged, at most: 24 batches closing every AGENT_CLOSE_MS keep 3.6 s of
 * results moving while a loaded centre takes a few seconds to acknowledge.
 */
export const SEND_WINDOW = 24;
/** How long a batch waits for its acknowledgement before the connection is thought dead and it is resent. */
const ACK_TIMEOUT_MS = 30_000;
/** After a refusal with retry: first wait, doubled each time, at most RETRY_MAX_MS. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 10_000;
/** A handshake refused by the centre (token, protocol) or a connection it closed: tried again after this. */
const REFUSED_RETRY_MS = 30_000;
/**
 * Results go to the outbox, and the sender looks at it, this often: a batch leaves at the first tick
 * AGENT_CLOSE_MS after its first result arrived, so its results wait AGENT_CLOSE_MS + TICK_MS at most.
 */
const TICK_MS = 50;

/** The token of a file only its owner may read (refused, with the chmod to run, otherwise). */
export function readTokenFile(file: string): string {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    throw new ValidationError([
      issueOf('--token-file', words(`không đọc được tệp “${file}”`, `cannot read the file "${file}"`)),
    ]);
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8);
    throw new ValidationError([
      issueOf(
        '--token-file',
        words(
          `tệp “${file}” để nhóm hoặc người khác đọc được (quyền ${octal}): chạy “chmod 600 ${file}”`,
          `"${file}" is readable by group or others (mode ${octal}): run "chmod 600 ${file}"`,
        ),
      ),
    ]);
  }
  const token = readFileSync(file, 'utf8').trim();
  if (token === '' || /\s/.test(token) || token.length > 512) {
    throw new ValidationError([
      issueOf(
        '--token-file',
        words(
          `tệp “${file}” phải chứa đúng một mã truy cập (một dòng, không dấu cách)`,
          `"${file}" must hold one token (one line, no spaces)`,
        ),
      ),
    ]);
  }
  return token;
}

/** The centre's origin: http(s), no path (the namespace is /agent), no credentials. */
function parseServer(v: string | undefined): string {
  let url: URL | null = null;
  try {
    url = v === undefined ? null : new URL(v);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') {
    throw new ValidationError([
      issueOf(
        '--server',
        words(
          `phải là địa chỉ http:// hoặc https:// của trung tâm, không có tên đăng nhập hay mật khẩu: “${v ?? ''}”`,
          `an http:// or https:// URL of the centre, without credentials: "${v ?? ''}"`,
        ),
      ),
    ]);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '') {
    throw new ValidationError([
      issueOf(
        '--server',
        words(
          `chỉ ghi gốc địa chỉ (ví dụ https://giamsat.example.vn), không có đường dẫn hay tham số: “${v ?? ''}”`,
          `give the origin only (e.g. https://monitor.example), no path or query: "${v ?? ''}"`,
        ),
      ),
    ]);
  }
  return url.origin;
}

export async function runAgent(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      'token-file': { type: 'string' },
      outbox: { type: 'string' },
      engine: { type: 'string', default: 'auto' },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  const server = parseServer(values.server);
  if (values['token-file'] === undefined) {
    throw new ValidationError([issueOf('--token-file', words('bắt buộc', 'required'))]);
  }
  if (values.outbox === undefined) {
    throw new ValidationError([issueOf('--outbox', words('bắt buộc', 'required'))]);
  }
  const engine = values.engine as EngineKind;
  if (!ENGINES.includes(engine)) throw new ValidationError([issueOf('--engine', oneOf(ENGINES))]);
  const level = values['log-level'];
  if (!LOG_LEVELS.includes(level)) throw new ValidationError([issueOf('--log-level', oneOf(LOG_LEVELS))]);
  const tokenFile = values['token-file'];
  readTokenFile(tokenFile); // refused before anything starts
  const logger = makeLogger(level, 'agent');
  const outbox = Outbox.open(values.outbox, { logger });
  const agent = new Agent({ server, tokenFile, engine, logger, outbox });
  await agent.start();
  io.stdout.write(`diemcau agent: ${server}${AGENT_NAMESPACE} (engine ${agent.engineName})\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'agent stopping');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await agent.stop();
  return 0;
}

export interface AgentOptions {
  server: string;
  tokenFile: string;
  engine: EngineKind;
  logger: Logger;
  outbox: Outbox;
  /** The ICMP engine, instead of `engine`'s: the bench's simulated probing (bench/lib/simulated-probing.ts). */
  icmp?: (eo: EngineOptions) => ProbeEngine;
}

type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

/** A codec's password, resolved on the agent (its environment, its files): never sent by the centre. */
const secret = (t: z.infer<typeof Target>): Promise<string> =>
  'password' in t ? resolveSecret(t.password) : Promise.reject(new Error('no password reference'));

/** The agent's parts: probing (scheduler → router → outbox) and the link (outbox → centre). */
export class Agent {
  private readonly clock = systemClock;
  private readonly router: ProbeRouter;
  private scheduler: Scheduler | null = null;
  private schedule: AgentSchedule | null = null;
  /** The schedule's targets by id (null before any schedule). */
  private scheduled: Map<string, Target> | null = null;
  private socket: AgentSocket | null = null;
  private fresh: TargetResult[] = [];
  /** When the first result in `fresh` arrived. */
  private freshSince = 0;
  private tick: NodeJS.Timeout | null = null;
  /** seq → when sent; every seq here was sent on the current connection. */
  private inFlight = new Map<number, number>();
  /** Bumped at each connection and each retry: callbacks of an older round are ignored. */
  private round = 0;
  private retryAt = 0;
  private retryMs = RETRY_FIRST_MS;
  private lastSentAt = 0;
  private refusedForGood = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly o: AgentOptions) {
    try {
      this.router = new ProbeRouter({
        clock: this.clock,
        logger: o.logger,
        icmp: o.icmp ?? ((eo) => createEngine({ ...eo, kind: o.engine })),
        engines: defaultKindEngines(),
        secret,
        onResult: (r) => {
          if (this.fresh.length === 0) this.freshSince = this.clock.now();
          this.fresh.push(r);
        },
        onGap: (ids) =>
          o.logger.warn({ targets: ids.length }, 'probe engine gap: these targets have no results for now'),
      });
    } catch (err) {
      throw new ValidationError([
        issueOf('--engine', words(`không dùng được: ${(err as Error).message}`, `unusable: ${(err as Error).message}`)),
      ]);
    }
  }

  get engineName(): string {
    return this.router.icmp.name;
  }

  async start(): Promise<void> {
    const saved = this.o.outbox.loadSchedule();
    if (saved) {
      if (this.apply(saved, 'saved')) this.o.logger.info({ version: saved.version }, 'probing on the saved schedule');
    } else {
      this.o.logger.info('no saved schedule: waiting for the centre');
    }
    this.tick = setInterval(() => this.onTick(), TICK_MS);
    this.connect();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.tick) clearInterval(this.tick);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.scheduler?.stop();
    await this.router.close();
    this.o.outbox.append(this.fresh.splice(0), this.clock.now());
    this.o.outbox.close(this.clock.now());
    const s = this.o.outbox.stats();
    this.o.logger.info({ results: s.results, batches: s.batches, refused: this.refusedForGood }, 'agent stopped');
    this.socket?.close();
  }

  /** A schedule (from the centre, or saved): validated, then planned. False when refused. */
  private apply(raw: unknown, from: 'centre' | 'saved'): boolean {
    const parsed = AgentScheduleMessage.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.o.logger.error(
        { from, path: issue?.path.join('.'), message: issue?.message },
        'schedule refused: kept probing on the one before',
      );
      return false;
    }
    const s: AgentSchedule = { ...parsed.data, points: parsed.data.points satisfies Point[] };
    const before = this.schedule;
    this.schedule = s;
    this.scheduled = new Map(s.points.flatMap((p) => p.targets.map((t) => [targetId(t), t] as const)));
    if (
      !this.scheduler ||
      !before ||
      JSON.stringify(before.cadence) !== JSON.stringify(s.cadence) ||
      JSON.stringify(before.windows) !== JSON.stringify(s.windows)
    ) {
      this.scheduler?.stop();
      this.scheduler = new Scheduler({
        clock: this.clock,
        logger: this.o.logger,
        cadence: s.cadence,
        windows: s.windows,
        onPlan: (targets) => {
          this.o.logger.info({ targets: targets.length }, 'probe plan');
          this.router.setPlan(targets);
        },
      });
    }
    this.scheduler.update({ points: s.points, units: [], meetings: s.meetings });
    return true;
  }

  private hello(): AgentHello & { lang: string } {
    return { protocol: AGENT_PROTOCOL, version: pkg.version, now: this.clock.now(), lang: cliLang() };
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${readTokenFile(this.o.tokenFile)}` };
  }

  private connect(): void {
    const socket: AgentSocket = connectTo(`${this.o.server}${AGENT_NAMESPACE}`, {
      transports: ['websocket'],
      extraHeaders: this.headers(),
      auth: (cb) => cb(this.hello()),
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: RETRY_MAX_MS,
      forceNew: true,
    });
    this.socket = socket;
    const log = this.o.logger;
    // The token file is read again at each attempt: a rotated token is picked up without a restart.
    socket.io.on('reconnect_attempt', () => {
      try {
        socket.io.opts.extraHeaders = this.headers();
      } catch (err) {
        log.error({ err }, 'reading the token file failed: trying with the token read before');
      }
    });
    socket.on('connect', () => {
      log.info({ server: this.o.server }, 'connected to the centre');
      this.restartRound();
      this.pump();
    });
    socket.on('disconnect', (reason) => {
      if (this.stopped) return;
      log.warn({ reason }, 'disconnected from the centre: probing goes on, results kept');
      this.restartRound();
      // Closed by the centre (revoked, replaced): Socket.IO does not come back by itself.
      if (reason === 'io server disconnect') this.reconnectLater();
    });
    socket.on('connect_error', (err) => {
      const data = (err as Error & { data?: { en?: string; code?: string } }).data;
      log.warn({ message: err.message, en: data?.en, code: data?.code }, 'the centre refused or could not be reached');
      if (!socket.active) this.reconnectLater();
    });
    socket.on('closing', (why) =>
      log.error({ code: why?.code, message: why?.message, en: why?.en }, 'the centre closes the link'),
    );
    socket.on('schedule', (s) => {
      if (!this.apply(s, 'centre')) return;
      try {
        this.o.outbox.saveSchedule(this.schedule!);
      } catch (err) {
        log.error({ err }, 'saving the schedule failed');
      }
      log.info({ version: this.schedule!.version, points: this.schedule!.points.length }, 'schedule from the centre');
    });
    socket.on('clock', (answer) => {
      if (typeof answer === 'function') answer(this.clock.now());
    });
    // [AG12] "Kiểm tra ngay" from the centre: the schedule's targets probed once, at once, beside the plan.
    socket.on('probe', (request, answer) => {
      if (typeof answer !== 'function') return;
      answerProbeRequest(request, {
        target: (id) => this.scheduled?.get(id),
        probeOnce: (t, timeoutMs) => this.router.probeOnce(t, timeoutMs),
        now: () => this.clock.now(),
      }).then(answer, (err: unknown) => log.error({ err }, 'answering a probe request failed'));
    });
  }

  private reconnectLater(): void {
    if (this.stopped || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.stopped || !this.socket || this.socket.connected) return;
      try {
        this.socket.io.opts.extraHeaders = this.headers();
      } catch (err) {
        this.o.logger.error({ err }, 'reading the token file failed');
      }
      this.socket.connect();
    }, REFUSED_RETRY_MS);
  }

  private restartRound(): void {
    this.round++;
    this.inFlight.clear();
  }

  private onTick(): void {
    const now = this.clock.now();
    if (this.fresh.length > 0) this.o.outbox.append(this.fresh.splice(0), now, this.freshSince);
    else this.o.outbox.tick(now);
    this.pump();
  }

  /** Sends the oldest unacknowledged batches, SEND_WINDOW at most in flight; a keep-alive when idle. */
  private pump(): void {
    const socket = this.socket;
    if (this.stopped || !socket?.connected) return;
    const now = this.clock.now();
    if (now < this.retryAt) return;
    const batches = this.o.outbox.peek(SEND_WINDOW, now);
    for (const b of batches) {
      if (this.inFlight.size >= SEND_WINDOW) break;
      if (this.inFlight.has(b.seq)) continue;
      this.send(socket, { ...b, results: this.stillMine(b) });
    }
    if (this.inFlight.size === 0 && batches.length === 0 && now - this.lastSentAt >= AGENT_BATCH_MS) {
      // Nothing to send: an empty batch (its seq already acknowledged) says "still here" (AG5).
      const idle = this.o.outbox.idleBatch(now);
      if (idle) this.send(socket, idle);
    }
  }

  /**
   * The batch's results of targets still in the schedule: those the centre has since given to another
   * agent (or to itself) would have the whole batch refused. Dropped here, counted and said.
   */
  private stillMine(b: AgentBatch): AgentBatch['results'] {
    const mine = this.scheduled;
    if (mine === null || b.results.every((r) => mine.has(r.target))) return b.results;
    const kept = b.results.filter((r) => mine.has(r.target));
    this.o.logger.info(
      { seq: b.seq, dropped: b.results.length - kept.length },
      'results of targets no longer assigned to this agent: not sent',
    );
    return kept;
  }

  private send(socket: AgentSocket, b: AgentBatch): void {
    const round = this.round;
    this.inFlight.set(b.seq, this.clock.now());
    this.lastSentAt = this.clock.now();
    let buf: Buffer;
    try {
      buf = encodeBatch(b);
      if (buf.length > AGENT_WIRE_MAX_BYTES)
        throw new Error(`${buf.length} bytes, the link takes ${AGENT_WIRE_MAX_BYTES}`);
    } catch (err) {
      this.refusedForGood++;
      this.o.logger.error({ err, seq: b.seq, refused: this.refusedForGood }, 'a batch that cannot be sent: dropped');
      this.acked(b.seq);
      this.inFlight.delete(b.seq);
      return;
    }
    socket.timeout(ACK_TIMEOUT_MS).emit('batch', splitBatch(buf), (err: Error | null, ack: BatchAck) => {
      if (round !== this.round) {
        // An older round: only a plain acknowledgement still means something.
        if (!err && ack?.ok === true) this.acked(ack.seq);
        return;
      }
      this.inFlight.delete(b.seq);
      if (err) {
        this.o.logger.warn({ seq: b.seq }, 'no acknowledgement in time: sent again');
        this.restartRound();
        return;
      }
      this.answered(b, ack);
    });
  }

  private acked(seq: number): void {
    this.o.outbox.ack(seq);
  }

  private answered(b: AgentBatch, ack: BatchAck): void {
    if (ack?.ok === true) {
      this.acked(b.seq);
      this.retryMs = RETRY_FIRST_MS;
      this.pump();
      return;
    }
    if (ack?.ok === false && ack.retry) {
      // Slowed down (or waited for in order): everything after it is sent again, later.
      this.restartRound();
      this.retryAt = this.clock.now() + this.retryMs;
      this.o.logger.warn({ seq: b.seq, error: ack.error, waitMs: this.retryMs }, 'batch to be sent again later');
      this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
      return;
    }
    // Refused for good: said, counted and skipped so the rest can go.
    this.refusedForGood++;
    this.o.logger.error(
      { seq: b.seq, results: b.results.length, error: ack?.error, where: ack?.where, refused: this.refusedForGood },
      'batch refused by the centre: skipped',
    );
    this.acked(b.seq);
    this.pump();
  }
}
