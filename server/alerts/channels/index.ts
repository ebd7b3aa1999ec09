// Builds the channels of the `alerts:` config, each with its secret read (server/alerts/secrets.ts).
import type { AlertChannelConfig, AlertChannelView, AlertsConfig } from '../../../shared/alerts';
import { resolveSecret } from '../secrets';
import { EmailChannel } from './email';
import { TelegramChannel } from './telegram';
import type { Channel } from './types';
import { WebhookChannel } from './webhook';
import { ZaloChannel } from './zalo';

export const DEFAULT_RETRY = { maxAttempts: 8, baseMs: 2_000, maxMs: 300_000 } as const;
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface ResolvedChannel {
  channel: Channel;
  /** Scrubbed from every error message the channel produces. */
  secret: string | null;
}

export function buildChannel(c: AlertChannelConfig, secret: string | null, baseUrl: string | undefined): Channel {
  switch (c.kind) {
    case 'webhook':
      return new WebhookChannel(c, secret, baseUrl);
    case 'email':
      return new EmailChannel(c, secret, baseUrl);
    case 'telegram':
      return new TelegramChannel(c, secret!, baseUrl);
    case 'zalo':
      return new ZaloChannel(c, secret!, baseUrl);
  }
}

/** Every channel with its secret; throws a ValidationError naming the channel when a secret cannot be read. */
export function buildChannels(config: AlertsConfig, env: NodeJS.ProcessEnv = process.env): ResolvedChannel[] {
  return config.channels.map((c, i) => {
    const secret = resolveSecret(c, `alerts.channels[${i}]`, env);
    return { channel: buildChannel(c, secret, config.baseUrl), secret };
  });
}

export function channelView(ch: Channel): AlertChannelView {
  const c = ch.config;
  return {
    id: c.id,
    kind: c.kind,
    language: c.language ?? 'vi',
    target: ch.target,
    secret:
      c.secretEnv !== undefined
        ? { source: 'env', name: c.secretEnv }
        : c.secretFile !== undefined
          ? { source: 'file', name: c.secretFile }
          : null,
    retry: { ...DEFAULT_RETRY, ...c.retry },
    timeoutMs: c.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}
