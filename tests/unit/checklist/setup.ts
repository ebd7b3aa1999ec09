// A checklist wired to real parts for unit tests: a real SQLite file in a temp dir, the real status
// board fed with probe results by hand, the inventory, the policy, a ManualClock. No app, no sockets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Meeting, Point, Unit } from '../../../shared/schemas';
import { Access } from '../../../server/auth/access';
import type { Actor } from '../../../server/auth/policy';
import { AutoChecklist } from '../../../server/checklist/auto';
import { RollCallCapturer } from '../../../server/checklist/rollcall';
import { ChecklistService, type ChecklistEvent } from '../../../server/checklist/service';
import { ManualClock } from '../../../server/clock';
import { Inventory } from '../../../server/inventory/inventory';
import { participationIndex } from '../../../server/schedule/participants';
import { StatusBoard } from '../../../server/status/board';
import { openSqliteStore } from '../../../server/store/sqlite';
import { asyncStore } from '../../../server/store/async';
import type { SyncStore } from '../../../server/store/types';

export const logger = pino({ level: 'silent' });
export const MIN = 60_000;
/** The line test starts at LINE_TEST (15:00 the day before); the session at SESSION (08:00). */
export const LINE_TEST = Date.parse('2026-03-05T15:00:00+07:00');
export const SESSION = Date.parse('2026-03-06T08:00:00+07:00');

export const units: Unit[] = [
  { id: 'HT', name: 'Tỉnh Hà Tĩnh', level: 'province', parent: null },
  { id: 'HT-CL', name: 'Huyện Can Lộc', level: 'district', parent: 'HT' },
  { id: 'HT-CL-DL', name: 'Xã Đồng Lộc', level: 'commune', parent: 'HT-CL' },
  { id: 'HT-CX', name: 'Huyện Can Xuân', level: 'district', parent: 'HT' },
];

const pt = (code: string, unit: string, host: string, backup?: string): Point => ({
  code,
  name: `Điểm cầu ${code}`,
  level: code === 'HT' ? 'province' : code.split('-').length === 2 ? 'district' : 'commune',
  unit,
  targets: [
    { kind: 'icmp', host, role: 'primary' },
    ...(backup ? [{ kind: 'icmp' as const, host: backup, role: 'backup' as const }] : []),
  ],
  contacts: [{ name: 'Nguyễn Văn An', role: 'technician', phone: '0913 294 787' }],
});

export const points: Point[] = [
  pt('HT', 'HT', '127.30.0.1', '127.31.0.1'),
  pt('HT-CL', 'HT-CL', '127.30.0.2'),
  pt('HT-CL-DL', 'HT-CL-DL', '127.30.0.3', '127.31.0.3'),
  pt('HT-CX', 'HT-CX', '127.30.0.4'),
];

export const meeting: Meeting = {
  id: 'hn-2026',
  title: 'Hội nghị trực tuyến tổng kết năm 2026',
  host: 'HT',
  lineTest: { start: '2026-03-05T15:00:00+07:00', durationMin: 120 },
  session: { start: '2026-03-06T08:00:00+07:00', plannedEnd: '2026-03-06T11:30:00+07:00' },
  participants: { levels: ['province', 'district', 'commune'], units: [], points: [] },
};

export const admin: Actor = { name: 'quantri', role: 'admin', units: [] };
export const techA: Actor = { name: 'kt.an', role: 'technician', units: [] };
export const techB: Actor = { name: 'kt.binh', role: 'technician', units: [] };
export const techCX: Actor = { name: 'kt.canxuan', role: 'technician', units: ['HT-CX'] };
export const viewer: Actor = { name: 'xem', role: 'viewer', units: [] };

export interface Rig {
  dir: string;
  /** The SQLite store as the test reads it (synchronously); the parts get its async face. */
  store: SyncStore;
  clock: ManualClock;
  inventory: Inventory;
  board: StatusBoard;
  service: ChecklistService;
  auto: AutoChecklist;
  rollCall: RollCallCapturer;
  events: ChecklistEvent[];
  /** Feeds one probe result per host at the clock's time, then moves the clock by `stepMs`. */
  probe(replies: Record<string, number | null>, stepMs?: number): void;
  /** Opens the same database again (a restart): a fresh service, evaluator and capturer. */
  reopen(): Promise<Rig>;
  dispose(): void;
}

export async function makeRig(opts: { now?: number; dir?: string; settleMs?: number } = {}): Promise<Rig> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'dc-checklist-'));
  const sync = openSqliteStore(join(dir, 'diemcau.sqlite'));
  const store = asyncStore(sync);
  const inventory = await Inventory.open(store);
  if (!inventory.meeting(meeting.id))
    await inventory.apply({ upsertUnits: units, upsertPoints: points, upsertMeetings: [meeting] });
  const clock = new ManualClock(opts.now ?? LINE_TEST);
  const board = new StatusBoard({ clock, logger });
  let index = new Map<string, string[]>();
  const reindex = () => {
    const d = inventory.data();
    index = participationIndex(d.meetings, d.points, d.units);
    board.setPoints(d.points);
  };
  reindex();
  inventory.onChange(reindex);
  const participation = {
    pointsOf: (id: string) => new Set([...index].filter(([, ms]) => ms.includes(id)).map(([code]) => code)),
  };
  const access = new Access(inventory);
  const service = new ChecklistService({ store, inventory, participation, access, clock, logger });
  const events: ChecklistEvent[] = [];
  service.onEvent((e) => events.push(e));
  const auto = new AutoChecklist({ service, inventory, participation, status: board, clock, logger });
  board.onTransition((tr) => auto.onTransition(tr));
  const rollCall = new RollCallCapturer({
    store,
    inventory,
    participation,
    status: board,
    clock,
    logger,
    settleMs: opts.settleMs,
    onCaptured: (row) => service.captured(row),
  });
  const rig: Rig = {
    dir,
    store: sync,
    clock,
    inventory,
    board,
    service,
    auto,
    rollCall,
    events,
    probe(replies, stepMs = 1000) {
      for (const [host, rtt] of Object.entries(replies)) board.observe({ target: `icmp:${host}`, t: clock.now(), rtt });
      clock.advance(stepMs);
    },
    async reopen() {
      rollCall.stop();
      sync.close();
      return makeRig({ now: clock.now(), dir, settleMs: opts.settleMs });
    },
    dispose() {
      rollCall.stop();
      auto.stop();
      sync.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}
