// Units, points and meetings in PostgreSQL (the tables of SQLite's migration 1). Rows are parsed on
// the way in, as sqlite.ts does; a change is one transaction of one statement per table and kind, and
// the deferred foreign keys (a point's unit, a unit's parent) are checked at COMMIT, so a change may
// list children before their parents and delete a unit together with its points.
import { Meeting, Point, Unit } from '../../../shared/schemas';
import type { InventoryChange, InventoryData } from '../types';
import type { PgDb } from './db';

/** Rows by key, the last of a key winning as SQLite's one-by-one upserts let it win. */
function byKey<T>(rows: readonly T[], key: (r: T) => string): T[] {
  return [...new Map(rows.map((r) => [key(r), r] as const)).values()];
}

const parse = <T>(rows: readonly unknown[] | undefined, schema: { parse(x: unknown): T }): T[] =>
  (rows ?? []).map((r) => schema.parse(r));

export class PgInventory {
  constructor(private readonly db: PgDb) {}

  async loadInventory(): Promise<InventoryData> {
    const all = async <T>(table: string, key: string): Promise<T[]> =>
      (await this.db.rows<{ json: string }>(`SELECT json FROM ${table} ORDER BY ${key}`)).map(
        (r) => JSON.parse(r.json) as T,
      );
    const [units, points, meetings] = await Promise.all([
      all<Unit>('units', 'id'),
      all<Point>('points', 'code'),
      all<Meeting>('meetings', 'id'),
    ]);
    return { units, points, meetings };
  }

  async saveInventory(c: InventoryChange): Promise<void> {
    // A bad row throws here, before anything is written.
    const units = byKey(parse(c.upsertUnits, Unit), (u) => u.id);
    const points = byKey(parse(c.upsertPoints, Point), (p) => p.code);
    const meetings = byKey(parse(c.upsertMeetings, Meeting), (m) => m.id);
    await this.db.tx(async (sql) => {
      if (units.length > 0) {
        await sql.run(
          `INSERT INTO units (id, parent, json) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
           ON CONFLICT (id) DO UPDATE SET parent = excluded.parent, json = excluded.json`,
          [units.map((u) => u.id), units.map((u) => u.parent), units.map((u) => JSON.stringify(u))],
        );
      }
      if (points.length > 0) {
        await sql.run(
          `INSERT INTO points (code, unit, json) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
           ON CONFLICT (code) DO UPDATE SET unit = excluded.unit, json = excluded.json`,
          [points.map((p) => p.code), points.map((p) => p.unit), points.map((p) => JSON.stringify(p))],
        );
      }
      if (meetings.length > 0) {
        await sql.run(
          `INSERT INTO meetings (id, json) SELECT * FROM unnest($1::text[], $2::text[])
           ON CONFLICT (id) DO UPDATE SET json = excluded.json`,
          [meetings.map((m) => m.id), meetings.map((m) => JSON.stringify(m))],
        );
      }
      if (c.deleteMeetings?.length) await sql.run('DELETE FROM meetings WHERE id = ANY($1)', [c.deleteMeetings]);
      if (c.deletePoints?.length) await sql.run('DELETE FROM points WHERE code = ANY($1)', [c.deletePoints]);
      if (c.deleteUnits?.length) await sql.run('DELETE FROM units WHERE id = ANY($1)', [c.deleteUnits]);
    });
  }
}
