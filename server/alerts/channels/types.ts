// One delivery attempt through one channel. A channel throws DeliveryError to say whether trying again
// can help (a stopped receiver, a 5xx, a 429) or not (a 4xx: the request itself is wrong).
import type { AlertChannelConfig } from '../../../shared/alerts';
import type { Recipient } from '../../store/alert-types';
import type { Incident } from '../incident';

export interface SendContext {
  incident: Incident;
  delivery: number;
  /** Attempt number, 1 for the first. */
  attempt: number;
  /** [AL20] The person it goes to instead of the channel's own target (null: the channel's target). */
  recipient: Recipient | null;
  /** [AL24] The signed one-time link that acknowledges the incident (null: none, e.g. no baseUrl). */
  ackUrl: string | null;
  /** The instant the attempt is made (the webhook's timestamp). */
  now: number;
  signal: AbortSignal;
}

export interface Channel {
  readonly config: AlertChannelConfig;
  /** Where it sends, without anything secret (no token, no password). */
  readonly target: string;
  send(ctx: SendContext): Promise<void>;
  close(): void;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The receiver asked to wait this long (Telegram's retry_after, HTTP Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** An HTTP status's verdict: 2xx ok; 408, 425, 429 and 5xx worth another try; other 4xx not. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** A network error's message with its cause (fetch says only "fetch failed"). */
export function networkMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `timed out or aborted (${err.message})`;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: string }).code;
    return `${err.message}: ${code ? `${code} ` : ''}${cause.message}`;
  }
  return err.message;
}

/** POST a JSON body; resolves with status and text, throws DeliveryError on a network failure. */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<{ status: number; text: string; headers: Headers }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body,
      signal,
      redirect: 'manual',
    });
  } catch (err) {
    throw new DeliveryError(networkMessage(err), true);
  }
  // A body is read only so far: an alert answer is small, a huge one is not ours.
  const text = (await res.text().catch(() => '')).slice(0, 2000);
  return { status: res.status, text, headers: res.headers };
}

/** Retry-After in seconds (the HTTP-date form is not used by the receivers we speak to). */
export function retryAfterHeader(h: Headers): number | undefined {
  const v = h.get('retry-after');
  if (v === null || !/^\d{1,6}$/.test(v.trim())) return undefined;
  return Number(v) * 1000;
}
