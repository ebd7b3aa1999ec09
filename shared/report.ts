// The post-meeting report as both ends see it (issue 5): outage causes and acknowledgements with their
// audit trail, availability figures per point, unit and meeting, the "points up" timeline. The server
// computes the figures once (server/report/compute.ts); the dashboard, the CSV/XLSX/PDF exports and
// `GET /api/meetings/:id/report` all show these very numbers. How each figure is defined:
// docs/REPORT.md.
import { z } from 'zod';
import { Code, Instant, Level, Outage, OutageType, Phase } from './schemas';

/** What caused an outage, as the centre's technicians classify it. */
export const CAUSES = ['power', 'line', 'endpoint', 'av', 'operator', 'other'] as const;
export const Cause = z.enum(CAUSES);
export type Cause = z.infer<typeof Cause>;

/** The Vietnamese names (exports and the PDF are Vietnamese; the dashboard has its own i18n). */
export const CAUSE_LABELS: Record<Cause, string> = {
  power: 'Mất điện',
  line: 'Đường truyền / nhà mạng',
  endpoint: 'Thiết bị đầu cuối',
  av: 'Âm thanh / hình ảnh',
  operator: 'Thao tác người dùng',
  other: 'Khác',
};

export const MAX_NOTE_LENGTH = 2000;

/** The two phases a report covers; each is reported on its own. */
export const REPORT_PHASES = ['lineTest', 'live'] as const;
export const ReportPhase = z.enum(REPORT_PHASES);
export type ReportPhase = z.infer<typeof ReportPhase>;

// ── Acknowledgement and cause ───────────────────────────────────────────────────────────────────

/** `PUT /api/outages/:id/note`: acknowledges the outage (first time) and sets its cause and note. */
export const OutageNoteBody = z.strictObject({
  cause: Cause.nullable(),
  note: z.string().trim().max(MAX_NOTE_LENGTH).default(''),
});
export type OutageNoteBody = z.input<typeof OutageNoteBody>;

/** The socket form: the outage id plus the body. */
export const OutageAcknowledge = OutageNoteBody.extend({
  id: z
    .number()
    .int()
    .positive()
    .max(2 ** 53 - 1),
});
export type OutageAcknowledge = z.input<typeof OutageAcknowledge>;

export const OutageNote = z.object({
  outageId: z.number().int(),
  /** The outage's meeting, so a dashboard knows whether the note is about its meeting. */
  meeting: Code.nullable(),
  cause: Cause.nullable(),
  note: z.string(),
  acknowledgedBy: z.string(),
  acknowledgedByName: z.string().nullable(),
  acknowledgedAt: Instant,
  updatedBy: z.string(),
  updatedByName: z.string().nullable(),
  updatedAt: Instant,
});
export type OutageNote = z.infer<typeof OutageNote>;

/** One audited edit: who, when, old → new. Append-only. */
export const OutageNoteChange = z.object({
  id: z.number().int(),
  outageId: z.number().int(),
  at: Instant,
  by: z.string(),
  byName: z.string().nullable(),
  /** This edit was the acknowledgement (the first one). */
  acknowledged: z.boolean(),
  cause: z.object({ from: Cause.nullable(), to: Cause.nullable() }),
  note: z.object({ from: z.string(), to: z.string() }),
});
export type OutageNoteChange = z.infer<typeof OutageNoteChange>;

export const OutageNoteWithHistory = z.object({
  note: OutageNote.nullable(),
  history: z.array(OutageNoteChange),
});
export type OutageNoteWithHistory = z.infer<typeof OutageNoteWithHistory>;

// ── Figures ─────────────────────────────────────────────────────────────────────────────────────

/** One point's (or, summed, a unit's) figures for one phase. Times in ms, percentages of `periodMs`. */
export const PhaseFigures = z.object({
  /** The part of the phase the report covers: all of it once it is over, else up to the report's time. */
  periodMs: z.number(),
  upMs: z.number(),
  /** Degraded time including severe (amber and red, reachable). */
  degradedMs: z.number(),
  /** Of which severe (red): covered by severe outage records. */
  severeMs: z.number(),
  downMs: z.number(),
  /** Not measured: monitor gaps, no probe results. */
  unknownMs: z.number(),
  upPct: z.number(),
  degradedPct: z.number(),
  downPct: z.number(),
  unknownPct: z.number(),
  /** (up + degraded) / (period − unknown): reachable share of the time that is known; null if none is. */
  reachablePct: z.number().nullable(),
  downCount: z.number().int(),
  severeCount: z.number().int(),
  /** The longest single down outage within the phase. */
  longestDownMs: z.number(),
  /** Median and 95th percentile of the 10 s average RTTs, ms; null without replies. */
  rttMedian: z.number().nullable(),
  rttP95: z.number().nullable(),
  /** Lost / sent probes of the primary target in the phase, %; null when none was sent. */
  lossPct: z.number().nullable(),
  sent: z.number().int(),
  received: z.number().int(),
});
export type PhaseFigures = z.infer<typeof PhaseFigures>;

