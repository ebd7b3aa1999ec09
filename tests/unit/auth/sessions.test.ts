// Sessions on a real SQLite file and a ManualClock: idle and absolute expiry, throttled touches,
// ends announced to listeners, only the token's hash stored.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SessionEndReason } from '../../../shared/protocol';
import { Sessions, hashToken } from '../../../server/auth/sessions';
import { ManualClock } from '../../../server/clock';
import { asyncStore } from '../../../server/store/async';
import { openSqliteStore } from '../../../server/store/sqlite';
import type { SyncStore as Store, UserRow } from '../../../server/store/types';
import { newUser } from '../store/contract-accounts';

const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'dc-sessions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});
let n = 0;

function setup() {
  const file = join(dir, `s${++n}.sqlite`);
  const store = openSqliteStore(file);
  stores.push(store);
  const clock = new ManualClock(Date.parse('2026-03-05T08:00:00+07:00'));
  const sessions = new Sessions({ store: asyncStore(store), clock, logger: pino({ level: 'silent' }) });
  const ended: [readonly string[], SessionEndReason][] = [];
  sessions.onEnded((h, r) => ended.push([h, r]));
  const user = store.createUser(newUser('an'));
  return { file, store, clock, sessions, ended, user };
}

describe('sessions', () => {
  it('issue a 256-bit token whose SHA-256 alone is stored', async () => {
    const { file, store, sessions, user } = setup();
    const { token, valid } = await sessions.create(user);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(valid.tokenHash).toBe(hashToken(token));
    expect(store.getSession(hashToken(token))?.user.name).toBe('an');
    store.close();
    const bytes =
      readFileSync(file).toString('latin1') + readFileSync(`${file}-wal`, { flag: 'a+' }).toString('latin1');
    expect(bytes).not.toContain(token);
  });

  it('stay valid while used, end after 12 h idle', async () => {
    const { clock, sessions, ended, user } = setup();
    const { token } = await sessions.create(user);
    // 15 × 11 h: well past 12 h in all, never 12 h between uses, within the 7-day bound.
    for (let i = 0; i < 15; i++) {
      clock.advance(11 * HOUR);
      expect((await sessions.fromToken(token))?.user.name).toBe('an');
    }
    clock.advance(12 * HOUR);
    expect(await sessions.fromToken(token)).toBeUndefined();
    expect(ended).toEqual([[[hashToken(token)], 'expired']]);
  });

  it('end 7 days after login however much they are used', async () => {
    const { clock, sessions, user } = setup();
    const { token, valid } = await sessions.create(user);
    expect(valid.expiresAt - valid.session.createdAt).toBe(7 * 24 * HOUR);
    for (let h = 0; h < 7 * 24 - 1; h++) {
      clock.advance(HOUR);
      expect(await sessions.fromToken(token)).toBeDefined();
    }
    clock.advance(HOUR);
    expect(await sessions.fromToken(token)).toBeUndefined();
  });

  it('write lastSeenAt at most once a minute', async () => {
    const { store, clock, sessions, user } = setup();
    const { token, valid } = await sessions.create(user);
    const t0 = valid.session.lastSeenAt;
    clock.advance(30_000);
    await sessions.fromToken(token);
    expect(store.getSession(valid.tokenHash)?.session.lastSeenAt).toBe(t0);
    clock.advance(30_000);
    await sessions.fromToken(token);
    expect(store.getSession(valid.tokenHash)?.session.lastSeenAt).toBe(t0 + 60_000);
  });

  it('see a role change at once, and nothing for a malformed or unknown token', async () => {
    const { store, sessions, user } = setup();
    const { token } = await sessions.create(user);
    store.updateUser('an', { role: 'viewer', updatedAt: 1 });
    expect((await sessions.fromToken(token))?.user.role).toBe('viewer');
    expect(await sessions.fromToken(undefined)).toBeUndefined();
    expect(await sessions.fromToken('short')).toBeUndefined();
    expect(await sessions.fromToken('A'.repeat(43))).toBeUndefined();
  });

  it('end on logout, per user (keeping one), and by the expiry purge, announcing each', async () => {
    const { store, clock, sessions, ended, user } = setup();
    const other: UserRow = store.createUser(newUser('binh'));
    const a = await sessions.create(user);
    const b = await sessions.create(user);
    const c = await sessions.create(user);
    const d = await sessions.create(other);
    await sessions.end(a.valid.tokenHash, 'logout');
    await sessions.endUserSessions(user.id, 'revoked', c.valid.tokenHash);
    expect(await sessions.fromToken(a.token)).toBeUndefined();
    expect(await sessions.fromToken(b.token)).toBeUndefined();
    expect(await sessions.fromToken(c.token)).toBeDefined();
    clock.advance(12 * HOUR);
    expect(await sessions.purgeExpired()).toBe(2);
    expect(ended).toEqual([
      [[a.valid.tokenHash], 'logout'],
      [[b.valid.tokenHash], 'revoked'],
      [expect.arrayContaining([c.valid.tokenHash, d.valid.tokenHash]), 'expired'],
    ]);
  });

  it('are not ended by a clock that jumps back', async () => {
    const { clock, sessions, user } = setup();
    const { token } = await sessions.create(user);
    clock.advance(-3 * HOUR);
    expect(await sessions.fromToken(token)).toBeDefined();
    clock.advance(6 * HOUR);
    expect(await sessions.fromToken(token)).toBeDefined();
  });
});
