// [V6–V8] The verifier's endpoint lane on hand-made truths (pure): which endpoint faults call for an
// endpoint outage (down, refuses, slow past the timeout; never a line cut) and how detected endpoint
// outages are judged against them.
import { describe, expect, it } from 'vitest';
import { endpointOutages, expectedFromTruth } from '../../../server/lab/expected';
import type { TruthLine } from '../../../server/lab/truth';
import { compareEndpointOutages, type DetectedOutage } from '../../../server/lab/verify';
import { formatVerifyReport } from '../../../server/lab/verify-table';
import { compareOutages } from '../../../server/lab/verify';

const T0 = Date.parse('2026-03-06T08:00:00+07:00');
const s = (sec: number): number => T0 + sec * 1000;
const host = (id: string, hub = 'h') => ({
  id,
  name: id,
  hub,
  address: `198.18.0.${id.length}`,
  lossPercent: 0,
  delay: null,
  endpoint: true,
});

/** A truth: hosts a, b (hub h) and c (hub k), all with endpoints, and the given actions. */
function truth(actions: [number, string, Record<string, unknown>][]): TruthLine[] {
  const hubs = { h: ['a', 'bb'], k: ['ccc'] } as Record<string, string[]>;
  const line = (sec: number, action: string, rest: Record<string, unknown>): TruthLine => {
    const hosts = rest.hub ? hubs[rest.hub as string]! : [rest.host as string];
    const kind = action.startsWith('endpoint-') ? 'endpoint' : 'line';
    return {
      type: 'action',
      t: s(sec),
      iso: '',
      action,
      hosts,
      atMs: sec * 1000,
      dueT: s(sec),
      lagMs: 0,
      entry: 0,
      kind,
      ...rest,
    } as TruthLine;
  };
  return [
    {
      type: 'start',
      t: s(0),
      iso: '',
      lab: 'x',
      scenario: 'x',
      durationS: 120,
      hubs: [],
      hosts: [host('a'), host('bb'), host('ccc', 'k')],
    } as unknown as TruthLine,
    ...actions.map(([sec, action, rest]) => line(sec, action, rest)),
    {
      type: 'summary',
      t: s(120),
      iso: '',
      startT: s(0),
      actions: actions.length,
      aborted: false,
      linksDown: [],
      hostsDown: [],
      maxLagMs: 0,
    } as unknown as TruthLine,
  ];
}

const det = (point: string, from: number, to: number | null): DetectedOutage => ({
  point,
  start: s(from),
  end: to === null ? null : s(to),
  type: 'down',
});
const OPTS = { probeIntervalMs: 1000 };
const crit = (r: { criteria: { id: string; ok: boolean }[] }): Record<string, boolean> =>
  Object.fromEntries(r.criteria.map((c) => [c.id, c.ok]));

describe('endpointOutages (what the truth calls for)', () => {
  it('[V6] down and refuses are endpoint outages; slow only past the probe timeout', () => {
    const set = expectedFromTruth(
      truth([
        [10, 'endpoint-down', { host: 'a' }],
        [20, 'endpoint-up', { host: 'a' }],
        [30, 'endpoint-refuses', { host: 'bb' }],
        [40, 'endpoint-slow', { host: 'bb', delayMs: 300 }],
        [50, 'endpoint-slow', { host: 'bb', delayMs: 2000 }],
        [60, 'endpoint-up', { host: 'bb' }],
      ]),
    );
    const out = endpointOutages(set, { timeoutMs: 900 });
    expect(out.map((o) => [o.point, o.start, o.end, o.causes])).toEqual([
      ['a', s(10), s(20), ['endpoint']],
      ['bb', s(30), s(40), ['endpoint']],
      ['bb', s(50), s(60), ['endpoint']],
    ]);
    // The line's lane is untouched by endpoint faults.
    expect(set.outages).toEqual([]);
  });

  it('[V7] a line cut is the line’s outage only: it cuts a fault in two and is never an endpoint outage', () => {
    const set = expectedFromTruth(
      truth([
        [10, 'endpoint-down', { host: 'a' }],
        [20, 'link-down', { hub: 'h' }],
        [25, 'link-up', { hub: 'h' }],
        [40, 'endpoint-up', { host: 'a' }],
        [50, 'host-down', { host: 'ccc' }],
        [60, 'host-up', { host: 'ccc' }],
      ]),
    );
    expect(set.outages.map((o) => o.point)).toEqual(['a', 'bb', 'ccc']);
    const out = endpointOutages(set, { timeoutMs: 900 });
    expect(out.map((o) => [o.point, o.start, o.end])).toEqual([
      ['a', s(10), s(20)],
      ['a', s(25), s(40)],
    ]);
  });
});

