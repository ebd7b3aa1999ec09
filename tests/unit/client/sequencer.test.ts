import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OverviewDelta } from '../../../shared/overview';
import type { MeetingDelta } from '../../../shared/protocol';
import type { PointState } from '../../../shared/schemas';
import { DeltaSequencer } from '../../../client/src/lib/sequencer';
import { status } from './fixtures';

const delta = (seq: number, meetingId = 'm1'): MeetingDelta => ({
  meetingId,
  seq,
  serverTime: 0,
  statuses: [],
  outages: [],
});

const od = (seq: number): OverviewDelta => ({
  meetingId: 'm1',
  seq,
  serverTime: 0,
  regions: [],
  problems: [],
  removed: [],
  problemTotal: 0,
});

describe('DeltaSequencer', () => {
  it('applies consecutive deltas after the snapshot, drops duplicates and old ones', () => {
    const s = new DeltaSequencer();
    s.begin('m1');
    expect(s.snapshot('m1', 10)).toEqual({ ok: true, replay: [] });
    expect(s.delta(delta(11))).toBe('apply');
    expect(s.delta(delta(11))).toBe('stale');
    expect(s.delta(delta(9))).toBe('stale');
    expect(s.delta(delta(12))).toBe('apply');
    expect(s.seq).toBe(12);
  });

  it('a missing seq is a gap: deltas are held until the next snapshot', () => {
    const s = new DeltaSequencer();
    s.begin('m1');
    s.snapshot('m1', 1);
    expect(s.delta(delta(3))).toBe('gap');
    expect(s.seq).toBeNull();
    expect(s.delta(delta(4))).toBe('held');
  });

  it('[NV3] a region grid takes only the deltas of its unit; the whole meeting only those without one', () => {
    const s = new DeltaSequencer();
    s.begin('m1', 'HT');
    expect(s.unit).toBe('HT');
    expect(s.snapshot('m1', 4)).toEqual({ ok: true, replay: [] });
    expect(s.delta({ ...delta(5), unit: 'NA' })).toBe('foreign');
    expect(s.delta(delta(5))).toBe('foreign');
    expect(s.delta({ ...delta(5), unit: 'HT' })).toBe('apply');
    s.begin('m1');
    expect(s.unit).toBeNull();
    expect(s.snapshot('m1', 9)).toEqual({ ok: true, replay: [] });
    expect(s.delta({ ...delta(10), unit: 'HT' })).toBe('foreign');
    expect(s.delta(delta(10))).toBe('apply');
  });

  it('[NV2] orders overview deltas by the same rules (a gap joins again)', () => {
    const s = new DeltaSequencer<OverviewDelta>();
    s.begin('m1');
    expect(s.delta(od(3))).toBe('held');
    expect(s.snapshot('m1', 2)).toEqual({ ok: true, replay: [od(3)] });
    expect(s.delta(od(4))).toBe('apply');
    expect(s.delta(od(6))).toBe('gap');
    expect(s.delta(od(7))).toBe('held');
  });

  it('deltas of another meeting are foreign', () => {
    const s = new DeltaSequencer();
    s.begin('m1');
    s.snapshot('m1', 0);
    expect(s.delta(delta(1, 'm2'))).toBe('foreign');
    const idle = new DeltaSequencer();
    expect(idle.delta(delta(1))).toBe('foreign');
  });

  it('deltas held during the join are replayed in order when newer than the snapshot', () => {
    const s = new DeltaSequencer();
    s.begin('m1');
    for (const seq of [5, 7, 6, 6, 4]) expect(s.delta(delta(seq))).toBe('held');
    const res = s.snapshot('m1', 5);
    expect(res.ok && res.replay.map((d) => d.seq)).toEqual([6, 7]);
    expect(s.delta(delta(8))).toBe('apply');
  });

  it('a hole among the held deltas means the snapshot is not enough', () => {
    const s = new DeltaSequencer();
    s.begin('m1');
    s.delta(delta(8));
    expect(s.snapshot('m1', 5)).toEqual({ ok: false });
  });

  it('a snapshot of a meeting no longer shown is refused', () => {
    const s = new DeltaSequencer();
    s.begin('m1');
    s.begin('m2');
    expect(s.snapshot('m1', 3)).toEqual({ ok: false });
  });

  it('[fuzz] with drops, duplicates, reordering and resyncs the copy always equals the server at its seq', () => {
    const STATES: PointState[] = ['up', 'degraded', 'severe', 'down'];
    const step = fc.record({
      changes: fc.array(fc.tuple(fc.nat(7), fc.constantFrom(...STATES)), { maxLength: 3 }),
      fate: fc.constantFrom('deliver', 'deliver', 'deliver', 'drop', 'dup', 'swap'),
    });
    const join = fc.record({ lead: fc.nat(2), lag: fc.nat(3) });
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 60 }),
        fc.array(join, { minLength: 1, maxLength: 30 }),
        (steps, joins) => {
          // The server: history[seq] is the truth after delta seq.
          const history: Map<string, PointState>[] = [new Map()];
          const deltas: MeetingDelta[] = [];
          steps.forEach((st, i) => {
            const truth = new Map(history[i]);
            const statuses = st.changes.map(([n, state]) => status(`P${n}`, state));
            for (const s of statuses) truth.set(s.code, s.state);
            history.push(truth);
            deltas.push({ ...delta(i + 1), statuses });
          });
          // The network: drops, duplicates and swaps of neighbours.
          const wire: MeetingDelta[] = [];
          steps.forEach((st, i) => {
            const d = deltas[i]!;
            if (st.fate === 'drop') return;
            if (st.fate === 'dup') wire.push(d, d);
            else if (st.fate === 'swap' && wire.length > 0) wire.splice(wire.length - 1, 0, d);
            else wire.push(d);
          });

          const seq = new DeltaSequencer();
          let copy = new Map<string, PointState>();
          const apply = (d: MeetingDelta): void => {
            for (const s of d.statuses) copy.set(s.code, s.state);
          };
          // While synced (seq known) the copy must be the server's state at that seq.
          const check = (): void => {
            expect(copy).toEqual(seq.seq === null ? copy : history[seq.seq]);
          };
          let joinNo = 0;
          // A pending join: the snapshot is taken at seq `at` and arrives after `lag` more deliveries.
          const net: { pending: { at: number; lag: number } | null; delivered: number } = {
            pending: null,
            delivered: 0,
          };
          const startJoin = (): void => {
            const j = joins[joinNo++ % joins.length]!;
            seq.begin('m1');
            net.pending = { at: Math.min(deltas.length, net.delivered + j.lead), lag: j.lag };
          };
          const maybeSnapshot = (force: boolean): void => {
            for (;;) {
              if (!net.pending || (net.pending.lag > 0 && !force)) return;
              const at = net.pending.at;
              net.pending = null;
              const res = seq.snapshot('m1', at);
              if (!res.ok) {
                startJoin();
                continue;
              }
              copy = new Map(history[at]);
              for (const d of res.replay) apply(d);
              check();
            }
          };

          startJoin();
          for (const d of wire) {
            maybeSnapshot(false);
            net.delivered = Math.max(net.delivered, d.seq);
            const decision = seq.delta(d);
            if (decision === 'apply') apply(d);
            if (decision === 'gap') startJoin();
            check();
            if (net.pending) net.pending.lag -= 1;
          }
          maybeSnapshot(true);
          // After the last resync the copy is complete up to what it has seen.
          expect(seq.seq).not.toBeNull();
          check();
        },
      ),
      { numRuns: 400, seed: 20260306 },
    );
  });
});
