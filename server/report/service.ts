// The one way to get a meeting's report. After the meeting's monitoring window has closed, the figures
// come from the snapshot stored then (so a signed report never changes, and it outlives the purged
// rollups); before, they are computed from the store, at most once per `cacheMs` however many ask at
// once (a 10,000-point report takes seconds). Outage notes and the checklist are always read fresh:
// they have their own audit trails and may be completed after the meeting.
import type { AlertGrouping } from '../../shared/alerts';
import type { Logger } from 'pino';
import type { MeetingReport, ReportTable } from '../../shared/report';
import type { Meeting } from '../../shared/schemas';
import { words } from '../../shared/words';
import { withinUnits } from '../auth/policy';
import type { Clock } from '../clock';
import { issueOf, notFound, ValidationError } from '../errors';
import { unitsOnPaths } from '../inventory/paths';
import type { Inventory } from '../inventory/inventory';
import { DEFAULT_STATUS, type StatusConfig } from '../status/types';
import type { Store } from '../store/types';
import { noChecklist, type ChecklistSource } from './checklist-source';
import { computeReport, type ReportThresholds } from './compute';
import { reportBytes, type CurrentParts } from './current';
import { viewReport } from './scope';
import type { ComputeInput, ScopeInput } from '../workers/tasks';

export interface ReportServiceDeps {
  store: Store;
  inventory: Pick<Inventory, 'meeting' | 'point' | 'unit' | 'listPoints' | 'listUnits'>;
  participation: { pointsOf(meetingId: string): ReadonlySet<string> };
  clock: Clock;
  logger: Logger;
  status?: StatusConfig;
  checklist?: ChecklistSource;
  /** The alerts' grouping settings: the outage list grouped by problem as the alerts are (AL15). */
  grouping?: AlertGrouping;
  /** How long a computed report is reused (default 15 s). */
  cacheMs?: number;
  /**
   * Computes the figures elsewhere (a worker of server/workers/pool.ts, off the request loop); by
   * default here, from `store`.
   */
  compute?: (input: ComputeInput) => Promise<MeetingReport>;
  /**
   * With a pool: the figures computed there and kept here as JSON bytes, and the fresh parts joined
   * there (`report.view`), so a 10,000-point report (tens of MB of objects) never enters this heap:
   * its cloning, serialising and collection would hold the loop that sends every dashboard's deltas.
   */
  bytes?: {
    compute(input: ComputeInput): Promise<Uint8Array>;
    view(base: Uint8Array, current: CurrentParts, source: 'live' | 'snapshot', scope?: ScopeInput): Promise<Uint8Array>;
  };
}

interface Cached {
  at: number;
  report: Promise<MeetingReport>;
}

interface CachedBytes {
  at: number;
  bytes: Promise<Uint8Array>;
}

/** The stored snapshot's JSON starts with its version (written by JSON.stringify of a MeetingReport). */
const SNAPSHOT_V1 = '{"version":1,';

/** What a snapshot was computed for: a meeting moved to other dates needs a new one. */
export const scheduleKey = (m: Pick<Meeting, 'lineTest' | 'session'>): string =>
  JSON.stringify({ lineTest: m.lineTest, session: m.session });

export function thresholdsOf(status: StatusConfig = DEFAULT_STATUS): ReportThresholds {
  return { lossPct: status.loss.degraded, rttMs: status.rtt.degraded, jitterMs: status.jitter.degraded };
}

export class ReportService {
  private readonly cache = new Map<string, Cached>();
  private readonly cacheBytes = new Map<string, CachedBytes>();
  readonly checklist: ChecklistSource;

  constructor(private readonly d: ReportServiceDeps) {
    this.checklist = d.checklist ?? noChecklist;
  }

  meeting(id: string): Meeting {
    const m = this.d.inventory.meeting(id);
    if (!m) throw notFound('meeting', id);
    return m;
  }

  /**
   * The report as everyone sees it: snapshot or computed figures, current notes and checklist; with
   * `unit`, that unit's part only ([NV5], server/report/scope.ts).
   */
  async report(meetingId: string, unit?: string): Promise<MeetingReport> {
    const meeting = this.meeting(meetingId);
    const scope = unit === undefined ? undefined : this.scopeOf(meeting, unit);
    const stored = await this.snapshot(meeting);
    const base = stored ?? (await this.computed(meeting));
    return viewReport(
      base,
      await this.current(meetingId),
      scope && {
        unit: scope.unit,
        units: scope.units,
        timeline: async (now) => (await this.compute(meeting, now, scope.input.participants)).timeline,
      },
    );
  }

  /**
   * The report as `report()` gives it, as UTF-8 JSON: with a pool, built there from bytes kept here
   * (the request loop only moves bytes); without, serialised here.
   */
  async reportJson(meetingId: string, unit?: string): Promise<Uint8Array> {
    const b = this.d.bytes;
    if (!b) return reportBytes(await this.report(meetingId, unit));
    const meeting = this.meeting(meetingId);
    const scope = unit === undefined ? undefined : this.scopeOf(meeting, unit);
    const [row, current] = await Promise.all([this.d.store.getReportSnapshot(meeting.id), this.current(meetingId)]);
    if (row && row.schedule === scheduleKey(meeting) && row.json.startsWith(SNAPSHOT_V1)) {
      return b.view(Buffer.from(row.json), current, 'snapshot', scope);
    }
    return b.view(await this.computedBytes(meeting, b.compute), current, 'live', scope);
  }

