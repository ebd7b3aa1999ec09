// Webhook: the incident as JSON (schema in docs/ALERTS.md), POSTed with an HMAC-SHA256 of the raw body
// in X-Diemcau-Signature. The body carries `sentAt`, equal to X-Diemcau-Timestamp, so the signature
// covers the time too and a receiver can refuse a replayed request (older than 5 minutes).
import { createHmac } from 'node:crypto';
import type { AlertChannelConfig } from '../../../shared/alerts';
import { toWireInstant, toWireInstantOrNull } from '../../../shared/time';
import type { Incident } from '../incident';
import { plainText, renderIncident, type AlertLanguage } from '../render';
import { DeliveryError, postJson, retryableStatus, retryAfterHeader, type Channel, type SendContext } from './types';
import pkg from '../../../package.json' with { type: 'json' };

type WebhookConfig = Extract<AlertChannelConfig, { kind: 'webhook' }>;

export const WEBHOOK_SCHEMA_VERSION = 1;

/** The incident as the webhook's JSON carries it: instants as ISO 8601 with +07:00. */
export function incidentJson(i: Incident) {
  return {
    id: i.id,
    kind: i.kind,
    severity: i.severity,
    type: i.type,
    at: toWireInstant(i.at),
    start: toWireInstant(i.start),
    end: toWireInstantOrNull(i.end),
    meeting: i.meeting,
    phase: i.phase,
    outages: i.outages,
    points: i.points,
    // inc lane: what the incident groups (added within version 1).
    group: i.group ?? { kind: 'point', unit: i.points[0]?.unit ?? null, drops: i.kind === 'test' ? 0 : 1 },
    text: i.text,
    /** [AL25] On an `ack` notice: who took which incident, when, from where. */
    ack: i.ack ? { of: i.ack.of, by: i.ack.by, at: toWireInstant(i.ack.at), via: i.ack.via } : null,
  };
}

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export class WebhookChannel implements Channel {
  readonly target: string;

  constructor(
    readonly config: WebhookConfig,
    private readonly secret: string | null,
    private readonly baseUrl: string | undefined,
  ) {
    const u = new URL(config.url);
    // The query string may hold a token of the receiver's: shown as the path only.
    this.target = `${u.origin}${u.pathname}`;
  }

  async send(ctx: SendContext): Promise<void> {
    const lang: AlertLanguage = this.config.language ?? 'vi';
    const seconds = Math.floor(ctx.now / 1000);
    const message = renderIncident(ctx.incident, lang, this.baseUrl, this.config.id, ctx.ackUrl);
    const body = JSON.stringify({
      version: WEBHOOK_SCHEMA_VERSION,
      delivery: ctx.delivery,
      attempt: ctx.attempt,
      channel: this.config.id,
      sentAt: seconds,
      incident: incidentJson(ctx.incident),
      message: { language: lang, title: message.title, text: plainText(message) },
      // [AL24] The signed one-time link that takes the incident (an `open` one, with baseUrl), else null.
      ackUrl: ctx.ackUrl,
    });
    const headers: Record<string, string> = {
      'user-agent': `diemcau/${pkg.version}`,
      'x-diemcau-delivery': String(ctx.delivery),
      'x-diemcau-timestamp': String(seconds),
    };
    if (this.secret !== null) headers['x-diemcau-signature'] = signBody(this.secret, body);
    const res = await postJson(this.config.url, body, headers, ctx.signal);
    if (res.status >= 200 && res.status < 300) return;
    throw new DeliveryError(
      `HTTP ${res.status}${res.text ? `: ${res.text.slice(0, 200)}` : ''}`,
      retryableStatus(res.status),
      retryAfterHeader(res.headers),
    );
  }

  close(): void {}
}
