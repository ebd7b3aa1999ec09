// A meeting's checklist outside React: the snapshot, then every change, each mark kept only if its
// version is newer than the one held (changes may arrive after the ack, or twice). Listeners are per
// point, so ticking one item re-renders one row; the summary listens to any change.
import type { ChecklistSnapshot, ItemMark, RollCallCapture, RollCallMark } from '../../../shared/checklist';
import type { Listener } from './observable';
import type { PointMarks } from './checklistBoard';

export class ChecklistStore {
  private snap: ChecklistSnapshot | null = null;
  private marks = new Map<string, PointMarks>();
  private rollCall = new Map<string, RollCallMark>();
  private captures: RollCallCapture[] = [];
  private readonly pointListeners = new Map<string, Set<Listener>>();
  private readonly listeners = new Set<Listener>();
  private versionValue = 0;

  /** Replace everything with a fresh snapshot. */
  reset(snap: ChecklistSnapshot | null): void {
    this.snap = snap;
    this.marks = new Map();
    this.rollCall = new Map();
    this.captures = snap ? [...snap.rollCall.captures] : [];
    for (const m of snap?.items ?? []) this.putItem(m);
    for (const m of snap?.rollCall.marks ?? []) this.rollCall.set(m.point, m);
    for (const set of this.pointListeners.values()) for (const l of Array.from(set)) l();
    this.bump();
  }

  /** Applies marks (from an ack or a `checklist:changed`); returns whether anything was newer. */
  apply(items: readonly ItemMark[], rollCall: readonly RollCallMark[] = []): boolean {
    const touched = new Set<string>();
    for (const m of items) if (this.putItem(m)) touched.add(m.point);
    for (const m of rollCall) {
      const held = this.rollCall.get(m.point);
      if (held && held.version >= m.version) continue;
      this.rollCall.set(m.point, m);
      touched.add(m.point);
    }
    for (const code of touched) for (const l of Array.from(this.pointListeners.get(code) ?? [])) l();
    if (touched.size > 0) this.bump();
    return touched.size > 0;
  }

  addCapture(c: RollCallCapture): void {
    if (this.captures.some((x) => x.moment === c.moment)) return;
    this.captures = [...this.captures, c];
    this.bump();
  }

  snapshot(): ChecklistSnapshot | null {
    return this.snap;
  }

  /** The point's marks; the same object until one of them changes. */
  marksOf = (code: string): PointMarks | undefined => this.marks.get(code);

  item(code: string, key: string): ItemMark {
    return (
      this.marks.get(code)?.[key] ?? {
        point: code,
        item: key,
        result: 'pending',
        note: null,
        by: null,
        at: null,
        version: 0,
      }
    );
  }

  /** The point's roll-call mark as held (undefined when never set): a stable value for subscriptions. */
  rollCallHeld = (code: string): RollCallMark | undefined => this.rollCall.get(code);

  rollCallOf(code: string): RollCallMark {
    return this.rollCall.get(code) ?? { point: code, status: 'pending', note: null, by: null, at: null, version: 0 };
  }

  capturesList(): readonly RollCallCapture[] {
    return this.captures;
  }

  /** Bumped on every change (a snapshot, a newer mark, a capture). */
  version = (): number => this.versionValue;

  mayWrite(code: string): boolean {
    const w = this.snap?.writable;
    return w === 'all' || (Array.isArray(w) && w.includes(code));
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  subscribePoint(code: string, listener: Listener): () => void {
    let set = this.pointListeners.get(code);
    if (!set) this.pointListeners.set(code, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.pointListeners.delete(code);
    };
  }

  private putItem(m: ItemMark): boolean {
    const held = this.marks.get(m.point);
    const prev = held?.[m.item];
    if (prev && prev.version >= m.version) return false;
    // A new object for the point, so the row that shows it sees the change.
    this.marks.set(m.point, { ...held, [m.item]: m });
    return true;
  }

  private bump(): void {
    this.versionValue++;
    for (const l of Array.from(this.listeners)) l();
  }
}
