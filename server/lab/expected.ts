// What the monitor should have recorded, worked out from the ground truth alone.
//
// A host is out while its hub's link is down or it is down itself (overlapping causes merge, each
// bounce of a flap is its own interval). For hosts with seeded loss the truth also holds every probe
// that reached the responder, answered or dropped, so their outages follow the monitor's rule
// exactly (docs/SPEC.md ST1–ST3): down after `downAfter` lost probes in a row — drops, and a cut
// counts as lost probes — from the first of them; up again at the first of `upAfter` replies in a row.
import type { TruthHost, TruthLine, TruthProbe, TruthStart, TruthSummary } from './truth';

/** One interval in which a host did not answer at all, by the lab's own record. */
export interface ExpectedOutage {
  /** Host id, which is also the point code in the lab's inventory. */
  point: string;
  address: string;
  hub: string;
  start: number;
  /** null: still down when the record ends. */
  end: number | null;
  /**
   * `loss`: consecutive seeded drops (alone, or run into a cut); `endpoint`: the room's endpoint
   * (from `endpointOutages`, never among the line's).
   */
  causes: ('link' | 'host' | 'loss' | 'endpoint')[];
}

/**
 * A span in which a host's room endpoint did not answer normally (endpoint actions only): `down` and
 * `refuses` (503) are endpoint outages; `slow` is one only if `delayMs` exceeds the probe's timeout.
 * Line cuts are not here: a cut line is a line outage only.
 */
export interface EndpointFault {
  point: string;
  address: string;
  mode: 'down' | 'refuses' | 'slow';
  delayMs?: number;
  start: number;
  /** null: still so when the record ends. */
  end: number | null;
}

export interface ExpectedSet {
  hosts: TruthHost[];
  /** Line outages (the ICMP target): cuts, power cuts, runs of drops. */
  outages: ExpectedOutage[];
  endpointFaults: EndpointFault[];
  /** Hosts that ever had loss (seeded or kernel-random, any percentage). */
  lossy: string[];
  /** Hosts with loss of at most `lossyMaxPercent` and no cut: no outage but their drop runs may be detected. */
  lossyOnly: string[];
  /** Heavier loss whose drops the truth does not know (kernel-random): the monitor may rightly call them down. */
  heavyLoss: string[];
  /** Hosts whose every probe is in the truth (seeded loss, logged). */
  probed: string[];
  delayed: string[];
  startT: number;
  endT: number;
  complete: boolean;
}

export interface ExpectOptions {
  /** Loss up to this percentage is "light" (default 5). */
  lossyMaxPercent?: number;
  /** The monitor's rule (default 3 and 3). */
  downAfter?: number;
  upAfter?: number;
}

type Cause = ExpectedOutage['causes'][number];

export function expectedFromTruth(lines: readonly TruthLine[], opts: ExpectOptions = {}): ExpectedSet {
  const lossyMax = opts.lossyMaxPercent ?? 5;
  const start = lines.find((l): l is TruthStart => l.type === 'start');
  if (!start) throw new Error('truth has no start line');
  const summary = lines.find((l): l is TruthSummary => l.type === 'summary');
  const cuts = cutIntervals(start, lines);
  const kernelLoss = new Map<string, number>();
  for (const l of lines) {
    if (l.type === 'action' && l.action === 'loss') {
      kernelLoss.set(l.host!, Math.max(kernelLoss.get(l.host!) ?? 0, l.percent ?? 0));
    }
  }
  const probes = new Map<string, TruthProbe[]>();
  for (const l of lines) if (l.type === 'probe') probes.set(l.host, [...(probes.get(l.host) ?? []), l]);

  const outages: ExpectedOutage[] = [];
  for (const h of start.hosts) {
    const own = cuts.filter((c) => c.point === h.id);
    const seen = probes.get(h.id);
    outages.push(...(seen ? withProbes(h, own, seen, opts.downAfter ?? 3, opts.upAfter ?? 3) : own));
  }
  outages.sort((a, b) => a.start - b.start || a.point.localeCompare(b.point));

  const cut = new Set(outages.filter((o) => o.causes.some((c) => c !== 'loss')).map((o) => o.point));
  const loss = (h: TruthHost): number => h.lossPercent + (kernelLoss.get(h.id) ?? 0);
  const lossy = start.hosts.filter((h) => loss(h) > 0);
  // Drops are known when every probe is logged and no kernel-random loss came on top.
  const known = (h: TruthHost): boolean => probes.has(h.id) && !kernelLoss.get(h.id);
  const last = lines[lines.length - 1];
  return {
    hosts: start.hosts,
    outages,
    endpointFaults: endpointFaults(start, lines),
    lossy: lossy.map((h) => h.id),
    lossyOnly: lossy.filter((h) => loss(h) <= lossyMax && !cut.has(h.id)).map((h) => h.id),
    heavyLoss: lossy.filter((h) => loss(h) > lossyMax && !known(h)).map((h) => h.id),
    probed: [...probes.keys()],
    delayed: start.hosts.filter((h) => h.delay !== null).map((h) => h.id),
    startT: summary?.startT ?? start.t,
    endT: summary?.t ?? last?.t ?? start.t,
    complete: summary !== undefined,
  };
}

