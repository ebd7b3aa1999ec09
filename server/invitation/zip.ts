// Just enough of ZIP to take one entry out of a .docx (or check every entry of an .xlsx): the central
// directory, stored and deflate entries. Every size is checked before anything is allocated or
// inflated, so a crafted archive (zip bomb, overlapping or truncated records, ZIP64, encryption) ends
// in a ZipError, not in memory exhaustion.
import { crc32, inflateRawSync } from 'node:zlib';
import { spend } from '../parsing/work';
import { words, type Words } from '../../shared/words';

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

/** Which budget an archive is over: callers tell the user in their words (zipLimitMessage). */
export type ZipLimitKind = 'entries' | 'entry-size' | 'ratio' | 'total';

/** An archive over one of the ZipLimits: refused as too large (413), not as broken. */
export class ZipLimitError extends ZipError {
  constructor(
    message: string,
    readonly kind: ZipLimitKind,
    readonly actual: number,
    readonly limit: number,
  ) {
    super(message);
    this.name = 'ZipLimitError';
  }
}

export interface ZipLimits {
  /** Central-directory records read at most. */
  maxEntries: number;
  /** Largest uncompressed entry accepted, in bytes. */
  maxEntryBytes: number;
  /**
   * Largest uncompressed/compressed ratio of an entry over RATIO_FLOOR bytes. Office XML deflates
   * 5–20 times; a zip bomb a thousand times (deflate's ceiling is about 1,030).
   */
  maxRatio?: number;
  /** Largest sum of the uncompressed sizes of the entries read (forEachZipEntry). */
  maxTotalBytes?: number;
}

/** Entries smaller than this are never refused for their ratio: a tiny file may compress well. */
export const RATIO_FLOOR = 1024 * 1024;

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 10_000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxRatio: 100,
  maxTotalBytes: 64 * 1024 * 1024,
};

const mb = (n: number): string => (n / 1024 / 1024).toFixed(1).replace('.', ',');

/** The user's message for an archive over a limit, naming the limit. */
export function zipLimitMessage(err: ZipLimitError, file: string): Words {
  switch (err.kind) {
    case 'entries':
      return words(
        `Tệp ${file} có ${err.actual} tệp con, tối đa ${err.limit}.`,
        `The ${file} file holds ${err.actual} parts, at most ${err.limit}.`,
      );
    case 'entry-size':
      return words(
        `Tệp ${file} giải nén ra quá lớn (${mb(err.actual)} MB, tối đa ${mb(err.limit)} MB).`,
        `The ${file} file unpacks too large (${mb(err.actual).replace(',', '.')} MB, at most ${mb(err.limit).replace(',', '.')} MB).`,
      );
    case 'total':
      return words(
        `Tệp ${file} giải nén ra quá lớn (hơn ${mb(err.limit)} MB, tối đa ${mb(err.limit)} MB).`,
        `The ${file} file unpacks too large (over ${mb(err.limit).replace(',', '.')} MB, the limit).`,
      );
    case 'ratio':
      return words(
        `Tệp ${file} nén bất thường (giải nén ra gấp ${err.actual} lần, tối đa ${err.limit} lần): ` +
          'có thể là “bom nén” (zip bomb). Hãy mở bằng Word/Excel và lưu lại.',
        `The ${file} file is compressed abnormally (unpacks ${err.actual} times larger, at most ${err.limit}): ` +
          'it may be a zip bomb. Open it in Word/Excel and save it again.',
      );
  }
}

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
    if (zip.readUInt32LE(p) === EOCD_SIG) {
      spend(zip.length - p);
      return p;
    }
  }
  spend(zip.length - lowest);
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
  if (count > limits.maxEntries) {
    throw new ZipLimitError(`too many entries (${count})`, 'entries', count, limits.maxEntries);
  }
  if (cdOffset + cdSize > eocd) throw new ZipError('central directory out of bounds');
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + CEN_LEN > cdOffset + cdSize || zip.readUInt32LE(p) !== CEN_SIG) {
      throw new ZipError('corrupt central directory');
    }
    const nameLen = zip.readUInt16LE(p + 28);
    const next = p + CEN_LEN + nameLen + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
    if (next > cdOffset + cdSize) throw new ZipError('corrupt central directory');
    spend(next - p);
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
    if (e.name === name) return inflateEntry(zip, e, limits);
  }
  return null;
}

/**
 * Every entry, inflated and checked (sizes, ratio, CRC) one at a time, and handed to `fn`. The sum
 * of the declared sizes is checked before anything is inflated, and inflating stops at each declared
 * size: an archive that lies about its sizes is refused, never inflated further.
 */
export function forEachZipEntry(
  zip: Buffer,
  fn: (name: string, data: Buffer) => void,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): void {
  const entries = [...centralDirectory(zip, limits)];
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  const maxTotal = limits.maxTotalBytes ?? Infinity;
  if (total > maxTotal) throw new ZipLimitError(`too large in all (${total} bytes)`, 'total', total, maxTotal);
  for (const e of entries) {
    if (e.name.endsWith('/') && e.size === 0) continue; // a folder
    fn(e.name, inflateEntry(zip, e, limits));
  }
}

function inflateEntry(zip: Buffer, e: CentralEntry, limits: ZipLimits): Buffer {
  const name = e.name;
  if (e.flags & 1) throw new ZipError(`${name} is encrypted`);
  if (e.size > limits.maxEntryBytes) {
    throw new ZipLimitError(`${name} is too large (${e.size} bytes)`, 'entry-size', e.size, limits.maxEntryBytes);
  }
  const ratio = Math.floor(e.size / Math.max(1, e.compressedSize));
  if (limits.maxRatio !== undefined && e.size > RATIO_FLOOR && ratio > limits.maxRatio) {
    throw new ZipLimitError(`${name} is compressed ${ratio} times`, 'ratio', ratio, limits.maxRatio);
  }
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
  spend(out.length);
  if (crc32(out) !== e.crc) throw new ZipError(`${name}: CRC mismatch`);
  return out;
}
