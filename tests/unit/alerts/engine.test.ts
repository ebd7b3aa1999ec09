// The incident engine with a manual clock: outage events in, incidents out (docs/SPEC.md AL10–AL14).
import pino from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AlertGrouping } from '../../../shared/alerts';
import type { Meeting, Point, Unit } from '../../../shared/schemas';
import { ManualClock } from '../../../server/clock';
import { IncidentEngine } from '../../../server/alerts/engine';
import type { Incident } from '../../../server/alerts/incident';
import { renderIncident, plainText } from '../../../server/alerts/render';
import type { OutageRow } from '../../../server/store/types';
import { tinyProvince } from '../../helpers/app';

const T0 = Date.UTC(2026, 2, 6, 1, 0, 0);
const G: AlertGrouping = {
  holdMs: 5_000,
  unitShare: 0.5,
  settleMs: 10_000,
  flapCount: 3,
  flapWindowMs: 600_000,
  flapQuietMs: 60_000,
};

class Harness {
  readonly clock = new ManualClock(T0);
  readonly out: Incident[] = [];
  readonly engine: IncidentEngine;
  private nextId = 1;
  private readonly open = new Map<string, OutageRow[]>();
  failing = false;

  constructor(
    readonly units: Unit[],
    readonly points: Point[],
    grouping: AlertGrouping = G,
  ) {
    const meeting: Meeting | undefined = undefined;
    this.engine = new IncidentEngine({
      sink: {
        add: async (i) => {
          if (this.failing) throw new Error('disk full');
          if (this.out.some((o) => o.id === i.id)) return false;
          this.out.push(i);
          return true;
        },
      },
      inventory: {
        point: (c) => points.find((p) => p.code === c),
        unit: (id) => units.find((u) => u.id === id),
        meeting: () => meeting,
        listUnits: () => units,
        listPoints: () => points,
      },
      logger: pino({ level: 'silent' }),
      grouping,
    });
  }

  /** The point's line is lost: one outage per meeting it takes part in (`meetings`). */
  async down(code: string, meetings: (string | null)[] = ['M']): Promise<void> {
    const now = this.clock.now();
    const rows = meetings.map((m) => ({
      id: this.nextId++,
      point: code,
      meeting: m,
      type: 'down' as const,
      class: 'line' as const,
      target: null,
      kind: null,
      phase: 'live' as const,
      startedAt: now - 3_000,
      detectedAt: now,
      endedAt: null,
    }));
    this.open.set(code, rows);
    for (const row of rows) this.engine.onOutage({ kind: 'opened', row });
    await this.engine.flush();
  }

  async up(code: string): Promise<void> {
    for (const row of this.open.get(code) ?? []) {
      this.engine.onOutage({ kind: 'closed', row: { ...row, endedAt: this.clock.now() } });
    }
    this.open.delete(code);
    await this.engine.flush();
  }

  /** Moves the clock by steps of one second, ticking the engine as the monitor does. */
  async advance(ms: number): Promise<void> {
    for (let t = 0; t < ms; t += 1000) {
      this.clock.advance(Math.min(1000, ms - t));
      this.engine.tick(this.clock.now());
      await this.engine.flush();
    }
  }

  summary(): string[] {
    return this.out.map((i) => `${i.kind}:${i.group?.kind}:${i.points.map((p) => p.code).join(',')}`);
  }
}

let h: Harness;
beforeEach(() => {
  const { units, points } = tinyProvince(200, 4);
  h = new Harness(units, points);
});

