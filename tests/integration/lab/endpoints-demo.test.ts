// [LE11] The demo on the lab shows one hung codec: a point whose line answers all session while its
// room endpoint is silent for most of it; its endpoints reach the inventory as SIP targets. Pure.
import { describe, expect, it } from 'vitest';
import { InventoryFile } from '../../../shared/schemas';
import { loadInventoryFile } from '../../../server/config/load';
import {
  DEMO_ENDPOINT_SHARE,
  DEMO_LAB_BASE,
  DEMO_LAB_NAME,
  DEMO_LOOP_S,
  demoInventoryOnLab,
  demoLabScenario,
} from '../../../server/lab/demo';
import { planLab } from '../../../server/lab/plan';
import { expandTimeline } from '../../../server/lab/scenario';

const ROOT = new URL('../../../', import.meta.url).pathname;
const demo = loadInventoryFile(`${ROOT}config/demo.yaml`);

describe('the demo lab’s room endpoints', () => {
  const scenario = demoLabScenario(demo);
  const hosts = scenario.hubs.flatMap((h) => h.hosts);
  const actions = expandTimeline(scenario);

  it('[LE11] one hung codec: endpoint down for most of the loop, its line never cut', () => {
    const downs = actions.filter((a) => a.action === 'endpoint-down');
    expect(downs).toHaveLength(1);
    const hung = downs[0]!.host!;
    const up = actions.find((a) => a.action === 'endpoint-up' && a.host === hung)!;
    expect(up.atMs - downs[0]!.atMs).toBeGreaterThan(0.8 * DEMO_LOOP_S * 1000);
    const h = hosts.find((x) => x.id === hung)!;
    expect(h).toMatchObject({ endpoint: true, lossPercent: 0, delay: null });
    const hub = scenario.hubs.find((x) => x.hosts.includes(h))!.id;
    const lineFaults = actions.filter((a) => !a.action.startsWith('endpoint-') && (a.host === hung || a.hub === hub));
    expect(lineFaults).toEqual([]);
    // Every endpoint fault is undone within the loop.
    for (const a of actions.filter((x) => x.action === 'endpoint-refuses' || x.action === 'endpoint-down')) {
      expect(actions.some((b) => b.action === 'endpoint-up' && b.host === a.host && b.atMs > a.atMs)).toBe(true);
    }
  });

  it('[LE11] a share of the points have endpoints, and each gets its SIP target on the lab', () => {
    const withEndpoint = hosts.filter((h) => h.endpoint);
    expect(withEndpoint.length).toBe(Math.round(DEMO_ENDPOINT_SHARE * demo.points.length));
    const plan = planLab(scenario, { name: DEMO_LAB_NAME, base: DEMO_LAB_BASE });
    const onLab = InventoryFile.parse(demoInventoryOnLab(demo, plan));
    const sip = onLab.points.filter((p) => p.targets.some((t) => t.kind === 'sip'));
    expect(sip.map((p) => p.code).sort()).toEqual(withEndpoint.map((h) => h.id).sort());
    for (const p of sip) {
      const primary = p.targets.find((t) => t.role === 'primary')!;
      expect(p.targets.find((t) => t.kind === 'sip')).toEqual({
        kind: 'sip',
        host: primary.kind === 'icmp' ? primary.host : '',
        port: 5060,
        transport: 'udp',
        role: 'endpoint',
      });
    }
    expect(demoLabScenario(demo)).toEqual(scenario); // deterministic
  });
});
