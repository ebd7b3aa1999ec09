// A point as the editor holds it: strings where the admin types (a port being typed is not a number
// yet), every kind's fields kept while the kind picker changes. `pointFromDraft` builds the body the
// server parses; the server is the one judge of what is valid, its issues come back per field.
import type { InvitationContact } from '../../../../shared/invitation';
import type { Contact, Level, Point, Target } from '../../../../shared/schemas';
import type { SipTransport, TargetKind, TargetRole } from '../../../../shared/targets';

export interface TargetDraft {
  kind: TargetKind;
  role: TargetRole;
  host: string;
  port: string;
  transport: SipTransport;
  url: string;
  expect: string;
  user: string;
  passwordFrom: 'env' | 'file';
  env: string;
  file: string;
  key: string;
  verifyTls: boolean;
  /** The remote probe agent of this target alone ('' = the point's); not edited here, kept as it was. */
  agent: string;
}

/** ContactsEditor edits name, organization and phone; it spreads each contact, so the rest rides along. */
export type ContactDraft = InvitationContact & Partial<Pick<Contact, 'role' | 'email' | 'telegram' | 'zalo'>>;

export interface PointDraft {
  code: string;
  name: string;
  level: Level;
  unit: string;
  room: string;
  address: string;
  targets: TargetDraft[];
  contacts: ContactDraft[];
  /** [AG1] The remote probe agent ("Trạm đo"); '' = its unit's, or the centre's own engines. */
  agent: string;
}

/** The roles each kind may take (shared/schemas.ts): ICMP is a line, SIP/HTTP/codecs are the endpoint. */
export const ROLES_OF: Record<TargetKind, readonly TargetRole[]> = {
  icmp: ['primary', 'backup'],
  tcp: ['primary', 'backup', 'endpoint'],
  sip: ['endpoint'],
  http: ['endpoint'],
  videoos: ['endpoint'],
  roomos: ['endpoint'],
};

const BLANK_TARGET: TargetDraft = {
  kind: 'icmp',
  role: 'primary',
  host: '',
  port: '',
  transport: 'udp',
  url: '',
  expect: '',
  user: '',
  passwordFrom: 'env',
  env: '',
  file: '',
  key: '',
  verifyTls: false,
  agent: '',
};

/** A new row: the primary line when the point has none yet, else a backup line. */
export function newTarget(existing: readonly TargetDraft[]): TargetDraft {
  return { ...BLANK_TARGET, role: existing.some((t) => t.role === 'primary') ? 'backup' : 'primary' };
}

/** A kind change keeps what was typed; a role the new kind cannot take becomes its first. */
export function withKind(t: TargetDraft, kind: TargetKind): TargetDraft {
  const roles = ROLES_OF[kind];
  return { ...t, kind, role: roles.includes(t.role) ? t.role : roles[0]! };
}

export function draftOfTarget(t: Target): TargetDraft {
  const d: TargetDraft = { ...BLANK_TARGET, kind: t.kind, role: t.role, agent: t.agent ?? '' };
  switch (t.kind) {
    case 'icmp':
      return { ...d, host: t.host };
    case 'tcp':
      return { ...d, host: t.host, port: String(t.port) };
    case 'sip':
      return { ...d, host: t.host, port: t.port === undefined ? '' : String(t.port), transport: t.transport };
    case 'http':
      return { ...d, url: t.url, expect: t.expect === undefined ? '' : String(t.expect) };
    case 'videoos':
    case 'roomos': {
      const codec = {
        ...d,
        host: t.host,
        port: t.port === undefined ? '' : String(t.port),
        user: t.user,
        verifyTls: t.verifyTls,
      };
      const pw = t.password;
      return 'env' in pw
        ? { ...codec, passwordFrom: 'env', env: pw.env }
        : { ...codec, passwordFrom: 'file', file: pw.file, key: pw.key ?? '' };
    }
  }
}

export function draftOfPoint(p: Point): PointDraft {
  return {
    code: p.code,
    name: p.name,
    level: p.level,
    unit: p.unit,
    room: p.room ?? '',
    address: p.address ?? '',
    agent: p.agent ?? '',
    targets: p.targets.map(draftOfTarget),
    contacts: p.contacts.map(({ name, organization, phone, ...rest }) => ({
      ...rest,
      name,
      organization: organization ?? null,
      phone: phone ?? null,
    })),
  };
}

