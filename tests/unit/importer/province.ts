// A small province for the import tests: two districts sharing a commune name (Tùng Lộc), a town
// (thị trấn), a ward (phường), and points with backups, leaders and organizations.
import { mkdtempSync, rmSync } from 'node:fs';
import { asyncStore } from '../../../server/store/async';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inventory } from '../../../server/inventory/inventory';
import { openSqliteStore } from '../../../server/store/sqlite';
import type { Store } from '../../../server/store/types';
import type { Point, Unit } from '../../../shared/schemas';

export const UNITS: Unit[] = [
  { id: 'HT', name: 'Tỉnh Hà Tĩnh', level: 'province', parent: null },
  { id: 'HT-CL', name: 'Huyện Can Lộc', level: 'district', parent: 'HT' },
  { id: 'HT-LH', name: 'Huyện Lộc Hà', level: 'district', parent: 'HT' },
  { id: 'HT-TP', name: 'Thành phố Hà Tĩnh', level: 'district', parent: 'HT' },
  { id: 'HT-CL-DONG-LOC', name: 'Xã Đồng Lộc', level: 'commune', parent: 'HT-CL' },
  { id: 'HT-CL-TUNG-LOC', name: 'Xã Tùng Lộc', level: 'commune', parent: 'HT-CL' },
  { id: 'HT-CL-NGHEN', name: 'Thị trấn Nghèn', level: 'commune', parent: 'HT-CL' },
  { id: 'HT-LH-TUNG-LOC', name: 'Xã Tùng Lộc', level: 'commune', parent: 'HT-LH' },
  { id: 'HT-LH-THACH-KIM', name: 'Xã Thạch Kim', level: 'commune', parent: 'HT-LH' },
  { id: 'HT-TP-BAC-HA', name: 'Phường Bắc Hà', level: 'commune', parent: 'HT-TP' },
];

export const POINTS: Point[] = [
  {
    code: 'HT',
    name: 'Điểm cầu Tỉnh ủy - UBND tỉnh',
    level: 'province',
    unit: 'HT',
    room: 'Hội trường tầng 1, Văn phòng UBND tỉnh',
    targets: [
      { kind: 'icmp', host: '127.30.0.1', role: 'primary' },
      { kind: 'icmp', host: '127.31.0.1', role: 'backup' },
    ],
    contacts: [
      {
        name: 'Trần Minh Hùng',
        role: 'technician',
        phone: '0918 654 321',
        organization: 'Trung tâm Công báo - Tin học',
      },
      { name: 'Lê Văn Chánh', role: 'leader', phone: '0912 000 111' },
    ],
  },
  {
    code: 'HT-CL',
    name: 'Điểm cầu Huyện Can Lộc',
    level: 'district',
    unit: 'HT-CL',
    room: 'Hội trường UBND huyện',
    address: 'Thị trấn Nghèn, huyện Can Lộc',
    targets: [{ kind: 'icmp', host: '127.30.1.1', role: 'primary' }],
    contacts: [{ name: 'Nguyễn Văn An', role: 'technician', phone: '0913 294 787' }],
  },
  {
    code: 'HT-CL-DONG-LOC',
    name: 'Điểm cầu Xã Đồng Lộc',
    level: 'commune',
    unit: 'HT-CL-DONG-LOC',
    targets: [{ kind: 'icmp', host: '127.30.1.10', role: 'primary' }],
    contacts: [],
  },
];

export interface TestInventory {
  inventory: Inventory;
  store: Store;
  dir: string;
  dbFile: string;
  /** Units and points as stored on disk (a fresh Inventory over the file). */
  reload(): Promise<{ units: Unit[]; points: Point[] }>;
  /** Close this connection (a CLI under test opens the file itself). */
  closeStore(): void;
  dispose(): void;
}

/** A real Inventory over a real SQLite file in a temp dir, holding UNITS and POINTS. */
export async function openTestInventory(points: Point[] = POINTS, units: Unit[] = UNITS): Promise<TestInventory> {
  const dir = mkdtempSync(join(tmpdir(), 'dc-import-'));
  const dbFile = join(dir, 'diemcau.sqlite');
  const store = openSqliteStore(dbFile);
  const inventory = await Inventory.open(asyncStore(store));
  await inventory.apply({ upsertUnits: units, upsertPoints: points });
  let closed = false;
  return {
    inventory,
    store: asyncStore(store),
    dir,
    dbFile,
    async reload() {
      const s = openSqliteStore(dbFile);
      try {
        const d = (await Inventory.open(asyncStore(s))).data();
        return { units: d.units, points: d.points };
      } finally {
        s.close();
      }
    },
    closeStore() {
      if (!closed) store.close();
      closed = true;
    },
    dispose() {
      if (!closed) store.close();
      closed = true;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
