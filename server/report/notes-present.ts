// Stored note rows (ms instants) → wire objects (ISO instants, +07:00).
import type { OutageNote, OutageNoteChange } from '../../shared/report';
import { toWireInstant } from '../../shared/time';
import type { OutageNoteChangeRow, OutageNoteRow } from '../store/report-types';

export function presentNote(n: OutageNoteRow, meeting: string | null): OutageNote {
  return {
    outageId: n.outageId,
    meeting,
    cause: n.cause,
    note: n.note,
    acknowledgedBy: n.acknowledgedBy,
    acknowledgedByName: n.acknowledgedByName,
    acknowledgedAt: toWireInstant(n.acknowledgedAt),
    updatedBy: n.updatedBy,
    updatedByName: n.updatedByName,
    updatedAt: toWireInstant(n.updatedAt),
  };
}

export function presentChange(c: OutageNoteChangeRow): OutageNoteChange {
  return {
    id: c.id,
    outageId: c.outageId,
    at: toWireInstant(c.at),
    by: c.by,
    byName: c.byName,
    acknowledged: c.acknowledged,
    cause: { from: c.oldCause, to: c.newCause },
    note: { from: c.oldNote, to: c.newNote },
  };
}
