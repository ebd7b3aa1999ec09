import { describe, expect, it } from 'vitest';
import { PHASES, POINT_STATES } from '../../../shared/schemas';
import { MESSAGES, otherLang, parseLang } from '../../../client/src/i18n';

function shape(value: unknown): unknown {
  if (typeof value === 'function') return 'fn';
  if (typeof value !== 'object' || value === null) return typeof value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, shape(v)]),
  );
}

function leaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'function') return [String((value as (n: number) => string)(3))];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(leaves);
}

describe('i18n', () => {
  it('Vietnamese and English have the same keys, down to the leaves', () => {
    expect(shape(MESSAGES.en)).toEqual(shape(MESSAGES.vi));
  });

  it('state and phase labels are the agreed Vietnamese, with diacritics', () => {
    expect(MESSAGES.vi.state).toEqual({
      up: 'Thông suốt',
      degraded: 'Chập chờn',
      severe: 'Chập chờn nặng',
      down: 'Mất kết nối',
      unknown: 'Chưa rõ',
    });
    expect(MESSAGES.vi.phase).toEqual({
      scheduled: 'Chưa bắt đầu',
      lineTest: 'Chạy thử đường truyền',
      waiting: 'Chờ họp',
      live: 'Đang họp',
      ended: 'Đã kết thúc',
    });
  });

  it('every state and phase has a label in both languages', () => {
    for (const m of Object.values(MESSAGES)) {
      for (const s of POINT_STATES) expect(m.state[s]).toMatch(/\S/);
      for (const p of PHASES) expect(m.phase[p]).toMatch(/\S/);
    }
  });

  it('no message is empty or left untranslated as a key', () => {
    for (const m of Object.values(MESSAGES)) for (const text of leaves(m)) expect(text.trim()).not.toBe('');
  });

  it('Vietnamese text is NFC (precomposed), so it renders and searches consistently', () => {
    for (const text of leaves(MESSAGES.vi)) expect(text).toBe(text.normalize('NFC'));
  });

  it('unknown stored languages fall back to Vietnamese', () => {
    expect(parseLang('en')).toBe('en');
    expect(parseLang('fr')).toBe('vi');
    expect(parseLang(null)).toBe('vi');
    expect(otherLang('vi')).toBe('en');
  });
});
