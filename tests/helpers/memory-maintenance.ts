// Planned work, the alert gate's verdicts and the digest of the in-memory Store
// (tests/helpers/memory-store.ts), with the SQLite tables' rules (migration 11).
import type {
  DigestRow,
  DigestSendRow,
  GatedRow,
  MaintenanceNew,
  MaintenanceRow,
  SyncMaintenanceStore,
} from '../../server/store/maintenance-types';

export class MemoryMaintenanceDb {
  readonly entries = new Map<number, MaintenanceRow>();
  readonly gated = new Map<string, GatedRow>();
  readonly digests = new Map<string, DigestRow>();
  readonly sends = new Map<string, DigestSendRow>();
  nextId = 1;
  nextSend = 1;
}

export class MemoryMaintenance implements SyncMaintenanceStore {
  constructor(private readonly db: MemoryMaintenanceDb) {}

  addMaintenance(m: MaintenanceNew): MaintenanceRow {
    if (!(m.end > m.start)) throw new Error('CHECK constraint failed: end > start');
    const row = { id: this.db.nextId++, ...m };
    this.db.entries.set(row.id, row);
    return { ...row };
  }

  updateMaintenance(id: number, m: MaintenanceNew): boolean {
    if (!this.db.entries.has(id)) return false;
    if (!(m.end > m.start)) throw new Error('CHECK constraint failed: end > start');
    this.db.entries.set(id, { id, ...m });
    return true;
  }

  deleteMaintenance(id: number): boolean {
    return this.db.entries.delete(id);
  }

  getMaintenance(id: number): MaintenanceRow | undefined {
    const r = this.db.entries.get(id);
    return r && { ...r };
  }

  listMaintenance(from = Number.MIN_SAFE_INTEGER, to = Number.MAX_SAFE_INTEGER): MaintenanceRow[] {
    return [...this.db.entries.values()]
      .filter((r) => r.end > from && r.start < to)
      .sort((a, b) => a.start - b.start || a.id - b.id)
      .map((r) => ({ ...r }));
  }

  addGated(row: Omit<GatedRow, 'digestDay'>): boolean {
    if (this.db.gated.has(row.incident)) return false;
    this.db.gated.set(row.incident, { ...row, outages: [...row.outages], digestDay: null });
    return true;
  }

  gatedByOutage(outages: readonly number[]): GatedRow | undefined {
    const hit = [...this.db.gated.values()]
      .filter((g) => g.outages.some((o) => outages.includes(o)))
      .sort((a, b) => a.at - b.at);
    return hit[0] && structuredClone(hit[0]);
  }

  pendingDigest(before: number): GatedRow[] {
    return [...this.db.gated.values()]
      .filter((g) => g.action === 'digest' && g.digestDay === null && g.at < before)
      .sort((a, b) => a.at - b.at || (a.incident < b.incident ? -1 : 1))
      .map((g) => structuredClone(g));
  }

  createDigest(row: DigestRow, incidents: readonly string[]): boolean {
    if (this.db.digests.has(row.day)) return false;
    this.db.digests.set(row.day, structuredClone(row));
    for (const i of incidents) {
      const g = this.db.gated.get(i);
      if (g && g.digestDay === null) g.digestDay = row.day;
    }
    return true;
  }

  getDigest(day: string): DigestRow | undefined {
    const d = this.db.digests.get(day);
    return d && structuredClone(d);
  }

  digestSends(day: string): DigestSendRow[] {
    return [...this.db.sends.values()]
      .filter((s) => s.day === day)
      .sort((a, b) => (a.channel < b.channel ? -1 : 1))
      .map((s) => ({ ...s }));
  }

  saveDigestSend(row: DigestSendRow): DigestSendRow {
    const key = `${row.day}\u0000${row.channel}`;
    const old = this.db.sends.get(key);
    const saved = { ...row, delivery: old?.delivery ?? -this.db.nextSend++ };
    this.db.sends.set(key, saved);
    return { ...saved };
  }
}
