// The checklist's pure rules: readiness, the automatic line and backup verdicts, when automatic items
// are evaluated and when roll calls are due. IDs are those of docs/CHECKLIST.md.
import { describe, expect, it } from 'vitest';
import {
  CODEC_LOSS_FAIL_PCT,
  DEFAULT_CHECKLIST_ITEMS,
  ItemWriteBody,
  readiness,
  type ItemResult,
} from '../../../shared/checklist';
import type { CodecCall } from '../../../shared/targets';
import type { PointStatus } from '../../../shared/schemas';
import { toWireInstant } from '../../../shared/time';
import { automaticOpen, backupVerdict, codecVerdict, lineVerdict, rollCallDue } from '../../../server/checklist/rules';
import { LINE_TEST, MIN, SESSION, meeting } from './setup';

const status = (state: PointStatus['state'], since: number | null, backup: PointStatus['state'] | null = null) =>
  ({
    code: 'P',
    state,
    rtt: null,
    loss: null,
    jitter: null,
    since: since === null ? null : toWireInstant(since),
    backup,
    endpoint: null,
    inCall: null,
  }) satisfies PointStatus;

const results = (r: Record<string, ItemResult>) => (key: string) => r[key] ?? 'pending';
const allPass = Object.fromEntries(DEFAULT_CHECKLIST_ITEMS.map((i) => [i.key, 'pass' as ItemResult]));

describe('readiness', () => {
  it('[CL3] a point is ready when every required item passes; optional items do not matter', () => {
    expect(readiness(DEFAULT_CHECKLIST_ITEMS, results(allPass))).toEqual({ ready: true, failing: [], missing: [] });
    const backupFails = { ...allPass, 'duong-truyen-du-phong': 'fail' as const };
    expect(readiness(DEFAULT_CHECKLIST_ITEMS, results(backupFails))).toEqual({
      ready: true,
      failing: ['duong-truyen-du-phong'],
      missing: [],
    });
  });

  it('[CL3] a required item pending or failed keeps the point not ready, and says which', () => {
    const r = readiness(DEFAULT_CHECKLIST_ITEMS, results({ ...allPass, 'am-thanh': 'fail', camera: 'pending' }));
    expect(r).toEqual({ ready: false, failing: ['am-thanh'], missing: ['am-thanh', 'camera'] });
    expect(readiness(DEFAULT_CHECKLIST_ITEMS, results({})).missing).toHaveLength(7);
  });

  it('[CL3] "not applicable" takes a required item out of that point\'s requirements', () => {
    expect(readiness(DEFAULT_CHECKLIST_ITEMS, results({ ...allPass, camera: 'na' })).ready).toBe(true);
  });
});

describe('line verdict', () => {
  const now = LINE_TEST + 10 * MIN;

  it('[CL6] passes once up (or degraded) for 60 s, not before', () => {
    expect(lineVerdict({ status: status('up', now - 59_999), goodSince: null, wentBad: false, now })).toEqual({
      result: undefined,
      goodSince: now - 59_999,
    });
    expect(lineVerdict({ status: status('degraded', now - 60_000), goodSince: null, wentBad: false, now }).result).toBe(
      'pass',
    );
    // up → degraded keeps the run going: the tracked start stands, not the degraded state's.
    expect(
      lineVerdict({ status: status('degraded', now - 5_000), goodSince: now - 70_000, wentBad: false, now }),
    ).toEqual({ result: 'pass', goodSince: now - 70_000 });
  });

  it('[CL6] fails while down or severe, and after a bad spell even when up again; the 60 s restart', () => {
    expect(lineVerdict({ status: status('down', now - 1), goodSince: now - 99_000, wentBad: false, now })).toEqual({
      result: 'fail',
      goodSince: null,
    });
    expect(lineVerdict({ status: status('severe', now - 1), goodSince: null, wentBad: false, now }).result).toBe(
      'fail',
    );
    expect(lineVerdict({ status: status('up', now - 500), goodSince: now - 99_000, wentBad: true, now })).toEqual({
      result: 'fail',
      goodSince: now - 500,
    });
  });

  it('[CL6] unknown changes nothing but restarts the 60 s', () => {
    expect(lineVerdict({ status: status('unknown', null), goodSince: now - 99_000, wentBad: false, now })).toEqual({
      result: undefined,
      goodSince: null,
    });
    expect(lineVerdict({ status: undefined, goodSince: null, wentBad: false, now }).result).toBeUndefined();
  });
});