  /**
   * [NV5] The unit a report is cut to: an unknown unit is refused (404), so is one with none of the
   * meeting's participating points under it (400), naming both.
   */
  scopeOf(meeting: Meeting, unitId: string): ScopeInput {
    const unit = this.d.inventory.unit(unitId);
    if (!unit) throw notFound('unit', unitId);
    const input = this.computeInput(meeting, this.d.clock.now());
    const tree = { parentOf: (id: string) => this.d.inventory.unit(id)?.parent };
    const participants = input.participants.filter((p) => withinUnits(p.unit, [unit.id], tree));
    if (participants.length === 0) {
      throw new ValidationError([
        issueOf(
          'unit',
          words(
            `không có điểm cầu nào của ${unit.name} (${unit.id}) tham gia hội nghị ${meeting.id}`,
            `no point of ${unit.name} (${unit.id}) takes part in meeting ${meeting.id}`,
          ),
          { where: words('đơn vị', 'unit') },
        ),
      ]);
    }
    // Only the units above these points travel to the worker, not the inventory's 40,000 (NV5).
    const units = unitsOnPaths(input.units, participants);
    return { unit, units, input: { ...input, participants, points: participants, units } };
  }

  /** The stored snapshot when it is of the meeting as scheduled now. */
  async snapshot(meeting: Meeting): Promise<MeetingReport | null> {
    const row = await this.d.store.getReportSnapshot(meeting.id);
    if (!row || row.schedule !== scheduleKey(meeting)) return null;
    // Written by this code from a parsed report: the version is checked, not the whole (megabytes).
    const report = JSON.parse(row.json) as MeetingReport;
    if (report.version !== 1) return null;
    return { ...report, source: 'snapshot' };
  }

  /** Computes the figures now and stores them as the meeting's snapshot. */
  async archive(meetingId: string): Promise<MeetingReport> {
    const meeting = this.meeting(meetingId);
    const report = await this.compute(meeting, this.d.clock.now());
    await this.d.store.saveReportSnapshot({
      meeting: meeting.id,
      createdAt: this.d.clock.now(),
      schedule: scheduleKey(meeting),
      json: JSON.stringify(report),
    });
    this.cache.delete(meeting.id);
    this.cacheBytes.delete(meeting.id);
    return report;
  }

  private computed(meeting: Meeting): Promise<MeetingReport> {
    const now = this.d.clock.now();
    const hit = this.cache.get(meeting.id);
    if (hit && now - hit.at < (this.d.cacheMs ?? 15_000) && now >= hit.at) return hit.report;
    const report = this.compute(meeting, now);
    this.cache.set(meeting.id, { at: now, report });
    // A failed computation is not kept: the next request tries again.
    report.catch(() => this.cache.delete(meeting.id));
    return report;
  }

  private computedBytes(meeting: Meeting, compute: (i: ComputeInput) => Promise<Uint8Array>): Promise<Uint8Array> {
    const now = this.d.clock.now();
    const hit = this.cacheBytes.get(meeting.id);
    if (hit && now - hit.at < (this.d.cacheMs ?? 15_000) && now >= hit.at) return hit.bytes;
    const started = Date.now();
    const bytes = compute(this.computeInput(meeting, now)).then((b) => {
      this.d.logger.info(
        { meeting: meeting.id, bytes: b.byteLength, ms: Date.now() - started },
        'report: figures computed',
      );
      return b;
    });
    this.cacheBytes.set(meeting.id, { at: now, bytes });
    bytes.catch(() => this.cacheBytes.delete(meeting.id));
    return bytes;
  }

  private computeInput(meeting: Meeting, now: number): ComputeInput {
    const codes = this.d.participation.pointsOf(meeting.id);
    const participants = [...codes].map((c) => this.d.inventory.point(c)).filter((p) => p !== undefined);
    return {
      meeting,
      participants,
      points: this.d.inventory.listPoints(),
      units: this.d.inventory.listUnits(),
      now,
      thresholds: thresholdsOf(this.d.status),
    };
  }

  private async compute(
    meeting: Meeting,
    now: number,
    participants?: ComputeInput['participants'],
  ): Promise<MeetingReport> {
    const started = Date.now();
    const whole = this.computeInput(meeting, now);
    const input = participants ? { ...whole, participants } : whole;
    const report = await (this.d.compute?.(input) ?? computeReport({ ...input, store: this.d.store }));
    this.d.logger.info(
      { meeting: meeting.id, points: input.participants.length, ms: Date.now() - started },
      'report: figures computed',
    );
    return report;
  }

  /** Notes, checklist and roll call as they are now. */
  private async current(meetingId: string): Promise<CurrentParts> {
    const notes = await this.d.store.listMeetingOutageNotes(meetingId);
    let tables: { checklist: ReportTable | null; rollCall: ReportTable | null };
    try {
      tables = await this.checklist.tables(meetingId);
    } catch (err) {
      this.d.logger.warn({ err, meeting: meetingId }, 'report: the checklist could not be read');
      tables = { checklist: null, rollCall: null };
    }
    return { notes, checklist: tables.checklist, rollCall: tables.rollCall, grouping: this.d.grouping };
  }
}
