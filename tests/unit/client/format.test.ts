import { describe, expect, it } from 'vitest';
import type { PointState, PointStatus } from '../../../shared/schemas';
import { formatLoss, formatPointRtt, formatRtt, telHref, unitPath } from '../../../client/src/lib/format';
import { PREF_KEYS, readPref, writePref } from '../../../client/src/lib/prefs';
import { unit } from './fixtures';

const st = (state: PointState, rtt: number | null): PointStatus => ({
  code: 'A',
  state,
  rtt,
  loss: null,
  jitter: null,
  since: null,
  backup: null,
  endpoint: null,
  inCall: null,
});

describe('display formats', () => {
  it('RTT with decimals only where they matter, decimal comma in Vietnamese', () => {
    expect(formatRtt(0.043, 'vi-VN')).toBe('0,04 ms');
    expect(formatRtt(3.25, 'vi-VN')).toBe('3,3 ms');
    expect(formatRtt(45.6, 'en-GB')).toBe('46 ms');
    expect(formatRtt(null, 'vi-VN')).toBe('—');
  });

  it('[NU1] a point shows an RTT only while reachable, and a loopback reply never as 0 ms', () => {
    expect(formatPointRtt(st('up', 12.4), 'vi-VN')).toBe('12 ms');
    expect(formatPointRtt(st('degraded', 0.04), 'vi-VN')).toBe('0,04 ms');
    // The wire rounds RTTs below 0.05 ms to 0: a reply, not zero.
    expect(formatPointRtt(st('up', 0), 'vi-VN')).toBe('< 0,1 ms');
    expect(formatPointRtt(st('up', 0), 'en-GB')).toBe('< 0.1 ms');
    expect(formatPointRtt(st('down', 0), 'vi-VN')).toBe('—');
    expect(formatPointRtt(st('unknown', 3), 'vi-VN')).toBe('—');
    expect(formatPointRtt(undefined, 'vi-VN')).toBe('—');
  });

  it('loss in percent', () => {
    expect(formatLoss(0, 'vi-VN')).toBe('0%');
    expect(formatLoss(2.5, 'vi-VN')).toBe('2,5%');
    expect(formatLoss(33.3, 'en-GB')).toBe('33%');
    expect(formatLoss(undefined, 'en-GB')).toBe('—');
  });

  it('tel: links keep only digits and a leading +', () => {
    expect(telHref('0239 3.855 (123)')).toBe('tel:02393855123');
    expect(telHref('+84 912-345-678')).toBe('tel:+84912345678');
  });

  it('unit path runs from the root, and stops at unknown parents and cycles', () => {
    const units = new Map(
      [
        unit('HT', 'province', null, 'Tỉnh Hà Tĩnh'),
        unit('CX', 'district', 'HT', 'Huyện Cẩm Xuyên'),
        unit('CB', 'commune', 'CX', 'Xã Cẩm Bình'),
      ].map((u) => [u.id, u]),
    );
    expect(unitPath('CB', units).map((u) => u.name)).toEqual(['Tỉnh Hà Tĩnh', 'Huyện Cẩm Xuyên', 'Xã Cẩm Bình']);
    const loop = new Map([unit('A', 'district', 'B'), unit('B', 'district', 'A')].map((u) => [u.id, u]));
    expect(unitPath('A', loop).map((u) => u.id)).toEqual(['B', 'A']);
    expect(unitPath('nope', units)).toEqual([]);
  });
});

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

describe('preferences', () => {
  it('round-trips and removes values', () => {
    const s = memoryStorage();
    writePref(PREF_KEYS.lang, 'en', s);
    expect(readPref(PREF_KEYS.lang, s)).toBe('en');
    writePref(PREF_KEYS.lang, null, s);
    expect(s.data.size).toBe(0);
  });

  it('a throwing storage (private mode, quota) reads as unset and ignores writes', () => {
    const broken = {
      getItem: (): string | null => {
        throw new Error('SecurityError');
      },
      setItem: (): void => {
        throw new Error('QuotaExceededError');
      },
      removeItem: (): void => {},
    };
    expect(readPref('k', broken)).toBeNull();
    expect(() => writePref('k', 'v', broken)).not.toThrow();
    expect(readPref('k', null)).toBeNull();
  });
});
