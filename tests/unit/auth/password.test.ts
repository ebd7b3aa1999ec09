import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../../server/auth/password';
import { randomPassword } from '../../../server/auth/demo';

describe('passwords', () => {
  it('are hashed with argon2id at the OWASP parameters, salted, and verified', async () => {
    const a = await hashPassword('Mật khẩu của Trung tâm 2026');
    const b = await hashPassword('Mật khẩu của Trung tâm 2026');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, 'Mật khẩu của Trung tâm 2026')).toBe(true);
    expect(await verifyPassword(a, 'Mat khau cua Trung tam 2026')).toBe(false);
  });

  it('treat an unknown user or a malformed hash as a mismatch, not an error', async () => {
    expect(await verifyPassword(null, 'anything')).toBe(false);
    expect(await verifyPassword('not a hash', 'anything')).toBe(false);
  });

  it('random demo passwords: 16 characters without look-alikes, never the same', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = randomPassword();
      expect(p).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{16}$/);
      seen.add(p);
    }
    expect(seen.size).toBe(200);
  });
});
