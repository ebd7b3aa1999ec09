// SIP OPTIONS probes over UDP, TCP and TLS (docs/probes/sip.md). Any final response but 503 proves a
// live SIP stack; UDP requests are retransmitted on RFC 3261's timer E schedule within the probe's
// timeout; TCP and TLS connections are kept per target and reused.
import { randomBytes } from 'node:crypto';
import dns from 'node:dns';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { hostProblem } from '../../../shared/host';
import { defaultPort, type SipTransport, type TargetKind } from '../../../shared/targets';
import type { KindEngine, KindEngineOptions, ProbeJob, TargetResult } from '../kinds';
import { failureOf, type Failure } from './errors';
import { BRANCH_COOKIE, buildOptions, type SipResponse } from './message';
import { SipStream } from './stream';
import { JobSchedule } from './schedule';
import { UdpSockets } from './udp';

export interface SipTuning {
  /** RFC 3261 T1: the first UDP retransmission interval (default 500 ms). */
  t1Ms?: number;
  /** RFC 3261 T2: the longest UDP retransmission interval (default 4 s). */
  t2Ms?: number;
  /** Probes in flight at most; a scheduled probe beyond it is skipped and reported as a gap (default 20,000). */
  maxOutstanding?: number;
  /** Check TLS certificates against the system's CAs (default false: codecs use self-signed ones). */
  verifyTls?: boolean;
  /** How long a resolved name is reused (default 60 s). */
  dnsTtlMs?: number;
}

export type SipEngineOptions = KindEngineOptions & { tuning?: SipTuning };

/** What the engine has done; for tests, the bench and the health page. */
export interface SipStats {
  sent: number;
  retransmitted: number;
  /** Datagrams or stream messages that matched no probe (garbage, a foreign branch or Call-ID). */
  ignored: number;
  outstanding: number;
  /** Scheduled probes skipped because maxOutstanding was reached. */
  skipped: number;
  /** Open TCP/TLS connections. */
  connections: number;
}

interface Tx {
  branch: string;
  callId: string;
  stream: SipStream | null;
  onFinal(r: SipResponse): void;
  onProvisional(): void;
  fail(f: Failure): void;
}

const MIN_INTERVAL_MS = 10;

/**
 * The probe's own timeout: the job's, but ending a little before the next send (10 % of the
 * interval, 5–100 ms), so a target's verdicts never overlap and reach the router in send order.
 */
export function sipTimeout(job: Pick<ProbeJob, 'intervalMs' | 'timeoutMs'>): number {
  const margin = Math.min(100, Math.max(5, Math.round(job.intervalMs * 0.1)));
  return Math.max(1, Math.min(job.timeoutMs, job.intervalMs - margin));
}

/** Why a job cannot be probed, or null. */
export function jobProblem(job: ProbeJob): string | null {
  const t = job.target as { kind?: string; host?: unknown; port?: unknown; transport?: unknown };
  if (t?.kind !== 'sip') return `not a sip target (${String(t?.kind)})`;
  if (typeof t.host !== 'string') return 'host is not a string';
  const problem = hostProblem(t.host);
  if (problem) return problem;
  if (t.transport !== undefined && t.transport !== 'udp' && t.transport !== 'tcp' && t.transport !== 'tls') {
    return 'transport must be udp, tcp or tls';
  }
  if (t.port !== undefined && (!Number.isInteger(t.port) || (t.port as number) < 1 || (t.port as number) > 65535)) {
    return 'port out of range';
  }
  if (!Number.isFinite(job.intervalMs) || job.intervalMs < MIN_INTERVAL_MS) return `interval < ${MIN_INTERVAL_MS} ms`;
  if (!Number.isFinite(job.timeoutMs) || job.timeoutMs <= 0) return 'timeout must be positive';
  return null;
}

export class SipEngine implements KindEngine {
  readonly kinds: readonly TargetKind[] = ['sip'];
  private readonly schedule: JobSchedule;
  private readonly txs = new Map<string, Tx>();
  private readonly streams = new Map<string, SipStream>();
  private readonly resolved = new Map<string, { address: string; until: number }>();
  private readonly udp: UdpSockets;
  private readonly seq = new Map<string, number>();
  private readonly prefix = randomBytes(6).toString('hex');
  private counter = 0;
  private closed = false;
  private readonly counts = { sent: 0, retransmitted: 0, ignored: 0, skipped: 0 };
  private readonly t1: number;
  private readonly t2: number;
  private readonly maxOutstanding: number;

  constructor(private readonly opts: SipEngineOptions) {
    const t = opts.tuning ?? {};
    this.t1 = t.t1Ms ?? 500;
    this.t2 = t.t2Ms ?? 4000;
    this.maxOutstanding = t.maxOutstanding ?? 20_000;
    this.schedule = new JobSchedule((job, current) => this.scheduled(job, current));
    this.udp = new UdpSockets(
      (r) => this.onResponse(r),
      (err) => this.opts.logger.warn({ err: err.message }, 'sip udp socket error'),
    );
  }

