// Display links (migration 6) for the in-memory Store, with the SQLite store's semantics
// (tests/unit/store/contract-displays.ts runs both).
import type { DisplayLinkRow, SyncDisplayLinkStore, NewDisplayLink } from '../../server/store/display-types';

/** The links behind one MemoryDb. */
export class MemoryDisplayDb {
  readonly links = new Map<number, DisplayLinkRow>();
  nextId = 1;
}

export class MemoryDisplayLinks implements SyncDisplayLinkStore {
  constructor(
    private readonly db: MemoryDisplayDb,
    private readonly open: () => void,
  ) {}

  create(l: NewDisplayLink): DisplayLinkRow {
    this.open();
    for (const x of this.db.links.values()) {
      if (x.tokenHash === l.tokenHash) throw new Error('UNIQUE constraint failed: display_links.token_hash');
    }
    const row: DisplayLinkRow = { ...l, id: this.db.nextId++, lastSeenAt: null, revokedAt: null };
    this.db.links.set(row.id, row);
    return { ...row };
  }
  list(): DisplayLinkRow[] {
    this.open();
    return [...this.db.links.values()].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id).map((r) => ({ ...r }));
  }
  get(id: number): DisplayLinkRow | undefined {
    this.open();
    const r = this.db.links.get(id);
    return r && { ...r };
  }
  byHash(tokenHash: string): DisplayLinkRow | undefined {
    this.open();
    for (const r of this.db.links.values()) if (r.tokenHash === tokenHash) return { ...r };
    return undefined;
  }
  revoke(id: number, at: number): boolean {
    this.open();
    const r = this.db.links.get(id);
    if (!r || r.revokedAt !== null) return false;
    r.revokedAt = at;
    return true;
  }
  touch(id: number, at: number): void {
    this.open();
    const r = this.db.links.get(id);
    if (r) r.lastSeenAt = Math.max(r.lastSeenAt ?? 0, at);
  }
}
