// Evaluates the automatic items (line, backup line) of every meeting whose line test is under way,
// from the status board, once a second, and records what changed as "hệ thống". Point transitions are
// watched too, so a down or severe spell shorter than a second still fails the line ([CL6]).
import { Serial } from '../serial';
import type { Logger } from 'pino';
import type { ItemResult } from '../../shared/checklist';
import type { WindowConfig } from '../../shared/phase';
import type { PointStatus } from '../../shared/schemas';
import type { Clock } from '../clock';
import type { Inventory } from '../inventory/inventory';
import type { PointTransition } from '../status/board';
import { automaticOpen, backupVerdict, codecVerdict, isBad, isGood, lineVerdict, LINE_STABLE_MS } from './rules';
import type { TargetRow } from '../status/board';
import { markKey, type AutomaticWrite, type ChecklistService } from './service';

export interface AutoChecklistDeps {
  service: ChecklistService;
  inventory: Inventory;
  /** Codes of the points taking part in a meeting (the monitor). */
  participation: { pointsOf(meetingId: string): ReadonlySet<string> };
  status: { status(code: string): PointStatus | undefined; targetRows?(code: string): TargetRow[] };
  clock: Clock;
  logger: Logger;
  windows?: WindowConfig;
  /** How long the line must be good to pass (default 60 s). */
  stableMs?: number;
  /** Evaluation period (default 1 s). */
  tickMs?: number;
}

export class AutoChecklist {
  /** Start of each point's current good run (up or degraded), as far as we have seen it. */
  private readonly goodSince = new Map<string, number>();
  /** Points that went down or severe since the last evaluation. */
  private readonly wentBad = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private readonly passes = new Serial();

  constructor(private readonly d: AutoChecklistDeps) {}

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.d.tickMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** From the status board: a point's primary line changed state. */
  onTransition(tr: PointTransition): void {
    // The line's items follow the line; the endpoint's outages do not fail "Đường truyền".
    if (tr.class === 'endpoint') return;
    if (isBad(tr.to)) {
      this.wentBad.add(tr.point);
      this.goodSince.delete(tr.point);
    } else if (!isGood(tr.to)) {
      this.goodSince.delete(tr.point);
    } else if (!isGood(tr.from)) {
      this.goodSince.set(tr.point, tr.at);
    }
  }

  /** One evaluation of every open meeting (the timer calls it; tests too); one at a time. */
  tick(): Promise<void> {
    return this.passes.run(() => this.tickNow());
  }

  private async tickNow(): Promise<void> {
    const now = this.d.clock.now();
    // A point's line verdict is the same in every meeting: computed once per tick.
    const lines = new Map<string, ItemResult | undefined>();
    try {
      for (const meeting of this.d.inventory.listMeetings()) {
        if (!automaticOpen(meeting, now, this.d.windows)) continue;
        try {
          await this.evaluate(meeting.id, now, lines);
        } catch (err) {
          // The results were not stored: the next tick tries again, as nothing was remembered.
          this.d.logger.error({ err, meeting: meeting.id }, 'checklist: automatic items not recorded');
        }
      }
    } finally {
      this.wentBad.clear();
    }
  }

  private async evaluate(meetingId: string, now: number, lines: Map<string, ItemResult | undefined>): Promise<void> {
    const { service, inventory } = this.d;
    const items = (await service.itemsOf(meetingId)).items;
    const lineItems = items.filter((i) => i.rule === 'line').map((i) => i.key);
    const backupItems = items.filter((i) => i.rule === 'backup').map((i) => i.key);
    const codecItems = items.flatMap((i) => (i.codec === null ? [] : [{ key: i.key, media: i.codec }]));
    if (lineItems.length === 0 && backupItems.length === 0 && codecItems.length === 0) return;
    const writes: AutomaticWrite[] = [];
    const marks = await service.marksOf(meetingId);
    const current = (point: string, key: string): ItemResult =>
      (marks.get(markKey(point, key))?.value as ItemResult | undefined) ?? 'pending';
    for (const code of this.d.participation.pointsOf(meetingId)) {
      const status = this.d.status.status(code);
      if (lineItems.length > 0) {
        if (!lines.has(code)) lines.set(code, this.line(code, status, now));
        const result = lines.get(code);
        if (result !== undefined) {
          for (const key of lineItems)
            if (current(code, key) !== result) writes.push({ point: code, item: key, result });
        }
      }
      if (backupItems.length > 0) {
        const hasBackup = inventory.point(code)?.targets.some((t) => t.role === 'backup') ?? false;
        for (const key of backupItems) {
          const was = current(code, key);
          const result = backupVerdict(hasBackup, status, was);
          if (result !== undefined && result !== was) writes.push({ point: code, item: key, result });
        }
      }
      if (codecItems.length > 0) {
        const codec = this.codecOf(code);
        if (codec === null) continue; // no codec: those items stay manual
        for (const { key, media } of codecItems) {
          const result = codecVerdict(media, codec);
          if (result !== undefined && current(code, key) !== result) writes.push({ point: code, item: key, result });
        }
      }
    }
    await service.writeAutomatic(meetingId, writes);
  }

  /** The point's codec target's row; null when the point has no codec (undefined: not known yet). */
  private codecOf(code: string): TargetRow | undefined | null {
    const t = this.d.inventory.point(code)?.targets.find((x) => x.kind === 'videoos' || x.kind === 'roomos');
    if (!t) return null;
    return this.d.status.targetRows?.(code).find((r) => r.kind === t.kind);
  }

  private line(code: string, status: PointStatus | undefined, now: number): ItemResult | undefined {
    const v = lineVerdict({
      status,
      goodSince: this.goodSince.get(code) ?? null,
      wentBad: this.wentBad.has(code),
      now,
      stableMs: this.d.stableMs ?? LINE_STABLE_MS,
    });
    if (v.goodSince === null) this.goodSince.delete(code);
    else this.goodSince.set(code, v.goodSince);
    return v.result;
  }
}
