// Planned work, the alert gate's verdicts and the daily digest on the store's SQLite connection
// (migration 11); SqliteStore hands it out as `store.maintenance`.
import type Database from 'better-sqlite3';
import type { Incident } from '../alerts/incident';
import type {
  DigestRow,
  DigestSendRow,
  GatedRow,
  MaintenanceNew,
  MaintenanceRow,
  SyncMaintenanceStore,
} from './maintenance-types';

const ROW = `id, target_kind AS targetKind, target, start, end, reason, created_by AS createdBy, created_at AS createdAt`;
const GATED = `incident, action, maintenance, at, outages, digest_day AS digestDay`;
const SEND = `day, channel, -id AS delivery, attempts, sent_at AS sentAt, last_error AS lastError, next_at AS nextAt`;

type RawGated = Omit<GatedRow, 'outages'> & { outages: string };
const gated = (r: RawGated | undefined): GatedRow | undefined =>
  r === undefined ? undefined : { ...r, outages: JSON.parse(r.outages) as number[] };

export class SqliteMaintenance implements SyncMaintenanceStore {
  private readonly s;
  private readonly createDigestTx;

  constructor(db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      add: p(`INSERT INTO maintenance (target_kind, target, start, end, reason, created_by, created_at)
              VALUES (@targetKind, @target, @start, @end, @reason, @createdBy, @createdAt)`),
      update: p(`UPDATE maintenance SET target_kind = @targetKind, target = @target, start = @start, end = @end,
                 reason = @reason, created_by = @createdBy, created_at = @createdAt WHERE id = @id`),
      del: p('DELETE FROM maintenance WHERE id = ?'),
      get: p(`SELECT ${ROW} FROM maintenance WHERE id = ?`),
      list: p(`SELECT ${ROW} FROM maintenance WHERE end > ? AND start < ? ORDER BY start, id`),
      addGated: p(`INSERT OR IGNORE INTO alert_gated (incident, action, maintenance, at, outages)
                   VALUES (@incident, @action, @maintenance, @at, @outages)`),
      byOutage: p(`SELECT ${GATED} FROM alert_gated g
                   WHERE EXISTS (SELECT 1 FROM json_each(g.outages) o WHERE o.value IN (SELECT value FROM json_each(?)))
                   ORDER BY at LIMIT 1`),
      pending: p(`SELECT ${GATED} FROM alert_gated WHERE action = 'digest' AND digest_day IS NULL AND at < ?
                  ORDER BY at, incident`),
      mark: p('UPDATE alert_gated SET digest_day = ? WHERE incident = ? AND digest_day IS NULL'),
      addDigest: p('INSERT OR IGNORE INTO alert_digests (day, json, created_at) VALUES (?, ?, ?)'),
      digest: p('SELECT day, json, created_at AS createdAt FROM alert_digests WHERE day = ?'),
      sends: p(`SELECT ${SEND} FROM alert_digest_sends WHERE day = ? ORDER BY channel`),
      send: p(`SELECT ${SEND} FROM alert_digest_sends WHERE day = ? AND channel = ?`),
      upsertSend: p(`INSERT INTO alert_digest_sends (day, channel, attempts, sent_at, last_error, next_at)
                     VALUES (@day, @channel, @attempts, @sentAt, @lastError, @nextAt)
                     ON CONFLICT (day, channel) DO UPDATE SET attempts = excluded.attempts,
                       sent_at = excluded.sent_at, last_error = excluded.last_error, next_at = excluded.next_at`),
    };
    this.createDigestTx = db.transaction((row: DigestRow, incidents: readonly string[]): boolean => {
      if (this.s.addDigest.run(row.day, JSON.stringify(row.incident), row.createdAt).changes === 0) return false;
      for (const i of incidents) this.s.mark.run(row.day, i);
      return true;
    });
  }

  addMaintenance(m: MaintenanceNew): MaintenanceRow {
    const id = Number(this.s.add.run({ ...m }).lastInsertRowid);
    return { id, ...m };
  }

  updateMaintenance(id: number, m: MaintenanceNew): boolean {
    return this.s.update.run({ ...m, id }).changes > 0;
  }

  deleteMaintenance(id: number): boolean {
    return this.s.del.run(id).changes > 0;
  }

  getMaintenance(id: number): MaintenanceRow | undefined {
    return this.s.get.get(id) as MaintenanceRow | undefined;
  }

  listMaintenance(from = Number.MIN_SAFE_INTEGER, to = Number.MAX_SAFE_INTEGER): MaintenanceRow[] {
    return this.s.list.all(from, to) as MaintenanceRow[];
  }

  addGated(row: Omit<GatedRow, 'digestDay'>): boolean {
    return this.s.addGated.run({ ...row, outages: JSON.stringify(row.outages) }).changes > 0;
  }

  gatedByOutage(outages: readonly number[]): GatedRow | undefined {
    if (outages.length === 0) return undefined;
    return gated(this.s.byOutage.get(JSON.stringify(outages)) as RawGated | undefined);
  }

  pendingDigest(before: number): GatedRow[] {
    return (this.s.pending.all(before) as RawGated[]).map((r) => gated(r)!);
  }

  createDigest(row: DigestRow, incidents: readonly string[]): boolean {
    return this.createDigestTx.immediate(row, incidents);
  }

  getDigest(day: string): DigestRow | undefined {
    const r = this.s.digest.get(day) as { day: string; json: string; createdAt: number } | undefined;
    return r && { day: r.day, incident: JSON.parse(r.json) as Incident, createdAt: r.createdAt };
  }

  digestSends(day: string): DigestSendRow[] {
    return this.s.sends.all(day) as DigestSendRow[];
  }

  saveDigestSend(row: DigestSendRow): DigestSendRow {
    const { day, channel, attempts, sentAt, lastError, nextAt } = row;
    this.s.upsertSend.run({ day, channel, attempts, sentAt, lastError, nextAt });
    return this.s.send.get(row.day, row.channel) as DigestSendRow;
  }
}
