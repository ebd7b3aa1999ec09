// The report of one meeting, computed once from the stored rollups, outage records and monitor gaps:
// every figure the dashboard, the exports and GET /api/meetings/:id/report show comes from here.
// Definitions: docs/REPORT.md. One pass per phase over the points in unit order, yielding to the
// event loop every few hundred points so that probing goes on while a large report is computed.
import { coveringEntry } from '../alerts/gate';
import { phaseAt } from '../../shared/phase';
import { REPORT_PHASES, type MeetingReport, type ReportPhase, type ReportTable } from '../../shared/report';
import type { Meeting, Point, Unit } from '../../shared/schemas';
import { targetId, targetHost } from '../../shared/targets';
import { toWireInstant, toWireInstantOrNull } from '../../shared/time';
import { presentOutage } from '../presenters';
import type { OutageNoteRow } from '../store/report-types';
import type { OutageRow, Store } from '../store/types';
import { Accumulator, phaseFigures } from './aggregate';
import { RttHistogram } from './bins';
import { clip, normalize, total, type Span } from './intervals';
import { presentNote } from './notes-present';
import { computePointPhase, type PointPhaseResult } from './point';
import { planRegions, regionsOf, type RegionPlan } from './regions';
import { Timeline10s, TimelineTee } from './timeline';
import { reportTree } from './tree';
import { BUCKET_MS, phaseRanges, type PhaseRange } from './window';

export interface ReportThresholds {
  /** Loss (%) at or above which a 10 s bucket is degraded. */
  lossPct: number;
  rttMs: number;
  jitterMs: number;
}

export type ReportStore = Pick<
  Store,
  'digestRollups' | 'listMeetingOutages' | 'listGaps' | 'listMeetingOutageNotes' | 'maintenance' // maintenance: issue 17 point 4
>;

export interface ReportInput {
  store: ReportStore;
  meeting: Meeting;
  /** The meeting's participating points. */
  participants: readonly Point[];
  /** Every point and unit of the inventory (names of outages' points, the unit tree). */
  points: readonly Point[];
  units: readonly Unit[];
  now: number;
  thresholds: ReportThresholds;
  checklist?: { checklist: ReportTable | null; rollCall: ReportTable | null };
  /** Yield to the event loop after this many points (default 200). */
  yieldEvery?: number;
}

const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface PhaseOutput {
  points: Map<string, ReturnType<typeof phaseFigures>>;
  units: Map<string, ReturnType<Accumulator['figures']>>;
  summary: ReturnType<Accumulator['figures']>;
  timeline: ReturnType<Timeline10s['rows']>;
  /** [NV5] Each region's timeline, by the plan's index. */
  regionTimelines: ReturnType<Timeline10s['rows']>[];
}

function outageEnd(o: OutageRow, now: number): number {
  return o.endedAt ?? Math.max(now, o.startedAt);
}

