// Expected outages of hosts with seeded loss: every probe that reached the responder is in the truth,
// so runs of drops (alone or run into a cut) follow the monitor's 3-lost / 3-replies rule exactly.
// Pure: no root needed.
import { describe, expect, it } from 'vitest';
import { expectedFromTruth, parseTruth, stamp, type TruthLine } from '../../../server/lab/truth';
import { compareOutages } from '../../../server/lab/verify';
import { formatVerifyReport } from '../../../server/lab/verify-table';
import { planLab } from '../../../server/lab/plan';
import { parseScenario } from '../../../server/lab/scenario';

const T0 = Date.parse('2026-03-06T08:00:00+07:00');
const s = (sec: number): number => T0 + Math.round(sec * 1000);

const host = (id: string, lossPercent = 0): object => ({
  id,
  name: id,
  hub: 'h',
  address: `198.18.0.${id.length}`,
  lossPercent,
  delay: null,
});

/** One probe a second from `from`: R = answered, D = dropped, space = nothing reached the host. */
function probes(id: string, from: number, pattern: string, n0 = 1): object[] {
  const out: object[] = [];
  let n = n0;
  [...pattern].forEach((c, i) => {
    if (c === ' ') return;
    out.push({ type: 'probe', ...stamp(s(from + i)), host: id, address: '198.18.0.1', n: n++, lost: c === 'D' });
  });
  return out;
}

const act = (sec: number, action: string, subject: Record<string, string>, hosts: string[]): object => ({
  type: 'action',
  ...stamp(s(sec)),
  action,
  ...subject,
  hosts,
});

function truth(hosts: object[], rest: object[]): TruthLine[] {
  const start = { type: 'start', ...stamp(s(0)), lab: 'lab', scenario: 't', durationS: 100, hubs: [], hosts };
  const summary = {
    type: 'summary',
    ...stamp(s(100)),
    startT: s(0),
    actions: 0,
    aborted: false,
    linksDown: [],
    hostsDown: [],
    maxLagMs: 1,
  };
  return parseTruth([start, ...rest, summary].map((l) => JSON.stringify(l)).join('\n'));
}

const spans = (lines: TruthLine[], point: string): [number, number | null, string[]][] =>
  expectedFromTruth(lines)
    .outages.filter((o) => o.point === point)
    .map((o) => [(o.start - T0) / 1000, o.end === null ? null : (o.end - T0) / 1000, o.causes]);