describe('incident engine', () => {
  it('[AL10][AL12] a district line lost: one unit incident naming its points, one grouped recovery', async () => {
    await h.down('D1');
    await h.advance(1000);
    for (const c of ['C1', 'C2', 'C3', 'C4']) await h.down(c);
    await h.advance(3000);
    expect(h.out).toHaveLength(0); // held while the openings gather
    await h.advance(2000);
    expect(h.summary()).toEqual(['open:unit:D1,C1,C2,C3,C4']);
    const open = h.out[0]!;
    expect(open).toMatchObject({
      id: `unit-D1-1-open`,
      kind: 'open',
      severity: 'critical',
      group: { kind: 'unit', unit: { id: 'D1', name: 'Huyện Một' }, drops: 1 },
      outages: [1, 2, 3, 4, 5],
      end: null,
    });
    expect(open.text).toContain('Huyện Một (5 điểm cầu: Điểm cầu huyện Một, Điểm cầu xã Số 1');
    const msg = plainText(renderIncident(open, 'vi', undefined, 'ops'));
    expect(msg.split('\n')[0]).toBe('[diemcau] MẤT KẾT NỐI: Huyện Một (5 điểm cầu)');
    for (const n of [1, 2, 3, 4]) expect(msg).toContain(`• Điểm cầu xã Số ${n} (C${n})`);

    // A late point of the same unit joins silently.
    await h.advance(20_000);
    expect(h.out).toHaveLength(1);

    // Back one by one, within seconds: the recovery waits for the last and for settleMs.
    for (const c of ['C1', 'C2', 'C3', 'D1']) {
      await h.up(c);
      await h.advance(2_000);
    }
    expect(h.out).toHaveLength(1);
    await h.up('C4');
    const back = h.clock.now();
    await h.advance(9_000);
    expect(h.out).toHaveLength(1);
    await h.advance(1_000);
    expect(h.summary()).toEqual(['open:unit:D1,C1,C2,C3,C4', 'recovered:unit:D1,C1,C2,C3,C4']);
    expect(h.out[1]).toMatchObject({
      id: 'unit-D1-1-recovered',
      end: back,
      outages: [1, 2, 3, 4, 5],
      group: { kind: 'unit', unit: { id: 'D1', name: 'Huyện Một' } },
    });
    expect(h.out[1]!.text).toMatch(/^Huyện Một \(5 điểm cầu: .*\): đã kết nối lại lúc/);
    expect(plainText(renderIncident(h.out[1]!, 'en', undefined, 'x'))).toContain(
      '[diemcau] RECOVERED: Huyện Một (5 points)',
    );
  });

  it('[AL10] most of the communes without the hub are the unit line too; two of five are not', async () => {
    for (const c of ['C1', 'C2', 'C3']) await h.down(c);
    await h.advance(5_000);
    expect(h.summary()).toEqual(['open:unit:C1,C2,C3']);
    for (const c of ['C1', 'C2', 'C3']) await h.up(c);
    await h.advance(10_000);
    h.out.length = 0;
    await h.down('C1');
    await h.down('C4');
    await h.advance(5_000);
    expect(h.summary().sort()).toEqual(['open:point:C1', 'open:point:C4']);
  });

  it('[AL10][AL12] a unit named by its unit whichever point went first, on opening and recovery', async () => {
    for (const c of ['C2', 'C3', 'C4']) await h.down(c);
    await h.advance(5_000);
    for (const c of ['C2', 'C3', 'C4']) await h.up(c);
    await h.advance(10_000);
    expect(h.summary()).toEqual(['open:unit:C2,C3,C4', 'recovered:unit:C2,C3,C4']);
    for (const i of h.out) expect(i.group!.unit).toEqual({ id: 'D1', name: 'Huyện Một' });
    expect(plainText(renderIncident(h.out[1]!, 'vi', undefined, 'x')).split('\n')[0]).toBe(
      '[diemcau] ĐÃ KẾT NỐI LẠI: Huyện Một (3 điểm cầu)',
    );
  });

  it('[AL12] the line back but one commune still down: the unit recovers naming the others, the commune goes on alone', async () => {
    for (const c of ['D1', 'C1', 'C2', 'C3', 'C4']) await h.down(c);
    await h.advance(5_000);
    h.clock.advance(60_000);
    for (const c of ['D1', 'C1', 'C2', 'C3']) await h.up(c);
    await h.advance(9_000);
    expect(h.out).toHaveLength(1);
    await h.advance(1_000);
    expect(h.summary()).toEqual(['open:unit:D1,C1,C2,C3,C4', 'recovered:unit:D1,C1,C2,C3', 'open:point:C4']);
    expect(h.out[1]!.text).toContain('còn mất kết nối: Điểm cầu xã Số 4');
    expect(h.out[2]).toMatchObject({ id: 'outage-5-open', start: T0 - 3_000, outages: [5] });
    await h.up('C4');
    await h.advance(10_000);
    expect(h.summary().at(-1)).toBe('recovered:point:C4');
    expect(h.out.at(-1)!.id).toBe('outage-5-recovered');
    expect(h.engine.activeCount).toBe(0);
  });

  it('[AL12] a split waits while the line is still the unit’s: a point lost again before settleMs keeps it whole', async () => {
    for (const c of ['C1', 'C2', 'C3', 'C4']) await h.down(c);
    await h.advance(5_000);
    for (const c of ['C1', 'C2', 'C3']) await h.up(c); // only C4 down: not the unit's line any more
    await h.advance(5_000);
    await h.down('C1');
    await h.down('C2'); // three of five down again: the unit's line
    await h.advance(20_000);
    expect(h.summary()).toEqual(['open:unit:C1,C2,C3,C4']);
  });

  it('[AL11] a single commune: one point incident with the outage id, one recovery; a point in two meetings counts once', async () => {
    await h.down('C2', ['M', 'N']);
    await h.advance(5_000);
    expect(h.out.map((i) => i.id)).toEqual(['outage-1-open']);
    expect(h.out[0]).toMatchObject({ group: { kind: 'point', unit: { id: 'C2' }, drops: 1 }, outages: [1, 2] });
    await h.up('C2');
    await h.advance(10_000);
    expect(h.out.map((i) => i.id)).toEqual(['outage-1-open', 'outage-1-recovered']);
  });

  it('[AL11] openings seconds apart in different units are not merged; openings beyond holdMs are separate', async () => {
    const { units, points } = tinyProvince(201, 4);
    units.push({ id: 'D2', name: 'Huyện Hai', level: 'district', parent: 'P' });
    units.push({ id: 'E1', name: 'Xã E1', level: 'commune', parent: 'D2' });
    points.push({ ...points[2]!, code: 'E1', name: 'Điểm cầu xã E1', unit: 'E1' });
    h = new Harness(units, points);
    await h.down('C1');
    await h.down('E1');
    await h.advance(5_000);
    expect(h.summary().sort()).toEqual(['open:point:C1', 'open:point:E1']);
    await h.advance(5_000);
    await h.down('C2'); // a second commune, but after C1's incident was sent: its own
    await h.advance(5_000);
    expect(h.summary()).toHaveLength(3);
  });

  it('[AL13] a bouncing line: its first loss, then one flapping incident, then one recovery after the quiet time', async () => {
    await h.down('C3');
    await h.advance(5_000);
    for (let i = 0; i < 6; i++) {
      await h.up('C3');
      await h.advance(4_000); // back for less than settleMs: no recovery sent
      await h.down('C3');
      await h.advance(3_000);
    }
    expect(h.summary()).toEqual(['open:point:C3', 'open:flapping:C3']);
    const flap = h.out[1]!;
    expect(flap.id).toBe('flapping-C3-1-open');
    expect(flap.text).toContain('chập chờn liên tục (3 lần mất kết nối trong 10 phút');
    expect(plainText(renderIncident(flap, 'vi', undefined, 'x'))).toContain(
      '[diemcau] CHẬP CHỜN LIÊN TỤC: Điểm cầu xã Số 3',
    );
    await h.up('C3');
    await h.advance(59_000);
    expect(h.out).toHaveLength(2);
    await h.advance(1_000);
    expect(h.summary()).toEqual(['open:point:C3', 'open:flapping:C3', 'recovered:flapping:C3']);
    expect(h.out[2]).toMatchObject({ id: 'flapping-C3-1-recovered', group: { drops: 7 } });
    expect(h.out[2]!.outages).toHaveLength(7);
  });

  it('[AL13] bounces slower than settleMs: the drop history makes the third loss in the window flapping', async () => {
    for (let i = 0; i < 3; i++) {
      await h.down('C1');
      await h.advance(5_000);
      await h.up('C1');
      await h.advance(20_000);
    }
    expect(h.summary()).toEqual([
      'open:point:C1',
      'recovered:point:C1',
      'open:point:C1',
      'recovered:point:C1',
      'open:flapping:C1',
    ]);
    expect(h.out[4]!.group!.drops).toBe(3);
    await h.advance(60_000);
    expect(h.summary().at(-1)).toBe('recovered:flapping:C1');
  });

  it('[AL13] a district line bouncing: one unit incident turning into one flapping incident for the unit', async () => {
    const all = ['D1', 'C1', 'C2', 'C3', 'C4'];
    for (const c of all) await h.down(c);
    await h.advance(5_000);
    for (let i = 0; i < 3; i++) {
      for (const c of all) await h.up(c);
      await h.advance(3_000);
      for (const c of all) await h.down(c);
      await h.advance(3_000);
    }
    expect(h.summary()).toEqual(['open:unit:D1,C1,C2,C3,C4', 'open:flapping:D1,C1,C2,C3,C4']);
    expect(h.out[1]!.id).toBe('flapping-D1-1-open');
    expect(h.out[1]!.group).toMatchObject({ kind: 'flapping', unit: { id: 'D1' } });
    for (const c of all) await h.up(c);
    await h.advance(60_000);
    expect(h.summary()).toHaveLength(3);
    expect(h.out[2]!.id).toBe('flapping-D1-1-recovered');
  });

  it('[AL12] an outage ending while its opening is held: the incident is sent, then its recovery after settleMs', async () => {
    await h.down('C4');
    await h.advance(2_000);
    await h.up('C4');
    await h.advance(3_000);
    expect(h.summary()).toEqual(['open:point:C4']);
    await h.advance(10_000);
    expect(h.summary()).toEqual(['open:point:C4', 'recovered:point:C4']);
    expect(h.engine.activeCount).toBe(0);
  });

  it('[AL14] after a restart the outages still open are grouped again: the same ids (refused as repeats), one recovery', async () => {
    const all = ['D1', 'C1', 'C2', 'C3', 'C4'];
    for (const c of all) await h.down(c);
    await h.advance(5_000);
    expect(h.summary()).toEqual(['open:unit:D1,C1,C2,C3,C4']);
    // A new engine (the monitor process restarted) writing to the same outbox.
    const rows = all.map((c, i) => ({
      id: i + 1,
      point: c,
      meeting: 'M',
      type: 'down' as const,
      class: 'line' as const,
      target: null,
      kind: null,
      phase: 'live' as const,
      startedAt: T0 - 3_000,
      detectedAt: T0,
      endedAt: null,
    }));
    const again = new IncidentEngine({
      sink: { add: async (i) => (h.out.some((o) => o.id === i.id) ? false : (h.out.push(i), true)) },
      inventory: {
        point: (c) => h.points.find((p) => p.code === c),
        unit: (id) => h.units.find((u) => u.id === id),
        meeting: () => undefined,
        listUnits: () => h.units,
        listPoints: () => h.points,
      },
      logger: pino({ level: 'silent' }),
      grouping: G,
    });
    again.resume(rows);
    h.clock.advance(60_000);
    again.tick(h.clock.now());
    await again.flush();
    expect(h.out).toHaveLength(1); // unit-D1-1-open again: refused by the outbox
    for (const r of rows) again.onOutage({ kind: 'closed', row: { ...r, endedAt: h.clock.now() } });
    h.clock.advance(10_000);
    again.tick(h.clock.now());
    await again.flush();
    expect(h.out.map((i) => i.id)).toEqual(['unit-D1-1-open', 'unit-D1-1-recovered']);
  });

  it('[AL14] the end of an outage opened before the engine started is its own recovery', () => {
    h.engine.onOutage({
      kind: 'closed',
      row: {
        id: 77,
        point: 'C1',
        meeting: null,
        type: 'down',
        class: 'line',
        target: null,
        kind: null,
        phase: null,
        startedAt: T0 - 60_000,
        detectedAt: T0 - 57_000,
        endedAt: T0,
      },
    });
    expect(h.out.map((i) => i.id)).toEqual(['outage-77-recovered']);
  });

  it('incidents the store refuses wait and are written in order once it accepts', async () => {
    h.failing = true;
    await h.down('C1');
    await h.advance(5_000);
    await h.up('C1');
    await h.advance(10_000);
    expect(h.out).toHaveLength(0);
    expect(h.engine.pendingCount).toBe(2);
    h.failing = false;
    await h.advance(1_000);
    expect(h.summary()).toEqual(['open:point:C1', 'recovered:point:C1']);
  });
});
