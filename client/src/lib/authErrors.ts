// How the server says no, mapped to what the dashboard does about it: the login form's answers, the
// socket handshake's refusals and the acks' error codes. Pure, so each mapping is tested alone.
import type { AckError } from '../../../shared/protocol';

export type LoginFailure =
  /** 401: wrong name or password (the server does not say which). */
  | { kind: 'wrong' }
  /** 429: too many failures from this address or for this name; `retryAfterS` null when unsaid. */
  | { kind: 'blocked'; retryAfterS: number | null }
  /** 400: the body was refused, field by field. */
  | { kind: 'invalid'; message: string; fields: Record<string, string> }
  /** 503: the database cannot be written, so no session can be made. */
  | { kind: 'storage' }
  /** No answer at all (server down, network). */
  | { kind: 'network'; message: string }
  | { kind: 'other'; status: number; message: string };

interface ErrorBody {
  code: string;
  message: string;
  fields: Record<string, string>;
}

/** The `{ error: { code, message, fields? } }` body every refusal carries, or null for anything else. */
export function errorBody(body: unknown): ErrorBody | null {
  const e = (body as { error?: unknown } | null)?.error as Record<string, unknown> | undefined;
  if (typeof e !== 'object' || e === null || typeof e.code !== 'string') return null;
  const fields: Record<string, string> = {};
  if (typeof e.fields === 'object' && e.fields !== null) {
    for (const [k, v] of Object.entries(e.fields)) if (typeof v === 'string') fields[k] = v;
  }
  return { code: e.code, message: typeof e.message === 'string' ? e.message : e.code, fields };
}

/** `Retry-After` in seconds: a number of seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (header === null) return null;
  const h = header.trim();
  if (/^\d+$/.test(h)) return Number(h);
  const at = Date.parse(h);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** A refused `POST /api/auth/login`, from its status, JSON body and Retry-After header. */
export function loginFailure(status: number, body: unknown, retryAfter: string | null, now: number): LoginFailure {
  const err = errorBody(body);
  if (status === 401) return { kind: 'wrong' };
  if (status === 429) return { kind: 'blocked', retryAfterS: parseRetryAfter(retryAfter, now) };
  if (status === 400) return { kind: 'invalid', message: err?.message ?? 'bad request', fields: err?.fields ?? {} };
  if (status === 503 || err?.code === 'storage_unavailable') return { kind: 'storage' };
  return { kind: 'other', status, message: err?.message ?? `HTTP ${status}` };
}

/** Minutes and seconds of a wait, for "try again in …". */
export function splitWait(seconds: number): { min: number; s: number } {
  const total = Math.max(0, Math.ceil(seconds));
  return { min: Math.floor(total / 60), s: total % 60 };
}

export type ConnectRefusal = 'unauthorized' | 'forbidden' | 'outdated' | 'other';

/**
 * A socket `connect_error` message: `unauthorized` (no or ended session: log in, do not retry),
 * `forbidden: cross-origin` (opened from another origin: retrying cannot help), `protocol …` (another
 * protocol version: reload), anything else (a transient failure: retry).
 */
export function connectRefusal(message: string): ConnectRefusal {
  if (message === 'unauthorized' || message.startsWith('unauthorized:')) return 'unauthorized';
  if (message.startsWith('forbidden')) return 'forbidden';
  if (message.startsWith('protocol')) return 'outdated';
  return 'other';
}

export type AckProblem = 'signedOut' | 'forbidden' | 'failed';

/** What a refused ack means for the page: the session ended, the user may not, or it just failed. */
export function ackProblem(error: Pick<AckError, 'code'> | { code: string }): AckProblem {
  if (error.code === 'unauthorized') return 'signedOut';
  if (error.code === 'forbidden') return 'forbidden';
  return 'failed';
}

export type FieldProblem = { kind: 'required' } | { kind: 'tooLong'; max: number };

/** The login form's own checks, before asking the server (same limits as its LoginBody). */
export function checkLogin(
  username: string,
  password: string,
  limits: { username: number; password: number },
): Partial<Record<'username' | 'password', FieldProblem>> {
  const out: Partial<Record<'username' | 'password', FieldProblem>> = {};
  const check = (key: 'username' | 'password', value: string): void => {
    if (value.length === 0) out[key] = { kind: 'required' };
    else if (value.length > limits[key]) out[key] = { kind: 'tooLong', max: limits[key] };
  };
  check('username', username.trim());
  check('password', password);
  return out;
}
