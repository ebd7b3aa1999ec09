// Delivers the outbox (docs/ALERTS.md AL2–AL5). Incidents written by the monitor's process are routed
// here to their channels by the rules, once (routed_at, in the transaction that creates the
// deliveries); each channel then has a worker of its own that sends one delivery at a time, in order
// of due time, holding it by a lease while it tries. A channel that is down waits out its timeouts
// and backoff alone: no other channel, no request and no probe waits for it (the sends are async I/O;
// the probes are in another process). Several servers on one database would each run a dispatcher:
// routing stays once, and a lease keeps two senders off the same delivery.
// Routing reaches people (AL20–AL22: server/alerts/recipients.ts) and schedules escalation levels as
// deliveries due later (AL23); acknowledging an incident (AL24, from the dashboard's outage
// acknowledgement or a message's signed link) cancels the levels not yet sent and tells the others (AL25).
import { Serial } from '../serial';
import type { Logger } from 'pino';
import type { AlertChannelKind, AlertRule } from '../../shared/alerts';
import { formatTime } from '../../shared/time';
import type { Clock } from '../clock';
import type { AckRow, AlertStore, DeliveryRow } from '../store/alert-types';
import { ackLink, signAckToken } from './ack-link';
import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, type ResolvedChannel } from './channels';
import { DeliveryError, type Channel } from './channels/types';
import type { AlertGate } from './gate'; // issue 17 point 4 (maint): the gate
import type { Incident } from './incident';
import { planRoute, type Directory, type RouteTarget } from './recipients';
import { scrub } from './secrets';

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

/**
 * [AL3] The wait after the n-th failed attempt: base · 2^(n−1), at most `maxMs`, times a jitter factor
 * in [0.8, 1.2) so that channels failing together do not retry together; a receiver's own
 * Retry-After (Telegram's retry_after) is honoured when longer, still within the cap.
 */
export function backoffMs(p: RetryPolicy, failed: number, random: () => number, retryAfter?: number): number {
  const exp = Math.min(p.maxMs, p.baseMs * 2 ** Math.max(0, failed - 1));
  const jittered = Math.min(p.maxMs, Math.round(exp * (0.8 + 0.4 * random())));
  return retryAfter !== undefined ? Math.min(p.maxMs, Math.max(jittered, retryAfter)) : jittered;
}

export interface AttemptEvent {
  channel: string;
  kind: Channel['config']['kind'];
  delivery: DeliveryRow;
  ok: boolean;
  ms: number;
}

export interface DispatcherOptions {
  store: AlertStore;
  channels: readonly ResolvedChannel[];
  rules: readonly AlertRule[];
  clock: Clock;
  logger: Logger;
  /** The inventory, for the people rules reach (default: none; rules with `to: point|district` reach no one). */
  directory?: Directory;
  /** The dashboard's address: with it, messages carry a signed acknowledgement link. */
  baseUrl?: string;
  /** How often the outbox is read for incidents and due deliveries besides pokes (default 1 s). */
  pollMs?: number;
  random?: () => number;
  /** Issue 17 point 4 (maint): mutes planned work, holds what is outside the meeting windows for the digest. */
  gate?: Pick<AlertGate, 'admit'>;
}

interface Worker {
  ch: ResolvedChannel;
  policy: RetryPolicy;
  timeoutMs: number;
  running: boolean;
  again: boolean;
  timer: NodeJS.Timeout | undefined;
  inFlight: AbortController | null;
}

const NO_DIRECTORY: Directory = { point: () => undefined, unit: () => undefined, listPoints: () => [] };

/** The outcome of an acknowledgement. */
export interface AckOutcome {
  ack: AckRow;
  /** False: someone had taken it already (`ack` says who); nothing changed. */
  first: boolean;
  /** Escalations cancelled. */
  cancelled: number;
}

/** One recipient of one channel, as a set key. */
const recipientKey = (channel: string, address: string | undefined): string => `${channel}\u0000${address ?? ''}`;

export class AlertDispatcher {
  private readonly workers = new Map<string, Worker>();
  private pollTimer: NodeJS.Timeout | undefined;
  private routeScheduled = false;
  private readonly routing = new Serial();
  /** The acknowledgement links' signing key, read once. */
  private ackKey: Buffer | null = null;
  private stopped = true;
  private readonly waiters = new Map<number, (row: DeliveryRow) => void>();
  private readonly attemptListeners = new Set<(e: AttemptEvent) => void>();
  private readonly ackListeners = new Set<(incident: Incident, ack: AckRow) => void>();

