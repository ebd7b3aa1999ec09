// [AG1] The admin points editor keeps the agent: a point's (edited in its "Trạm đo" field) and a
// target's own (not edited, carried through); a blank field sends none.
import { describe, expect, it } from 'vitest';
import { draftOfPoint, emptyDraft, pointOfDraft } from '../../../client/src/components/admin/PointsDraft';
import { Point } from '../../../shared/schemas';

const stored: Point = Point.parse({
  code: 'HT-01',
  name: 'Điểm cầu xã Thạch Kim',
  level: 'commune',
  unit: 'HT-TK',
  agent: 'tram-can-loc',
  targets: [
    { kind: 'icmp', host: '127.0.0.1', role: 'primary' },
    { kind: 'sip', host: '127.0.0.2', agent: 'tram-sip' },
  ],
});

describe('points editor draft', () => {
  it('[AG1] round-trips the point agent and a target agent unchanged', () => {
    const d = draftOfPoint(stored);
    expect(d.agent).toBe('tram-can-loc');
    expect(Point.parse(pointOfDraft(d))).toEqual(stored);
  });

  it('[AG1] a blank field sends no agent; a typed one is sent', () => {
    const cleared = Point.parse(pointOfDraft({ ...draftOfPoint(stored), agent: '  ' }));
    expect(cleared.agent).toBeUndefined();
    expect(cleared.targets[1]?.agent).toBe('tram-sip');
    expect(pointOfDraft({ ...emptyDraft(), agent: 'tram-moi' }).agent).toBe('tram-moi');
    expect(pointOfDraft(emptyDraft())).not.toHaveProperty('agent', expect.anything());
  });
});
