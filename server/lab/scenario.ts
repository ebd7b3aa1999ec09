// The lab's scenario file: which hubs and hosts exist, and the timeline of faults to play.
// Parsing reports every problem with its path (`timeline[2].hub`) and reason; see docs/LAB.md.
import { z } from 'zod';
import YAML from 'yaml';
import { Code } from '../../shared/schemas';
import { generateScenario } from './generate';
import { LAB_PROVINCE, communeName, districtName } from './names';

export const MAX_HUBS = 256;
export const MAX_HOSTS_PER_HUB = 254;
const MAX_SECONDS = 7 * 24 * 3600;

const Seconds = z.number().min(0).max(MAX_SECONDS);
const Percent = z.number().min(0).max(100);

/**
 * How the responder spreads a host's replies over ms ± jitterMs (docs/LAB.md): `alternating` swings
 * to either side in turn (successive differences ≈ 1.6 × jitterMs, what the monitor calls jitter);
 * `uniform` draws independently, as netem does (differences ≈ 2/3 × jitterMs).
 */
export const DELAY_PROFILES = ['alternating', 'uniform'] as const;
export type DelayProfile = (typeof DELAY_PROFILES)[number];

export const HostSpec = z.strictObject({
  id: Code,
  name: z.string().min(1).max(200).optional(),
  /**
   * ICMP loss for the whole run, in percent: seeded per request by the user-space responder, which
   * logs every probe to the truth (for kernel-random loss, use a `loss` action at 0 s instead).
   */
  lossPercent: Percent.default(0),
  /** Replies held back by ms ± jitterMs, by a user-space responder. */
  delay: z
    .strictObject({
      ms: z.number().min(0).max(10_000),
      jitterMs: z.number().min(0).max(10_000).default(0),
      profile: z.enum(DELAY_PROFILES).default('alternating'),
    })
    .nullable()
    .optional(),
  /** A room endpoint: SIPp answering OPTIONS at the host's address, 5060/udp (docs/LAB.md). */
  endpoint: z.boolean().default(false),
});

export const HubSpec = z.strictObject({
  id: Code,
  name: z.string().min(1).max(200).optional(),
  /** kamailio in the hub's namespace, at its uplink address: the province's registrar / MCU front. */
  registrar: z.boolean().default(false),
  hosts: z.array(HostSpec).min(1).max(MAX_HOSTS_PER_HUB),
});

const Count = z.number().int().min(0).max(100_000).default(0);
export const GenerateSpec = z.strictObject({
  hubs: z.number().int().min(1).max(MAX_HUBS),
  hostsPerHub: z.number().int().min(1).max(MAX_HOSTS_PER_HUB),
  seed: z.number().int(),
  outages: Count,
  lossy: Count,
  delayed: Count,
  flapping: Count,
  /** Share of the hosts (0–1) that get a room endpoint. */
  endpoints: z.number().min(0).max(1).default(0),
});

const At = { at: Seconds };
export const TimelineEntry = z.discriminatedUnion('action', [
  z.strictObject({ ...At, action: z.enum(['link-down', 'link-up']), hub: Code }),
  z.strictObject({ ...At, action: z.enum(['host-down', 'host-up']), host: Code }),
  z.strictObject({ ...At, action: z.literal('loss'), host: Code, percent: Percent }),
  // The room's SIP stack: stopped, answering late, answering 503, back to 200 (the line is untouched).
  z.strictObject({ ...At, action: z.enum(['endpoint-down', 'endpoint-refuses', 'endpoint-up']), host: Code }),
  z.strictObject({ ...At, action: z.literal('endpoint-slow'), host: Code, delayMs: z.number().min(1).max(60_000) }),
  z
    .strictObject({
      ...At,
      action: z.literal('flap'),
      hub: Code.optional(),
      host: Code.optional(),
      everyS: z.number().min(0.1).max(MAX_SECONDS),
      forS: z.number().min(0.1).max(MAX_SECONDS),
    })
    .refine((f) => (f.hub === undefined) !== (f.host === undefined), { message: 'give exactly one of hub or host' }),
]);
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const ScenarioFile = z
  .strictObject({
    name: z.string().min(1).max(120).optional(),
    durationS: z.number().min(1).max(MAX_SECONDS).optional(),
    province: z.strictObject({ id: Code, name: z.string().min(1).max(200) }).optional(),
    hubs: z.array(HubSpec).min(1).max(MAX_HUBS).optional(),
    generate: GenerateSpec.optional(),
    timeline: z.array(TimelineEntry).default([]),
  })
  .refine((s) => (s.hubs === undefined) !== (s.generate === undefined), {
    message: 'give exactly one of hubs or generate',
    path: ['hubs'],
  });
