// OU9: an outage open before a meeting's window opens joins that meeting's log when it opens.
import pino from 'pino';
import { asyncStore } from '../../../server/store/async';
import { describe, expect, it } from 'vitest';
import { OutageRecorder } from '../../../server/status/outages';
import { Meeting } from '../../../shared/schemas';
import { MemoryStore } from '../../helpers/memory-store';

const logger = pino({ level: 'silent' });
const at = (iso: string): number => Date.parse(iso);
// Line test 05/3 15:00–16:00: its window opens at 14:45.
const M = Meeting.parse({
  id: 'M',
  title: 'Hội nghị',
  lineTest: { start: '2026-03-05T15:00:00+07:00', durationMin: 60 },
  session: { start: '2026-03-06T08:00:00+07:00', plannedEnd: '2026-03-06T11:00:00+07:00' },
  participants: { points: ['P1'] },
});

function setup() {
  const store = new MemoryStore();
  const recorder = new OutageRecorder({
    store: asyncStore(store),
    logger,
    meetingsOf: () => ['M'],
    meeting: (id) => (id === 'M' ? M : undefined),
  });
  return { store, recorder };
}

describe('outages open before a window', () => {
  it('[OU9] a point down since the morning joins the line test log when its window opens, once', async () => {
    const { store, recorder } = setup();
    const down = at('2026-03-05T10:00:00+07:00');
    recorder.onTransition({
      point: 'P1',
      target: 'icmp:h',
      class: 'line',
      kind: 'icmp',
      from: 'up',
      to: 'down',
      at: down,
      detectedAt: down + 180_000,
    });
    await recorder.settled();
    expect(store.listOutages({}).map((o) => o.meeting)).toEqual([null]);

    recorder.attachToOpenWindows(at('2026-03-05T14:44:59+07:00'));

    await recorder.settled();
    expect(store.listOutages({})).toHaveLength(1);

    recorder.attachToOpenWindows(at('2026-03-05T14:45:00+07:00'));

    await recorder.settled();
    recorder.attachToOpenWindows(at('2026-03-05T14:46:00+07:00'));
    await recorder.settled();
    const rows = store.listOutages({ meeting: 'M' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ point: 'P1', type: 'down', phase: 'scheduled', startedAt: down, endedAt: null });

    const up = at('2026-03-05T15:10:00+07:00');
    recorder.onTransition({
      point: 'P1',
      target: 'icmp:h',
      class: 'line',
      kind: 'icmp',
      from: 'down',
      to: 'up',
      at: up,
      detectedAt: up + 2_000,
    });
    await recorder.settled();
    expect(store.listOutages({}).map((o) => o.endedAt)).toEqual([up, up]);
  });

  it('[OU9] nothing is added for a point that is up', async () => {
    const { store, recorder } = setup();
    recorder.attachToOpenWindows(at('2026-03-05T15:00:00+07:00'));
    await recorder.settled();
    expect(store.listOutages({})).toHaveLength(0);
  });
});
