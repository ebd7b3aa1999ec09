// Turns point transitions into outage records (docs/SPEC.md OU1–OU8), written synchronously through
// the Store so an outage is on disk the moment the dashboard shows it. Open outages found in the store
// at start are continued, never duplicated.
import type { Logger } from 'pino';
import { DEFAULT_WINDOWS, phaseAt, windowAt, type WindowConfig } from '../../shared/phase';
import type { Meeting, OutageType } from '../../shared/schemas';
import type { NewOutage, OutageRow, Store } from '../store/types';
import type { PointTransition } from './board';
import { DEFAULT_STATUS } from './types';

export type OutageEvent = { kind: 'opened' | 'closed'; row: OutageRow };
export type OutageListener = (e: OutageEvent) => void;

export interface OutageRecorderOptions {
  store: Store;
  logger: Logger;
  /** Ids of the meetings the point takes part in (the lead's participation index). */
  meetingsOf: (code: string) => readonly string[];
  meeting: (id: string) => Meeting | undefined;
  /** A severe period becomes an outage once it has lasted this long (default DEFAULT_STATUS's). */
  severeMinMs?: number;
  windows?: WindowConfig;
}

interface Open {
  down: OutageRow[];
  severe: OutageRow[];
}

export class OutageRecorder {
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly severeMinMs: number;
  private readonly windows: WindowConfig;
  private readonly open = new Map<string, Open>();
  /** Points severe since this instant whose severe outage is not yet long enough to record. */
  private readonly pendingSevere = new Map<string, number>();
  private readonly listeners = new Set<OutageListener>();

  constructor(private readonly opts: OutageRecorderOptions) {
    this.store = opts.store;
    this.logger = opts.logger;
    this.severeMinMs = opts.severeMinMs ?? DEFAULT_STATUS.severeMinMs;
    this.windows = opts.windows ?? DEFAULT_WINDOWS;
    for (const row of this.store.openOutages()) this.entry(row.point)[row.type].push(row);
  }

  onEvent(listener: OutageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Open outage rows, of one point or of all. */
  openRows(code?: string): OutageRow[] {
    const entries = code === undefined ? [...this.open.values()] : [this.open.get(code)].filter((e) => !!e);
    return entries.flatMap((e) => [...e.down, ...e.severe]);
  }

  onTransition(tr: PointTransition): void {
    const code = tr.point;
    switch (tr.to) {
      case 'down':
        this.endSevere(code, tr.at, tr.detectedAt);
        this.openUnlessOpen(code, 'down', tr.at, tr.detectedAt);
        return;
      case 'unknown':
        // OU5/OU6: nothing is known to have ended; a long-enough severe period is still recorded.
        this.settleSevere(code, tr.at, tr.detectedAt);
        return;
      default:
        this.closeAll(code, 'down', tr.at);
        if (tr.to !== 'severe') this.endSevere(code, tr.at, tr.detectedAt);
        else if (!this.open.get(code)?.severe.length && !this.pendingSevere.has(code)) {
          this.pendingSevere.set(code, tr.at);
        }
    }
  }

  /** Records severe periods that have now lasted severeMinMs (OU3); call it every second or so. */
  tick(now: number): void {
    for (const [code, since] of this.pendingSevere) {
      if (now - since < this.severeMinMs) continue;
      this.pendingSevere.delete(code);
      this.openUnlessOpen(code, 'severe', since, now);
    }
  }

  /**
   * OU9: an outage already open when a meeting's window opens belongs to that meeting's log too —
   * a point down since the morning is the first thing the line test must show. Cheap: it walks the
   * open outages only. Call it every second or so, with tick().
   */
  attachToOpenWindows(now: number): void {
    for (const [code, e] of this.open) {
      for (const type of ['down', 'severe'] as const) {
        const rows = e[type];
        const first = rows[0];
        if (!first) continue;
        for (const id of this.opts.meetingsOf(code)) {
          const m = this.opts.meeting(id);
          if (!m || rows.some((r) => r.meeting === id) || windowAt(m, now, this.windows) === null) continue;
          const row = this.store.openOutage({
            point: code,
            meeting: id,
            type,
            phase: phaseAt(m, first.startedAt),
            startedAt: first.startedAt,
            detectedAt: first.detectedAt,
          });
          rows.push(row);
          this.emit({ kind: 'opened', row });
        }
      }
    }
  }

  private settleSevere(code: string, at: number, detectedAt: number): void {
    const since = this.pendingSevere.get(code);
    if (since === undefined) return;
    this.pendingSevere.delete(code);
    if (at - since >= this.severeMinMs) this.openUnlessOpen(code, 'severe', since, detectedAt);
  }

  private endSevere(code: string, at: number, detectedAt: number): void {
    this.settleSevere(code, at, detectedAt);
    this.closeAll(code, 'severe', at);
  }

  private openUnlessOpen(code: string, type: OutageType, startedAt: number, detectedAt: number): void {
    const rows = this.entry(code)[type];
    if (rows.length > 0) return; // OU5/OU7: continue the open outage, no duplicate
    for (const o of this.attribute(code, type, startedAt, Math.max(detectedAt, startedAt))) {
      const row = this.store.openOutage(o);
      rows.push(row);
      this.emit({ kind: 'opened', row });
    }
  }

  /** OU4: one record per meeting whose monitoring window is open at startedAt, else one without. */
  private attribute(code: string, type: OutageType, startedAt: number, detectedAt: number): NewOutage[] {
    const out: NewOutage[] = [];
    for (const id of this.opts.meetingsOf(code)) {
      const m = this.opts.meeting(id);
      if (!m || windowAt(m, startedAt, this.windows) === null) continue;
      out.push({ point: code, meeting: id, type, phase: phaseAt(m, startedAt), startedAt, detectedAt });
    }
    if (out.length === 0) out.push({ point: code, meeting: null, type, phase: null, startedAt, detectedAt });
    return out;
  }

  private closeAll(code: string, type: OutageType, at: number): void {
    const e = this.open.get(code);
    const rows = e?.[type];
    if (!e || !rows?.length) return;
    while (rows.length > 0) {
      const row = rows[0]!;
      // OU8: a clock jump must not produce a negative duration.
      const endedAt = Math.max(at, row.startedAt);
      this.store.closeOutage(row.id, endedAt);
      rows.shift();
      this.emit({ kind: 'closed', row: { ...row, endedAt } });
    }
    if (!e.down.length && !e.severe.length) this.open.delete(code);
  }

  private entry(code: string): Open {
    let e = this.open.get(code);
    if (!e) {
      e = { down: [], severe: [] };
      this.open.set(code, e);
    }
    return e;
  }

  private emit(e: OutageEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.logger.error({ err, outage: e.row.id }, 'outage listener failed');
      }
    }
  }
}
