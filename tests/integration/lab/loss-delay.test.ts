// Loss and delay, measured with real pings from the root namespace: seeded loss and delay made by the
// user-space responder (every probe to a lossy host logged in the truth), kernel-random loss from a
// `loss` action (nftables numgen in the hub's namespace).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labStatus } from '../../../server/lab/cleanup';
import { Lab } from '../../../server/lab/lab';
import { parseScenario } from '../../../server/lab/scenario';
import { readTruth, type TruthProbe } from '../../../server/lab/truth';
import { isRoot, pingReceived, pingRtts, tempDir } from './helpers';

const NAME = 'tl';
const scenario = parseScenario({
  name: 'loss-delay',
  hubs: [
    {
      id: 'pv',
      hosts: [
        { id: 'pv-01', lossPercent: 25 },
        { id: 'pv-02' },
        { id: 'pv-03', delay: { ms: 40, jitterMs: 15 } },
        { id: 'pv-04', delay: { ms: 40, jitterMs: 15 }, lossPercent: 50 },
        { id: 'pv-05', delay: { ms: 40, jitterMs: 15, profile: 'uniform' } },
      ],
    },
  ],
});

/** Share of the values for which `ok` holds. */
const share = (xs: number[], ok: (x: number) => boolean): number => xs.filter(ok).length / xs.length;

/** Mean absolute difference of successive RTTs: the monitor's jitter (docs/SPEC.md ST8). */
const jitter = (rtts: number[]): number =>
  rtts.slice(1).reduce((sum, r, i) => sum + Math.abs(r - rtts[i]!), 0) / (rtts.length - 1);
const probesOf = (file: string, host: string): TruthProbe[] =>
  readTruth(file).filter((l): l is TruthProbe => l.type === 'probe' && l.host === host);