  constructor(private readonly o: DispatcherOptions) {
    for (const ch of o.channels) {
      const c = ch.channel.config;
      this.workers.set(c.id, {
        ch,
        policy: { ...DEFAULT_RETRY, ...c.retry },
        timeoutMs: c.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        running: false,
        again: false,
        timer: undefined,
        inFlight: null,
      });
    }
  }

  /** Hears every attempt's outcome (the metrics count them). */
  onAttempt(listener: (e: AttemptEvent) => void): void {
    this.attemptListeners.add(listener);
  }

  /** [AL24] Hears each incident taken (once), after it is recorded. */
  onAcknowledged(listener: (incident: Incident, ack: AckRow) => void): void {
    this.ackListeners.add(listener);
  }

  get channels(): Channel[] {
    return [...this.workers.values()].map((w) => w.ch.channel);
  }

  channel(id: string): Channel | undefined {
    return this.workers.get(id)?.ch.channel;
  }

  start(): void {
    this.stopped = false;
    void this.route();
    for (const w of this.workers.values()) this.kick(w);
    this.pollTimer = setInterval(() => {
      void this.route();
      // A worker waiting on a timer is kicked too when its next delivery is due by the clock: an
      // escalation's wait is measured by the injected clock, which need not move with the timers.
      const now = this.o.clock.now();
      for (const w of this.workers.values()) {
        if (w.running) continue;
        if (w.timer === undefined) {
          this.kick(w);
          continue;
        }
        void this.o.store.nextDueAt(w.ch.channel.config.id).then(
          (next) => {
            if (next !== null && next <= now) this.kick(w);
          },
          (err: unknown) => this.o.logger.error({ err }, 'alerts: reading the next due delivery failed'),
        );
      }
    }, this.o.pollMs ?? 1000);
    this.pollTimer.unref();
  }

  /** New incidents may be in the outbox (an outage event was heard): route them soon. */
  poke(): void {
    if (this.stopped || this.routeScheduled) return;
    this.routeScheduled = true;
    setImmediate(() => {
      this.routeScheduled = false;
      if (!this.stopped) void this.route();
    });
  }

  /**
   * [AL6] "Send a test": a test incident to this channel alone, through the outbox like any other;
   * resolves with the delivery after its first attempt (sent, or pending with the error and its next
   * attempt, or failed).
   */
  async sendTest(channelId: string, actor: string): Promise<DeliveryRow> {
    const w = this.workers.get(channelId);
    if (!w) throw new Error(`no channel ${channelId}`);
    const now = this.o.clock.now();
    const id = `test-${channelId}-${now}-${Math.floor(Math.random() * 1e9).toString(36)}`;
    const incident: Incident = {
      id,
      kind: 'test',
      severity: 'info',
      type: 'test',
      at: now,
      start: now,
      end: null,
      meeting: null,
      phase: null,
      outages: [],
      points: [],
      text: `Tin nhắn thử của kênh "${channelId}" (${actor})`,
    };
    const s = this.o.store;
    await s.addIncident(incident);
    await s.routeIncident(id, now, [{ channel: channelId, maxAttempts: w.policy.maxAttempts }]);
    const row = (await s.listDeliveries({ channel: channelId, limit: 20 })).find((d) => d.incident === id)!;
    const done = new Promise<DeliveryRow>((resolve) => this.waiters.set(row.id, resolve));
    this.kick(w);
    return done;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    for (const w of this.workers.values()) {
      clearTimeout(w.timer);
      w.timer = undefined;
      w.inFlight?.abort();
    }
    // Let aborted attempts record themselves (their leases are released; the rows stay pending).
    const deadline = Date.now() + 2000;
    while ([...this.workers.values()].some((w) => w.running) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const w of this.workers.values()) w.ch.channel.close();
  }

  /** Turns unrouted incidents into deliveries, by the rules; one pass at a time, in call order. */
  route(): Promise<void> {
    return this.routing.run(() => this.routeNow());
  }

