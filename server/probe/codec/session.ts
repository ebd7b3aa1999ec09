// What both vendors share: one session per codec kept between polls (a login per poll would exhaust the
// codec's session table and, on RoomOS, its 1 request/s Basic-auth budget), one re-login when the codec
// forgets the session, and no login storm when the credentials are wrong: after an 'auth' failure the
// codec is not asked again for a back-off (60 s doubling to 10 min) unless the password has changed,
// and the failure is logged once, not at every poll.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { CodecCall, ProbeReason } from '../../../shared/targets';
import type { Clock } from '../../clock';
import { SecretError } from '../secrets';
import { CodecFailure, failureOf } from './http';

/** The codec refused the session cookie (expired, or the codec restarted). */
export class SessionRefused extends Error {
  constructor(readonly status: number) {
    super(`session refused: HTTP ${status}`);
    this.name = 'SessionRefused';
  }
}

/** One vendor's API calls; they throw CodecFailure or SessionRefused. */
export interface VendorApi {
  readonly vendor: string;
  /** Logs in; the Cookie header value of the new session. CodecFailure('auth') when refused. */
  login(password: string, signal: AbortSignal): Promise<string>;
  /** The call status with this session; `rtt` is the status request's latency. */
  poll(cookie: string, signal: AbortSignal): Promise<{ call: CodecCall; rtt: number }>;
  /** Ends the session (best effort). */
  logout(cookie: string, signal: AbortSignal): Promise<void>;
}

export type CodecOutcome =
  { ok: true; call: CodecCall; rtt: number } | { ok: false; reason: ProbeReason; detail: string; code?: number };

/** The adapter of one codec: ask it with `poll`, end its session with `close`. */
export interface CodecAdapter {
  /** Never rejects. `password` is asked only when a login is due (or to notice a rotated one). */
  poll(password: () => Promise<string>, timeoutMs: number): Promise<CodecOutcome>;
  close(): Promise<void>;
}

export interface CodecAdapterOptions {
  clock: Clock;
  logger: Logger;
  /** First back-off after refused credentials (default 60 s); doubles up to authBackoffMaxMs. */
  authBackoffMs?: number;
  /** Default 10 min. */
  authBackoffMaxMs?: number;
}

const fingerprint = (password: string): string => createHash('sha256').update(password).digest('hex');

export class CodecClient implements CodecAdapter {
  private cookie: string | undefined;
  /** Set while the credentials are known bad. */
  private authBlock: { until: number; backoffMs: number; fingerprint: string; detail: string } | undefined;
  private lastSecretProblem: string | undefined;
  private readonly backoffMs: number;
  private readonly backoffMaxMs: number;

  constructor(
    private readonly api: VendorApi,
    /** How logs name the codec (targetLabel). */
    private readonly name: string,
    private readonly opts: CodecAdapterOptions,
  ) {
    this.backoffMs = opts.authBackoffMs ?? 60_000;
    this.backoffMaxMs = Math.max(this.backoffMs, opts.authBackoffMaxMs ?? 600_000);
  }

  async poll(password: () => Promise<string>, timeoutMs: number): Promise<CodecOutcome> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      if (this.cookie === undefined) {
        const refused = await this.login(password, signal);
        if (refused) return refused;
      }
      try {
        return { ok: true, ...(await this.api.poll(this.cookie!, signal)) };
      } catch (err) {
        if (!(err instanceof SessionRefused)) throw err;
        // Once per probe: the session expired (or the codec restarted); a second refusal is not expiry.
        this.cookie = undefined;
        const refused = await this.login(password, signal);
        if (refused) return refused;
        try {
          return { ok: true, ...(await this.api.poll(this.cookie!, signal)) };
        } catch (again) {
          if (!(again instanceof SessionRefused)) throw again;
          this.cookie = undefined;
          return this.authFailed(password, `${this.api.vendor} refused a fresh session: HTTP ${again.status}`);
        }
      }
    } catch (err) {
      const f = failureOf(err);
      return { ok: false, reason: f.reason, detail: f.detail, ...(f.code === undefined ? {} : { code: f.code }) };
    }
  }

  /** Logs in unless the credentials are known bad; an outcome when no session could be had. */
  private async login(password: () => Promise<string>, signal: AbortSignal): Promise<CodecOutcome | undefined> {
    let secret: string;
    try {
      secret = await password();
      this.lastSecretProblem = undefined;
    } catch (err) {
      return this.secretFailed(err);
    }
    const block = this.authBlock;
    if (block && this.opts.clock.now() < block.until && block.fingerprint === fingerprint(secret)) {
      return { ok: false, reason: 'auth', detail: block.detail };
    }
    try {
      this.cookie = await this.api.login(secret, signal);
    } catch (err) {
      if (err instanceof CodecFailure && err.reason === 'auth') return this.authFailed(async () => secret, err.detail);
      throw err;
    }
    if (this.authBlock) {
      this.opts.logger.info({ codec: this.name }, 'codec accepts its credentials again');
      this.authBlock = undefined;
    }
    return undefined;
  }

  private async authFailed(password: () => Promise<string>, detail: string): Promise<CodecOutcome> {
    const prev = this.authBlock;
    const backoffMs = prev ? Math.min(prev.backoffMs * 2, this.backoffMaxMs) : this.backoffMs;
    let fp = '';
    try {
      fp = fingerprint(await password());
    } catch {
      // The next login resolves the reference again and reports 'secret' then.
    }
    this.authBlock = { until: this.opts.clock.now() + backoffMs, backoffMs, fingerprint: fp, detail };
    if (!prev) {
      this.opts.logger.warn(
        { codec: this.name, detail, retryInS: Math.round(backoffMs / 1000) },
        'codec refused its credentials; not retried until the back-off ends or the password changes',
      );
    }
    return { ok: false, reason: 'auth', detail };
  }

  private secretFailed(err: unknown): CodecOutcome {
    const detail = err instanceof SecretError ? err.words.en : 'the password reference could not be read';
    if (detail !== this.lastSecretProblem) {
      this.lastSecretProblem = detail;
      this.opts.logger.warn({ codec: this.name, detail }, 'codec password reference does not resolve');
    }
    return { ok: false, reason: 'secret', detail };
  }

  async close(): Promise<void> {
    const cookie = this.cookie;
    this.cookie = undefined;
    if (cookie === undefined) return;
    try {
      await this.api.logout(cookie, AbortSignal.timeout(2_000));
    } catch {
      // The codec expires the session on its own; closing must not wait on a hung unit.
    }
  }
}
