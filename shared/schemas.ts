// Domain schemas shared by server and client. Every payload that crosses a boundary is parsed by one
// of these; the TypeScript types are inferred from them.
import { z } from 'zod';
import { AlertsConfig, Email, TelegramChat, ZaloUser } from './alerts';
import { hostProblemWords } from './host';
import { ReportSettings } from './report-settings';
import { TARGET_KINDS, isCodecKind } from './targets';
import { cleanText } from './text';

export const LEVELS = ['province', 'district', 'commune'] as const;
export const Level = z.enum(LEVELS);
export type Level = z.infer<typeof Level>;

export const POINT_STATES = ['up', 'degraded', 'severe', 'down', 'unknown'] as const;
export const PointState = z.enum(POINT_STATES);
export type PointState = z.infer<typeof PointState>;

export const PHASES = ['scheduled', 'lineTest', 'waiting', 'live', 'ended'] as const;
export const Phase = z.enum(PHASES);
export type Phase = z.infer<typeof Phase>;

export const OUTAGE_TYPES = ['down', 'severe'] as const;
export const OutageType = z.enum(OUTAGE_TYPES);
export type OutageType = z.infer<typeof OutageType>;

/** Codes and ids: short, stable, safe in URLs and file names. */
export const Code = z
  .string()
  .min(1)
  .max(64)
  .refine((s) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(s), {
    message: 'mã chỉ gồm chữ không dấu, số, “.”, “_” và “-” (không có dấu cách)',
    params: { en: 'use letters, digits, ".", "_" and "-" (no spaces)' },
  });

/**
 * Human-readable text of the inventory (names, titles, rooms, addresses, contacts): normalised or
 * refused by the one rule of shared/text.ts; `max` counts the normalised text.
 */
export function Text(max: number) {
  return z.string().transform((raw, ctx) => cleanOrIssue(raw, max, ctx, false) ?? z.NEVER);
}

/**
 * An optional text field: the same rule, but empty or all spaces means "none" (undefined), as a sheet
 * cannot tell an empty room from no room and earlier versions stored "".
 */
export function OptionalText(max: number) {
  return z
    .string()
    .transform((raw, ctx) => cleanOrIssue(raw, max, ctx, true))
    .optional();
}

function cleanOrIssue(
  raw: string,
  max: number,
  ctx: { addIssue: (i: { code: 'custom'; message: string; params: { en: string } }) => void },
  blankIsNone: boolean,
): string | undefined {
  const r = cleanText(raw);
  if (!r.ok) {
    if (!(r.blank && blankIsNone)) ctx.addIssue({ code: 'custom', message: r.reason, params: { en: r.reasonEn } });
    return undefined;
  }
  if (r.text.length > max) {
    ctx.addIssue({
      code: 'custom',
      message: `dài ${r.text.length} ký tự, tối đa ${max}`,
      params: { en: `${r.text.length} characters long, at most ${max}` },
    });
    return undefined;
  }
  return r.text;
}

/** An instant on the wire: ISO 8601 with an explicit offset (Z or ±hh:mm). */
export const Instant = z.iso.datetime({ offset: true });

export const Host = z.string().superRefine((host, ctx) => {
  const problem = hostProblemWords(host);
  if (problem) ctx.addIssue({ code: 'custom', message: problem.vi, params: { en: problem.en } });
});

const Port = z.number().int().min(1).max(65535);

/**
 * Where a codec's password lives: an environment variable of the monitor's process, or a file of
 * secrets (a YAML/JSON map, `key` its entry; without `key` the whole file, trimmed, is the secret).
 * The inventory holds only the reference: the API, exports and logs never see the secret itself.
 */
export const SecretRef = z.union([
  z.strictObject({
    env: z.string().refine((v) => /^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(v), {
      message: 'tên biến môi trường chỉ gồm chữ cái không dấu, chữ số và “_”, không bắt đầu bằng chữ số',
      params: { en: 'an environment variable name has letters, digits and "_", and does not start with a digit' },
    }),
  }),
  z.strictObject({ file: z.string().min(1).max(1024), key: z.string().min(1).max(200).optional() }),
]);
export type SecretRef = z.infer<typeof SecretRef>;

/**
 * A remote probe agent's name (docs/AGENTS.md): `agent: NAME` on a unit (inherited by its descendants),
 * a point or a target says which agent probes it; none means the centre's own engines.
 */
export const AgentName = z
  .string()
  .min(1)
  .max(64)
  .refine((s) => /^[a-z0-9][a-z0-9._-]*$/.test(s), {
    message: 'tên trạm đo chỉ gồm chữ thường không dấu, số, “.”, “_” và “-”',
    params: { en: 'an agent name has lower-case letters, digits, ".", "_" and "-"' },
  });