  private async routeNow(): Promise<void> {
    try {
      const kinds = new Map<string, AlertChannelKind>(
        [...this.workers.entries()].map(([id, w]) => [id, w.ch.channel.config.kind]),
      );
      for (;;) {
        const batch = await this.o.store.unroutedIncidents(100);
        if (batch.length === 0) return;
        const now = this.o.clock.now();
        for (const i of batch) {
          // Issue 17 point 4 (maint): an incident the gate holds back goes to no channel (server/alerts/gate.ts).
          const admitted = (await this.o.gate?.admit(i)) ?? true;
          const planned = admitted ? planRoute(this.o.rules, kinds, i, this.o.directory ?? NO_DIRECTORY) : [];
          if (admitted && i.kind === 'recovered') planned.push(...(await this.escalatedTo(i, planned)));
          const targets = planned.map((t) => ({
            channel: t.channel,
            recipient: t.recipient,
            level: t.level,
            dueAt: now + t.afterMs,
            maxAttempts: this.workers.get(t.channel)!.policy.maxAttempts,
          }));
          if (await this.o.store.routeIncident(i.id, now, targets)) {
            // [AL23] A recovery before anyone took the incident: its escalations are no longer needed.
            if (i.kind === 'recovered') await this.o.store.cancelEscalations(i.outages, recoveredOpen(i));
            for (const t of targets) this.kick(this.workers.get(t.channel)!);
          }
        }
        if (batch.length < 100) return;
      }
    } catch (err) {
      this.o.logger.error({ err }, 'alerts: routing incidents failed (retried on the next poll)');
    }
  }

  /**
   * [AL23] Those an escalation reached for the open incidents of a recovery's outages: they hear the
   * recovery too (at once), unless the plan reaches them already.
   */
  private async escalatedTo(i: Incident, planned: readonly RouteTarget[]): Promise<RouteTarget[]> {
    const have = new Set(planned.map((t) => recipientKey(t.channel, t.recipient?.address)));
    const out: RouteTarget[] = [];
    for (const id of [...(await this.o.store.openIncidentsOf(i.outages)), ...recoveredOpen(i)]) {
      for (const d of await this.o.store.incidentDeliveries(id)) {
        const k = recipientKey(d.channel, d.recipient?.address);
        if (d.level === 0 || d.status !== 'sent' || have.has(k) || !this.workers.has(d.channel)) continue;
        have.add(k);
        out.push({ channel: d.channel, recipient: d.recipient, level: 0, afterMs: 0 });
      }
    }
    return out;
  }

  /** [AL24] The signed one-time link of a delivery, or null without a base URL. */
  async ackUrl(delivery: number): Promise<string | null> {
    if (!this.o.baseUrl) return null;
    this.ackKey ??= await this.o.store.ackKey();
    return ackLink(this.o.baseUrl, signAckToken(this.ackKey, delivery));
  }

  /**
   * [AL24] Someone took the incident: recorded once, its escalations not yet sent are cancelled, and
   * [AL25] the others who were sent it hear who took it (a notice incident, through the outbox).
   */
  async acknowledge(
    incidentId: string,
    by: string,
    via: 'dashboard' | 'link',
    delivery: number | null,
  ): Promise<AckOutcome> {
    const incident = await this.o.store.getIncident(incidentId);
    if (!incident) throw new Error(`no incident ${incidentId}`);
    const now = this.o.clock.now();
    const out = await this.o.store.acknowledge({ incident: incidentId, at: now, by, via, delivery });
    if (!out.first) return out;
    this.o.logger.info({ incident: incidentId, by, via, cancelled: out.cancelled }, 'alert incident acknowledged');
    const others = (await this.o.store.incidentDeliveries(incidentId)).filter(
      (d) => d.status === 'sent' && d.id !== delivery,
    );
    const notice: Incident = {
      ...incident,
      id: `${incidentId}-ack`,
      kind: 'ack',
      at: now,
      ack: { of: incidentId, by, at: now, via },
      text: `${by} đã nhận xử lý lúc ${formatTime(now)}: ${incident.text}`,
    };
    if (await this.o.store.addIncident(notice)) {
      const targets = others
        .filter((d) => this.workers.has(d.channel))
        .map((d) => ({
          channel: d.channel,
          recipient: d.recipient,
          maxAttempts: this.workers.get(d.channel)!.policy.maxAttempts,
        }));
      await this.o.store.routeIncident(notice.id, now, targets);
      for (const t of targets) this.kick(this.workers.get(t.channel)!);
    }
    for (const l of this.ackListeners) {
      try {
        l(incident, out.ack);
      } catch (err) {
        this.o.logger.error({ err, incident: incidentId }, 'alerts: an acknowledgement listener failed');
      }
    }
    return out;
  }

  /** [AL24] The dashboard acknowledged an outage: its open incidents are taken by that person. */
  async acknowledgeOutage(outage: number, by: string): Promise<AckOutcome[]> {
    const out: AckOutcome[] = [];
    for (const id of await this.o.store.openIncidentsOf([outage])) {
      if ((await this.o.store.getAck(id)) === undefined) out.push(await this.acknowledge(id, by, 'dashboard', null));
    }
    return out;
  }

  private kick(w: Worker): void {
    if (this.stopped) return;
    if (w.running) {
      w.again = true;
      return;
    }
    clearTimeout(w.timer);
    w.timer = undefined;
    void this.run(w);
  }

