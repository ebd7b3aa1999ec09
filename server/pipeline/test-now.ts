// "Kiểm tra ngay" (TG4): every target of a point probed once, outside the schedule, each by its own
// kind's engine through the probe router, all at once; a target a remote agent probes is not probed
// here (AG1) but marked with its agent, and the serving instance asks that agent (server/agent/probe-now.ts, AG12).
import type { TestNowResult } from '../../shared/protocol';
import { targetAgent, unitAgents } from '../../shared/agents';
import { toWireTarget, type TargetKind } from '../../shared/targets';
import { notFound } from '../errors';
import type { Inventory } from '../inventory/inventory';
import type { ProbeRouter } from '../probe/router';
import type { TargetResult } from '../probe/kinds';

/** One probe's timeout in "Kiểm tra ngay": a codec's API answers slower than a ping. */
export function testNowTimeoutMs(kind: TargetKind): number {
  return kind === 'videoos' || kind === 'roomos' ? 4_000 : 1_000;
}

export type TestRow = TestNowResult['results'][number];

/** A row of "Kiểm tra ngay": a target's wire form (and its agent, if any) with its probe's result. */
export function testRow(
  base: Omit<TestRow, 'alive' | 'rtt' | 'reason' | 'code' | 'detail'>,
  r: Pick<TargetResult, 'rtt' | 'reason' | 'code' | 'detail'>,
): TestRow {
  const out: TestRow = { ...base, alive: r.rtt !== null, rtt: r.rtt };
  if (r.reason !== undefined) out.reason = r.reason;
  if (r.code !== undefined) out.code = r.code;
  if (r.detail !== undefined) out.detail = r.detail;
  return out;
}

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
      return testRow(toWireTarget(t), await router.probeOnce(t, testNowTimeoutMs(t.kind)));
    }),
  );
  return { code, results };
}
