// Ground truth: what the lab did and when, as JSON lines — a `start` line with the topology, one
// `action` line per change (its instant taken after the ip/nft command returned) and a `summary`.
// Lines are appended synchronously, so a killed run still leaves everything up to its last action.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { toWireInstant } from '../../shared/time';

const Stamp = { t: z.number(), iso: z.string() };

export const TruthHost = z.object({
  id: z.string(),
  name: z.string(),
  hub: z.string(),
  address: z.string(),
  lossPercent: z.number(),
  delay: z.object({ ms: z.number(), jitterMs: z.number() }).nullable(),
});
export type TruthHost = z.infer<typeof TruthHost>;

export const TruthStart = z.object({
  type: z.literal('start'),
  ...Stamp,
  lab: z.string(),
  scenario: z.string(),
  durationS: z.number(),
  hubs: z.array(z.object({ id: z.string(), name: z.string(), netns: z.string(), prefix: z.string() })),
  hosts: z.array(TruthHost),
});

export const ACTIONS = ['link-down', 'link-up', 'host-down', 'host-up', 'loss'] as const;
export const TruthAction = z.object({
  type: z.literal('action'),
  ...Stamp,
  action: z.enum(ACTIONS),
  hub: z.string().optional(),
  host: z.string().optional(),
  percent: z.number().optional(),
  /** Host ids the action reached (all of a hub's hosts for a link). */
  hosts: z.array(z.string()),
  /** Offset in the timeline and the instant it was due; absent for actions applied by hand. */
  atMs: z.number().optional(),
  dueT: z.number().optional(),
  lagMs: z.number().optional(),
  entry: z.number().optional(),
  flap: z.number().optional(),
});

export const TruthSummary = z.object({
  type: z.literal('summary'),
  ...Stamp,
  startT: z.number(),
  actions: z.number(),
  aborted: z.boolean(),
  linksDown: z.array(z.string()),
  hostsDown: z.array(z.string()),
  maxLagMs: z.number(),
});

export const TruthLine = z.discriminatedUnion('type', [TruthStart, TruthAction, TruthSummary]);
export type TruthLine = z.infer<typeof TruthLine>;
export type TruthStart = z.infer<typeof TruthStart>;
export type TruthAction = z.infer<typeof TruthAction>;
export type TruthSummary = z.infer<typeof TruthSummary>;

/** Both forms of an instant every line carries: ms since the epoch, and ISO with the +07:00 offset. */
export const stamp = (t: number): { t: number; iso: string } => ({ t, iso: toWireInstant(t) });

/** Appends truth lines to a file (truncated when the writer is made). */
export class TruthWriter {
  constructor(readonly file: string) {
    writeFileSync(file, '');
  }
  write(line: TruthLine): void {
    appendFileSync(this.file, JSON.stringify(line) + '\n');
  }
}

export function parseTruth(text: string, source = 'truth'): TruthLine[] {
  return text
    .split('\n')
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l !== '')
    .map(([l, n]) => {
      const parsed = TruthLine.safeParse(JSON.parse(l));
      if (!parsed.success) throw new Error(`${source}:${n}: ${parsed.error.issues[0]?.message ?? 'invalid line'}`);
      return parsed.data;
    });
}

export const readTruth = (file: string): TruthLine[] => parseTruth(readFileSync(file, 'utf8'), file);

/** One interval in which a host did not answer at all, by the lab's own record. */
export interface ExpectedOutage {
  /** Host id, which is also the point code in the lab's inventory. */
  point: string;
  address: string;
  hub: string;
  start: number;
  /** null: still down when the run ended. */
  end: number | null;
  causes: ('link' | 'host')[];
}

export interface ExpectedSet {
  hosts: TruthHost[];
  outages: ExpectedOutage[];
  /** Hosts that ever had random loss (any percentage). */
  lossy: string[];
  /** Hosts with random loss of at most `lossyMaxPercent`, and no outage: no outage may be detected. */
  lossyOnly: string[];
  /** Hosts with heavier loss: the monitor may rightly call them down now and then. */
  heavyLoss: string[];
  delayed: string[];
  startT: number;
  endT: number;
  complete: boolean;
}

/**
 * Turns the truth into expected outages per host: a host is out while its hub's link is down or
 * it is down itself; overlapping causes merge into one interval, flaps give one interval per bounce.
 */
export function expectedFromTruth(lines: readonly TruthLine[], opts: { lossyMaxPercent?: number } = {}): ExpectedSet {
  const lossyMax = opts.lossyMaxPercent ?? 5;
  const start = lines.find((l): l is TruthStart => l.type === 'start');
  if (!start) throw new Error('truth has no start line');
  const summary = lines.find((l): l is TruthSummary => l.type === 'summary');
  const byId = new Map(start.hosts.map((h) => [h.id, h]));
  const linkDown = new Set<string>();
  const hostDown = new Set<string>();
  const maxLoss = new Map(start.hosts.map((h) => [h.id, h.lossPercent]));
  const open = new Map<string, ExpectedOutage>();
  const outages: ExpectedOutage[] = [];

  const causes = (h: TruthHost): ('link' | 'host')[] => [
    ...(linkDown.has(h.hub) ? (['link'] as const) : []),
    ...(hostDown.has(h.id) ? (['host'] as const) : []),
  ];
  const settle = (h: TruthHost, t: number): void => {
    const now = causes(h);
    const current = open.get(h.id);
    if (now.length > 0 && !current) {
      const o: ExpectedOutage = { point: h.id, address: h.address, hub: h.hub, start: t, end: null, causes: now };
      open.set(h.id, o);
      outages.push(o);
    } else if (now.length > 0 && current) {
      for (const c of now) if (!current.causes.includes(c)) current.causes.push(c);
    } else if (now.length === 0 && current) {
      current.end = t;
      open.delete(h.id);
    }
  };

  for (const line of lines) {
    if (line.type !== 'action') continue;
    if (line.action === 'link-down') linkDown.add(line.hub!);
    if (line.action === 'link-up') linkDown.delete(line.hub!);
    if (line.action === 'host-down') hostDown.add(line.host!);
    if (line.action === 'host-up') hostDown.delete(line.host!);
    if (line.action === 'loss') maxLoss.set(line.host!, Math.max(maxLoss.get(line.host!) ?? 0, line.percent ?? 0));
    for (const id of line.hosts) {
      const h = byId.get(id);
      if (h) settle(h, line.t);
    }
  }
  outages.sort((a, b) => a.start - b.start || a.point.localeCompare(b.point));
  const withOutage = new Set(outages.map((o) => o.point));
  const lossy = [...maxLoss].filter(([, p]) => p > 0).map(([id]) => id);
  const last = lines[lines.length - 1];
  return {
    hosts: start.hosts,
    outages,
    lossy,
    lossyOnly: lossy.filter((id) => (maxLoss.get(id) ?? 0) <= lossyMax && !withOutage.has(id)),
    heavyLoss: lossy.filter((id) => (maxLoss.get(id) ?? 0) > lossyMax),
    delayed: start.hosts.filter((h) => h.delay !== null).map((h) => h.id),
    startT: summary?.startT ?? start.t,
    endT: summary?.t ?? last?.t ?? start.t,
    complete: summary !== undefined,
  };
}