/** Per host, the intervals in which its line or its power was cut. */
function cutIntervals(start: TruthStart, lines: readonly TruthLine[]): ExpectedOutage[] {
  const byId = new Map(start.hosts.map((h) => [h.id, h]));
  const linkDown = new Set<string>();
  const hostDown = new Set<string>();
  const open = new Map<string, ExpectedOutage>();
  const outages: ExpectedOutage[] = [];
  const causes = (h: TruthHost): Cause[] => [
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
    for (const id of line.hosts) {
      const h = byId.get(id);
      if (h) settle(h, line.t);
    }
  }
  return outages;
}

type Event = { t: number; order: number } & (
  { kind: 'cut-start'; cut: ExpectedOutage } | { kind: 'cut-end' } | { kind: 'probe'; lost: boolean }
);

/**
 * Replays one host's probes and cuts through the monitor's rule. Probes sent during a cut never reach
 * the responder: a cut counts as a run of lost probes (an outage however short, as for other hosts),
 * continuing the drops just before it. Ends are the first reply of `upAfter` in a row.
 */
function withProbes(
  h: TruthHost,
  cuts: readonly ExpectedOutage[],
  probes: readonly TruthProbe[],
  downAfter: number,
  upAfter: number,
): ExpectedOutage[] {
  const events: Event[] = [];
  for (const c of cuts) {
    events.push({ t: c.start, order: 0, kind: 'cut-start', cut: c });
    if (c.end !== null) events.push({ t: c.end, order: 1, kind: 'cut-end' });
  }
  for (const p of probes) events.push({ t: p.t, order: 2, kind: 'probe', lost: p.lost });
  events.sort((a, b) => a.t - b.t || a.order - b.order);

  const out: ExpectedOutage[] = [];
  let open: ExpectedOutage | null = null;
  let inCut = false;
  let lastCutEnd: number | null = null;
  let lostRun = 0;
  let lostStart = 0;
  let replyRun = 0;
  let replyStart = 0;
  let probesSinceCut = 0;
  const add = (o: ExpectedOutage, c: Cause): void => {
    if (!o.causes.includes(c)) o.causes.push(c);
  };
  const openAt = (t: number, causes: Cause[]): ExpectedOutage => {
    const o: ExpectedOutage = { point: h.id, address: h.address, hub: h.hub, start: t, end: null, causes };
    out.push(o);
    return o;
  };

  for (const e of events) {
    if (e.kind === 'cut-start') {
      inCut = true;
      replyRun = 0;
      if (open) for (const c of e.cut.causes) add(open, c);
      else open = openAt(lostRun > 0 ? lostStart : e.t, [...e.cut.causes, ...(lostRun > 0 ? (['loss'] as const) : [])]);
      lostRun = 0;
    } else if (e.kind === 'cut-end') {
      inCut = false;
      lastCutEnd = e.t;
      probesSinceCut = 0;
    } else if (inCut) {
      // A probe stamped inside a cut is a boundary race of a few ms: the truth says it was cut.
      continue;
    } else if (e.lost) {
      probesSinceCut++;
      replyRun = 0;
      if (open) {
        add(open, 'loss');
        continue;
      }
      if (lostRun++ === 0) lostStart = e.t;
      if (lostRun >= downAfter) {
        open = openAt(lostStart, ['loss']);
        lostRun = 0;
      }
    } else {
      probesSinceCut++;
      lostRun = 0;
      if (!open) continue;
      if (replyRun++ === 0) replyStart = e.t;
      if (replyRun >= upAfter) {
        open.end = replyStart;
        open = null;
        replyRun = 0;
      }
    }
  }
  // The record ended with the host still out: open if cut or dropping; otherwise the replies (or,
  // with no probe logged since, the end of the cut) say when it came back.
  if (open && !inCut) {
    if (replyRun > 0) open.end = replyStart;
    else if (lastCutEnd !== null && probesSinceCut === 0 && lastCutEnd >= open.start) open.end = lastCutEnd;
  }
  return out;
}

