// The `alerts:` section of the inventory file (docs/ALERTS.md): channels that deliver incidents and the
// rules that say which incidents go to which channel. Secrets are never written here: a channel names
// an environment variable (`secretEnv`) or a file (`secretFile`) that holds its secret.
import { z } from 'zod';

export const ALERT_CHANNEL_KINDS = ['webhook', 'email', 'telegram', 'zalo'] as const;
export type AlertChannelKind = (typeof ALERT_CHANNEL_KINDS)[number];

export const INCIDENT_SEVERITIES = ['critical', 'warning', 'info'] as const;
export const IncidentSeverity = z.enum(INCIDENT_SEVERITIES);
export type IncidentSeverity = z.infer<typeof IncidentSeverity>;

/** Channel ids: as the inventory's codes (shared/schemas.ts imports this file, so not imported from there). */
const Code = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-" (no spaces)');
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name (letters, digits, "_")');
const HttpUrl = z
  .string()
  .max(2000)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
    } catch {
      return false;
    }
  }, 'an http:// or https:// URL without a user or password in it (put secrets in secretEnv or secretFile)');

const Retry = z.strictObject({
  /** Attempts in all, the first included (default 8). */
  maxAttempts: z.number().int().min(1).max(100).optional(),
  /** Wait before the second attempt (default 2 s); doubled each time, with ±20 % jitter. */
  baseMs: z.number().int().min(10).max(3_600_000).optional(),
  /** The longest wait between two attempts (default 5 min). */
  maxMs: z.number().int().min(10).max(86_400_000).optional(),
});
export type AlertRetry = z.infer<typeof Retry>;

const common = {
  id: Code,
  /** Message language (default Vietnamese). */
  language: z.enum(['vi', 'en']).optional(),
  secretEnv: EnvName.optional(),
  secretFile: z.string().min(1).max(4096).optional(),
  retry: Retry.optional(),
  /** One attempt may take this long (default 10 s). */
  timeoutMs: z.number().int().min(100).max(120_000).optional(),
};

export const Email = z
  .string()
  .max(254)
  .regex(/^[^\s@<>]+@[^\s@<>]+$/, 'an e-mail address');
/** A Telegram chat: a numeric id (a user, a group) or @channelname. */
export const TelegramChat = z.union([
  z.string().regex(/^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$/, 'a chat id or @channelname'),
  z.number().int(),
]);
/** A follower of the Zalo Official Account. */
export const ZaloUser = z.string().regex(/^\d{1,32}$/, 'a Zalo user id (digits)');

export const AlertChannelConfig = z.discriminatedUnion('kind', [
  z.strictObject({ ...common, kind: z.literal('webhook'), url: HttpUrl }),
  z.strictObject({
    ...common,
    kind: z.literal('email'),
    /** SMTP server; the secret (when any) is the password of `user`. */
    smtp: z.strictObject({
      host: z.string().min(1).max(253),
      port: z.number().int().min(1).max(65_535).default(587),
      /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
      secure: z.boolean().default(false),
      user: z.string().min(1).max(254).optional(),
    }),
    from: Email,
    to: z.array(Email).min(1).max(50),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('telegram'),
    /** The chat (user, group or channel) the bot writes to. */
    chatId: TelegramChat,
    /** Bot API base (default https://api.telegram.org); the secret is the bot token. */
    apiBase: HttpUrl.optional(),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('zalo'),
    /** The follower of the Official Account who receives the message. */
    userId: ZaloUser,
    /** Open API base (default https://openapi.zalo.me); the secret is the OA access token. */
    apiBase: HttpUrl.optional(),
  }),
]);
export type AlertChannelConfig = z.infer<typeof AlertChannelConfig>;

/**
 * [AL20] Whom a rule reaches through its channel: `channel` the channel's own target (the province IT
 * centre's mailbox or group, the telecom's duty line); `point` the technicians of each affected point
 * (their contact's address for the channel's kind); `district` the technicians of the points of the
 * affected point's district (the unit of level district above it, or its own unit when that is one).
 */
export const ALERT_RECIPIENTS = ['channel', 'point', 'district'] as const;
export type AlertRecipientKind = (typeof ALERT_RECIPIENTS)[number];

export const AlertRule = z.strictObject({
  channel: Code,
  /** Only incidents of these severities (default: all). */
  severities: z.array(IncidentSeverity).min(1).optional(),
  /** Whom it reaches (default `channel`). */
  to: z.enum(ALERT_RECIPIENTS).optional(),
  /** [AL21] Only incidents of these meetings (default: any, and incidents outside a meeting too). */
  meetings: z.array(Code).min(1).max(500).optional(),
  /** [AL21] Only incidents with a point in one of these units or below them (default: any). */
  units: z.array(Code).min(1).max(500).optional(),
  /**
   * [AL23] An escalation level: sent only when the incident is still not acknowledged this many
   * minutes after it was routed (default: sent at once).
   */
  escalateAfterMinutes: z.number().int().min(1).max(1440).optional(),
});
export type AlertRule = z.infer<typeof AlertRule>;

