// What of a report is always read fresh (outage notes, the checklist and the roll call), and how it
// joins the figures. A pure function of plain data, so a pool worker can apply it to figures that never
// enter the request loop's heap (server/workers/tasks.ts `report.view`).
import type { AlertGrouping } from '../../shared/alerts';
import type { MeetingReport, ReportTable } from '../../shared/report';
import type { OutageNoteRow } from '../store/report-types';
import { presentNote } from './notes-present';
import { reportOutageGroups } from './outage-groups';

export interface CurrentParts {
  notes: OutageNoteRow[];
  /** The alerts' grouping settings, for the outages grouped by problem (AL15; defaults without). */
  grouping?: AlertGrouping;
  checklist: ReportTable | null;
  rollCall: ReportTable | null;
}

export function applyCurrent(base: MeetingReport, c: CurrentParts): MeetingReport {
  const notes = new Map(c.notes.map((n) => [n.outageId, n]));
  return {
    ...base,
    // [AL15] Every view of a report (live or snapshot) carries its outages grouped by problem.
    outageGroups: reportOutageGroups(base, c.grouping),
    outages: base.outages.map((o) => {
      const n = notes.get(o.id);
      return { ...o, note: n ? presentNote(n, o.meeting) : null };
    }),
    checklist: c.checklist,
    rollCall: c.rollCall,
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A report as UTF-8 JSON bytes: what travels between the request loop and the workers. */
export const reportBytes = (r: MeetingReport): Uint8Array => encoder.encode(JSON.stringify(r));
export const reportOfBytes = (b: Uint8Array): MeetingReport => JSON.parse(decoder.decode(b)) as MeetingReport;

/**
 * What identifies a report's bytes without reading them all: their length and their head, which holds
 * the meeting and the instant the figures were computed at (`generatedAt`, to the millisecond).
 */
export const bytesKey = (b: Uint8Array): string => `${b.byteLength}:${decoder.decode(b.subarray(0, 2048))}`;
