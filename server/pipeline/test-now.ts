// "Kiểm tra ngay": every target of a point probed once, outside the schedule, by the one-off engine.
import type { TestNowResult } from '../../shared/protocol';
import { notFound } from '../errors';
import type { Inventory } from '../inventory/inventory';
import type { ProbeEngine } from '../probe/types';

export async function testPoint(inventory: Inventory, engine: ProbeEngine, code: string): Promise<TestNowResult> {
  const point = inventory.point(code);
  if (!point) throw notFound('point', code);
  const results = await Promise.all(
    point.targets.map(async (t) => {
      const r = await engine.probeOnce(t.host);
      return { host: t.host, role: t.role, alive: r.rtt !== null, rtt: r.rtt };
    }),
  );
  return { code, results };
}