async function computePhase(
  input: ReportInput,
  range: PhaseRange,
  tree: ReturnType<typeof reportTree>,
  outagesByPoint: ReadonlyMap<string, OutageRow[]>,
  gapSpans: readonly Span[],
  plan: RegionPlan,
): Promise<PhaseOutput> {
  const { start, end } = range;
  const gaps = clip(gapSpans, start, end);
  const timeline = new Timeline10s((end - start) / BUCKET_MS);
  // [NV5] A region's timeline beside the meeting's: one more add per bucket, a few dozen arrays.
  const regionLines = plan.regions.map(() => new Timeline10s((end - start) / BUCKET_MS));
  const tee = new TimelineTee(timeline, timeline);
  const summary = new Accumulator();
  const stack: { id: string; acc: Accumulator }[] = [];
  const pool: Accumulator[] = [];
  const units = new Map<string, ReturnType<Accumulator['figures']>>();
  const points = new Map<string, ReturnType<typeof phaseFigures>>();
  const hist = new RttHistogram();
  const close = (): void => {
    const top = stack.pop()!;
    units.set(top.id, top.acc.figures());
    top.acc.clear();
  };
  let n = 0;
  for (const p of tree.points) {
    const chain = tree.chains.get(p.code) ?? [];
    let keep = 0;
    while (keep < stack.length && keep < chain.length && stack[keep]!.id === chain[keep]) keep++;
    while (stack.length > keep) close();
    for (let j = keep; j < chain.length; j++) stack.push({ id: chain[j]!, acc: (pool[j] ??= new Accumulator()) });

    const own = outagesByPoint.get(p.code) ?? [];
    const downRecords: Span[] = [];
    let severeRecords = 0;
    const severe: Span[] = [];
    for (const o of own) {
      // [TG7] The figures are the line's: an endpoint not answering is listed apart, not counted as the line down.
      if (o.class === 'endpoint') continue;
      const a = Math.max(o.startedAt, start);
      const b = Math.min(outageEnd(o, input.now), end);
      if (b <= a) continue;
      if (o.type === 'down') downRecords.push([a, b]);
      else {
        severeRecords++;
        severe.push([a, b]);
      }
    }
    const line = p.targets.find((t) => t.role === 'primary') ?? p.targets[0];
    const digest = await input.store.digestRollups({
      point: p.code,
      target: line ? targetId(line) : '',
      from: start,
      to: end,
      rttMs: input.thresholds.rttMs,
      jitterMs: input.thresholds.jitterMs,
    });
    const region = plan.indexOf.get(p.code);
    if (region !== undefined) tee.b = regionLines[region]!;
    const r: PointPhaseResult = computePointPhase(
      {
        start,
        end,
        digest,
        gaps,
        down: normalize(downRecords),
        severe: normalize(severe),
        downRecords,
        severeRecords,
        lossPct: input.thresholds.lossPct,
      },
      hist,
      region === undefined ? timeline : tee,
    );
    points.set(p.code, phaseFigures(r, hist));
    for (const s of stack) s.acc.add(r, hist);
    summary.add(r, hist);
    hist.clear();
    if (++n % (input.yieldEvery ?? 200) === 0) await pause();
  }
  while (stack.length > 0) close();
  return {
    points,
    units,
    summary: summary.figures(),
    timeline: timeline.rows(start, tree.points.length),
    regionTimelines: regionLines.map((l, i) => l.rows(start, plan.counts[i] ?? 0)),
  };
}

