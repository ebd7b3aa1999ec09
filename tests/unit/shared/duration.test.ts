import { describe, expect, it } from 'vitest';
import { formatDurationWords } from '../../../shared/time';

describe('formatDurationWords: a duration never reads as a time of day', () => {
  it.each([
    [0, '0 giây', '0 s'],
    [999, '0 giây', '0 s'],
    [45_000, '45 giây', '45 s'],
    [60_000, '1 phút 00 giây', '1 min 00 s'],
    [750_000, '12 phút 30 giây', '12 min 30 s'],
    [3_900_000, '1 giờ 05 phút', '1 h 05 min'],
    [3_959_000, '1 giờ 05 phút', '1 h 05 min'],
    [183_600_000, '2 ngày 03 giờ', '2 d 03 h'],
    [-5_000, '0 giây', '0 s'],
  ])('%i ms → "%s" / "%s"', (ms, vi, en) => {
    expect(formatDurationWords(ms)).toBe(vi);
    expect(formatDurationWords(ms, 'vi')).toBe(vi);
    expect(formatDurationWords(ms, 'en')).toBe(en);
  });
});
