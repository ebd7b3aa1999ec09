import { describe, expect, it } from 'vitest';
import { chooseMeeting, meetingFromUrl, sortForPicker, urlWithMeeting } from '../../../client/src/lib/meetingPick';
import { meeting } from './fixtures';

const ended = meeting(
  'old',
  '2026-01-04T15:00:00+07:00',
  '2026-01-05T08:00:00+07:00',
  '2026-01-05T11:00:00+07:00',
  'ended',
);
const ended2 = meeting(
  'older',
  '2025-12-04T15:00:00+07:00',
  '2025-12-05T08:00:00+07:00',
  '2025-12-05T11:00:00+07:00',
  'ended',
);
const next = meeting(
  'next',
  '2026-03-05T15:00:00+07:00',
  '2026-03-06T08:00:00+07:00',
  '2026-03-06T11:00:00+07:00',
  'scheduled',
);
const later = meeting(
  'later',
  '2026-04-05T15:00:00+07:00',
  '2026-04-06T08:00:00+07:00',
  '2026-04-06T11:00:00+07:00',
  'scheduled',
);
const live = meeting(
  'live',
  '2026-02-04T15:00:00+07:00',
  '2026-02-05T08:00:00+07:00',
  '2026-02-05T11:00:00+07:00',
  'live',
);

describe('choosing the meeting to open', () => {
  it('?meeting=ID wins over the remembered one', () => {
    expect(chooseMeeting([ended, next, live], 'next', 'old')).toEqual({ id: 'next', missing: null });
  });

  it('the remembered meeting comes next', () => {
    expect(chooseMeeting([ended, next, live], null, 'old')).toEqual({ id: 'old', missing: null });
  });

  it('an unknown URL meeting is reported and the next choice is used', () => {
    expect(chooseMeeting([ended, live], 'gone', null)).toEqual({ id: 'live', missing: 'gone' });
  });

  it('otherwise: in session, then the soonest scheduled, then the latest ended', () => {
    expect(chooseMeeting([ended, later, next, live], null, 'gone').id).toBe('live');
    expect(chooseMeeting([ended, later, next], null, null).id).toBe('next');
    expect(chooseMeeting([ended2, ended], null, null).id).toBe('old');
    expect(chooseMeeting([], null, 'old')).toEqual({ id: null, missing: null });
  });

  it('the picker lists the latest session first', () => {
    expect(sortForPicker([ended, later, next, live]).map((m) => m.id)).toEqual(['later', 'next', 'live', 'old']);
  });

  it('reads and writes ?meeting= keeping other parameters', () => {
    expect(meetingFromUrl('?meeting=HN-2026-03&x=1')).toBe('HN-2026-03');
    expect(meetingFromUrl('?meeting=')).toBeNull();
    expect(meetingFromUrl('')).toBeNull();
    expect(urlWithMeeting('http://h/dash?x=1#a', 'm2')).toBe('/dash?x=1&meeting=m2#a');
    expect(urlWithMeeting('http://h/?meeting=m1', null)).toBe('/');
  });
});
