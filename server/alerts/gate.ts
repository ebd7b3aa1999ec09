// The alert gate (docs/ALERTS.md "When alerts are sent", AL30–AL33): the schedule is the maintenance
// window. Called once per incident by the dispatcher's routing step, before any channel is chosen:
// - [AL30] an incident whose every point is under planned work (a maintenance entry on the point or on
//   a unit above it) at the outage's start is muted: no channel, recorded as muted;
// - [AL31] with a daily digest configured, an incident detected while none of its points' meetings has
//   its monitoring window open (the line-test and live windows with their lead and tail times,
//   shared/phase.ts windowAt) goes to no channel now: it waits for the digest (server/alerts/digest.ts);
// - [AL32] a recovery follows its opening: muted or held for the digest when the opening was;
// - tests always pass.
// The verdicts are stored (store.maintenance, migration 11) so that the digest and a recovery can
// find them, and so that a restart does not change them.
import type { Logger } from 'pino';
import { DEFAULT_WINDOWS, windowAt, type WindowConfig } from '../../shared/phase';
import type { Meeting, Point, Unit } from '../../shared/schemas';
import { childrenIndex, resolveParticipants } from '../schedule/participants';
import type { MaintenanceRow, MaintenanceStore } from '../store/maintenance-types';
import type { Incident } from './incident';

export interface GateInventory {
  points: readonly Point[];
  units: readonly Unit[];
  meetings: readonly Meeting[];
}

export interface AlertGateOptions {
  store: MaintenanceStore;
  /** The inventory as it is now (read on each decision). */
  inventory: () => GateInventory;
  windows?: WindowConfig;
  /**
   * Whether incidents outside the meeting windows are held for a digest: only when one is configured
   * (`alerts.digest`); without it they are sent as before, not held for a digest that never comes.
   */
  holdOutsideWindows: boolean;
  logger: Logger;
}

export type GateVerdict = { action: 'send' } | { action: 'muted'; maintenance: number } | { action: 'digest' };

/** The units from `unit` up to the root (itself first). */
function unitChain(unit: string, units: ReadonlyMap<string, Unit>): string[] {
  const out: string[] = [];
  let u: string | null = unit;
  while (u !== null && !out.includes(u)) {
    out.push(u);
    u = units.get(u)?.parent ?? null;
  }
  return out;
}

/** The maintenance entry covering point `code` (of unit `unit`) at `t`, if any. */
export function coveringEntry(
  entries: readonly MaintenanceRow[],
  code: string,
  unit: string | undefined,
  units: ReadonlyMap<string, Unit>,
  t: number,
): MaintenanceRow | undefined {
  const chain = unit === undefined ? [] : unitChain(unit, units);
  return entries.find(
    (e) =>
      e.start <= t &&
      t < e.end &&
      ((e.targetKind === 'point' && e.target === code) || (e.targetKind === 'unit' && chain.includes(e.target))),
  );
}

/** The verdict on an incident, from the inventory, the maintenance entries and the windows (pure). */
export function judge(
  i: Incident,
  inv: GateInventory,
  entries: readonly MaintenanceRow[],
  windows: WindowConfig = DEFAULT_WINDOWS,
): GateVerdict {
  if (i.kind === 'test' || i.points.length === 0) return { action: 'send' };
  const units = new Map(inv.units.map((u) => [u.id, u]));
  const points = new Map(inv.points.map((p) => [p.code, p]));
  // [AL30] Muted when every point is under planned work at the outage's start.
  let muting: MaintenanceRow | undefined;
  for (const p of i.points) {
    const e = coveringEntry(entries, p.code, points.get(p.code)?.unit ?? p.unit.id, units, i.start);
    if (!e) {
      muting = undefined;
      break;
    }
    muting ??= e;
  }
  if (muting) return { action: 'muted', maintenance: muting.id };
  // [AL31] Sent when some meeting of one of its points has its window open at detection.
  const codes = new Set(i.points.map((p) => p.code));
  const children = childrenIndex(inv.units);
  for (const m of inv.meetings) {
    if (windowAt(m, i.at, windows) === null) continue;
    if (resolveParticipants(m, inv.points, inv.units, children).some((c) => codes.has(c))) return { action: 'send' };
  }
  return { action: 'digest' };
}

export class AlertGate {
  constructor(private readonly o: AlertGateOptions) {}

  /**
   * True when the incident goes to its channels now; false when it is muted or held for the digest
   * (the verdict is stored). Never throws: a gate that cannot decide lets the alert through.
   */
  async admit(i: Incident): Promise<boolean> {
    try {
      let v: GateVerdict;
      if (i.kind === 'recovered') {
        // [AL32] A recovery goes where its opening went.
        const opening = await this.o.store.gatedByOutage(i.outages);
        v = !opening
          ? { action: 'send' }
          : opening.action === 'muted'
            ? { action: 'muted', maintenance: opening.maintenance ?? 0 }
            : { action: 'digest' };
      } else {
        // The entries that cover the outage's start.
        const entries = await this.o.store.listMaintenance(i.start - 1, i.start + 1);
        v = judge(i, this.o.inventory(), entries, this.o.windows);
        if (v.action === 'digest' && !this.o.holdOutsideWindows) v = { action: 'send' };
      }
      if (v.action === 'send') return true;
      await this.o.store.addGated({
        incident: i.id,
        action: v.action,
        maintenance: v.action === 'muted' ? v.maintenance : null,
        at: Math.round(i.at),
        outages: i.outages,
      });
      this.o.logger.info(
        { incident: i.id, action: v.action, maintenance: v.action === 'muted' ? v.maintenance : undefined },
        v.action === 'muted' ? 'alert muted: planned work' : 'alert held for the daily digest: outside meeting windows',
      );
      return false;
    } catch (err) {
      this.o.logger.error({ err, incident: i.id }, 'alert gate failed: the incident is sent');
      return true;
    }
  }
}
