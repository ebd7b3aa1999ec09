// An agent's token (docs/AGENTS.md AG2, docs/SECURITY.md "Probe agents"): `dca_` and 43 base64url
// characters of 32 random bytes, nothing else (no name inside: the token says nothing if it leaks from a
// log, and it cannot be forged from a name). The centre keeps its SHA-256 only: 256 random bits need no
// slow hash. Compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const AGENT_TOKEN_PREFIX = 'dca_';
const SHAPE = /^dca_[A-Za-z0-9_-]{43}$/;

/** A fresh token: shown once, never stored. */
export const newAgentToken = (): string => AGENT_TOKEN_PREFIX + randomBytes(32).toString('base64url');

/** Whether `s` has a token's shape (checked before any hashing or lookup: linear in a bounded length). */
export const isAgentTokenShaped = (s: unknown): s is string => typeof s === 'string' && SHAPE.test(s);

/** SHA-256 hex of a token, as the agents table keeps it. */
export const hashAgentToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Whether `token` hashes to `hash` (hex), in time independent of where they differ. */
export function agentTokenMatches(token: string, hash: string): boolean {
  const want = Buffer.from(hash, 'hex');
  const got = createHash('sha256').update(token, 'utf8').digest();
  return want.length === got.length && timingSafeEqual(want, got);
}