/** A unit's or the meeting's figures: the points' summed (times are point-milliseconds). */
export const AggregateFigures = PhaseFigures.extend({
  points: z.number().int(),
  /** Points with at least one down outage in the phase. */
  pointsWithDown: z.number().int(),
  /** Points with no measurement at all in the phase (never probed). */
  pointsUnknown: z.number().int(),
});
export type AggregateFigures = z.infer<typeof AggregateFigures>;

const ByPhase = <T extends z.ZodType>(t: T) => z.object({ lineTest: t.nullable(), live: t.nullable() });

export const ReportPoint = z.object({
  code: Code,
  name: z.string(),
  level: Level,
  unit: Code,
  unitName: z.string(),
  host: z.string().nullable(),
  /** The primary line's target id (its rollups); absent in reports made before targets had ids. */
  target: z.string().nullable().default(null),
  lineTest: PhaseFigures.nullable(),
  live: PhaseFigures.nullable(),
});
export type ReportPoint = z.infer<typeof ReportPoint>;

export const ReportUnit = z.object({
  /** The unit's code, or `<code>#own` for the row of a unit's own points (see `ownOf`). */
  id: z.string().min(1),
  name: z.string(),
  level: Level,
  parent: Code.nullable(),
  /** 0 for a root of the report's tree. */
  depth: z.number().int(),
  /**
   * Set on the row that holds only the points attached directly to this unit (the province's own
   * point beside its districts): first among the unit's children, so each level adds up to its parent.
   */
  ownOf: Code.optional(),
  lineTest: AggregateFigures.nullable(),
  live: AggregateFigures.nullable(),
});
export type ReportUnit = z.infer<typeof ReportUnit>;

export const PhaseWindow = z.object({
  /** The phase as planned: line test start … start + duration; session start … planned end. */
  from: Instant,
  to: Instant,
  /** Up to where the report covers it (`to` once it is over). */
  coveredTo: Instant.nullable(),
  status: z.enum(['notStarted', 'inProgress', 'complete']),
});
export type PhaseWindow = z.infer<typeof PhaseWindow>;

export const TimelineRow = z.object({
  t: z.number(),
  up: z.number(),
  degraded: z.number(),
  down: z.number(),
  unknown: z.number(),
});
export type TimelineRow = z.infer<typeof TimelineRow>;

/** Points in each state over the phase: average counts per step (ms since epoch in `t`). */
export const Timeline = z.object({ stepMs: z.number(), rows: z.array(TimelineRow) });
export type Timeline = z.infer<typeof Timeline>;

export const ReportOutage = Outage.extend({
  pointName: z.string(),
  unit: Code.nullable(),
  unitName: z.string().nullable(),
  /** endedAt (or the report's time while open) − startedAt. */
  durationMs: z.number(),
  open: z.boolean(),
  /** The part within each phase window. */
  lineTestMs: z.number(),
  liveMs: z.number(),
  note: OutageNote.nullable(),
  /** Issue 17 point 4: the planned work (maintenance entry) its start fell in, if any. */
  planned: z.object({ entry: z.number(), reason: z.string() }).nullable().optional(),
});
export type ReportOutage = z.infer<typeof ReportOutage>;

/**
 * [AL15] One problem of the outage list, grouped as the alerts group incidents: a unit's line (its
 * points), a flapping line (its losses), or one point's outage (inc lane, issue 17 point 3).
 */
export const ReportOutageGroup = z.object({
  kind: z.enum(['point', 'unit', 'flapping']),
  /** The line's `down` / `severe`, or `endpoint`: the room's endpoint not answering (TG7). */
  type: z.union([OutageType, z.literal('endpoint')]),
  unit: z.object({ id: z.string(), name: z.string() }).nullable(),
  points: z.array(z.object({ code: Code, name: z.string() })),
  /** Ids of its outage records (`outages`), oldest first. */
  outages: z.array(z.number().int()),
  start: Instant,
  end: Instant.nullable(),
  /** Times the line was lost. */
  drops: z.number().int(),
  /** end (or the report's time while open) − start. */
  durationMs: z.number(),
  open: z.boolean(),
});
export type ReportOutageGroup = z.infer<typeof ReportOutageGroup>;

/** A plain table (checklist, roll call) for the exports; its columns are already Vietnamese. */
export const ReportTable = z.object({
  title: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.array(z.string())),
});
export type ReportTable = z.infer<typeof ReportTable>;

export const Thresholds = z.object({
  bucketMs: z.number(),
  lossPct: z.number(),
  rttMs: z.number(),
  jitterMs: z.number(),
});

