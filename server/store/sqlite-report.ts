// The report's tables on the store's SQLite connection (migration 4): outage notes and their audit
// trail, report snapshots, retention purges, and the rollup digest the report is computed from.
// SqliteStore delegates to this class.
import type Database from 'better-sqlite3';
import {
  rttThreshold,
  type OutageNoteChangeRow,
  type OutageNoteEdit,
  type OutageNoteRow,
  type OutageNoteSaved,
  type ReportSnapshotRow,
  type RollupDigest,
  type RollupDigestQuery,
} from './report-types';
import type { OutageRow } from './types';

const OUTAGE_COLUMNS = `id, point, meeting, type, phase, started_at AS startedAt, detected_at AS detectedAt,
  ended_at AS endedAt`;
const NOTE_COLUMNS = `outage_id AS outageId, cause, note, acknowledged_by AS acknowledgedBy,
  acknowledged_by_name AS acknowledgedByName, acknowledged_at AS acknowledgedAt, updated_by AS updatedBy,
  updated_by_name AS updatedByName, updated_at AS updatedAt`;
const CHANGE_COLUMNS = `id, outage_id AS outageId, at, by, by_name AS byName, acknowledged, old_cause AS oldCause,
  new_cause AS newCause, old_note AS oldNote, new_note AS newNote`;

// One pass over the target's buckets, all in C. Each bucket with replies gives one integer: its
// index in the range and its average RTT in hundredths of a ms (idx × 2^24 + rtt); the few buckets that
// are not clean (probes lost, none sent, jitter flagged) are listed apart. Building a JS row per
// bucket costs several times more (about 0.7 µs against 0.25 µs per bucket: for 10,000 points over
// four hours, seconds), and so does every further aggregate or query: presence, counts and totals are
// derived from these two lists. Parameters bind as REAL, hence the casts: the numbers must print as
// integers.
const RTT_SHIFT = 16_777_216;
const DIGEST = `SELECT total(sent) AS sent,
    group_concat(((t - CAST(:from AS INTEGER)) / 10000) * ${RTT_SHIFT} + CAST(rtt_avg * 100 AS INTEGER)) AS rtt,
    group_concat((t - CAST(:from AS INTEGER)) || ':' || sent || ':' || received || ':'
        || coalesce(jitter >= :jitterMs, 0), ',')
      FILTER (WHERE sent > received OR sent = 0 OR jitter >= :jitterMs) AS odd
  FROM rollups WHERE point = :point AND host = :host AND t >= :from AND t < :to`;

interface RawDigest {
  sent: number;
  rtt: string | null;
  odd: string | null;
}

interface RawChange extends Omit<OutageNoteChangeRow, 'acknowledged'> {
  acknowledged: number;
}

const BUCKET_MS = 10_000;
/** Points purged per transaction, so the writers (outages, rollups) wait a moment at most. */
const PURGE_BATCH = 50;

let scratch = new Float64Array(4096);

/** Non-negative integers separated by "," (and ":" within a group), into a typed array. */
function parseInts(s: string | null, make: (n: number) => Float64Array): Float64Array {
  if (!s) return make(0);
  // At most one number per two characters.
  if (scratch.length < s.length / 2 + 1) scratch = new Float64Array(s.length);
  let k = 0;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 44 || c === 58) {
      scratch[k++] = v;
      v = 0;
    } else v = v * 10 + (c - 48);
  }
  scratch[k++] = v;
  const out = make(k);
  out.set(scratch.subarray(0, k));
  return out;
}

const f64 = (n: number): Float64Array => new Float64Array(n);

/** [t, a, b] triples in ascending t (SQLite's group_concat order is not promised). */
function sortTriples(flat: number[]): Float64Array {
  const idx = Array.from({ length: flat.length / 3 }, (_, i) => i).sort((x, y) => flat[x * 3]! - flat[y * 3]!);
  const out = new Float64Array(flat.length);
  idx.forEach((j, k) => out.set(flat.slice(j * 3, j * 3 + 3), k * 3));
  return out;
}

