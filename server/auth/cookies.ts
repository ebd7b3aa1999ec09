// The session cookie: a random 256-bit token (base64url), HttpOnly, SameSite=Strict, Path=/, Secure
// behind HTTPS, where it also takes the `__Host-` prefix (the browser then refuses it from plain HTTP
// and from any Domain attribute). Parsing is ours: a few lines, no dependency, bounded input.

export const COOKIE_NAME = 'diemcau_session';
export const SECURE_COOKIE_NAME = '__Host-diemcau_session';

export const cookieName = (secure: boolean): string => (secure ? SECURE_COOKIE_NAME : COOKIE_NAME);

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A token as we issue it (32 bytes, base64url); anything else is not worth a database lookup. */
export const isTokenShaped = (s: string): boolean => TOKEN.test(s);

/** The value of cookie `name` in a Cookie header, or undefined. Malformed pairs are skipped. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header || header.length > 16_384) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

export interface CookieOptions {
  secure: boolean;
  /** Lifetime in seconds; 0 deletes the cookie. */
  maxAgeS: number;
}

export function sessionCookie(token: string, o: CookieOptions): string {
  const parts = [
    `${cookieName(o.secure)}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(o.maxAgeS))}`,
  ];
  if (o.secure) parts.push('Secure');
  return parts.join('; ');
}

export const clearedCookie = (secure: boolean): string => sessionCookie('', { secure, maxAgeS: 0 });