export function emptyDraft(): PointDraft {
  return {
    code: '',
    name: '',
    level: 'commune',
    unit: '',
    room: '',
    address: '',
    targets: [newTarget([])],
    contacts: [],
    agent: '',
  };
}

/** A typed number as a number; anything else goes as typed so the server names the field. */
function numberOrRaw(s: string): number | string | undefined {
  const v = s.trim();
  if (v === '') return undefined;
  return /^-?\d+$/.test(v) ? Number(v) : v;
}

const optional = (s: string): string | undefined => (s.trim() === '' ? undefined : s);

/** The wire target of a row: only the fields of its kind (the schema is strict). */
export function targetOfDraft(t: TargetDraft): Record<string, unknown> {
  const agent = optional(t.agent.trim());
  return agent === undefined ? fieldsOfKind(t) : { ...fieldsOfKind(t), agent };
}

function fieldsOfKind(t: TargetDraft): Record<string, unknown> {
  const port = numberOrRaw(t.port);
  switch (t.kind) {
    case 'icmp':
      return { kind: 'icmp', host: t.host.trim(), role: t.role };
    case 'tcp':
      return { kind: 'tcp', host: t.host.trim(), port, role: t.role };
    case 'sip':
      return { kind: 'sip', host: t.host.trim(), port, transport: t.transport, role: t.role };
    case 'http':
      return { kind: 'http', url: t.url.trim(), expect: numberOrRaw(t.expect), role: t.role };
    case 'videoos':
    case 'roomos':
      return {
        kind: t.kind,
        host: t.host.trim(),
        port,
        user: t.user.trim(),
        password:
          t.passwordFrom === 'env'
            ? { env: t.env.trim() }
            : { file: t.file.trim(), ...(t.key.trim() === '' ? {} : { key: t.key.trim() }) },
        verifyTls: t.verifyTls,
        role: t.role,
      };
  }
}

function contactOfDraft(c: ContactDraft): Record<string, unknown> {
  const { name, organization, phone, ...rest } = c;
  return {
    ...rest,
    name,
    organization: organization === null ? undefined : optional(organization),
    phone: phone === null ? undefined : optional(phone),
  };
}

/** The request body for POST/PUT /api/points (undefined fields vanish in JSON). */
export function pointOfDraft(d: PointDraft): Record<string, unknown> {
  return {
    code: d.code.trim(),
    name: d.name,
    level: d.level,
    unit: d.unit,
    room: optional(d.room),
    address: optional(d.address),
    targets: d.targets.map(targetOfDraft),
    contacts: d.contacts.map(contactOfDraft),
    agent: optional(d.agent.trim()),
  };
}

/** Field errors keyed by the point's own path (`targets[1].port`, `name`). */
export type FieldErrors = Record<string, string>;

/**
 * The server's field errors keyed by the point's own path: the schema answers `targets[1].port`, the
 * whole-inventory check `points[HT-01].targets[1].host`; both land on the same field.
 */
export function pointFieldErrors(fields: Record<string, string>): FieldErrors {
  const out: FieldErrors = {};
  for (const [path, message] of Object.entries(fields)) {
    const key = path.replace(/^points\[[^\]]*\]\.?/, '') || '(root)';
    out[key] = out[key] ? `${out[key]}; ${message}` : message;
  }
  return out;
}

/** The messages at `path` and below it (`targets[0].password` holds `targets[0].password.env`). */
export function errorsAt(errors: FieldErrors, path: string): string | undefined {
  const hits = Object.entries(errors)
    .filter(([k]) => k === path || k.startsWith(`${path}.`) || k.startsWith(`${path}[`))
    .map(([, m]) => m);
  return hits.length === 0 ? undefined : hits.join('; ');
}

/** The field paths the editor shows in place; anything else is listed at the top of the form. */
export function placedPath(path: string): boolean {
  return (
    /^(code|name|level|unit|room|address|agent|targets|contacts)$/.test(path) ||
    /^targets\[\d+\]$/.test(path) ||
    /^targets\[\d+\]\.(kind|role|host|port|transport|url|expect|user|password|verifyTls)(\.|$)/.test(path) ||
    /^contacts\[\d+\]/.test(path)
  );
}