const toChange = (r: RawChange): OutageNoteChangeRow => ({ ...r, acknowledged: r.acknowledged === 1 });

export class SqliteReport {
  private readonly s;
  private readonly saveNoteTx;
  private readonly purgeBatchTx;

  constructor(private readonly db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      outage: p(`SELECT ${OUTAGE_COLUMNS} FROM outages WHERE id = ?`),
      meetingOutages: p(`SELECT ${OUTAGE_COLUMNS} FROM outages WHERE meeting = ? ORDER BY started_at, id`),
      digest: p(DIGEST),
      note: p(`SELECT ${NOTE_COLUMNS} FROM outage_notes WHERE outage_id = ?`),
      meetingNotes: p(`SELECT ${NOTE_COLUMNS} FROM outage_notes
        WHERE outage_id IN (SELECT id FROM outages WHERE meeting = ?) ORDER BY outage_id`),
      insertNote: p(`INSERT INTO outage_notes (outage_id, cause, note, acknowledged_by, acknowledged_by_name,
          acknowledged_at, updated_by, updated_by_name, updated_at)
        VALUES (:outageId, :cause, :note, :by, :byName, :at, :by, :byName, :at) RETURNING ${NOTE_COLUMNS}`),
      updateNote: p(`UPDATE outage_notes SET cause = :cause, note = :note, updated_by = :by,
          updated_by_name = :byName, updated_at = :at
        WHERE outage_id = :outageId RETURNING ${NOTE_COLUMNS}`),
      insertChange: p(`INSERT INTO outage_note_history (outage_id, at, by, by_name, acknowledged, old_cause,
          new_cause, old_note, new_note)
        VALUES (:outageId, :at, :by, :byName, :acknowledged, :oldCause, :newCause, :oldNote, :newNote)
        RETURNING ${CHANGE_COLUMNS}`),
      history: p(`SELECT ${CHANGE_COLUMNS} FROM outage_note_history WHERE outage_id = ? ORDER BY id`),
      snapshot: p(`SELECT meeting, created_at AS createdAt, schedule, json FROM report_snapshots WHERE meeting = ?`),
      saveSnapshot: p(`INSERT INTO report_snapshots (meeting, created_at, schedule, json)
        VALUES (:meeting, :createdAt, :schedule, :json)
        ON CONFLICT (meeting) DO UPDATE SET created_at = excluded.created_at, schedule = excluded.schedule,
          json = excluded.json`),
      purgeSnapshots: p('DELETE FROM report_snapshots WHERE created_at < ?'),
      // Walking the points through the (point, t) index: each step is a seek, never a scan of the table.
      nextPoint: p('SELECT point FROM rollups WHERE point > ? ORDER BY point LIMIT 1').pluck(),
      purgePoint: p('DELETE FROM rollups WHERE point = ? AND t < ?'),
    };

    this.saveNoteTx = db.transaction((e: OutageNoteEdit): OutageNoteSaved => {
      if (!this.s.outage.get(e.outageId)) throw new Error(`outage ${e.outageId} does not exist`);
      const before = this.s.note.get(e.outageId) as OutageNoteRow | undefined;
      if (before && before.cause === e.cause && before.note === e.note) return { note: before, change: null };
      const params = { outageId: e.outageId, cause: e.cause, note: e.note, by: e.by, byName: e.byName, at: e.at };
      const note = (before ? this.s.updateNote.get(params) : this.s.insertNote.get(params)) as OutageNoteRow;
      const change = toChange(
        this.s.insertChange.get({
          outageId: e.outageId,
          at: e.at,
          by: e.by,
          byName: e.byName,
          acknowledged: before ? 0 : 1,
          oldCause: before?.cause ?? null,
          newCause: e.cause,
          oldNote: before?.note ?? '',
          newNote: e.note,
        }) as RawChange,
      );
      return { note, change };
    });