describe('backup verdict', () => {
  it('[CL7] no backup target → na; backup up → pass, down → fail; unknown leaves it (na → pending)', () => {
    expect(backupVerdict(false, status('up', 0, null), 'pending')).toBe('na');
    expect(backupVerdict(true, status('down', 0, 'up'), 'pending')).toBe('pass');
    expect(backupVerdict(true, status('up', 0, 'degraded'), 'fail')).toBe('pass');
    expect(backupVerdict(true, status('up', 0, 'down'), 'pass')).toBe('fail');
    expect(backupVerdict(true, status('up', 0, 'severe'), 'pass')).toBe('fail');
    expect(backupVerdict(true, status('up', 0, 'unknown'), 'pass')).toBeUndefined();
    expect(backupVerdict(true, status('up', 0, 'unknown'), 'na')).toBe('pending');
  });
});

describe('when', () => {
  it('[CL8] automatic items from the line-test window opening until the session starts', () => {
    expect(automaticOpen(meeting, LINE_TEST - 15 * MIN - 1)).toBe(false);
    expect(automaticOpen(meeting, LINE_TEST - 15 * MIN)).toBe(true);
    expect(automaticOpen(meeting, SESSION - 1)).toBe(true);
    expect(automaticOpen(meeting, SESSION)).toBe(false);
  });

  it('[RC1] [RC2] roll calls are due 10 minutes before the session and at its start', () => {
    expect(rollCallDue(meeting)).toEqual({ before: SESSION - 10 * MIN, start: SESSION });
  });
});

describe('write body', () => {
  it('needs a result or a note, a whole version, and trims the note (empty clears it)', () => {
    expect(ItemWriteBody.safeParse({ version: 0 }).success).toBe(false);
    expect(ItemWriteBody.safeParse({ result: 'pass', version: -1 }).success).toBe(false);
    expect(ItemWriteBody.safeParse({ result: 'ok', version: 0 }).success).toBe(false);
    expect(ItemWriteBody.safeParse({ result: 'pass', version: 0, extra: 1 }).success).toBe(false);
    expect(ItemWriteBody.parse({ note: '  Vọng tiếng  ', version: 2 })).toEqual({ note: 'Vọng tiếng', version: 2 });
    expect(ItemWriteBody.parse({ note: '   ', version: 2 })).toEqual({ note: null, version: 2 });
    expect(ItemWriteBody.safeParse({ note: 'x'.repeat(501), version: 0 }).success).toBe(false);
  });
});

const codecCall = (over: Partial<CodecCall> = {}): CodecCall => ({
  inCall: true,
  farEnd: 'sip:hoi-nghi@mcu.tinh',
  channels: [
    { media: 'video', direction: 'rx', rateKbps: 1_920, lossPct: 0.2, jitterMs: 4 },
    { media: 'audio', direction: 'rx', rateKbps: 64, lossPct: 0, jitterMs: 2 },
    { media: 'audio', direction: 'tx', rateKbps: 64, lossPct: 9, jitterMs: 2 },
  ],
  ...over,
});

describe('[CL11] items the room’s codec answers', () => {
  it('[CL11] in the call and receiving with little loss passes; the sent channel does not count', () => {
    expect(codecVerdict('video', { state: 'up', call: codecCall() })).toBe('pass');
    expect(codecVerdict('audio', { state: 'up', call: codecCall() })).toBe('pass');
  });
  it('[CL11] received loss at or above 5 %, a rate of 0, or no such channel fails', () => {
    const lossy = codecCall({
      channels: [{ media: 'audio', direction: 'rx', rateKbps: 64, lossPct: CODEC_LOSS_FAIL_PCT, jitterMs: 9 }],
    });
    expect(codecVerdict('audio', { state: 'up', call: lossy })).toBe('fail');
    const mute = codecCall({
      channels: [{ media: 'audio', direction: 'rx', rateKbps: 0, lossPct: 0, jitterMs: null }],
    });
    expect(codecVerdict('audio', { state: 'up', call: mute })).toBe('fail');
    expect(codecVerdict('video', { state: 'up', call: mute })).toBe('fail');
  });
  it('[CL11] not in the call or a codec not answering fails; an unknown codec leaves the item as it is', () => {
    expect(codecVerdict('video', { state: 'up', call: { inCall: false, farEnd: null, channels: [] } })).toBe('fail');
    expect(codecVerdict('video', { state: 'down', call: null })).toBe('fail');
    expect(codecVerdict('video', { state: 'unknown', call: null })).toBeUndefined();
    expect(codecVerdict('video', undefined)).toBeUndefined();
  });
});