const ENDPOINT_MODE = { 'endpoint-down': 'down', 'endpoint-refuses': 'refuses', 'endpoint-slow': 'slow' } as const;

function endpointFaults(start: TruthStart, lines: readonly TruthLine[]): EndpointFault[] {
  const byId = new Map(start.hosts.map((h) => [h.id, h]));
  const open = new Map<string, EndpointFault>();
  const out: EndpointFault[] = [];
  for (const l of lines) {
    if (l.type !== 'action' || l.kind !== 'endpoint' || l.host === undefined) continue;
    const h = byId.get(l.host);
    if (!h) continue;
    const current = open.get(h.id);
    // Each change of mode ends the span before it (slow → refuses are two faults of different kinds).
    if (current) {
      current.end = l.t;
      open.delete(h.id);
    }
    if (l.action === 'endpoint-up') continue;
    const mode = ENDPOINT_MODE[l.action as keyof typeof ENDPOINT_MODE];
    if (!mode) continue;
    const f: EndpointFault = { point: h.id, address: h.address, mode, start: l.t, end: null };
    if (l.delayMs !== undefined) f.delayMs = l.delayMs;
    open.set(h.id, f);
    out.push(f);
  }
  return out;
}

/**
 * The endpoint outages the monitor should record (docs/TARGETS.md TG7): each `down` or `refuses` fault,
 * and each `slow` one whose delay is past the probe's timeout, minus the spans in which the point's
 * line was out — a cut is the line's outage only, and the endpoint's probes start afresh after it.
 */
export function endpointOutages(set: ExpectedSet, opts: { timeoutMs: number }): ExpectedOutage[] {
  const hubOf = new Map(set.hosts.map((h) => [h.id, h.hub]));
  const out: ExpectedOutage[] = [];
  for (const f of set.endpointFaults) {
    if (f.mode === 'slow' && !((f.delayMs ?? 0) > opts.timeoutMs)) continue;
    let pieces: { start: number; end: number | null }[] = [{ start: f.start, end: f.end }];
    for (const line of set.outages.filter((o) => o.point === f.point)) pieces = pieces.flatMap((p) => minus(p, line));
    for (const p of pieces) {
      out.push({ point: f.point, address: f.address, hub: hubOf.get(f.point) ?? '', ...p, causes: ['endpoint'] });
    }
  }
  return out.sort((a, b) => a.start - b.start || a.point.localeCompare(b.point));
}

type Span = { start: number; end: number | null };
const INF = Number.POSITIVE_INFINITY;

function minus(a: Span, b: Span): Span[] {
  const aEnd = a.end ?? INF;
  const bEnd = b.end ?? INF;
  if (bEnd <= a.start || b.start >= aEnd) return [a];
  const out: Span[] = [];
  if (b.start > a.start) out.push({ start: a.start, end: b.start });
  if (bEnd < aEnd) out.push({ start: bEnd, end: a.end });
  return out;
}
