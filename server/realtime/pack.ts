// The server half of the packed snapshot (shared/wire.ts, PackedSnapshot): JSON, deflate-raw
// compressed once and shared by every join that gets it.
import { constants, deflateRawSync } from 'node:zlib';
import type { PackedJson } from '../../shared/wire';

/**
 * Level 6 (zlib's default): a 10,000-point head (~2 MB of JSON) in ~40 ms once per inventory change,
 * a body (~0.3 MB) in a few ms per tick that has joins.
 */
export function deflateJson(value: unknown): Buffer {
  return deflateRawSync(Buffer.from(JSON.stringify(value)), { level: constants.Z_DEFAULT_COMPRESSION });
}

export function packJson<T>(value: T): PackedJson<T> {
  return { deflated: deflateJson(value) };
}
