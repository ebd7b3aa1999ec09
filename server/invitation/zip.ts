// Just enough of ZIP to take one entry out of a .docx: the central directory, stored and deflate
// entries. Every size is checked before anything is allocated or inflated, so a crafted archive
// (zip bomb, overlapping or truncated records, ZIP64, encryption) ends in a ZipError, not in memory
// exhaustion.
import { crc32, inflateRawSync } from 'node:zlib';

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

export interface ZipLimits {
  /** Central-directory records read at most. */
  maxEntries: number;
  /** Largest uncompressed entry accepted, in bytes. */
  maxEntryBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 10_000, maxEntryBytes: 64 * 1024 * 1024 };

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;
const EOCD_LEN = 22;
const CEN_LEN = 46;
const LOC_LEN = 30;

function findEndOfCentralDirectory(zip: Buffer): number {
  // The record sits at the end, after a comment of at most 65,535 bytes.
  const lowest = Math.max(0, zip.length - EOCD_LEN - 0xffff);
  for (let p = zip.length - EOCD_LEN; p >= lowest; p--) {
    if (zip.readUInt32LE(p) === EOCD_SIG) return p;
  }
  throw new ZipError('not a ZIP archive (no end of central directory)');
}

/** Names of the entries, in directory order. */
export function listZipEntries(zip: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS): string[] {
  return [...centralDirectory(zip, limits)].map((e) => e.name);
}

interface CentralEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function* centralDirectory(zip: Buffer, limits: ZipLimits): Generator<CentralEntry> {
  if (zip.length < EOCD_LEN) throw new ZipError('not a ZIP archive (too short)');
  const eocd = findEndOfCentralDirectory(zip);
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new ZipError('ZIP64 archives are not supported');
  }
  if (count > limits.maxEntries) throw new ZipError(`too many entries (${count})`);
  if (cdOffset + cdSize > eocd) throw new ZipError('central directory out of bounds');
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + CEN_LEN > cdOffset + cdSize || zip.readUInt32LE(p) !== CEN_SIG) {
      throw new ZipError('corrupt central directory');
    }
    const nameLen = zip.readUInt16LE(p + 28);
    const next = p + CEN_LEN + nameLen + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
    if (next > cdOffset + cdSize) throw new ZipError('corrupt central directory');
    yield {
      name: zip.toString('utf8', p + CEN_LEN, p + CEN_LEN + nameLen),
      flags: zip.readUInt16LE(p + 8),
      method: zip.readUInt16LE(p + 10),
      crc: zip.readUInt32LE(p + 16),
      compressedSize: zip.readUInt32LE(p + 20),
      size: zip.readUInt32LE(p + 24),
      localOffset: zip.readUInt32LE(p + 42),
    };
    p = next;
  }
}

/** The bytes of entry `name`, or null when the archive has no such entry. */
export function readZipEntry(zip: Buffer, name: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Buffer | null {
  for (const e of centralDirectory(zip, limits)) {
    if (e.name !== name) continue;
    if (e.flags & 1) throw new ZipError(`${name} is encrypted`);
    if (e.size > limits.maxEntryBytes) throw new ZipError(`${name} is too large (${e.size} bytes)`);
    const p = e.localOffset;
    if (p + LOC_LEN > zip.length || zip.readUInt32LE(p) !== LOC_SIG) throw new ZipError(`bad local header for ${name}`);
    const start = p + LOC_LEN + zip.readUInt16LE(p + 26) + zip.readUInt16LE(p + 28);
    const end = start + e.compressedSize;
    if (end > zip.length) throw new ZipError(`${name} is truncated`);
    const data = zip.subarray(start, end);
    let out: Buffer;
    if (e.method === 0) {
      if (e.compressedSize !== e.size) throw new ZipError(`${name}: stored sizes disagree`);
      out = Buffer.from(data);
    } else if (e.method === 8) {
      try {
        // The declared size bounds the output: a bomb that lies about it stops here.
        out = inflateRawSync(data, { maxOutputLength: Math.max(1, e.size) });
      } catch (err) {
        throw new ZipError(`${name}: cannot inflate (${(err as Error).message})`);
      }
    } else {
      throw new ZipError(`${name}: compression method ${e.method} is not supported`);
    }
    if (out.length !== e.size) throw new ZipError(`${name}: size mismatch`);
    if (crc32(out) !== e.crc) throw new ZipError(`${name}: CRC mismatch`);
    return out;
  }
  return null;
}