  stats(): SipStats {
    let connections = 0;
    for (const s of this.streams.values()) if (s.isOpen) connections++;
    return { ...this.counts, outstanding: this.txs.size, connections };
  }

  setJobs(jobs: readonly ProbeJob[]): void {
    if (this.closed) return;
    const next = new Map<string, ProbeJob>();
    for (const job of jobs) {
      const problem = jobProblem(job);
      if (problem) this.opts.logger.error({ target: String(job?.id), why: problem }, 'sip probe job refused');
      else next.set(job.id, job);
    }
    for (const id of this.schedule.set(next)) {
      this.seq.delete(id);
      this.closeStream(id);
    }
  }

  probeOnce(job: ProbeJob): Promise<TargetResult> {
    const t = this.opts.clock.now();
    const problem = jobProblem(job);
    if (problem) return Promise.resolve({ target: String(job?.id), t, rtt: null, reason: 'error', detail: problem });
    if (this.closed) return Promise.resolve({ target: job.id, t, rtt: null, reason: 'error', detail: 'engine closed' });
    return this.probe(job).finally(() => {
      // A connection opened for a target outside the schedule does not outlive its probe.
      if (!this.schedule.has(job.id)) this.closeStream(job.id);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.schedule.close();
    for (const tx of this.txs.values()) tx.fail({ reason: 'error', detail: 'engine closed' });
    for (const id of this.streams.keys()) this.closeStream(id);
    await this.udp.close();
  }

  private async scheduled(job: ProbeJob, current: () => boolean): Promise<void> {
    if (this.txs.size >= this.maxOutstanding) {
      this.counts.skipped++;
      this.opts.onGap?.([job.id]);
      return;
    }
    const r = await this.probe(job);
    if (!current()) return;
    try {
      this.opts.onResult(r);
    } catch (err) {
      this.opts.logger.error({ err: (err as Error).message }, 'sip onResult threw');
    }
  }

  /** One probe; never rejects. */
  private async probe(job: ProbeJob): Promise<TargetResult> {
    const t = this.opts.clock.now();
    const started = performance.now();
    const timeoutMs = sipTimeout(job);
    const target = job.target as { host: string; port?: number; transport?: SipTransport };
    const transport = target.transport ?? 'udp';
    const port = target.port ?? defaultPort('sip', transport)!;
    const failed = (f: Failure): TargetResult => ({ target: job.id, t, rtt: null, reason: f.reason, detail: f.detail });
    try {
      const address = await this.resolve(target.host, timeoutMs);
      if (this.closed) return failed({ reason: 'error', detail: 'engine closed' });
      const left = (): number => timeoutMs - (performance.now() - started);
      if (left() <= 0) return failed({ reason: 'dns', detail: 'name resolution took the whole timeout' });
      const result =
        transport === 'udp'
          ? await this.udpProbe(job, target.host, address, port, left)
          : await this.streamProbe(job, transport, target.host, address, port, left);
      if ('reason' in result && !('code' in result)) return failed(result);
      const r = result as SipResponse & { rtt: number };
      const detail = `${r.code} ${r.phrase}`.trim();
      if (r.code === 503) return { target: job.id, t, rtt: null, reason: 'unavailable', code: 503, detail };
      return { target: job.id, t, rtt: Math.round(r.rtt * 1000) / 1000, code: r.code, detail };
    } catch (err) {
      return failed(isFailure(err) ? err : failureOf(err));
    }
  }

  private async resolve(host: string, timeoutMs: number): Promise<string> {
    if (net.isIP(host)) return host;
    const key = host.toLowerCase();
    const hit = this.resolved.get(key);
    if (hit && hit.until > performance.now()) return hit.address;
    // getaddrinfo has no timeout of its own; the lookup may finish later and is then dropped.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject({ reason: 'dns', detail: 'name resolution timed out' } satisfies Failure),
        timeoutMs,
      );
    });
    const { address } = await Promise.race([dns.promises.lookup(host), late]).finally(() => clearTimeout(timer));
    if (this.resolved.size > 10_000) this.resolved.clear();
    this.resolved.set(key, { address, until: performance.now() + (this.opts.tuning?.dnsTtlMs ?? 60_000) });
    return address;
  }

  private nextIds(jobId: string): { branch: string; callId: string; fromTag: string; cseq: number } {
    const n = (++this.counter).toString(36);
    const cseq = ((this.seq.get(jobId) ?? 0) % 2_000_000_000) + 1;
    this.seq.set(jobId, cseq);
    const rnd = randomBytes(6).toString('hex');
    return {
      branch: `${BRANCH_COOKIE}${rnd}${n}`,
      callId: `${this.prefix}${n}${rnd}@diemcau`,
      fromTag: `${rnd.slice(0, 8)}${n}`,
      cseq,
    };
  }

  private async udpProbe(
    job: ProbeJob,
    host: string,
    address: string,
    port: number,
    left: () => number,
  ): Promise<(SipResponse & { rtt: number }) | Failure> {
    const [sock, local] = await Promise.all([this.udp.socket(address), this.udp.sourceFor(address)]);
    const ids = this.nextIds(job.id);
    const bytes = Buffer.from(
      buildOptions({ transport: 'udp', host, port, localAddress: local, localPort: sock.address().port, ...ids }),
    );
    return this.transact(ids, null, left(), (onSendError, retransmit) => {
      const send = (): void =>
        sock.send(bytes, port, address, (err) => {
          if (err) onSendError(failureOf(err));
        });
      this.counts.sent++;
      send();
      // Timer E (RFC 3261 §17.1.2.2): T1, doubling up to T2; T2 at once after a provisional response.
      let gap = this.t1;
      const again = (): void => {
        this.counts.retransmitted++;
        send();
        gap = Math.min(gap * 2, this.t2);
        retransmit.timer = setTimeout(again, gap);
      };
      retransmit.timer = setTimeout(again, gap);
      retransmit.onProvisional = () => {
        gap = this.t2;
        if (retransmit.timer) clearTimeout(retransmit.timer);
        retransmit.timer = setTimeout(again, gap);
      };
    });
  }

  private async streamProbe(
    job: ProbeJob,
    transport: 'tcp' | 'tls',
    host: string,
    address: string,
    port: number,
    left: () => number,
  ): Promise<(SipResponse & { rtt: number }) | Failure> {
    let stream = this.streams.get(job.id);
    const p = stream?.peer;
    if (stream && (p!.address !== address || p!.port !== port || p!.transport !== transport)) {
      this.closeStream(job.id);
      stream = undefined;
    }
    if (!stream) {
      stream = new SipStream(
        { transport, address, port, host, verifyTls: this.opts.tuning?.verifyTls ?? false },
        {
          onResponse: (r) => this.onResponse(r),
          onClose: (conn, why) => this.onStreamClose(job.id, conn, why),
        },
      );
      this.streams.set(job.id, stream);
    }
    await stream.connect(left());
    const ids = this.nextIds(job.id);
    const text = buildOptions({
      transport,
      host,
      port,
      localAddress: stream.localAddress,
      localPort: stream.localPort,
      ...ids,
    });
    const s = stream;
    return this.transact(ids, s, left(), (onSendError) => {
      this.counts.sent++;
      if (!s.write(text)) onSendError({ reason: 'reset', detail: 'connection closed' });
    });
  }

  /** Registers the transaction, sends, and settles on its final response, a failure or the timeout. */
  private transact(
    ids: { branch: string; callId: string },
    stream: SipStream | null,
    timeoutMs: number,
    send: (
      onSendError: (f: Failure) => void,
      retransmit: { timer: NodeJS.Timeout | null; onProvisional?: () => void },
    ) => void,
  ): Promise<(SipResponse & { rtt: number }) | Failure> {
    if (timeoutMs <= 0) return Promise.resolve({ reason: 'timeout', detail: 'no time left to send' });
    return new Promise((resolve) => {
      const retransmit: { timer: NodeJS.Timeout | null; onProvisional?: () => void } = { timer: null };
      let sentAt = performance.now();
      const done = (v: (SipResponse & { rtt: number }) | Failure): void => {
        if (this.txs.get(ids.branch) !== tx) return;
        this.txs.delete(ids.branch);
        clearTimeout(deadline);
        if (retransmit.timer) clearTimeout(retransmit.timer);
        resolve(v);
      };
      const tx: Tx = {
        ...ids,
        stream,
        onFinal: (r) => done({ ...r, rtt: performance.now() - sentAt }),
        onProvisional: () => retransmit.onProvisional?.(),
        fail: (f) => done(f),
      };
      const deadline = setTimeout(
        () => done({ reason: 'timeout', detail: `no final response in ${Math.round(timeoutMs)} ms` }),
        timeoutMs,
      );
      this.txs.set(ids.branch, tx);
      sentAt = performance.now();
      send((f) => tx.fail(f), retransmit);
    });
  }

  private onResponse(r: SipResponse | null): void {
    const tx = r ? this.txs.get(r.branch) : undefined;
    if (!r || !tx || tx.callId !== r.callId || r.cseqMethod !== 'OPTIONS') {
      this.counts.ignored++;
      return;
    }
    if (r.code >= 200) tx.onFinal(r);
    else tx.onProvisional();
  }

  private onStreamClose(id: string, conn: SipStream, why: Failure | null): void {
    if (this.streams.get(id) === conn) this.streams.delete(id);
    const f = why ?? { reason: 'reset', detail: 'connection closed' };
    for (const tx of this.txs.values()) if (tx.stream === conn) tx.fail(f);
  }

  private closeStream(id: string): void {
    const s = this.streams.get(id);
    if (!s) return;
    this.streams.delete(id);
    s.close();
  }
}

function isFailure(x: unknown): x is Failure {
  return typeof x === 'object' && x !== null && 'reason' in x && 'detail' in x && !(x instanceof Error);
}

export function createSipEngine(opts: SipEngineOptions): SipEngine {
  return new SipEngine(opts);
}
