// "Kiểm tra ngay" (TG4): every target of a point probed once, outside the schedule, each by its own
// kind's engine through the probe router, all at once; a target a remote agent probes is not probed
// here (AG1) but marked with its agent, and the serving instance asks that agent (server/agent/probe-now.ts, AG12).
import type { TestNowResult } from '../../shared/protocol';
import { targetAgent, unitAgents } from '../../shared/agents';
import { toWireTarget } from '../../shared/targets';
import { notFound } from '../errors';
import type { Inventory } from '../inventory/inventory';
import type { ProbeRouter } from '../probe/router';
import { testNowTimeoutMs } from '../agent/probe-now';

export async function testPoint(inventory: Inventory, router: ProbeRouter, code: string): Promise<TestNowResult> {
  const point = inventory.point(code);
  if (!point) throw notFound('point', code);
  // [AG1] A target an agent probes is not probed from the centre (it sits on a network the centre often
  // cannot reach: a probe from here would say "no answer" about a line that is up).
  const byUnit = unitAgents(inventory.data().units);
  const results = await Promise.all(
    point.targets.map(async (t) => {
      const agent = targetAgent(t, point, byUnit);
      if (agent !== undefined) return { ...toWireTarget(t), alive: false, rtt: null, agent };
      const r = await router.probeOnce(t, testNowTimeoutMs(t.kind));
      const w = toWireTarget(t);
      const out: TestNowResult['results'][number] = { ...w, alive: r.rtt !== null, rtt: r.rtt };
      if (r.reason !== undefined) out.reason = r.reason;
      if (r.code !== undefined) out.code = r.code;
      if (r.detail !== undefined) out.detail = r.detail;
      return out;
    }),
  );
  return { code, results };
}