/** The room's line by ICMP echo (fping): primary, or the backup line. */
export const IcmpTarget = z.strictObject({
  kind: z.literal('icmp'),
  host: Host,
  role: z.enum(['primary', 'backup']).default('primary'),
  agent: AgentName.optional(),
});
/** A TCP connect: H.323 call signalling 1720, SIP over TCP/TLS 5060/5061, HTTPS 443. */
export const TcpTarget = z.strictObject({
  kind: z.literal('tcp'),
  host: Host,
  port: Port,
  role: z.enum(['primary', 'backup', 'endpoint']).default('endpoint'),
  agent: AgentName.optional(),
});
/** SIP OPTIONS to the room's codec (or its registrar): any final reply but 503 proves a live stack. */
export const SipTarget = z.strictObject({
  kind: z.literal('sip'),
  host: Host,
  port: Port.optional(),
  transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
  role: z.literal('endpoint').default('endpoint'),
  agent: AgentName.optional(),
});
/** HTTP(S): status, latency and, over TLS, the certificate's expiry. */
export const HttpTarget = z.strictObject({
  kind: z.literal('http'),
  url: z
    .string()
    .max(2048)
    .refine((u) => /^https?:\/\/[^\s]+$/.test(u) && URL.canParse(u), {
      message: 'địa chỉ web phải là http:// hoặc https://',
      params: { en: 'must be an http:// or https:// URL' },
    })
    .refine((u) => !URL.canParse(u) || (new URL(u).username === '' && new URL(u).password === ''), {
      // A password in the URL would be returned by the API and exported: credentials go by reference.
      message: 'không ghi tên đăng nhập hay mật khẩu trong địa chỉ web',
      params: { en: 'no user name or password in the URL' },
    }),
  /** The status that means "up"; without it any status below 500 does. */
  expect: z.number().int().min(100).max(599).optional(),
  role: z.literal('endpoint').default('endpoint'),
  agent: AgentName.optional(),
});
/** The codec's own API: Poly VideoOS REST or Cisco RoomOS xAPI (call status, media statistics). */
const CodecTargetFields = {
  host: Host,
  port: Port.optional(),
  user: z.string().min(1).max(120),
  password: SecretRef,
  /** Check the codec's certificate (codecs ship self-signed ones: off unless asked). */
  verifyTls: z.boolean().default(false),
  role: z.literal('endpoint').default('endpoint'),
  agent: AgentName.optional(),
};
export const VideoOsTarget = z.strictObject({ kind: z.literal('videoos'), ...CodecTargetFields });
export const RoomOsTarget = z.strictObject({ kind: z.literal('roomos'), ...CodecTargetFields });

export const Target = z.discriminatedUnion('kind', [
  IcmpTarget,
  TcpTarget,
  SipTarget,
  HttpTarget,
  VideoOsTarget,
  RoomOsTarget,
]);
export type Target = z.infer<typeof Target>;

export const Contact = z.strictObject({
  name: Text(120),
  role: z.enum(['technician', 'leader', 'other']).default('technician'),
  phone: z
    .string()
    .max(32)
    .refine((s) => /^\+?[0-9 .()-]{3,}$/.test(s), {
      message: 'số điện thoại chỉ gồm chữ số, dấu cách, “.”, “-”, “(”, “)” và dấu “+” ở đầu',
      params: { en: 'a phone number may hold digits, spaces, ".", "-", "(", ")" and a leading "+"' },
    })
    .optional(),
  organization: OptionalText(200),
  /** [AL20] Where alert channels reach this person: an e-mail address, a Telegram chat, a Zalo follower id. */
  email: Email.optional(),
  telegram: TelegramChat.optional(),
  zalo: ZaloUser.optional(),
});
export type Contact = z.infer<typeof Contact>;

export const Unit = z.strictObject({
  id: Code,
  name: Text(200),
  level: Level,
  parent: Code.nullable().default(null),
  /** The agent that probes this unit's points and its descendants' (docs/AGENTS.md). */
  agent: AgentName.optional(),
});
export type Unit = z.infer<typeof Unit>;

export const Point = z
  .strictObject({
    code: Code,
    name: Text(200),
    level: Level,
    unit: Code,
    room: OptionalText(200),
    address: OptionalText(300),
    targets: z.array(Target).min(1).max(8),
    contacts: z.array(Contact).max(20).default([]),
    /** The agent that probes this point's targets (over its unit's). */
    agent: AgentName.optional(),
  })
  .superRefine((p, ctx) => {
    const primaries = p.targets.filter((t) => t.role === 'primary').length;
    if (primaries !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['targets'],
        message: `cần đúng một đường truyền chính (role: primary), đang có ${primaries}`,
        params: { en: `needs exactly one primary target, has ${primaries}` },
      });
    }
    const codecs = p.targets.filter((t) => isCodecKind(t.kind)).length;
    if (codecs > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['targets'],
        message: `một điểm cầu chỉ khai báo một thiết bị đầu cuối (videoos/roomos), đang có ${codecs}`,
        params: { en: `a point declares at most one codec (videoos/roomos), has ${codecs}` },
      });
    }
  });
