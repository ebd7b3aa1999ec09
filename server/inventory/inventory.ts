// The inventory in memory: the one place the monitor reads units, points and meetings from. Every
// change is validated on the whole candidate, persisted in one transaction, and only then swapped in.
import type { Meeting, Point, Unit } from '../../shared/schemas';
import { ValidationError } from '../errors';
import type { InventoryChange, InventoryData, Store } from '../store/types';
import { inventoryIssues } from './validate';
import { inventoryWhere } from '../issue-words';

export type InventoryListener = (change: InventoryChange) => void;

export class Inventory {
  private units = new Map<string, Unit>();
  private points = new Map<string, Point>();
  private meetings = new Map<string, Meeting>();
  private listeners: InventoryListener[] = [];

  /** Changes apply one after another: each validates on top of the one before. */
  private applying: Promise<unknown> = Promise.resolve();

  /** The inventory as the store holds it now. */
  static async open(store: Store): Promise<Inventory> {
    return new Inventory(store, await store.loadInventory());
  }

  constructor(
    private readonly store: Store,
    data: InventoryData,
  ) {
    for (const u of data.units) this.units.set(u.id, u);
    for (const p of data.points) this.points.set(p.code, p);
    for (const m of data.meetings) this.meetings.set(m.id, m);
  }

  /**
   * Reads the inventory again from the store, for a process that shares the database with the one
   * that changed it (the monitor process, server/pipeline/child.ts), and tells the listeners.
   */
  async reload(): Promise<void> {
    const data = await this.store.loadInventory();
    this.units = new Map(data.units.map((u) => [u.id, u]));
    this.points = new Map(data.points.map((p) => [p.code, p]));
    this.meetings = new Map(data.meetings.map((m) => [m.id, m]));
    for (const l of this.listeners) l({ reloaded: true });
  }

  onChange(l: InventoryListener): void {
    this.listeners.push(l);
  }

  data(): InventoryData {
    return {
      units: [...this.units.values()],
      points: [...this.points.values()],
      meetings: [...this.meetings.values()],
    };
  }

  unit(id: string): Unit | undefined {
    return this.units.get(id);
  }
  point(code: string): Point | undefined {
    return this.points.get(code);
  }
  meeting(id: string): Meeting | undefined {
    return this.meetings.get(id);
  }
  listUnits(): Unit[] {
    return [...this.units.values()];
  }
  listPoints(): Point[] {
    return [...this.points.values()];
  }
  listMeetings(): Meeting[] {
    return [...this.meetings.values()];
  }

  /**
   * Apply a change atomically, after any change still being saved; rejects with ValidationError
   * (nothing applied) when the result is invalid.
   */
  apply(change: InventoryChange): Promise<void> {
    const run = this.applying.then(() => this.applyNow(change));
    this.applying = run.catch(() => undefined);
    return run;
  }

  private async applyNow(change: InventoryChange): Promise<void> {
    const units = new Map(this.units);
    const points = new Map(this.points);
    const meetings = new Map(this.meetings);
    for (const id of change.deleteUnits ?? []) units.delete(id);
    for (const code of change.deletePoints ?? []) points.delete(code);
    for (const id of change.deleteMeetings ?? []) meetings.delete(id);
    for (const u of change.upsertUnits ?? []) units.set(u.id, u);
    for (const p of change.upsertPoints ?? []) points.set(p.code, p);
    for (const m of change.upsertMeetings ?? []) meetings.set(m.id, m);

    const issues = inventoryIssues({
      units: [...units.values()],
      points: [...points.values()],
      meetings: [...meetings.values()],
    });
    if (issues.length > 0) {
      // Paths point into the candidate, which the caller never saw: name the entity instead.
      throw new ValidationError(
        issues.map(({ path, message, en, at }) => {
          const data = { units: [...units.values()], points: [...points.values()], meetings: [...meetings.values()] };
          return {
            path: describe(path, units, points, meetings),
            message,
            en,
            ...(at ? { where: inventoryWhere(at, data) } : {}),
          };
        }),
      );
    }
    await this.store.saveInventory(change);
    this.units = units;
    this.points = points;
    this.meetings = meetings;
    for (const l of this.listeners) l(change);
  }
}

/** `points[12].unit` → `points[HT-CL-01].unit` so a REST caller knows which entity is meant. */
function describe(
  path: string,
  units: Map<string, Unit>,
  points: Map<string, Point>,
  meetings: Map<string, Meeting>,
): string {
  const m = /^(units|points|meetings)\[(\d+)\](.*)$/.exec(path);
  if (!m) return path;
  const idx = Number(m[2]);
  const key =
    m[1] === 'units' ? [...units.keys()][idx] : m[1] === 'points' ? [...points.keys()][idx] : [...meetings.keys()][idx];
  return `${m[1]}[${key ?? idx}]${m[3]}`;
}