describe.skipIf(!isRoot)('lab loss and delay (root)', () => {
  const tmp = tempDir();
  const truthFile = tmp.file('truth.jsonl');
  let lab: Lab;
  const addr = (id: string): string => lab.host(id).address;

  beforeAll(async () => {
    await labDown(NAME);
    lab = await Lab.up(scenario, { name: NAME, base: 130, seed: 7, truthFile });
  });
  afterAll(async () => {
    await labDown(NAME);
    tmp.remove();
  });

  it('seeded loss drops about the configured share (25 %), and the truth logs every probe', async () => {
    const received = await pingReceived(addr('pv-01'), 200, 0.005);
    // Binomial(200, 0.25): mean 50 lost, sd ≈ 6.1; ±4 sd (the seed fixes it anyway).
    expect(200 - received).toBeGreaterThanOrEqual(25);
    expect(200 - received).toBeLessThanOrEqual(75);
    const logged = probesOf(truthFile, 'pv-01');
    expect(logged.map((p) => p.n)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(logged.filter((p) => p.lost)).toHaveLength(200 - received);
    expect(logged[0]).toMatchObject({ address: addr('pv-01'), iso: expect.stringMatching(/\+07:00$/) });
    // A host without loss is not logged; seeded loss is not an nftables rule.
    expect(probesOf(truthFile, 'pv-02')).toEqual([]);
    expect((await labStatus(NAME)).namespaces.flatMap((n) => n.loss)).toEqual([]);
  });

  it('a loss action adds kernel-random loss at run time; 0 % clears it', async () => {
    await lab.apply({ action: 'loss', host: 'pv-02', percent: 60 });
    const lossy = await pingReceived(addr('pv-02'), 200, 0.005);
    expect(200 - lossy).toBeGreaterThanOrEqual(95); // mean 120, sd ≈ 6.9
    expect(200 - lossy).toBeLessThanOrEqual(145);
    const rules = (await labStatus(NAME)).namespaces.find((n) => n.hub === 'pv' && !n.delayed)?.loss;
    expect(rules).toEqual([{ address: addr('pv-02'), percent: 60 }]);
    await lab.apply({ action: 'loss', host: 'pv-02', percent: 0 });
    expect(await pingReceived(addr('pv-02'), 100, 0.005)).toBe(100);
  });

  it('alternating delay: 40 ± 15 ms with successive differences of 18–30 ms (jitter ≈ 24 ms)', async () => {
    const [delayed, direct] = await Promise.all([pingRtts(addr('pv-03'), 30, 0.05), pingRtts(addr('pv-02'), 30, 0.05)]);
    expect(delayed).toHaveLength(30);
    // A busy machine can only make a reply later, never earlier: the floor is exact, the rest is
    // judged over most replies (25–31 ms or 49–55 ms, never near the middle).
    expect(Math.min(...delayed)).toBeGreaterThanOrEqual(24);
    expect(share(delayed, (r) => r <= 58)).toBeGreaterThanOrEqual(0.9);
    expect(share(delayed, (r) => Math.abs(r - 40) >= 7)).toBeGreaterThanOrEqual(0.9);
    const mean = delayed.reduce((a, b) => a + b, 0) / delayed.length;
    expect(mean).toBeGreaterThan(35);
    expect(mean).toBeLessThan(47);
    // Over the monitor's degraded threshold (20 ms), under its severe one (50 ms).
    expect(jitter(delayed)).toBeGreaterThan(20);
    expect(jitter(delayed)).toBeLessThan(35);
    expect(Math.max(...direct)).toBeLessThan(10);
  });

  it('uniform delay (as netem): 40 ± 15 ms but jitter only ≈ 10 ms', async () => {
    const rtts = await pingRtts(addr('pv-05'), 40, 0.05);
    expect(rtts).toHaveLength(40);
    expect(Math.min(...rtts)).toBeGreaterThanOrEqual(24);
    expect(share(rtts, (r) => r <= 58)).toBeGreaterThanOrEqual(0.9);
    expect(Math.max(...rtts) - Math.min(...rtts)).toBeGreaterThan(10);
    // 2 × 15 / 3 = 10 ms expected; sd of the mean ≈ 1.1 ms.
    expect(jitter(rtts)).toBeGreaterThan(5);
    expect(jitter(rtts)).toBeLessThan(18); // below the monitor's 20 ms, even on a busy machine
  });

  it('seeded loss and delay together; a loss action applies in front of the responder too', async () => {
    const received = await pingReceived(addr('pv-04'), 200, 0.005);
    expect(200 - received).toBeGreaterThanOrEqual(70); // mean 100, sd ≈ 7.1
    expect(200 - received).toBeLessThanOrEqual(130);
    await lab.apply({ action: 'loss', host: 'pv-03', percent: 100 });
    expect(await pingReceived(addr('pv-03'), 10, 0.05)).toBe(0);
    const rules = (await labStatus(NAME)).namespaces.find((n) => n.hub === 'pv' && !n.delayed)?.loss;
    expect(rules).toEqual([{ address: addr('pv-03'), percent: 100 }]);
    await lab.apply({ action: 'loss', host: 'pv-03', percent: 0 });
    expect(await pingReceived(addr('pv-03'), 10, 0.05)).toBe(10);
  });
});

describe.skipIf(!isRoot)('seeded loss is reproducible (root)', () => {
  const tmp = tempDir();
  const one = parseScenario({ hubs: [{ id: 'sl', hosts: [{ id: 'sl-01', lossPercent: 20 }] }] });
  afterAll(async () => {
    await labDown('ts');
    tmp.remove();
  });

  async function pattern(seed: number, file: string): Promise<string> {
    const lab = await Lab.up(one, { name: 'ts', base: 135, seed, truthFile: tmp.file(file) });
    try {
      await pingReceived(lab.host('sl-01').address, 60, 0.005);
    } finally {
      await lab.down();
    }
    return probesOf(tmp.file(file), 'sl-01')
      .map((p) => (p.lost ? 'D' : 'R'))
      .join('');
  }

  it('the same seed drops the same requests; another seed others', async () => {
    const a = await pattern(3, 'a.jsonl');
    const b = await pattern(3, 'b.jsonl');
    const c = await pattern(4, 'c.jsonl');
    expect(a).toHaveLength(60);
    expect(a).toContain('D');
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });
});