  private async run(w: Worker): Promise<void> {
    w.running = true;
    try {
      do {
        w.again = false;
        for (;;) {
          if (this.stopped) return;
          const now = this.o.clock.now();
          const rows = await this.o.store.claimDue(w.ch.channel.config.id, now, now + w.timeoutMs + 30_000, 5);
          if (rows.length === 0) break;
          for (const row of rows) await this.attempt(w, row);
        }
      } while (w.again);
    } catch (err) {
      this.o.logger.error(
        { err, channel: w.ch.channel.config.id },
        'alerts: channel worker failed (retried on the next poll)',
      );
    } finally {
      w.running = false;
    }
    if (this.stopped) return;
    let next: number | null;
    try {
      next = await this.o.store.nextDueAt(w.ch.channel.config.id);
    } catch (err) {
      this.o.logger.error({ err, channel: w.ch.channel.config.id }, 'alerts: reading the next due delivery failed');
      return; // the poll kicks the worker again
    }
    if (next !== null && !this.stopped && !w.running) {
      const wait = Math.max(0, next - this.o.clock.now());
      w.timer = setTimeout(() => {
        w.timer = undefined;
        this.kick(w);
      }, wait);
      w.timer.unref();
    }
  }

  private async attempt(w: Worker, row: DeliveryRow): Promise<void> {
    const ch = w.ch.channel;
    const incident = await this.o.store.getIncident(row.incident);
    const started = this.o.clock.now();
    const t0 = performance.now();
    let ok = false;
    let error: string | null = null;
    let retryable = true;
    let retryAfter: number | undefined;
    if (!incident) {
      error = `incident ${row.incident} is missing`;
      retryable = false;
    } else {
      const ac = new AbortController();
      w.inFlight = ac;
      const timer = setTimeout(
        () => ac.abort(new DeliveryError(`no answer within ${w.timeoutMs} ms`, true)),
        w.timeoutMs,
      );
      try {
        await ch.send({
          incident,
          delivery: row.id,
          attempt: row.attempts + 1,
          recipient: row.recipient,
          ackUrl: incident.kind === 'open' ? await this.ackUrl(row.id) : null,
          now: started,
          signal: ac.signal,
        });
        ok = true;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        if (err instanceof DeliveryError) {
          retryable = err.retryable;
          retryAfter = err.retryAfterMs;
        }
        if (ac.signal.aborted && ac.signal.reason instanceof DeliveryError) error = ac.signal.reason.message;
      } finally {
        clearTimeout(timer);
        w.inFlight = null;
      }
    }
    // [AL5] No secret in the delivery log, the API or the logs: a token in a URL, a password echoed.
    if (error !== null) error = scrub(error, w.ch.secret).slice(0, 500);
    const ms = performance.now() - t0;
    const n = row.attempts + 1;
    const at = this.o.clock.now();
    const nextAt =
      ok || !retryable || n >= w.policy.maxAttempts
        ? null
        : at + backoffMs(w.policy, n, this.o.random ?? Math.random, retryAfter);
    let saved: DeliveryRow;
    try {
      saved = await this.o.store.recordAttempt({ delivery: row.id, at, ms, ok, error, nextAt });
    } catch (err) {
      // The lease runs out and the delivery is tried again: at least once, never lost.
      this.o.logger.error({ err, delivery: row.id }, 'alerts: attempt not recorded');
      return;
    }
    const log = { channel: ch.config.id, kind: ch.config.kind, delivery: row.id, incident: row.incident, attempt: n };
    if (ok) this.o.logger.info({ ...log, ms: Math.round(ms) }, 'alert sent');
    else if (nextAt !== null)
      this.o.logger.warn({ ...log, error, retryAt: new Date(nextAt).toISOString() }, 'alert not sent: will retry');
    else this.o.logger.error({ ...log, error }, 'alert not sent: given up');
    for (const l of this.attemptListeners) l({ channel: ch.config.id, kind: ch.config.kind, delivery: saved, ok, ms });
    const waiter = this.waiters.get(row.id);
    if (waiter) {
      this.waiters.delete(row.id);
      waiter(saved);
    }
  }
}

/**
 * The open incident a recovery ends when it carries no outage: an agent heard again ends the agent's
 * `-open` incident of the same id stem (server/agent/lost.ts). Outage incidents are found by their outages.
 */
function recoveredOpen(i: Incident): string[] {
  return i.type === 'agent' && i.id.endsWith('-recovered') ? [`${i.id.slice(0, -'-recovered'.length)}-open`] : [];
}
