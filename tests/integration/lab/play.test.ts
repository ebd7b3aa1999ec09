// Playing a real timeline: the faults happen when the truth says, and the truth turns into the
// expected outages (link and host cuts merged, flaps one interval per bounce).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { labDown } from '../../../server/lab/cleanup';
import { Lab } from '../../../server/lab/lab';
import { expandTimeline, parseScenario } from '../../../server/lab/scenario';
import { expectedFromTruth, readTruth, type TruthAction } from '../../../server/lab/truth';
import { expectNoLabObjects, isRoot, reachable, tempDir } from './helpers';

const NAME = 'tp';
const scenario = parseScenario({
  name: 'play',
  durationS: 4,
  hubs: [
    { id: 'pd', hosts: [{ id: 'pd-01' }, { id: 'pd-02' }, { id: 'pd-03', lossPercent: 5 }] },
    { id: 'qd', hosts: [{ id: 'qd-01' }, { id: 'qd-02' }, { id: 'qd-03' }] },
  ],
  timeline: [
    { at: 0.5, action: 'link-down', hub: 'pd' },
    { at: 2.5, action: 'link-up', hub: 'pd' },
    // Power cut at pd-01 that starts during the line cut and outlasts it: one outage, two causes.
    { at: 2, action: 'host-down', host: 'pd-01' },
    { at: 3, action: 'host-up', host: 'pd-01' },
    { at: 1, action: 'host-down', host: 'qd-02' },
    { at: 3, action: 'host-up', host: 'qd-02' },
    { at: 1, action: 'flap', host: 'qd-03', everyS: 0.5, forS: 2 },
  ],
});

describe.skipIf(!isRoot)('lab play (root)', () => {
  const tmp = tempDir();
  afterEach(async () => {
    await labDown(NAME);
  });
  afterAll(() => tmp.remove());

  it('applies each action at its offset and records when it took effect', async () => {
    const truthFile = tmp.file('truth.jsonl');
    const lab = await Lab.up(scenario, { name: NAME, base: 140, truthFile });
    const played = lab.play();
    // Mid-run (t ≈ 1.6 s): pd cut off, qd-02 powered off, the others answering.
    await new Promise((r) => setTimeout(r, 1600));
    const mid = await reachable(['pd-01', 'pd-02', 'qd-01', 'qd-02'].map((id) => lab.host(id).address));
    expect(Object.values(mid)).toEqual([false, false, true, false]);
    const summary = await played;
    await lab.down();
    await expectNoLabObjects(NAME);

    const lines = readTruth(truthFile);
    const actions = lines.filter((l): l is TruthAction => l.type === 'action');
    const planned = expandTimeline(scenario);
    expect(actions.map((a) => [a.atMs, a.action, a.hub ?? a.host])).toEqual(
      planned.map((p) => [p.atMs, p.action, p.hub ?? p.host]),
    );
    const start = lines[0]!;
    expect(start.type).toBe('start');
    for (const a of actions) {
      expect(a.t).toBeGreaterThanOrEqual(a.dueT!);
      expect(a.lagMs).toBe(a.t - a.dueT!);
      expect(a.lagMs).toBeLessThan(500);
      expect(Date.parse(a.iso)).toBe(a.t);
      expect(a.iso).toMatch(/\+07:00$/);
    }
    expect(summary).toMatchObject({
      type: 'summary',
      actions: planned.length,
      aborted: false,
      linksDown: [],
      hostsDown: [],
    });
    expect(summary.t - summary.startT).toBeGreaterThanOrEqual(4000);
    expect(lines[lines.length - 1]).toEqual(summary);

    const exp = expectedFromTruth(lines);
    const at = (i: number): number => actions[i]!.t;
    // Same-instant actions keep file order (qd-02 before the flap at 1 s, pd-01 before it at 2 s).
    expect(actions.map((a) => `${a.action} ${a.hub ?? a.host}`)).toEqual([
      'link-down pd',
      'host-down qd-02',
      'host-down qd-03',
      'host-up qd-03',
      'host-down pd-01',
      'host-down qd-03',
      'link-up pd',
      'host-up qd-03',
      'host-up pd-01',
      'host-up qd-02',
    ]);
    const of = (point: string): [number, number | null, string[]][] =>
      exp.outages.filter((o) => o.point === point).map((o) => [o.start, o.end, o.causes]);
    expect(of('pd-01')).toEqual([[at(0), at(8), ['link', 'host']]]);
    expect(of('pd-02')).toEqual([[at(0), at(6), ['link']]]);
    expect(of('qd-02')).toEqual([[at(1), at(9), ['host']]]);
    expect(of('qd-03')).toEqual([
      [at(2), at(3), ['host']],
      [at(5), at(7), ['host']],
    ]);
    expect(of('qd-01')).toEqual([]);
    // pd-03 is lossy but was cut with its hub: not "lossy only".
    expect(exp.lossy).toEqual(['pd-03']);
    expect(exp.lossyOnly).toEqual([]);
    expect(exp.complete).toBe(true);
  });

  it('an abort stops the timeline early, says so, and leaves the lab as it was', async () => {
    const truthFile = tmp.file('aborted.jsonl');
    const lab = await Lab.up(scenario, { name: NAME, base: 140, truthFile });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 800);
    const summary = await lab.play(ctl.signal);
    expect(summary.aborted).toBe(true);
    expect(summary.actions).toBe(1);
    expect(summary.linksDown).toEqual(['pd']);
    expect(summary.t - summary.startT).toBeLessThan(2000);
    expect(Object.values(await reachable([lab.host('pd-02').address, lab.host('qd-01').address]))).toEqual([
      false,
      true,
    ]);
    const exp = expectedFromTruth(readTruth(truthFile));
    expect(exp.outages.filter((o) => o.end === null).map((o) => o.point)).toEqual(['pd-01', 'pd-02', 'pd-03']);
  });
});