export type ScenarioFile = z.input<typeof ScenarioFile>;

export interface LabDelay {
  ms: number;
  jitterMs: number;
  profile: DelayProfile;
}
export interface LabHostSpec {
  id: string;
  name: string;
  lossPercent: number;
  delay: LabDelay | null;
  /** Set (true) only for hosts with a room endpoint, so older scenarios read as before. */
  endpoint?: boolean;
}
export interface LabHubSpec {
  id: string;
  name: string;
  /** Set (true) only for hubs running a registrar. */
  registrar?: boolean;
  hosts: LabHostSpec[];
}
/** A scenario with every default filled in: what the lab runs. */
export interface Scenario {
  name: string;
  durationS: number;
  province: { id: string; name: string };
  hubs: LabHubSpec[];
  timeline: TimelineEntry[];
}

export interface ScenarioIssue {
  path: string;
  message: string;
}

export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(
    readonly issues: ScenarioIssue[],
    readonly source = 'scenario',
  ) {
    super(
      `${source}: kịch bản không hợp lệ (invalid scenario)\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
    );
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(root)';
}

export const ENDPOINT_ACTIONS = ['endpoint-down', 'endpoint-slow', 'endpoint-refuses', 'endpoint-up'] as const;
export type EndpointAction = (typeof ENDPOINT_ACTIONS)[number];
export const isEndpointAction = (a: string): a is EndpointAction => (ENDPOINT_ACTIONS as readonly string[]).includes(a);

/** One fault applied at an instant: a timeline with its flaps unrolled. */
export interface PlannedAction {
  atMs: number;
  action: 'link-down' | 'link-up' | 'host-down' | 'host-up' | 'loss' | EndpointAction;
  hub?: string;
  host?: string;
  percent?: number;
  /** endpoint-slow: how late the endpoint answers. */
  delayMs?: number;
  /** Index of the timeline entry this came from. */
  entry: number;
  /** For a flap: which bounce (0 = first down). */
  flap?: number;
}

/** Parses scenario YAML (or JSON) text. */
export function parseScenarioText(text: string, source = 'scenario'): Scenario {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((e) => ({
        path: e.linePos ? `dòng ${e.linePos[0].line}, cột ${e.linePos[0].col}` : '(yaml)',
        message: (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ''),
      })),
      source,
    );
  }
  return parseScenario(doc.toJS(), source);
}

/** Validates a scenario object, fills in names and defaults, and checks every reference. */
export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const parsed = ScenarioFile.safeParse(input);
  if (!parsed.success) {
    throw new ScenarioError(
      parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
      source,
    );
  }
  const file = parsed.data;
  let hubs: LabHubSpec[];
  let timeline = file.timeline;
  if (file.generate) {
    const { hubs: hubCount, hostsPerHub, ...rest } = file.generate;
    let g: Scenario;
    try {
      g = generateScenario({
        ...rest,
        hubs: hubCount,
        hosts: hubCount * hostsPerHub,
        durationS: file.durationS ?? 120,
      });
    } catch (err) {
      throw new ScenarioError([{ path: 'generate', message: (err as Error).message }], source);
    }
    hubs = g.hubs;
    timeline = [...g.timeline, ...timeline];
  } else {
    // The n-th host of the lab, named or not, takes the n-th made-up name: one given in the list's
    // order (as in the examples) is then never repeated for an unnamed neighbour.
    let commune = 0;
    hubs = (file.hubs ?? []).map((h, i) => ({
      id: h.id,
      name: h.name ?? districtName(i),
      ...(h.registrar ? { registrar: true } : {}),
      hosts: h.hosts.map((host) => {
        const n = commune++;
        const delay = host.delay
          ? { ms: host.delay.ms, jitterMs: host.delay.jitterMs, profile: host.delay.profile }
          : null;
        return {
          id: host.id,
          name: host.name ?? communeName(n),
          lossPercent: host.lossPercent,
          delay,
          ...(host.endpoint ? { endpoint: true } : {}),
        };
      }),
    }));
  }
  const scenario: Scenario = {
    name: file.name ?? 'lab',
    durationS: file.durationS ?? (file.generate ? 120 : 0),
    province: file.province ?? { ...LAB_PROVINCE },
    hubs,
    timeline,
  };
  const issues = checkReferences(scenario);
  if (issues.length > 0) throw new ScenarioError(issues, source);
  const end = expandTimeline(scenario).reduce((m, a) => Math.max(m, a.atMs), 0);
  // A generator block runs for its own default; otherwise run 10 s past the last action.
  if (file.durationS === undefined && !file.generate) scenario.durationS = Math.ceil(end / 1000) + 10;
  else if (end > scenario.durationS * 1000) {
    throw new ScenarioError(
      [{ path: 'durationS', message: `the timeline runs to ${end / 1000} s, past durationS` }],
      source,
    );
  }
  return scenario;
}

export function checkReferences(s: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const hubIds = new Set<string>();
  const hostIds = new Set<string>();
  const endpoints = new Set(s.hubs.flatMap((h) => h.hosts.filter((x) => x.endpoint).map((x) => x.id)));
  s.hubs.forEach((hub, i) => {
    if (hubIds.has(hub.id)) issues.push({ path: `hubs[${i}].id`, message: `duplicate hub id "${hub.id}"` });
    hubIds.add(hub.id);
    hub.hosts.forEach((host, j) => {
      // Host ids become point codes: unique across the whole lab, not just the hub.
      if (hostIds.has(host.id))
        issues.push({ path: `hubs[${i}].hosts[${j}].id`, message: `duplicate host id "${host.id}"` });
      hostIds.add(host.id);
    });
  });
  s.timeline.forEach((e, i) => {
    if ('hub' in e && e.hub !== undefined && !hubIds.has(e.hub)) {
      issues.push({ path: `timeline[${i}].hub`, message: `no hub "${e.hub}"` });
    }
    if ('host' in e && e.host !== undefined && !hostIds.has(e.host)) {
      issues.push({ path: `timeline[${i}].host`, message: `no host "${e.host}"` });
    } else if (isEndpointAction(e.action) && 'host' in e && !endpoints.has(e.host!)) {
      issues.push({ path: `timeline[${i}].host`, message: `host "${e.host}" has no endpoint (endpoint: true)` });
    }
  });
  return issues;
}

/** The timeline as single actions in time order (flaps unrolled into down/up pairs, ending up). */
export function expandTimeline(s: Pick<Scenario, 'timeline'>): PlannedAction[] {
  const out: PlannedAction[] = [];
  s.timeline.forEach((e, entry) => {
    const atMs = Math.round(e.at * 1000);
    if (e.action !== 'flap') {
      const a: PlannedAction = { atMs, action: e.action, entry };
      if ('hub' in e) a.hub = e.hub;
      if ('host' in e) a.host = e.host;
      if ('percent' in e) a.percent = e.percent;
      if ('delayMs' in e) a.delayMs = e.delayMs;
      out.push(a);
      return;
    }
    const every = Math.round(e.everyS * 1000);
    const end = atMs + Math.round(e.forS * 1000);
    const subject = e.hub !== undefined ? { hub: e.hub } : { host: e.host! };
    const kind = e.hub !== undefined ? 'link' : 'host';
    let k = 0;
    for (let t = atMs; t < end; t += every, k++) {
      out.push({ atMs: t, action: k % 2 === 0 ? `${kind}-down` : `${kind}-up`, ...subject, entry, flap: k });
    }
    if (k % 2 === 1) out.push({ atMs: end, action: `${kind}-up`, ...subject, entry, flap: k });
  });
  // Stable: actions at the same instant keep their file order.
  return out
    .map((a, i) => ({ a, i }))
    .sort((x, y) => x.a.atMs - y.a.atMs || x.i - y.i)
    .map((x) => x.a);
}
