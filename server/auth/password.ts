// Password hashing with argon2id (@node-rs/argon2: its default algorithm) at the OWASP parameters
// (19 MiB, 2 passes, 1 lane): ~50 ms per hash on this machine, off the event loop (libuv pool).
import { hash, verify } from '@node-rs/argon2';

const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verifying against this when the user does not exist takes as long as a real check, so response
// times do not tell which usernames exist.
let dummy: Promise<string> | null = null;

/** True when `password` matches `passwordHash`; a malformed hash is a mismatch, not an error. */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    dummy ??= hashPassword('diemcau: no such user');
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