/**
 * [NV5] One region of the meeting (shared/overview.ts meetingRegions: the provinces of a national
 * meeting, the districts of a province's): its points' figures summed, the same numbers as its row of
 * `units` (the own-points row for an `own` region), and its "points up" timeline, from which a region's
 * own report (`?unit=`) takes its chart when the figures come from the whole meeting's snapshot.
 */
export const ReportRegion = z.object({
  id: z.string().min(1),
  name: z.string(),
  level: Level,
  /** The points attached to the regions' common unit itself (the host's own unit). */
  own: z.boolean(),
  points: z.number().int(),
  lineTest: AggregateFigures.nullable(),
  live: AggregateFigures.nullable(),
  timeline: ByPhase(Timeline).optional(),
});
export type ReportRegion = z.infer<typeof ReportRegion>;

/** [NV5] A unit's own report: which unit its figures are of. */
export const ReportScope = z.object({ unit: Code, name: z.string(), level: Level });
export type ReportScope = z.infer<typeof ReportScope>;

export const MeetingReport = z.object({
  version: z.literal(1),
  meeting: z.object({
    id: Code,
    title: z.string(),
    host: Code.nullable(),
    phase: Phase,
    lineTest: z.object({ start: Instant, durationMin: z.number() }),
    session: z.object({ start: Instant, plannedEnd: Instant }),
  }),
  generatedAt: Instant,
  /** `snapshot`: the figures stored when the meeting's window closed; `live`: computed now. */
  source: z.enum(['live', 'snapshot']),
  thresholds: Thresholds,
  phases: z.object({ lineTest: PhaseWindow, live: PhaseWindow }),
  summary: ByPhase(AggregateFigures),
  units: z.array(ReportUnit),
  points: z.array(ReportPoint),
  outages: z.array(ReportOutage),
  /**
   * Issue 17 point 4: planned work on participating points within the meeting's windows (clipped to
   * them), one row per point and entry. Absent in reports made before it existed.
   */
  planned: z
    .array(
      z.object({
        point: Code,
        pointName: z.string(),
        entry: z.number(),
        from: Instant,
        to: Instant,
        reason: z.string(),
      }),
    )
    .optional(),
  /** The outages grouped by problem (set whenever a report is viewed; absent in stored snapshots). */
  outageGroups: z.array(ReportOutageGroup).optional(),
  timeline: ByPhase(Timeline),
  gaps: z.array(z.object({ from: Instant, to: Instant })),
  /** [NV5] The meeting by region, in inventory order; absent in reports made before it existed. */
  regions: z.array(ReportRegion).optional(),
  /** [NV5] Set on a unit's report (`?unit=`): the figures are of the points under that unit only. */
  scope: ReportScope.optional(),
  checklist: ReportTable.nullable(),
  rollCall: ReportTable.nullable(),
});
export type MeetingReport = z.infer<typeof MeetingReport>;

/** Query of the CSV export: which table. */
export const CSV_TABLES = ['summary', 'regions', 'units', 'points', 'outages', 'checklist', 'rollcall'] as const;
export const CsvTable = z.enum(CSV_TABLES);
export type CsvTable = z.infer<typeof CsvTable>;

// ── The regions, ranked the same everywhere (NV5) ───────────────────────────────────────────────

/** The phase a region table ranks by: the session once it has figures, else the line test. */
export function rankPhase(r: Pick<MeetingReport, 'summary'>): ReportPhase {
  return r.summary.live ? 'live' : 'lineTest';
}

/**
 * The worst first: the lowest availability (regions not measured last), then the most downtime, then
 * the most outages, then the name. A copy; the report keeps the inventory order.
 */
export function worstFirst(regions: readonly ReportRegion[], phase: ReportPhase): ReportRegion[] {
  const avail = (g: ReportRegion): number => g[phase]?.reachablePct ?? Infinity;
  return [...regions].sort(
    (a, b) =>
      avail(a) - avail(b) ||
      (b[phase]?.downMs ?? 0) - (a[phase]?.downMs ?? 0) ||
      (b[phase]?.downCount ?? 0) - (a[phase]?.downCount ?? 0) ||
      a.name.localeCompare(b.name, 'vi'),
  );
}

// ── Display, the same everywhere ────────────────────────────────────────────────────────────────

/** `99,52 %` (Vietnamese decimal comma) or `99.52 %`. */
export function formatPct(v: number | null, decimalComma = true): string {
  if (v === null) return '—';
  const s = v.toFixed(2);
  return `${decimalComma ? s.replace('.', ',') : s} %`;
}

/** RTT in ms: `12,3 ms`, `0,04 ms`. */
export function formatMs(v: number | null, decimalComma = true): string {
  if (v === null) return '—';
  const s = v < 1 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
  return `${decimalComma ? s.replace('.', ',') : s} ms`;
}
