// Random loss (nftables numgen in the hub's namespace) and added delay (the user-space responder),
// measured with real pings from the root namespace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labStatus } from '../../../server/lab/cleanup';
import { Lab } from '../../../server/lab/lab';
import { parseScenario } from '../../../server/lab/scenario';
import { isRoot, pingReceived, pingRtts } from './helpers';

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
      ],
    },
  ],
});

describe.skipIf(!isRoot)('lab loss and delay (root)', () => {
  let lab: Lab;
  const addr = (id: string): string => lab.host(id).address;

  beforeAll(async () => {
    await labDown(NAME);
    lab = await Lab.up(scenario, { name: NAME, base: 130, seed: 7 });
  });
  afterAll(async () => {
    await labDown(NAME);
  });

  it('drops roughly the configured share of 200 fast pings (25 %)', async () => {
    const received = await pingReceived(addr('pv-01'), 200, 0.005);
    // Binomial(200, 0.25): mean 50 lost, sd ≈ 6.1; ±4 sd keeps this from flaking.
    expect(200 - received).toBeGreaterThanOrEqual(25);
    expect(200 - received).toBeLessThanOrEqual(75);
  });

  it('a loss action changes the rate at run time; 0 % clears it', async () => {
    await lab.apply({ action: 'loss', host: 'pv-02', percent: 60 });
    const lossy = await pingReceived(addr('pv-02'), 200, 0.005);
    expect(200 - lossy).toBeGreaterThanOrEqual(95); // mean 120, sd ≈ 6.9
    expect(200 - lossy).toBeLessThanOrEqual(145);
    const rules = (await labStatus(NAME)).namespaces.find((n) => n.hub === 'pv' && !n.delayed)?.loss;
    expect(rules).toEqual(
      expect.arrayContaining([
        { address: addr('pv-01'), percent: 25 },
        { address: addr('pv-02'), percent: 60 },
      ]),
    );
    await lab.apply({ action: 'loss', host: 'pv-02', percent: 0 });
    expect(await pingReceived(addr('pv-02'), 100, 0.005)).toBe(100);
  });

  it('the responder adds 40 ± 15 ms while the kernel answers the other hosts at once', async () => {
    const [delayed, direct] = await Promise.all([pingRtts(addr('pv-03'), 30, 0.05), pingRtts(addr('pv-02'), 30, 0.05)]);
    expect(delayed).toHaveLength(30);
    // Uniform on [25, 55] ms plus a little scheduling slack.
    for (const rtt of delayed) {
      expect(rtt).toBeGreaterThanOrEqual(24);
      expect(rtt).toBeLessThanOrEqual(62);
    }
    const mean = delayed.reduce((a, b) => a + b, 0) / delayed.length;
    expect(mean).toBeGreaterThan(33); // sd of the mean ≈ 1.6 ms
    expect(mean).toBeLessThan(48);
    // Really jittered, not a fixed delay.
    expect(Math.max(...delayed) - Math.min(...delayed)).toBeGreaterThan(10);
    expect(Math.max(...direct)).toBeLessThan(10);
  });

  it('loss applies to delayed hosts too (the filter sits in front of the responder)', async () => {
    const received = await pingReceived(addr('pv-04'), 200, 0.005);
    expect(200 - received).toBeGreaterThanOrEqual(70); // mean 100, sd ≈ 7.1
    expect(200 - received).toBeLessThanOrEqual(130);
  });
});
