// A probe target's identity and its words (docs/TARGETS.md). A target is what one engine probes: the
// room's line (ICMP, or a TCP port where ICMP is filtered) or its endpoint (the codec's SIP stack, a TCP
// port, a web platform, the codec's own API). Its id is kind + host + port (+ transport / path) + the
// agent that probes it, so one address may carry an ICMP line and a SIP endpoint side by side.

export const TARGET_KINDS = ['icmp', 'tcp', 'sip', 'http', 'videoos', 'roomos'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** The kinds that ask a codec for its call status (server/probe/codec/). */
export const CODEC_KINDS = ['videoos', 'roomos'] as const satisfies readonly TargetKind[];
export type CodecKind = (typeof CODEC_KINDS)[number];
export const isCodecKind = (k: TargetKind): k is CodecKind => k === 'videoos' || k === 'roomos';

export type TargetRole = 'primary' | 'backup' | 'endpoint';
/** What a target tells: the line (primary or backup) or the room's endpoint. */
export type TargetClass = 'line' | 'endpoint';

export type SipTransport = 'udp' | 'tcp' | 'tls';

/** The fields of a target that make its identity (the schema's Target satisfies this). */
export interface TargetIdentity {
  kind: TargetKind;
  host?: string;
  port?: number;
  transport?: SipTransport;
  url?: string;
  agent?: string | null;
}

/** `[v6]` for an IPv6 literal beside a port; names and IPv4 as they are. */
const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** The port a kind uses when none is written. */
export function defaultPort(kind: TargetKind, transport?: SipTransport): number | undefined {
  switch (kind) {
    case 'sip':
      return transport === 'tls' ? 5061 : 5060;
    case 'videoos':
    case 'roomos':
      return 443;
    default:
      return undefined;
  }
}

/**
 * The target's id: `icmp:10.0.0.1`, `tcp:10.0.0.1:1720`, `sip:udp:10.0.0.1:5060`,
 * `http:https://mcu.example/health`, `videoos:10.0.0.5:443`, and `…@AGENT` when an agent probes it.
 * Hosts are lower-cased (DNS names are case-insensitive), so `Room-1.local` and `room-1.local` are one.
 */
export function targetId(t: TargetIdentity): string {
  const host = (t.host ?? '').toLowerCase();
  let id: string;
  switch (t.kind) {
    case 'icmp':
      id = `icmp:${host}`;
      break;
    case 'tcp':
      id = `tcp:${hostPort(host, t.port ?? 0)}`;
      break;
    case 'sip': {
      const transport = t.transport ?? 'udp';
      id = `sip:${transport}:${hostPort(host, t.port ?? defaultPort('sip', transport)!)}`;
      break;
    }
    case 'http':
      id = `http:${t.url ?? ''}`;
      break;
    case 'videoos':
    case 'roomos':
      id = `${t.kind}:${hostPort(host, t.port ?? 443)}`;
      break;
  }
  return t.agent ? `${id}@${t.agent}` : id;
}

/** The host part of a target for display and grouping: the URL's host for `http`. */
export function targetHost(t: TargetIdentity): string {
  if (t.kind !== 'http') return t.host ?? '';
  try {
    return new URL(t.url ?? '').hostname.replace(/^\[|\]$/g, '');
  } catch {
    return '';
  }
}

const KIND_LABEL: Record<TargetKind, string> = {
  icmp: 'ICMP',
  tcp: 'TCP',
  sip: 'SIP',
  http: 'HTTP',
  videoos: 'Poly',
  roomos: 'Cisco',
};

/** Short technician's label: `ICMP 10.0.0.1`, `SIP/UDP 10.0.0.1:5060`, `TCP 10.0.0.1:1720`, `HTTP https://…`. */
export function targetLabel(t: TargetIdentity): string {
  const host = t.host ?? '';
  switch (t.kind) {
    case 'icmp':
      return `ICMP ${host}`;
    case 'tcp':
      return `TCP ${hostPort(host, t.port ?? 0)}`;
    case 'sip': {
      const transport = t.transport ?? 'udp';
      return `SIP/${transport.toUpperCase()} ${hostPort(host, t.port ?? defaultPort('sip', transport)!)}`;
    }
    case 'http':
      return `HTTP ${t.url ?? ''}`;
    default:
      return `${KIND_LABEL[t.kind]} ${hostPort(host, t.port ?? 443)}`;
  }
}

/**
 * Why a probe failed, as a stable code the dashboards translate (shared i18n `reason.*`); `detail`
 * beside it keeps the technical text (a SIP reason phrase, an errno, a certificate's date).
 */
export const PROBE_REASONS = [
  'timeout', // no answer within the probe's timeout
  'unreachable', // ICMP/route error: host or network unreachable
  'refused', // TCP RST: nothing listens on the port
  'reset', // the connection was cut before an answer
  'dns', // the name does not resolve
  'tls', // TLS handshake failed (not the certificate's date)
  'cert-expired', // the certificate's notAfter has passed
  'status', // HTTP status other than the expected one (or ≥ 500 when none is expected)
  'unavailable', // SIP 503 Service Unavailable
  'auth', // the codec refused the credentials
  'secret', // the credentials' reference (env variable, secrets file) does not resolve
  'protocol', // an answer that is not what the protocol says (garbage, wrong Call-ID…)
  'error', // anything else (detail says what)
  'no-contact', // the agent probing it is not heard (docs/AGENTS.md AG7): unknown, never down
] as const;
export type ProbeReason = (typeof PROBE_REASONS)[number];

/** One media channel a codec reports (received or sent), as the vendors' statistics give it. */
export interface MediaChannel {
  media: 'video' | 'audio' | 'content';
  direction: 'rx' | 'tx';
  /** kbit/s, null where the codec does not say. */
  rateKbps: number | null;
  /** Packet loss in percent over the codec's own window, null where it does not say. */
  lossPct: number | null;
  jitterMs: number | null;
}

/** What a codec says of its call (videoos/roomos probes). */
export interface CodecCall {
  inCall: boolean;
  /** The far end's URI or name (the MCU's conference), null when not in a call. */
  farEnd: string | null;
  channels: MediaChannel[];
}

/** The target named in a sentence: "địa chỉ 10.0.0.1" for an ICMP line, its label for the other kinds. */
export function targetWords(t: TargetIdentity): { vi: string; en: string } {
  if (t.kind === 'icmp') return { vi: `địa chỉ ${t.host ?? ''}`, en: `address ${t.host ?? ''}` };
  const label = targetLabel(t);
  return { vi: label, en: label };
}

/**
 * A target as the dashboards see it (snapshot head, point detail): what to show and how to match its
 * status, never a credential or its reference.
 */
export interface WireTarget {
  kind: TargetKind;
  /** The host (for `http`, the URL's host). */
  host: string;
  role: TargetRole;
  id: string;
  label: string;
}

export function toWireTarget(t: TargetIdentity & { role: TargetRole }): WireTarget {
  return { kind: t.kind, host: targetHost(t), role: t.role, id: targetId(t), label: targetLabel(t) };
}

/** [TG8] One target of a point with its own state, as the status API and the point's detail give it. */
export interface TargetStatusRow extends WireTarget {
  port: number | null;
  state: 'up' | 'degraded' | 'severe' | 'down' | 'unknown';
  rtt: number | null;
  reason: ProbeReason | null;
  /** SIP final response or HTTP status of the latest answer. */
  code: number | null;
  detail: string | null;
  /** HTTPS: the certificate's notAfter (wire instant). */
  certExpiresAt: string | null;
  /** Codec targets: the call as the codec last said it. */
  call: CodecCall | null;
}
