// The automatic items over time: a ManualClock, the real status board fed probe results second by
// second, the evaluator ticking as its timer would, results read back from the SQLite store.
import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../../shared/checklist';
import { SESSION, makeRig, meeting, type Rig } from './setup';

let rig: Rig;
afterEach(() => rig?.dispose());

const M = meeting.id;
const PRIMARY = { HT: '127.30.0.1', 'HT-CL': '127.30.0.2', 'HT-CL-DL': '127.30.0.3', 'HT-CX': '127.30.0.4' };
const BACKUP = { HT: '127.31.0.1', 'HT-CL-DL': '127.31.0.3' };
const allUp = (): Record<string, number | null> => ({
  ...Object.fromEntries(Object.values(PRIMARY).map((h) => [h, 12])),
  ...Object.fromEntries(Object.values(BACKUP).map((h) => [h, 15])),
});

/** `seconds` rounds of: probe every host (then the clock moves 1 s), evaluate. */
async function run(
  r: Rig,
  seconds: number,
  replies: (i: number) => Record<string, number | null> = allUp,
): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    r.probe(replies(i));
    await r.auto.tick();
  }
}

const result = async (r: Rig, point: string, item: string) =>
  (await r.service.mark(M, point, item))?.value ?? 'pending';

describe('automatic checklist items', () => {
  it('[CL6] "Đường truyền" passes after 60 s up, recorded as the system, not a moment before', async () => {
    rig = await makeRig();
    await rig.auto.tick();
    expect(await result(rig, 'HT', 'duong-truyen')).toBe('pending');
    await run(rig, 60); // replies at 0…59 s; evaluated at 1…60 s
    // The first reply was at LINE_TEST; at LINE_TEST + 59 s it was not yet 60 s.
    const history = await rig.service.history(M, { key: 'duong-truyen' });
    expect(history.map((h) => [h.point, h.value, h.by, h.source])).toEqual(
      Object.keys(PRIMARY).map((p) => [p, 'pass', SYSTEM_ACTOR, 'auto']),
    );
    expect(new Set(history.map((h) => h.at))).toEqual(new Set(['2026-03-05T15:01:00.000+07:00']));
  });

  it('[CL6] down fails the line within a tick; back up, it stays failed until 60 s stable, then passes', async () => {
    rig = await makeRig();
    await run(rig, 61);
    const dl = PRIMARY['HT-CL-DL'];
    await run(rig, 3, () => ({ ...allUp(), [dl]: null }));
    expect(rig.board.status('HT-CL-DL')?.state).toBe('down');
    expect(await result(rig, 'HT-CL-DL', 'duong-truyen')).toBe('fail');
    expect(await result(rig, 'HT', 'duong-truyen')).toBe('pass');
    // Up again after three replies, counted from the first of them [ST3]; 59 s later: still failed.
    await run(rig, 59);
    expect(rig.board.status('HT-CL-DL')?.state).toBe('up');
    expect(await result(rig, 'HT-CL-DL', 'duong-truyen')).toBe('fail');
    await run(rig, 1);
    expect(await result(rig, 'HT-CL-DL', 'duong-truyen')).toBe('pass');
    expect((await rig.service.history(M, { point: 'HT-CL-DL', key: 'duong-truyen' })).map((h) => h.value)).toEqual([
      'pass',
      'fail',
      'pass',
    ]);
  });

  it('[CL6] a down spell between two evaluations still fails the line, and the 60 s start again', async () => {
    rig = await makeRig();
    await run(rig, 61);
    const cx = PRIMARY['HT-CX'];
    // Down and up again without an evaluation in between.
    for (const rtt of [null, null, null, 12, 12, 12]) rig.probe({ [cx]: rtt });
    await rig.auto.tick();
    expect(await result(rig, 'HT-CX', 'duong-truyen')).toBe('fail');
    await run(rig, 30);
    expect(await result(rig, 'HT-CX', 'duong-truyen')).toBe('fail');
    await run(rig, 30);
    expect(await result(rig, 'HT-CX', 'duong-truyen')).toBe('pass');
  });

  it('[CL6] severe (red but reachable) fails the line', async () => {
    rig = await makeRig();
    await run(rig, 61);
    // A median RTT over 250 ms in the 10 s window: six slow replies of ten.
    await run(rig, 6, () => ({ ...allUp(), [PRIMARY['HT-CL']]: 400 }));
    expect(rig.board.status('HT-CL')?.state).toBe('severe');
    expect(await result(rig, 'HT-CL', 'duong-truyen')).toBe('fail');
  });

  it('[CL7] "Đường truyền dự phòng": not applicable without a backup target, else follows the backup line', async () => {
    rig = await makeRig();
    await rig.auto.tick();
    expect(await result(rig, 'HT-CL', 'duong-truyen-du-phong')).toBe('na');
    expect(await result(rig, 'HT-CX', 'duong-truyen-du-phong')).toBe('na');
    expect(await result(rig, 'HT', 'duong-truyen-du-phong')).toBe('pending');
    await run(rig, 1);
    expect(await result(rig, 'HT', 'duong-truyen-du-phong')).toBe('pass');
    await run(rig, 3, () => ({ ...allUp(), [BACKUP.HT]: null }));
    expect(rig.board.status('HT')?.backup).toBe('down');
    expect(await result(rig, 'HT', 'duong-truyen-du-phong')).toBe('fail');
    // The primary is unaffected.
    expect(rig.board.status('HT')?.state).toBe('up');
    // A backup line added to HT-CX later: pending until it answers, then pass.
    const cx = rig.inventory.point('HT-CX')!;
    await rig.inventory.apply({
      upsertPoints: [{ ...cx, targets: [...cx.targets, { kind: 'icmp', host: '127.31.0.4', role: 'backup' }] }],
    });
    await rig.auto.tick();
    expect(await result(rig, 'HT-CX', 'duong-truyen-du-phong')).toBe('pending');
    await run(rig, 1, () => ({ ...allUp(), '127.31.0.4': 9 }));
    expect(await result(rig, 'HT-CX', 'duong-truyen-du-phong')).toBe('pass');
  });

  it('[CL8] nothing is evaluated once the session has started', async () => {
    rig = await makeRig({ now: SESSION });
    await run(rig, 70);
    expect(await rig.service.history(M, {})).toEqual([]);
    expect(rig.events).toEqual([]);
  });

  it('[CL6] one write per change: a stable line writes once, whatever the number of ticks', async () => {
    rig = await makeRig();
    await run(rig, 200);
    expect(await rig.service.history(M, { key: 'duong-truyen' })).toHaveLength(4);
    expect(await rig.service.history(M, { key: 'duong-truyen-du-phong' })).toHaveLength(4);
  });
});