describe('compareEndpointOutages', () => {
  const expected = endpointOutages(
    expectedFromTruth(
      truth([
        [10, 'endpoint-down', { host: 'a' }],
        [20, 'endpoint-up', { host: 'a' }],
        [30, 'endpoint-refuses', { host: 'bb' }],
        [36, 'endpoint-up', { host: 'bb' }],
        [70, 'endpoint-refuses', { host: 'ccc' }],
        [72, 'endpoint-up', { host: 'ccc' }],
      ]),
    ),
    { timeoutMs: 900 },
  );

  it('[V6–V8] each fault as one outage within one interval + 0.5 s passes; a 2 s fault may go unseen', () => {
    const r = compareEndpointOutages(expected, [det('a', 10.7, 20.9), det('bb', 30.2, 36.4)], OPTS);
    expect(crit(r)).toEqual({ V6: true, V7: true, V8: true });
    expect(r.ok).toBe(true);
    expect(r.matches.map((m) => [m.point, m.startErrorMs, m.endErrorMs])).toEqual([
      ['a', 700, 900],
      ['bb', 200, 400],
    ]);
    expect(r.short.map((e) => e.point)).toEqual(['ccc']);
  });

  it('[V6] an endpoint fault of ≥ 3 intervals left unrecorded fails V6', () => {
    const r = compareEndpointOutages(expected, [det('a', 10.7, 20.9)], OPTS);
    expect(crit(r)).toEqual({ V6: false, V7: true, V8: true });
    expect(r.missed.map((e) => e.point)).toEqual(['bb']);
  });

  it('[V6] a fault inside a span the monitor declared blind is unobserved, not missed', () => {
    const r = compareEndpointOutages(expected, [det('a', 10.7, 20.9)], { ...OPTS, gaps: [{ from: s(29), to: s(40) }] });
    expect(crit(r)).toEqual({ V6: true, V7: true, V8: true });
    expect(r.unobserved.map((e) => e.point)).toEqual(['bb']);
  });

  it('[V7] an endpoint outage where the truth has none (a slow answer, a lossy or cut line) fails V7', () => {
    const r = compareEndpointOutages(expected, [det('a', 10.7, 20.9), det('bb', 30.2, 36.4), det('ccc', 90, 91)], OPTS);
    expect(crit(r)).toEqual({ V6: true, V7: false, V8: true });
    expect(r.falseOutages.map((d) => d.point)).toEqual(['ccc']);
  });

  it('[V8] a late end, or one fault split in two, fails V8', () => {
    const late = compareEndpointOutages(expected, [det('a', 10.7, 22), det('bb', 30.2, 36.4)], OPTS);
    expect(crit(late)).toEqual({ V6: true, V7: true, V8: false });
    const split = compareEndpointOutages(
      expected,
      [det('a', 10.7, 14), det('a', 17, 20.5), det('bb', 30.2, 36.4)],
      OPTS,
    );
    expect(split.matches[0]!.problems).toEqual(['một sự cố bị tách thành 2']);
    expect(crit(split).V8).toBe(false);
  });

  it('[V6–V8] the table shows the endpoint lane apart, and its criteria', () => {
    const line = compareOutages([], [], OPTS);
    const ep = compareEndpointOutages(expected, [det('a', 10.7, 20.9), det('ccc', 90, 91)], OPTS);
    const text = formatVerifyReport({
      ...line,
      criteria: [...line.criteria, ...ep.criteria],
      ok: line.ok && ep.ok,
      endpoint: ep,
    });
    expect(text).toContain('Sự cố thiết bị đầu cuối (đường truyền vẫn thông):');
    expect(text).toMatch(/\[KHÔNG ĐẠT\] V6 .*bỏ sót 1: bb/);
    expect(text).toMatch(/\[KHÔNG ĐẠT\] V7 .*1 sự cố giả: ccc/);
    expect(text).toContain('Kết luận: KHÔNG ĐẠT');
  });
});
