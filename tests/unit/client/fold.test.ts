import { describe, expect, it } from 'vitest';
import { fold, matchesTokens, pointSearchKey, queryTokens } from '../../../client/src/lib/fold';

describe('fold (diacritics-insensitive search)', () => {
  it('strips Vietnamese tones and vowel marks, lower-cases', () => {
    expect(fold('Hà Tĩnh')).toBe('ha tinh');
    expect(fold('Thạch Hà')).toBe('thach ha');
    expect(fold('Ứng Hòa – Quảng Ngãi')).toBe('ung hoa – quang ngai');
  });

  it('maps đ/Đ, which NFD does not decompose', () => {
    expect(fold('Đắk Lắk')).toBe('dak lak');
    expect(fold('Điện Biên Đông')).toBe('dien bien dong');
  });

  it('handles precomposed and decomposed input alike', () => {
    expect(fold('Hà Tĩnh'.normalize('NFC'))).toBe(fold('Hà Tĩnh'.normalize('NFD')));
  });

  it('collapses whitespace', () => {
    expect(fold('  Cẩm   Xuyên\t ')).toBe('cam xuyen');
  });

  it('"ha tinh" finds "Hà Tĩnh" by name, and codes match too', () => {
    const key = pointSearchKey({ code: 'HT-001', name: 'UBND tỉnh Hà Tĩnh' });
    expect(matchesTokens(key, queryTokens('ha tinh'))).toBe(true);
    expect(matchesTokens(key, queryTokens('HÀ TĨNH'))).toBe(true);
    expect(matchesTokens(key, queryTokens('tinh ha'))).toBe(true);
    expect(matchesTokens(key, queryTokens('ht-001'))).toBe(true);
    expect(matchesTokens(key, queryTokens('ha giang'))).toBe(false);
  });

  it('a blank query has no tokens and matches everything', () => {
    expect(queryTokens('   ')).toEqual([]);
    expect(matchesTokens('anything', [])).toBe(true);
  });
});