// inc lane (issue 17 point 3): how outages are grouped into incidents (docs/ALERTS.md "One incident per
// problem"); every field optional, defaults in shared/outage-groups.ts.
const Ms = (max: number) => z.number().int().min(0).max(max);
export const AlertGrouping = z.strictObject({
  /** Openings are collected this long after the first before one incident is sent (5 s). */
  holdMs: Ms(600_000).optional(),
  /** More than this share of a unit's points down together is the unit's line (0.5). */
  unitShare: z.number().gt(0).lt(1).optional(),
  /** A recovery is sent once the line has stayed up this long; a drop before continues the incident (10 s). */
  settleMs: Ms(3_600_000).optional(),
  /** This many drops of one point within flapWindowMs make it a flapping incident (3 in 10 min). */
  flapCount: z.number().int().min(2).max(100).optional(),
  flapWindowMs: Ms(86_400_000).optional(),
  /** A flapping incident ends once the line has stayed up this long (5 min). */
  flapQuietMs: Ms(86_400_000).optional(),
});
export type AlertGrouping = z.infer<typeof AlertGrouping>;

export const AlertsConfig = z
  .strictObject({
    /** How outages become incidents (inc lane). */
    grouping: AlertGrouping.optional(),
    /** The dashboard's address as people open it, for the links in messages (e.g. https://giamsat.example.vn). */
    baseUrl: HttpUrl.optional(),
    channels: z.array(AlertChannelConfig).max(100).default([]),
    rules: z.array(AlertRule).max(1000).default([]),
    /** Issue 17 point 4: the daily digest of incidents outside the meeting windows (docs/ALERTS.md). */
    digest: z
      .strictObject({
        /** HH:mm, Vietnam time. */
        at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:mm (24-hour), e.g. "07:00"'),
        channels: z.array(Code).min(1).max(100),
      })
      .optional(),
  })
  .superRefine((a, ctx) => {
    const seen = new Set<string>();
    a.channels.forEach((c, i) => {
      if (seen.has(c.id))
        ctx.addIssue({ code: 'custom', path: ['channels', i, 'id'], message: `duplicate channel id "${c.id}"` });
      seen.add(c.id);
      if (c.secretEnv !== undefined && c.secretFile !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['channels', i, 'secretEnv'],
          message: 'give secretEnv or secretFile, not both',
        });
      }
      const needs = c.kind === 'telegram' || c.kind === 'zalo';
      if (needs && c.secretEnv === undefined && c.secretFile === undefined) {
        const what = c.kind === 'telegram' ? 'the bot token' : 'the access token';
        ctx.addIssue({
          code: 'custom',
          path: ['channels', i],
          message: `${c.kind} needs secretEnv or secretFile (${what})`,
        });
      }
      if (c.kind === 'email' && c.smtp.user !== undefined && c.secretEnv === undefined && c.secretFile === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['channels', i, 'smtp', 'user'],
          message: 'smtp.user needs secretEnv or secretFile (its password)',
        });
      }
    });
    a.digest?.channels.forEach((c, i) => {
      if (!seen.has(c)) ctx.addIssue({ code: 'custom', path: ['digest', 'channels', i], message: `no channel "${c}"` });
    });
    a.rules.forEach((r, i) => {
      if (!seen.has(r.channel))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'channel'], message: `no channel "${r.channel}"` });
      const kind = a.channels.find((c) => c.id === r.channel)?.kind;
      if (kind === 'webhook' && r.to !== undefined && r.to !== 'channel') {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'to'],
          message: `a webhook reaches its own URL only: "to: ${r.to}" needs an email, telegram or zalo channel`,
        });
      }
    });
  });
export type AlertsConfig = z.infer<typeof AlertsConfig>;

/** `cancelled`: an escalation not sent because the incident was acknowledged or recovered first. */
export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A channel as the API shows it: where it sends, never its secret (GET /api/alerts/channels). */
export const AlertChannelView = z.object({
  id: z.string(),
  kind: z.enum(ALERT_CHANNEL_KINDS),
  language: z.enum(['vi', 'en']),
  /** Where it sends, with nothing secret in it (the Telegram token is not in it). */
  target: z.string(),
  secret: z.object({ source: z.enum(['env', 'file']), name: z.string() }).nullable(),
  retry: z.object({ maxAttempts: z.number(), baseMs: z.number(), maxMs: z.number() }),
  timeoutMs: z.number(),
});
export type AlertChannelView = z.infer<typeof AlertChannelView>;

export const AlertChannelList = z.object({ channels: z.array(AlertChannelView), rules: z.array(AlertRule) });
export type AlertChannelList = z.infer<typeof AlertChannelList>;

/** A line of the delivery log (GET /api/alerts/deliveries), with its attempts. */
export const DeliveryView = z.object({
  id: z.number(),
  channel: z.string(),
  incident: z.string(),
  incidentKind: z.enum(['open', 'recovered', 'test', 'ack']),
  /** Whom it went to: null for the channel's own target. */
  recipient: z.object({ name: z.string(), address: z.string() }).nullable(),
  /** 0: at once; n: the n-th escalation level. */
  level: z.number(),
  /** The incident's one-line summary. */
  text: z.string(),
  createdAt: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number(),
  maxAttempts: z.number(),
  nextAt: z.string().nullable(),
  lastError: z.string().nullable(),
  sentAt: z.string().nullable(),
  history: z.array(
    z.object({ n: z.number(), at: z.string(), ms: z.number(), ok: z.boolean(), error: z.string().nullable() }),
  ),
});
export type DeliveryView = z.infer<typeof DeliveryView>;