describe('expected outages from logged probes (seeded loss)', () => {
  it('single drops and pairs are no outage; three in a row are, from the first drop to the first reply', () => {
    const lines = truth([host('l', 5)], probes('l', 10, 'RRDRRDDRRRDDDRRRR'));
    // Drops at 12, 15–16, 20–22: only the last run takes the monitor down.
    expect(spans(lines, 'l')).toEqual([[20, 23, ['loss']]]);
    const exp = expectedFromTruth(lines);
    expect(exp.lossyOnly).toEqual(['l']);
    expect(exp.probed).toEqual(['l']);
    expect(exp.heavyLoss).toEqual([]);
  });

  it('a loss in the first replies restarts the count: up at the first of three replies in a row', () => {
    expect(spans(truth([host('l', 5)], probes('l', 0, 'RDDDRDRRRR')), 'l')).toEqual([[1, 6, ['loss']]]);
    // Still dropping when the record ends: open.
    expect(spans(truth([host('l', 5)], probes('l', 0, 'RDDDD')), 'l')).toEqual([[1, null, ['loss']]]);
  });

  it('drops just before a cut start the outage; drops just after it extend it', () => {
    const lines = truth(
      [host('l', 5), host('m', 5)],
      [
        ...probes('l', 0, 'RRRDD'), // drops at 3 and 4, then the line is cut at 5
        act(5, 'link-down', { hub: 'h' }, ['l', 'm']),
        ...probes('m', 0, 'RRRRR'),
        act(15, 'link-up', { hub: 'h' }, ['l', 'm']),
        ...probes('l', 15.2, 'RDRRRR', 6), // one drop after the cut keeps it down until 17.2
        ...probes('m', 15.2, 'RRRR', 6),
      ],
    );
    expect(spans(lines, 'l')).toEqual([[3, 17.2, ['link', 'loss']]]);
    expect(spans(lines, 'm')).toEqual([[5, 15.2, ['link']]]);
    const exp = expectedFromTruth(lines);
    // Both were cut: neither is "lossy only" any more.
    expect(exp.lossyOnly).toEqual([]);
  });

  it('a cut with no probe logged after it ends at the link-up', () => {
    const lines = truth(
      [host('l', 5)],
      [...probes('l', 0, 'RR'), act(3, 'host-down', { host: 'l' }, ['l']), act(9, 'host-up', { host: 'l' }, ['l'])],
    );
    expect(spans(lines, 'l')).toEqual([[3, 9, ['host']]]);
  });

  it('heavy loss is uncertain only when its drops are not known (kernel-random, or not logged)', () => {
    const lines = truth(
      [host('a', 30), host('b', 30), host('c')],
      [...probes('a', 0, 'RDRDR'), act(1, 'loss', { host: 'c' }, ['c'])].map((l) =>
        (l as { action?: string }).action === 'loss' ? { ...l, percent: 30 } : l,
      ),
    );
    const exp = expectedFromTruth(lines);
    expect(exp.lossy.sort()).toEqual(['a', 'b', 'c']);
    expect(exp.heavyLoss.sort()).toEqual(['b', 'c']);
  });

  it('compareOutages requires a logged drop run to be detected, however short', () => {
    const lines = truth([host('l', 5)], probes('l', 0, 'RDDDRRR'));
    const exp = expectedFromTruth(lines);
    // 3 s from first drop to first reply; the same run lasting 2.9 s must still be seen.
    const shortened = exp.outages.map((o) => ({ ...o, end: o.end! - 100 }));
    const missed = compareOutages(shortened, [], { probeIntervalMs: 1000, lossyOnly: exp.lossyOnly });
    expect(missed.missed).toHaveLength(1);
    expect(missed.criteria.find((c) => c.id === 'V1')?.ok).toBe(false);
    const seen = compareOutages(exp.outages, [{ point: 'l', start: s(1.02), end: s(4.01) }], {
      probeIntervalMs: 1000,
      lossyOnly: exp.lossyOnly,
    });
    expect(seen.ok).toBe(true);
    expect(formatVerifyReport(seen)).toMatch(/^l .*\[mất gói liên tiếp\].*đạt$/m);
    expect(formatVerifyReport(missed)).toMatch(/^l .*\[mất gói liên tiếp\].*bỏ sót$/m);
    // Any other outage on that lossy-only point is false, and V3 says so.
    const extra = compareOutages(
      exp.outages,
      [
        { point: 'l', start: s(1.02), end: s(4.01) },
        { point: 'l', start: s(40), end: s(43) },
      ],
      {
        probeIntervalMs: 1000,
        lossyOnly: exp.lossyOnly,
      },
    );
    expect(extra.criteria.filter((c) => !c.ok).map((c) => c.id)).toEqual(['V3']);
  });
});

describe('lab plan: who answers', () => {
  it('puts delayed and seeded-loss hosts behind the responder, the rest in the hub kernel', () => {
    const plan = planLab(
      parseScenario({
        hubs: [
          {
            id: 'a',
            hosts: [{ id: 'a1' }, { id: 'a2', lossPercent: 5 }, { id: 'a3', delay: { ms: 40, jitterMs: 15 } }],
          },
          { id: 'b', hosts: [{ id: 'b1' }] },
        ],
      }),
      { name: 'x', base: 0 },
    );
    expect(plan.hosts.map((h) => [h.id, h.netns])).toEqual([
      ['a1', 'dc-lab-x-0'],
      ['a2', 'dc-lab-x-0d'],
      ['a3', 'dc-lab-x-0d'],
      ['b1', 'dc-lab-x-1'],
    ]);
    expect(plan.hubs.map((h) => h.delayedNetns)).toEqual(['dc-lab-x-0d', null]);
  });
});
