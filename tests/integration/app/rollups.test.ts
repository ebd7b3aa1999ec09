// Rollups through the whole chain, on the SQLite file and on a PostgreSQL database alike: real probes
// at the live cadence, the buffer's buckets flushed to the store, read back over REST, and still there
// after the server restarts on the same database.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../../shared/schemas';
import { api, meetingNow, startTestApp, tinyProvince, type TestApp } from '../../helpers/app';
import { STORE_BACKENDS, type TestStore } from '../../helpers/backends';

const { units, points } = tinyProvince(44, 2);
const apps: TestApp[] = [];
let store: TestStore | null = null;

afterEach(async () => {
  const dirs = new Set(apps.map((a) => a.dir));
  for (const a of apps.splice(0)) await a.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await store?.drop();
  store = null;
});

async function start(dir?: string): Promise<TestApp> {
  const t = await startTestApp({
    dir,
    db: store?.db,
    units,
    points,
    meetings: [meetingNow('M', 'live')],
    cadence: { idleMs: 60_000, lineTestMs: 1_000, liveMs: 500 },
  });
  apps.push(t);
  return t;
}

const samplesOf = async (t: TestApp, code: string): Promise<Sample[]> =>
  (await api(t, 'GET', `/api/points/${code}/samples`)).json as Sample[];

describe.each(STORE_BACKENDS)('rollups on %s', (_name, open) => {
  it('are written in 10 s buckets from real probes, read back, and kept across a restart', async () => {
    store = await open();
    const first = await start();
    await new Promise((r) => setTimeout(r, 2_500));
    await first.app.inProcess!.rollups.flush(Date.now() + 60_000, { all: true });
    const before = await samplesOf(first, 'C1');
    expect(before.length).toBeGreaterThan(0);
    const sent = before.reduce((n, s) => n + s.sent, 0);
    // Every 500 ms for 2.5 s, from a monitor that starts probing at once.
    expect(sent).toBeGreaterThanOrEqual(4);
    expect(before.reduce((n, s) => n + s.received, 0)).toBe(sent);
    for (const s of before) {
      expect(s).toMatchObject({ point: 'C1', target: 'icmp:127.44.1.1' });
      expect(Date.parse(s.t) % 10_000).toBe(0);
      expect(s.rttMin).not.toBeNull();
    }
    await first.stop();

    const second = await start(first.dir);
    const after = await samplesOf(second, 'C1');
    // The restarted server may already have added probes of its own: the first run's buckets stay.
    for (const s of before) {
      const kept = after.find((a) => a.t === s.t);
      expect(kept).toBeDefined();
      expect(kept!.sent).toBeGreaterThanOrEqual(s.sent);
    }
  });
});
