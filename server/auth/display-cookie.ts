// The display cookie: the display link's token itself, HttpOnly, SameSite=Strict, Path=/, Secure and
// `__Host-` behind HTTPS, like the session cookie (server/auth/cookies.ts). Separate from the session
// cookie, so a wall screen never holds a user's session and signing a user out leaves the wall alone.

export const DISPLAY_COOKIE_NAME = 'diemcau_display';
export const SECURE_DISPLAY_COOKIE_NAME = '__Host-diemcau_display';

export const displayCookieName = (secure: boolean): string =>
  secure ? SECURE_DISPLAY_COOKIE_NAME : DISPLAY_COOKIE_NAME;

/** Browsers cap a cookie's lifetime at 400 days; the link's revocation is what ends it. */
export const DISPLAY_COOKIE_MAX_AGE_S = 400 * 24 * 3600;

export function displayCookie(token: string, secure: boolean, maxAgeS = DISPLAY_COOKIE_MAX_AGE_S): string {
  const parts = [
    `${displayCookieName(secure)}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(maxAgeS))}`,
  ];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

export const clearedDisplayCookie = (secure: boolean): string => displayCookie('', secure, 0);
