// `serve --demo`: a demo needs someone to log in as, and there is no default password. The first
// start on a fresh database creates an admin "admin" with a random password that is printed once in
// the banner (never logged, never stored in plain text); later starts say how to reset it.
import { randomBytes } from 'node:crypto';
import type { Users } from './users';

export const DEMO_ADMIN = 'admin';

export type DemoAdmin = { created: true; name: string; password: string } | { created: false; name: string };

/** 16 characters from an alphabet without look-alikes (0/O, 1/l/I): ~93 bits. */
export function randomPassword(length = 16): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(length * 2);
  let out = '';
  // Rejection sampling keeps every character equally likely.
  for (const b of bytes) {
    if (b >= 256 - (256 % alphabet.length)) continue;
    out += alphabet[b % alphabet.length];
    if (out.length === length) return out;
  }
  return out + randomPassword(length - out.length);
}

export async function ensureDemoAdmin(users: Users): Promise<DemoAdmin> {
  if (await users.get(DEMO_ADMIN)) return { created: false, name: DEMO_ADMIN };
  const password = randomPassword();
  await users.create({
    name: DEMO_ADMIN,
    password,
    role: 'admin',
    displayName: 'Quản trị (demo)',
  });
  return { created: true, name: DEMO_ADMIN, password };
}