    this.purgeBatchTx = db.transaction((after: string, before: number): { next: string | null; deleted: number } => {
      let point: string | null = after;
      let deleted = 0;
      for (let i = 0; i < PURGE_BATCH; i++) {
        point = (this.s.nextPoint.get(point) as string | undefined) ?? null;
        if (point === null) break;
        deleted += this.s.purgePoint.run(point, before).changes;
      }
      return { next: point, deleted };
    });
  }

  getOutage(id: number): OutageRow | undefined {
    return this.s.outage.get(id) as OutageRow | undefined;
  }

  listMeetingOutages(meeting: string): OutageRow[] {
    return this.s.meetingOutages.all(meeting) as OutageRow[];
  }

  digestRollups(q: RollupDigestQuery): RollupDigest {
    if (q.from % BUCKET_MS !== 0) throw new RangeError(`digest: from must be on the 10 s grid, got ${q.from}`);
    const r = this.s.digest.get({
      point: q.point,
      host: q.host,
      from: q.from,
      to: q.to,
      jitterMs: q.jitterMs,
    }) as RawDigest;
    const packed = parseInts(r.rtt, f64);
    const odd = parseInts(r.odd, f64);
    const slowAt = rttThreshold(q.rttMs);
    const rtt = new Uint32Array(packed.length);
    let silent = 0;
    for (let i = 0; i < odd.length; i += 4) if (odd[i + 2] === 0) silent++;
    // Every bucket is in one list or the other: with replies (packed), or without (odd, received 0).
    const buckets = new Float64Array(packed.length + silent);
    const flagged: number[] = [];
    let sorted = true;
    for (let i = 0; i < packed.length; i++) {
      const idx = Math.floor(packed[i]! / RTT_SHIFT);
      const u = packed[i]! - idx * RTT_SHIFT;
      const t = q.from + idx * BUCKET_MS;
      rtt[i] = u;
      buckets[i] = t;
      if (i > 0 && t < buckets[i - 1]!) sorted = false;
      if (u >= slowAt) flagged.push(t);
    }
    const lossy: number[] = [];
    let lost = 0;
    let k = packed.length;
    for (let i = 0; i < odd.length; i += 4) {
      const t = q.from + odd[i]!;
      const sent = odd[i + 1]!;
      const received = odd[i + 2]!;
      if (odd[i + 3] === 1) flagged.push(t);
      if (received < sent || sent === 0) {
        lossy.push(t, sent, received);
        lost += sent - received;
      }
      if (received === 0) {
        buckets[k++] = t;
        sorted = false;
      }
    }
    if (!sorted) buckets.sort();
    return {
      rows: buckets.length,
      sent: r.sent,
      received: r.sent - lost,
      buckets,
      lossy: sortTriples(lossy),
      flagged: Float64Array.from(new Set(flagged)).sort(),
      rtt,
    };
  }

  getOutageNote(outageId: number): OutageNoteRow | undefined {
    return this.s.note.get(outageId) as OutageNoteRow | undefined;
  }

  listMeetingOutageNotes(meeting: string): OutageNoteRow[] {
    return this.s.meetingNotes.all(meeting) as OutageNoteRow[];
  }

  saveOutageNote(edit: OutageNoteEdit): OutageNoteSaved {
    return this.saveNoteTx.immediate({ ...edit, at: Math.round(edit.at) });
  }

  listOutageNoteHistory(outageId: number): OutageNoteChangeRow[] {
    return (this.s.history.all(outageId) as RawChange[]).map(toChange);
  }

  getReportSnapshot(meeting: string): ReportSnapshotRow | undefined {
    return this.s.snapshot.get(meeting) as ReportSnapshotRow | undefined;
  }

  saveReportSnapshot(row: ReportSnapshotRow): void {
    this.s.saveSnapshot.run(row);
  }

  purgeRollups(before: number): number {
    let deleted = 0;
    let after: string | null = '';
    while (after !== null) {
      const r: { next: string | null; deleted: number } = this.purgeBatchTx.immediate(after, before);
      deleted += r.deleted;
      after = r.next;
    }
    return deleted;
  }

  purgeReportSnapshots(before: number): number {
    return this.s.purgeSnapshots.run(before).changes;
  }
}
