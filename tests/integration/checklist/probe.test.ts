// The automatic items follow the real probes: fping on loopback, an nftables table of the test's own
// that drops one address's echo requests. "Đường truyền" fails (as "hệ thống") when the point goes
// down and passes again once it has been back for the stability time; "Đường truyền dự phòng"
// follows the backup line. Dashboards hear each change.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChecklistChanged, ChecklistSnapshot, ItemMark } from '../../../shared/checklist';
import type { Point } from '../../../shared/schemas';
import { createDropTable, destroyAllNftTables, nftSkipReason, type NftDropTable } from '../../helpers/nft';
import {
  api,
  connectSocket,
  connected,
  meetingNow,
  okData,
  startTestApp,
  tinyProvince,
  waitFor,
  type TestApp,
  type TestSocket,
} from '../../helpers/app';

const skip = nftSkipReason();
const base = tinyProvince(72, 2);
const BACKUP = '127.72.2.1';
// C1 has a backup line; the others have none.
const points: Point[] = base.points.map((p) =>
  p.code === 'C1' ? { ...p, targets: [...p.targets, { kind: 'icmp', host: BACKUP, role: 'backup' }] } : p,
);
const C2 = '127.72.1.2';
const STABLE_MS = 3_000;

let t: TestApp;
let table: NftDropTable | null = null;
let socket: TestSocket | null = null;

const mark = async (code: string, item: string): Promise<ItemMark | undefined> => {
  const { json } = await api(t, 'GET', '/api/meetings/LT/checklist');
  return (json as ChecklistSnapshot).items.find((m) => m.point === code && m.item === item);
};
const resultIs = (code: string, item: string, result: string) => async () =>
  (await mark(code, item))?.result === result;

beforeAll(async () => {
  if (skip) return;
  t = await startTestApp({
    units: base.units,
    points,
    meetings: [meetingNow('LT', 'lineTest')],
    cadence: { idleMs: 60_000, lineTestMs: 1_000, liveMs: 1_000 },
    checklist: { lineStableMs: STABLE_MS },
  });
});
afterEach(() => {
  table?.destroy();
  table = null;
});
afterAll(async () => {
  socket?.disconnect();
  destroyAllNftTables();
  await t?.dispose();
});

describe.skipIf(skip !== null)(`automatic items on a real network fault${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('[CL6] the line item passes, fails when the point is cut off, and passes again once it is back', async () => {
    socket = connectSocket(t.url, t.cookie);
    const heard: ChecklistChanged[] = [];
    socket.on('checklist:changed', (c) => heard.push(c));
    await connected(socket);
    okData(await socket.emitWithAck('checklist:join', { meetingId: 'LT' }));

    await waitFor(
      'every line passing',
      async () => {
        const { json } = await api(t, 'GET', '/api/meetings/LT/checklist');
        const lines = (json as ChecklistSnapshot).items.filter((m) => m.item === 'duong-truyen' && m.result === 'pass');
        return lines.length === points.length;
      },
      20_000,
    );
    expect(await mark('C2', 'duong-truyen')).toMatchObject({ result: 'pass', by: 'hệ thống', version: 1 });

    table = createDropTable({ hook: 'input' });
    table.add(C2);
    await waitFor('C2 line failing', resultIs('C2', 'duong-truyen', 'fail'), 15_000);
    expect(await mark('C2', 'duong-truyen')).toMatchObject({ by: 'hệ thống', version: 2 });
    // Pushed to the dashboard, not just stored.
    await waitFor('the failure heard', () =>
      heard.some((c) => c.items.some((m) => m.point === 'C2' && m.item === 'duong-truyen' && m.result === 'fail')),
    );
    expect((await mark('C1', 'duong-truyen'))?.result).toBe('pass');

    const restoredAt = Date.now();
    table.remove(C2);
    await waitFor('C2 line passing again', resultIs('C2', 'duong-truyen', 'pass'), 20_000);
    // Not before it had been up for the stability time.
    expect(Date.now() - restoredAt).toBeGreaterThanOrEqual(STABLE_MS);
    const { json: history } = await api(t, 'GET', '/api/meetings/LT/checklist/history?point=C2&item=duong-truyen');
    expect(history.map((h: { value: string; by: string; source: string }) => [h.value, h.by, h.source])).toEqual([
      ['pass', 'hệ thống', 'auto'],
      ['fail', 'hệ thống', 'auto'],
      ['pass', 'hệ thống', 'auto'],
    ]);
  }, 60_000);

  it('[CL7] the backup item follows the backup line; points without one are not applicable', async () => {
    await waitFor('C1 backup passing', resultIs('C1', 'duong-truyen-du-phong', 'pass'), 15_000);
    expect((await mark('C2', 'duong-truyen-du-phong'))?.result).toBe('na');
    table = createDropTable({ hook: 'input' });
    table.add(BACKUP);
    await waitFor('C1 backup failing', resultIs('C1', 'duong-truyen-du-phong', 'fail'), 15_000);
    // The primary line is another matter.
    expect((await mark('C1', 'duong-truyen'))?.result).toBe('pass');
    table.remove(BACKUP);
    await waitFor('C1 backup passing again', resultIs('C1', 'duong-truyen-du-phong', 'pass'), 15_000);
  }, 60_000);
});