export async function computeReport(input: ReportInput): Promise<MeetingReport> {
  const { meeting, now, store } = input;
  const ranges = phaseRanges(meeting, now);
  const tree = reportTree(input.participants, input.units);
  const plan = planRegions(input.units, input.participants);
  const outages = await store.listMeetingOutages(meeting.id);
  const outagesByPoint = new Map<string, OutageRow[]>();
  for (const o of outages) {
    const list = outagesByPoint.get(o.point);
    if (list) list.push(o);
    else outagesByPoint.set(o.point, [o]);
  }
  const spanFrom = ranges.lineTest.start;
  const spanTo = Math.max(ranges.live.end, ranges.live.start + BUCKET_MS);
  const gapRows = await store.listGaps(spanFrom, spanTo);
  const gapSpans = normalize(gapRows.map((g) => [g.from, g.to] as const));

  const out: Partial<Record<ReportPhase, PhaseOutput>> = {};
  for (const phase of REPORT_PHASES) {
    const range = ranges[phase];
    if (range.end > range.start) out[phase] = await computePhase(input, range, tree, outagesByPoint, gapSpans, plan);
  }

  const pointsByCode = new Map(input.points.map((p) => [p.code, p]));
  const unitsById = new Map(input.units.map((u) => [u.id, u]));
  const notes = new Map((await store.listMeetingOutageNotes(meeting.id)).map((n) => [n.outageId, n]));
  // Issue 17 point 4: planned work on the participants within the meeting's span, and the outages it explains.
  const unitMap = new Map(input.units.map((u) => [u.id, u]));
  const entries = await store.maintenance.listMaintenance(spanFrom, spanTo);
  const plannedOf = (o: OutageRow) => {
    const e = coveringEntry(entries, o.point, pointsByCode.get(o.point)?.unit, unitMap, o.startedAt);
    return e ? { entry: e.id, reason: e.reason } : null;
  };
  const planned = tree.points.flatMap((p) =>
    entries
      .filter((e) => coveringEntry([e], p.code, p.unit, unitMap, Math.max(e.start, spanFrom)) !== undefined)
      .map((e) => ({
        point: p.code,
        pointName: p.name,
        entry: e.id,
        from: toWireInstant(Math.max(e.start, spanFrom)),
        to: toWireInstant(Math.min(e.end, spanTo)),
        reason: e.reason,
      })),
  );
  const within = (o: OutageRow, r: PhaseRange): number =>
    r.end > r.start ? total(clip([[o.startedAt, outageEnd(o, now)]], r.start, r.end)) : 0;

  const units = tree.units.map(({ unit, depth, ownOf }) => ({
    id: unit.id,
    name: unit.name,
    level: unit.level,
    parent: unit.parent,
    depth,
    ...(ownOf === undefined ? {} : { ownOf }),
    lineTest: out.lineTest?.units.get(unit.id) ?? null,
    live: out.live?.units.get(unit.id) ?? null,
  }));

  return {
    version: 1,
    meeting: {
      id: meeting.id,
      title: meeting.title,
      host: meeting.host,
      phase: phaseAt(meeting, now),
      lineTest: meeting.lineTest,
      session: meeting.session,
    },
    generatedAt: toWireInstant(now),
    source: 'live',
    thresholds: { bucketMs: BUCKET_MS, ...input.thresholds },
    phases: {
      lineTest: presentRange(ranges.lineTest),
      live: presentRange(ranges.live),
    },
    summary: { lineTest: out.lineTest?.summary ?? null, live: out.live?.summary ?? null },
    units,
    points: tree.points.map((p) => ({
      code: p.code,
      name: p.name,
      level: p.level,
      unit: p.unit,
      unitName: unitsById.get(p.unit)?.name ?? p.unit,
      host: primaryOf(p)?.host ?? null,
      target: primaryOf(p)?.id ?? null,
      lineTest: out.lineTest?.points.get(p.code) ?? null,
      live: out.live?.points.get(p.code) ?? null,
    })),
    outages: outages.map((o) => {
      const p = pointsByCode.get(o.point);
      const note: OutageNoteRow | undefined = notes.get(o.id);
      return {
        ...presentOutage(o),
        pointName: p?.name ?? o.point,
        unit: p?.unit ?? null,
        unitName: p ? (unitsById.get(p.unit)?.name ?? p.unit) : null,
        durationMs: outageEnd(o, now) - o.startedAt,
        open: o.endedAt === null,
        lineTestMs: within(o, ranges.lineTest),
        liveMs: within(o, ranges.live),
        note: note ? presentNote(note, o.meeting) : null,
        planned: plannedOf(o),
      };
    }),
    planned,
    timeline: { lineTest: out.lineTest?.timeline ?? null, live: out.live?.timeline ?? null },
    gaps: gapRows.map((g) => ({ from: toWireInstant(g.from), to: toWireInstant(g.to) })),
    regions: regionsOf(plan, units, (i) => ({
      lineTest: out.lineTest?.regionTimelines[i] ?? null,
      live: out.live?.regionTimelines[i] ?? null,
    })),
    checklist: input.checklist?.checklist ?? null,
    rollCall: input.checklist?.rollCall ?? null,
  };
}

function presentRange(r: PhaseRange): MeetingReport['phases']['live'] {
  return {
    from: toWireInstant(r.from),
    to: toWireInstant(r.to),
    coveredTo: toWireInstantOrNull(r.end > r.start ? r.end : null),
    status: r.status,
  };
}

/** The point's primary line: its host (shown) and its id (its rollups). */
function primaryOf(p: Point): { host: string; id: string } | null {
  const t = p.targets.find((x) => x.role === 'primary');
  return t ? { host: targetHost(t), id: targetId(t) } : null;
}
