// Zalo Official Account: a text message to one follower through the OA's Open API, v3
// (POST {apiBase}/v3.0/oa/message/cs, header `access_token`, body { recipient: { user_id }, message:
// { text } }). The answer is { error: 0, message, data } on success, a non-zero `error` otherwise.
// Zalo allows such messages only to followers who interacted with the OA recently; messages outside
// that need approved ZNS templates (not done here).
import type { AlertChannelConfig } from '../../../shared/alerts';
import { plainText, renderIncident } from '../render';
import { DeliveryError, postJson, retryableStatus, type Channel, type SendContext } from './types';

type ZaloConfig = Extract<AlertChannelConfig, { kind: 'zalo' }>;

export const ZALO_API = 'https://openapi.zalo.me';
export const ZALO_SEND_PATH = '/v3.0/oa/message/cs';
/** Zalo's text messages take at most 2000 characters. */
const MAX_TEXT = 2000;
/** Errors no retry mends: the access token is invalid or expired, the user is no follower. */
const PERMANENT = new Set([-124, -216, -213, -201]);

export class ZaloChannel implements Channel {
  readonly target: string;
  private readonly apiBase: string;

  constructor(
    readonly config: ZaloConfig,
    private readonly token: string,
    private readonly baseUrl: string | undefined,
  ) {
    this.apiBase = (config.apiBase ?? ZALO_API).replace(/\/+$/, '');
    this.target = `${new URL(this.apiBase).origin} user ${config.userId}`;
  }

  async send(ctx: SendContext): Promise<void> {
    const m = renderIncident(ctx.incident, this.config.language ?? 'vi', this.baseUrl, this.config.id, ctx.ackUrl);
    let text = plainText(m);
    if (text.length > MAX_TEXT) text = `${text.slice(0, MAX_TEXT - 1)}…`;
    const body = JSON.stringify({
      recipient: { user_id: ctx.recipient?.address ?? this.config.userId },
      message: { text },
    });
    const res = await postJson(`${this.apiBase}${ZALO_SEND_PATH}`, body, { access_token: this.token }, ctx.signal);
    if (res.status !== 200) {
      throw new DeliveryError(`Zalo HTTP ${res.status}: ${res.text.slice(0, 200)}`, retryableStatus(res.status));
    }
    let answer: { error?: number; message?: string };
    try {
      answer = JSON.parse(res.text) as { error?: number; message?: string };
    } catch {
      throw new DeliveryError(`Zalo: not JSON: ${res.text.slice(0, 200)}`, true);
    }
    if (answer.error === 0) return;
    const code = answer.error ?? NaN;
    throw new DeliveryError(`Zalo error ${code}: ${answer.message ?? ''}`, !PERMANENT.has(code));
  }

  close(): void {}
}
