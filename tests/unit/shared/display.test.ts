// "The current meeting" of a display link (shared/display.ts) and the wall's URL and order helpers.
import { describe, expect, it } from 'vitest';
import { currentMeeting } from '../../../shared/display';
import { isWallHash, tokenFromHash } from '../../../client/src/components/wall/wallApi';
import { wallOrder } from '../../../client/src/components/wall/order';
import type { PointState } from '../../../shared/schemas';
import { meetingNow } from '../../helpers/app';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-03-06T08:30:00+07:00');

describe('currentMeeting', () => {
  const live = meetingNow('live', 'live', undefined, NOW);
  const lineTest = meetingNow('line', 'lineTest', undefined, NOW);
  const later = meetingNow('later', 'live', undefined, NOW + 72 * HOUR);
  const soon = meetingNow('soon', 'live', undefined, NOW + 30 * HOUR);
  const old = meetingNow('old', 'live', undefined, NOW - 72 * HOUR);
  const older = meetingNow('older', 'live', undefined, NOW - 96 * HOUR);

  it('[WD3] in session first, then line test, then the soonest scheduled, else the latest ended', () => {
    expect(currentMeeting([old, lineTest, later, live], NOW)?.id).toBe('live');
    expect(currentMeeting([old, later, lineTest], NOW)?.id).toBe('line');
    expect(currentMeeting([later, old, soon], NOW)?.id).toBe('soon');
    expect(currentMeeting([older, old], NOW)?.id).toBe('old');
    expect(currentMeeting([], NOW)).toBeUndefined();
  });
});

describe('wall URL', () => {
  it('[WD1] reads the token of #wall?k=…, and knows the wall page', () => {
    expect(tokenFromHash('#wall?k=abc_-1')).toBe('abc_-1');
    expect(tokenFromHash('#wall')).toBeNull();
    expect(tokenFromHash('#wall?k=')).toBeNull();
    expect(isWallHash('#wall')).toBe(true);
    expect(isWallHash('#wall?k=x')).toBe(true);
    expect(isWallHash('#wallpaper')).toBe(false);
    expect(isWallHash('#admin')).toBe(false);
  });
});

describe('wall order', () => {
  it('[WD6] down, severe, degraded, unknown, each in group order, then up in group order', () => {
    const states: Record<string, PointState> = {
      a: 'up',
      b: 'unknown',
      c: 'down',
      d: 'degraded',
      e: 'severe',
      f: 'down',
      g: 'up',
    };
    const groups = [
      { unitId: 'D1', name: 'D1', level: null, ancestors: [], codes: ['a', 'b', 'c'] },
      { unitId: 'D2', name: 'D2', level: null, ancestors: [], codes: ['d', 'e', 'f', 'g'] },
    ];
    expect(wallOrder(groups, (c) => states[c]!)).toEqual({
      problems: ['c', 'f', 'e', 'd', 'b'],
      others: ['a', 'g'],
      down: 2,
    });
  });

  it('[TG5] a point whose line is up and whose endpoint is down comes right after the down points', () => {
    const states: Record<string, PointState> = { a: 'up', b: 'severe', c: 'down', d: 'up' };
    const groups = [{ unitId: 'D1', name: 'D1', level: null, ancestors: [], codes: ['a', 'b', 'c', 'd'] }];
    expect(
      wallOrder(
        groups,
        (c) => states[c]!,
        (c) => c === 'd',
      ),
    ).toEqual({
      problems: ['c', 'd', 'b'],
      others: ['a'],
      down: 1,
    });
  });
});