export type Point = z.infer<typeof Point>;

export const Participants = z.strictObject({
  /** Every point of these levels… */
  levels: z.array(Level).default([]),
  /** …restricted to these units and their descendants (all units when empty)… */
  units: z.array(Code).default([]),
  /** …plus these points by code. */
  points: z.array(Code).default([]),
});
export type Participants = z.infer<typeof Participants>;

export const Meeting = z
  .strictObject({
    id: Code,
    title: Text(300),
    host: Code.nullable().default(null),
    lineTest: z.strictObject({
      start: Instant,
      durationMin: z
        .number()
        .int()
        .min(1)
        .max(24 * 60),
    }),
    session: z.strictObject({ start: Instant, plannedEnd: Instant }),
    participants: Participants,
  })
  .superRefine((m, ctx) => {
    const lineTestEnd = Date.parse(m.lineTest.start) + m.lineTest.durationMin * 60_000;
    if (Date.parse(m.session.plannedEnd) <= Date.parse(m.session.start)) {
      ctx.addIssue({
        code: 'custom',
        path: ['session', 'plannedEnd'],
        message: 'giờ kết thúc phải sau giờ bắt đầu họp (session.start)',
        params: { en: 'must be after session.start' },
      });
    }
    if (lineTestEnd > Date.parse(m.session.start)) {
      ctx.addIssue({
        code: 'custom',
        path: ['lineTest'],
        message: 'chạy thử đường truyền phải kết thúc trước giờ họp chính thức',
        params: { en: 'the line test must end before the session starts' },
      });
    }
  });
export type Meeting = z.infer<typeof Meeting>;

/** The versionable inventory file (YAML or JSON). */
export const InventoryFile = z.strictObject({
  units: z.array(Unit).default([]),
  points: z.array(Point).default([]),
  meetings: z.array(Meeting).default([]),
  /** Who issues the report PDF (shared/report-settings.ts); the admin page's saved settings win. */
  report: ReportSettings.optional(),
  /** Alert channels and rules (docs/ALERTS.md). */
  alerts: AlertsConfig.optional(),
});
export type InventoryFile = z.infer<typeof InventoryFile>;

/** A point's live status, as served by REST and pushed over the socket. */
export const PointStatus = z.object({
  code: Code,
  state: PointState,
  /** Last round-trip time of the primary target in ms, null when the last probe was lost. */
  rtt: z.number().nullable(),
  /** Loss over the loss window, in percent (0–100). */
  loss: z.number().nullable(),
  /** Mean absolute difference of successive RTTs over the jitter window, in ms. */
  jitter: z.number().nullable(),
  /** When the point entered its current state. */
  since: Instant.nullable(),
  /** State of the backup line, when the point has one. */
  backup: PointState.nullable().default(null),
  /**
   * [TG5] State of the room's endpoint (its SIP / TCP / HTTP / codec targets), when it has any: "up"
   * while the line is up and the endpoint is down is the state of its own "line up, endpoint not
   * answering"; unknown while the line is down (nothing behind a cut line can answer).
   */
  endpoint: PointState.nullable().default(null),
  /** [TG6] In the call, as the codec says (true / false); null where no codec is asked or it cannot say. */
  inCall: z.boolean().nullable().default(null),
});
export type PointStatus = z.infer<typeof PointStatus>;

export const Outage = z.object({
  id: z.number().int(),
  point: Code,
  meeting: Code.nullable(),
  type: OutageType,
  /** [TG7] What failed: the line (ICMP primary) or the room's endpoint (SIP / TCP / HTTP / codec). */
  class: z.enum(['line', 'endpoint']).default('line'),
  /** The target whose failure it is (targetId) and its kind; null for records older than targets' ids. */
  target: z.string().nullable().default(null),
  kind: z.enum(TARGET_KINDS).nullable().default(null),
  phase: Phase.nullable(),
  startedAt: Instant,
  detectedAt: Instant,
  endedAt: Instant.nullable(),
});
export type Outage = z.infer<typeof Outage>;

/** A 10 s rollup of one target's probes. */
export const Sample = z.object({
  point: Code,
  /** The target's id (shared/targets.ts targetId). */
  target: z.string(),
  t: Instant,
  sent: z.number().int(),
  received: z.number().int(),
  rttMin: z.number().nullable(),
  rttAvg: z.number().nullable(),
  rttMax: z.number().nullable(),
  jitter: z.number().nullable(),
});
export type Sample = z.infer<typeof Sample>;
