// A channel's secret (webhook key, SMTP password, bot or OA token) is read from the environment variable
// or the file the config names, never from the config itself, and never shown: the API says where it
// comes from, errors and logs have it replaced by "[redacted]".
import { readFileSync, statSync } from 'node:fs';
import type { AlertChannelConfig } from '../../shared/alerts';
import { ValidationError } from '../errors';

export const REDACTED = '[redacted]';

/** The secret's value, or null when the channel has none; throws (with the config path) when it cannot be read. */
export function resolveSecret(
  c: AlertChannelConfig,
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  if (c.secretEnv !== undefined) {
    const v = env[c.secretEnv];
    if (v === undefined || v.trim() === '') {
      throw new ValidationError([
        { path: `${path}.secretEnv`, message: `environment variable ${c.secretEnv} is not set (channel "${c.id}")` },
      ]);
    }
    return v.trim();
  }
  if (c.secretFile !== undefined) {
    try {
      if (statSync(c.secretFile).size > 64 * 1024) throw new Error('larger than 64 KiB');
      const v = readFileSync(c.secretFile, 'utf8').trim();
      if (v === '') throw new Error('empty');
      return v;
    } catch (err) {
      throw new ValidationError([
        {
          path: `${path}.secretFile`,
          message: `cannot read ${c.secretFile}: ${(err as Error).message} (channel "${c.id}")`,
        },
      ]);
    }
  }
  return null;
}

/** `text` with every occurrence of the secret (and its URL-encoded form) replaced. */
export function scrub(text: string, secret: string | null): string {
  if (!secret) return text;
  let out = text.split(secret).join(REDACTED);
  const enc = encodeURIComponent(secret);
  if (enc !== secret) out = out.split(enc).join(REDACTED);
  return out;
}
