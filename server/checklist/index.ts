// The checklist as one part of the app: the service (reads, writes, templates), the evaluator of
// automatic items and the roll-call capturer, started and stopped together.
import type { Logger } from 'pino';
import type { WindowConfig } from '../../shared/phase';
import type { PointStatus } from '../../shared/schemas';
import type { Access } from '../auth/access';
import type { Clock } from '../clock';
import type { Inventory } from '../inventory/inventory';
import type { PointTransition } from '../status/board';
import type { Store } from '../store/types';
import { AutoChecklist } from './auto';
import { RollCallCapturer } from './rollcall';
import { ChecklistService } from './service';
import type { TargetRow } from '../status/board';

export { ChecklistService } from './service';
export { registerChecklistEvents, publishChecklistEvents, type Guarded } from './socket';

export interface ChecklistOptions {
  store: Store;
  inventory: Inventory;
  participation: { pointsOf(meetingId: string): ReadonlySet<string> };
  status: { status(code: string): PointStatus | undefined; targetRows?(code: string): TargetRow[] };
  /** Point transitions of the status board (to catch spells shorter than a tick). */
  onTransition: (l: (tr: PointTransition) => void) => void;
  access: Pick<Access, 'check' | 'tree'>;
  clock: Clock;
  logger: Logger;
  windows?: WindowConfig;
  /** Line stability before "Đường truyền" passes (default 60 s). */
  lineStableMs?: number;
  /** Wait after start before a late roll call (default 10 s). */
  rollCallSettleMs?: number;
}

export interface Checklist {
  service: ChecklistService;
  auto: AutoChecklist;
  rollCall: RollCallCapturer;
  start(): void;
  stop(): void;
}

export function createChecklist(o: ChecklistOptions): Checklist {
  const { store, inventory, participation, status, clock } = o;
  const logger = o.logger.child({ part: 'checklist' });
  const service = new ChecklistService({ store, inventory, participation, access: o.access, clock, logger });
  const auto = new AutoChecklist({
    service,
    inventory,
    participation,
    status,
    clock,
    logger,
    windows: o.windows,
    stableMs: o.lineStableMs,
  });
  o.onTransition((tr) => auto.onTransition(tr));
  const rollCall = new RollCallCapturer({
    store,
    inventory,
    participation,
    status,
    clock,
    logger,
    settleMs: o.rollCallSettleMs,
    onCaptured: (row) => service.captured(row),
  });
  // A meeting moved or added: its roll calls may be due at other times.
  inventory.onChange(() => void rollCall.check());
  return {
    service,
    auto,
    rollCall,
    start() {
      auto.start();
      rollCall.start();
    },
    stop() {
      auto.stop();
      rollCall.stop();
    },
  };
}
