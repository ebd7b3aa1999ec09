import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COOKIE_NAME,
  SECURE_COOKIE_NAME,
  clearedCookie,
  isTokenShaped,
  readCookie,
  sessionCookie,
} from '../../../server/auth/cookies';

const TOKEN = 'wbW3W_H8CiZxHp6pRRDh17XV8FjZ_8IUO_2qy2VDCfk';

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Strict, Path=/, with a Max-Age; Secure and __Host- behind HTTPS', () => {
    expect(sessionCookie(TOKEN, { secure: false, maxAgeS: 604_800 })).toBe(
      `${COOKIE_NAME}=${TOKEN}; Path=/; HttpOnly; SameSite=Strict; Max-Age=604800`,
    );
    expect(sessionCookie(TOKEN, { secure: true, maxAgeS: 60 })).toBe(
      `${SECURE_COOKIE_NAME}=${TOKEN}; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure`,
    );
    expect(clearedCookie(false)).toBe(`${COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
  });

  it('is read from a Cookie header among others, quoted or not', () => {
    expect(readCookie(`a=1; ${COOKIE_NAME}=${TOKEN}; b=2`, COOKIE_NAME)).toBe(TOKEN);
    expect(readCookie(`${COOKIE_NAME}="${TOKEN}"`, COOKIE_NAME)).toBe(TOKEN);
    expect(readCookie(`x${COOKIE_NAME}=1; junk; =; ${COOKIE_NAME}`, COOKIE_NAME)).toBeUndefined();
    expect(readCookie(undefined, COOKIE_NAME)).toBeUndefined();
    expect(readCookie(`${COOKIE_NAME}=${'a'.repeat(20_000)}`, COOKIE_NAME)).toBeUndefined();
  });

  it('only token-shaped values are looked up', () => {
    expect(isTokenShaped(TOKEN)).toBe(true);
    expect(isTokenShaped(TOKEN.slice(1))).toBe(false);
    expect(isTokenShaped(`${TOKEN.slice(1)}=`)).toBe(false);
    expect(isTokenShaped("' OR 1=1 --")).toBe(false);
  });

  it('never throws on any Cookie header', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (h) => {
        const v = readCookie(h, COOKIE_NAME);
        expect(v === undefined || typeof v === 'string').toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
