// The wire (and outbox) form of an agent's batch (docs/AGENTS.md AG5, AG6, AG11): binary, compact, and
// decoded in time linear in its size without trusting a single length field.
//
// Layout, version 1 (integers little-endian; varint = unsigned LEB128, at most 2^53 − 1):
//
//   u8 version (1) · u8 flags (bit 0: wide times) · u48 seq · f64 sentAt · u48 outboxDepth
//   targets: varint n, then per id (UTF-8, front-and-back coded against the previous id):
//            varint shared prefix bytes · varint shared suffix bytes · varint middle length · middle
//   results: varint n, then when n > 0 three fixed-width columns:
//            narrow times: f64 base (µs since epoch, an integer) · n × target index (u8 when the table
//            has ≤ 256 ids, else u16) · n × u32 time − base (µs) · n × u32 RTT (µs, 0xFFFFFFFF = null)
//            wide times (a batch spanning more than ~71 min): the time column is n × f64 µs instead
//   details: varint n, then per string varint length · UTF-8 (a batch's distinct `detail` texts)
//   extras:  varint n, then per result with extras: varint gap (result index − previous index − 1;
//            the first is the index itself) · u8 mask (1 reason, 2 detail, 4 code, 8 certExpiresAt,
//            16 call) · u8 reason (index in PROBE_REASONS) · varint detail index · varint code ·
//            f64 certExpiresAt · call: u8 (1 inCall, 2 farEnd present) [varint length · UTF-8 farEnd]
//            varint channels, per channel u8 (bits 0–1 media, bit 2 tx, bits 3–5 rate/loss/jitter null)
//            then an f64 for each of rate, loss, jitter that is not null
//
// Times and RTTs travel to the microsecond: `t` and `rtt` come back as Math.round(x · 1000) / 1000 of
// what went in (exactly what went in when it was already whole microseconds, as every engine gives).
// sentAt and outboxDepth sit at fixed offsets so a stored batch can be restamped without decoding.
import { isUtf8 } from 'node:buffer';
import { PROBE_REASONS, type CodecCall, type MediaChannel, type ProbeReason } from '../../shared/targets';
import { words, type Words } from '../../shared/words';
import type { TargetResult } from '../probe/kinds';
import { MAX_BATCH_BYTES, MAX_BATCH_RESULTS, type AgentBatch } from './contract';

export const BATCH_FORMAT_VERSION = 1;
/** Longest RTT a probe can report: every probe times out within seconds, so more is a broken clock or batch. */
export const MAX_RTT_MS = 60_000;
/** Longest target id, detail and far end, in UTF-8 bytes (ids: a URL of ≤ 2,048 characters and the agent). */
export const MAX_ID_BYTES = 8_192;
export const MAX_DETAIL_BYTES = 2_048;
export const MAX_FAR_END_BYTES = 1_024;
export const MAX_CHANNELS = 32;
/** A reply code (SIP final response, HTTP status) is at most this. */
export const MAX_CODE = 65_535;

/** Byte offsets of the fixed header fields (restamping a stored batch: server/agent/outbox.ts). */
export const OFFSET_SEQ = 2;
export const OFFSET_SENT_AT = 8;
export const OFFSET_OUTBOX_DEPTH = 16;
const HEADER_BYTES = 22;

const U48_MAX = 2 ** 48 - 1;
const RTT_NULL = 0xffffffff;
const NARROW_SPAN_US = 0xffffffff;
const MEDIA: readonly MediaChannel['media'][] = ['video', 'audio', 'content'];
const REASON_INDEX = new Map<string, number>(PROBE_REASONS.map((r, i) => [r, i]));

const M_REASON = 1;
const M_DETAIL = 2;
const M_CODE = 4;
const M_CERT = 8;
const M_CALL = 16;

export type DecodeResult =
  | { ok: true; batch: AgentBatch }
  /** `error` is Vietnamese, `en` its English; `where` the field (`results[12].rtt`, `targets[3]`, `bytes`). */
  | { ok: false; error: string; en: string; where: string };

/** A batch's field that is wrong: what and where. */
export interface BatchProblem {
  words: Words;
  where: string;
}

class Refused extends Error {
  constructor(readonly problem: BatchProblem) {
    super(problem.words.en);
  }
}

const refuse = (where: string, vi: string, en: string): never => {
  throw new Refused({ words: words(vi, en), where });
};

// ---- validation shared by both directions ---------------------------------------------------------

const isWhole = (x: number, max: number): boolean => Number.isSafeInteger(x) && x >= 0 && x <= max;

function checkRtt(rtt: number | null, where: string): void {
  if (rtt === null) return;
  if (!Number.isFinite(rtt) || rtt < 0 || rtt > MAX_RTT_MS)
    refuse(
      where,
      `Độ trễ không hợp lệ: ${String(rtt)} ms (phải từ 0 đến ${MAX_RTT_MS} ms).`,
      `Invalid RTT: ${String(rtt)} ms (must be 0 to ${MAX_RTT_MS} ms).`,
    );
}

function checkTime(t: number, where: string): void {
  if (!Number.isFinite(t) || t < 0 || Math.round(t * 1000) > Number.MAX_SAFE_INTEGER)
    refuse(where, `Thời điểm không hợp lệ: ${String(t)}.`, `Invalid time: ${String(t)}.`);
}

function checkNullableNumber(x: number | null, where: string): void {
  if (x !== null && !Number.isFinite(x))
    refuse(where, `Giá trị không phải số hữu hạn: ${String(x)}.`, `Not a finite number: ${String(x)}.`);
}

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

function checkString(s: string, max: number, where: string): void {
  const n = utf8Length(s);
  if (n > max)
    refuse(where, `Chuỗi quá dài: ${n} byte (tối đa ${max}).`, `String too long: ${n} bytes (at most ${max}).`);
}

/** Every field of one result, as the decoder would refuse it; null when it would travel as it is. */
export function resultProblem(r: TargetResult, i: number): BatchProblem | null {
  try {
    checkResult(r, `results[${i}]`);
    return null;
  } catch (err) {
    if (err instanceof Refused) return err.problem;
    throw err;
  }
}

function checkResult(r: TargetResult, at: string): void {
  if (typeof r.target !== 'string' || r.target.length === 0)
    refuse(`${at}.target`, 'Thiếu mã đối tượng đo.', 'Missing target id.');
  checkString(r.target, MAX_ID_BYTES, `${at}.target`);
  checkTime(r.t, `${at}.t`);
  checkRtt(r.rtt, `${at}.rtt`);
  if (r.reason !== undefined && !REASON_INDEX.has(r.reason))
    refuse(`${at}.reason`, `Lý do không xác định: “${String(r.reason)}”.`, `Unknown reason "${String(r.reason)}".`);
  if (r.detail !== undefined) {
    if (typeof r.detail !== 'string') refuse(`${at}.detail`, 'Chi tiết không phải chuỗi.', 'Detail is not a string.');
    checkString(r.detail, MAX_DETAIL_BYTES, `${at}.detail`);
  }
  if (r.code !== undefined && !isWhole(r.code, MAX_CODE))
    refuse(`${at}.code`, `Mã trả lời không hợp lệ: ${String(r.code)}.`, `Invalid reply code: ${String(r.code)}.`);
  if (r.certExpiresAt !== undefined && !Number.isFinite(r.certExpiresAt))
    refuse(
      `${at}.certExpiresAt`,
      `Hạn chứng chỉ không hợp lệ: ${String(r.certExpiresAt)}.`,
      `Invalid certificate expiry: ${String(r.certExpiresAt)}.`,
    );
  if (r.call !== undefined) checkCall(r.call, `${at}.call`);
}

function checkCall(c: CodecCall, at: string): void {
  if (typeof c.inCall !== 'boolean') refuse(`${at}.inCall`, 'inCall phải là true/false.', 'inCall must be true/false.');
  if (c.farEnd !== null) checkString(c.farEnd, MAX_FAR_END_BYTES, `${at}.farEnd`);
  if (c.channels.length > MAX_CHANNELS)
    refuse(
      `${at}.channels`,
      `Quá nhiều kênh: ${c.channels.length} (tối đa ${MAX_CHANNELS}).`,
      `Too many channels: ${c.channels.length} (at most ${MAX_CHANNELS}).`,
    );
  c.channels.forEach((ch, j) => {
    if (!MEDIA.includes(ch.media))
      refuse(
        `${at}.channels[${j}].media`,
        `Loại kênh không xác định: “${String(ch.media)}”.`,
        `Unknown media "${String(ch.media)}".`,
      );
    if (ch.direction !== 'rx' && ch.direction !== 'tx')
      refuse(
        `${at}.channels[${j}].direction`,
        `Chiều kênh không xác định: “${String(ch.direction)}”.`,
        `Unknown direction "${String(ch.direction)}".`,
      );
    checkNullableNumber(ch.rateKbps, `${at}.channels[${j}].rateKbps`);
    checkNullableNumber(ch.lossPct, `${at}.channels[${j}].lossPct`);
    checkNullableNumber(ch.jitterMs, `${at}.channels[${j}].jitterMs`);
  });
}

function checkCount(n: number, where: string): void {
  if (n > MAX_BATCH_RESULTS)
    refuse(
      where,
      `Lô có ${n} kết quả (tối đa ${MAX_BATCH_RESULTS}).`,
      `Batch has ${n} results (at most ${MAX_BATCH_RESULTS}).`,
    );
}

// ---- encoding -------------------------------------------------------------------------------------

class Writer {
  buf: Buffer;
  pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  u8(x: number): void {
    this.room(1);
    this.buf[this.pos++] = x;
  }
  u16(x: number): void {
    this.room(2);
    this.pos = this.buf.writeUInt16LE(x, this.pos);
  }
  u32(x: number): void {
    this.room(4);
    this.pos = this.buf.writeUInt32LE(x, this.pos);
  }
  u48(x: number): void {
    this.room(6);
    this.pos = this.buf.writeUIntLE(x, this.pos, 6);
  }
  f64(x: number): void {
    this.room(8);
    this.pos = this.buf.writeDoubleLE(x, this.pos);
  }
  varint(x: number): void {
    this.room(8);
    while (x >= 0x80) {
      this.buf[this.pos++] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
    }
    this.buf[this.pos++] = x;
  }
  bytes(b: Buffer, start = 0, end = b.length): void {
    this.room(end - start);
    this.pos += b.copy(this.buf, this.pos, start, end);
  }
  done(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

const hasExtras = (r: TargetResult): boolean =>
  r.reason !== undefined ||
  r.detail !== undefined ||
  r.code !== undefined ||
  r.certExpiresAt !== undefined ||
  r.call !== undefined;

/**
 * The batch's wire bytes. Throws a RangeError naming the field when the batch holds what the decoder
 * would refuse (a caller's bug: the outbox checks results with `resultProblem` before keeping them).
 */
export function encodeBatch(b: AgentBatch): Buffer {
  try {
    return encode(b);
  } catch (err) {
    if (err instanceof Refused) throw new RangeError(`batch ${err.problem.where}: ${err.problem.words.en}`);
    throw err;
  }
}

function encode(b: AgentBatch): Buffer {
  if (!isWhole(b.seq, U48_MAX)) refuse('seq', `Số thứ tự lô không hợp lệ: ${b.seq}.`, `Invalid batch seq: ${b.seq}.`);
  checkTime(b.sentAt, 'sentAt');
  if (!isWhole(b.outboxDepth, U48_MAX))
    refuse('outboxDepth', `Độ sâu hàng đợi không hợp lệ: ${b.outboxDepth}.`, `Invalid outbox depth: ${b.outboxDepth}.`);
  const results = b.results;
  const n = results.length;
  checkCount(n, 'results');

  // The target table, in order of first appearance, and each result's index in it.
  const table = new Map<string, number>();
  const ids: string[] = [];
  const index = new Uint16Array(n);
  let minUs = Infinity;
  let maxUs = -Infinity;
  const times = new Float64Array(n);
  let idBytes = 0;
  for (let i = 0; i < n; i++) {
    const r = results[i]!;
    checkResult(r, `results[${i}]`);
    let k = table.get(r.target);
    if (k === undefined) {
      k = ids.length;
      table.set(r.target, k);
      ids.push(r.target);
      idBytes += utf8Length(r.target);
    }
    index[i] = k;
    const us = Math.round(r.t * 1000);
    times[i] = us;
    if (us < minUs) minUs = us;
    if (us > maxUs) maxUs = us;
  }
  if (idBytes > MAX_BATCH_BYTES)
    refuse('targets', `Bảng đối tượng đo quá lớn: ${idBytes} byte.`, `Target table too large: ${idBytes} bytes.`);
  const wide = n > 0 && maxUs - minUs > NARROW_SPAN_US - 1;

  const w = new Writer(HEADER_BYTES + 16 + idBytes + n * 12);
  w.u8(BATCH_FORMAT_VERSION);
  w.u8(wide ? 1 : 0);
  w.u48(b.seq);
  w.f64(b.sentAt);
  w.u48(b.outboxDepth);

  w.varint(ids.length);
  let prev = Buffer.alloc(0);
  for (const id of ids) {
    const cur = Buffer.from(id, 'utf8');
    const limit = Math.min(prev.length, cur.length);
    let p = 0;
    while (p < limit && prev[p] === cur[p]) p++;
    let s = 0;
    while (s < limit - p && prev[prev.length - 1 - s] === cur[cur.length - 1 - s]) s++;
    w.varint(p);
    w.varint(s);
    w.varint(cur.length - p - s);
    w.bytes(cur, p, cur.length - s);
    prev = cur;
  }

  w.varint(n);
  if (n > 0) {
    if (!wide) w.f64(minUs);
    if (ids.length <= 256) for (let i = 0; i < n; i++) w.u8(index[i]!);
    else for (let i = 0; i < n; i++) w.u16(index[i]!);
    if (wide) for (let i = 0; i < n; i++) w.f64(times[i]!);
    else for (let i = 0; i < n; i++) w.u32(times[i]! - minUs);
    for (let i = 0; i < n; i++) {
      const rtt = results[i]!.rtt;
      w.u32(rtt === null ? RTT_NULL : Math.round(rtt * 1000));
    }
  }

  const details = new Map<string, number>();
  const extras: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = results[i]!;
    if (!hasExtras(r)) continue;
    extras.push(i);
    if (r.detail !== undefined && !details.has(r.detail)) details.set(r.detail, details.size);
  }
  w.varint(details.size);
  for (const d of details.keys()) {
    const bytes = Buffer.from(d, 'utf8');
    w.varint(bytes.length);
    w.bytes(bytes);
  }
  w.varint(extras.length);
  let last = -1;
  for (const i of extras) {
    const r = results[i]!;
    w.varint(i - last - 1);
    last = i;
    const mask =
      (r.reason !== undefined ? M_REASON : 0) |
      (r.detail !== undefined ? M_DETAIL : 0) |
      (r.code !== undefined ? M_CODE : 0) |
      (r.certExpiresAt !== undefined ? M_CERT : 0) |
      (r.call !== undefined ? M_CALL : 0);
    w.u8(mask);
    if (r.reason !== undefined) w.u8(REASON_INDEX.get(r.reason)!);
    if (r.detail !== undefined) w.varint(details.get(r.detail)!);
    if (r.code !== undefined) w.varint(r.code);
    if (r.certExpiresAt !== undefined) w.f64(r.certExpiresAt);
    if (r.call !== undefined) {
      const c = r.call;
      w.u8((c.inCall ? 1 : 0) | (c.farEnd !== null ? 2 : 0));
      if (c.farEnd !== null) {
        const fe = Buffer.from(c.farEnd, 'utf8');
        w.varint(fe.length);
        w.bytes(fe);
      }
      w.varint(c.channels.length);
      for (const ch of c.channels) {
        w.u8(
          MEDIA.indexOf(ch.media) |
            (ch.direction === 'tx' ? 4 : 0) |
            (ch.rateKbps === null ? 8 : 0) |
            (ch.lossPct === null ? 16 : 0) |
            (ch.jitterMs === null ? 32 : 0),
        );
        if (ch.rateKbps !== null) w.f64(ch.rateKbps);
        if (ch.lossPct !== null) w.f64(ch.lossPct);
        if (ch.jitterMs !== null) w.f64(ch.jitterMs);
      }
    }
  }
  const out = w.done();
  if (out.length > MAX_BATCH_BYTES)
    refuse(
      'bytes',
      `Lô quá lớn: ${out.length} byte (tối đa ${MAX_BATCH_BYTES}).`,
      `Batch too large: ${out.length} bytes (at most ${MAX_BATCH_BYTES}).`,
    );
  return out;
}

/** Rewrites a batch's sentAt and outboxDepth in place (the bytes must be a valid batch). */
export function restampBatch(buf: Buffer, sentAt: number, outboxDepth: number): void {
  buf.writeDoubleLE(sentAt, OFFSET_SENT_AT);
  buf.writeUIntLE(Math.min(outboxDepth, U48_MAX), OFFSET_OUTBOX_DEPTH, 6);
}

// ---- decoding -------------------------------------------------------------------------------------

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  get left(): number {
    return this.buf.length - this.pos;
  }
  need(n: number, where: string): void {
    if (this.left < n)
      refuse(where, `Lô bị cắt cụt: thiếu dữ liệu ở ${where}.`, `Batch truncated: data missing at ${where}.`);
  }
  u8(where: string): number {
    this.need(1, where);
    return this.buf[this.pos++]!;
  }
  u16(where: string): number {
    this.need(2, where);
    const x = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return x;
  }
  u32(where: string): number {
    this.need(4, where);
    const x = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return x;
  }
  u48(where: string): number {
    this.need(6, where);
    const x = this.buf.readUIntLE(this.pos, 6);
    this.pos += 6;
    return x;
  }
  f64(where: string): number {
    this.need(8, where);
    const x = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return x;
  }
  varint(where: string): number {
    let x = 0;
    let scale = 1;
    for (let k = 0; k < 8; k++) {
      const byte = this.u8(where);
      x += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (x > Number.MAX_SAFE_INTEGER) break;
        if (k > 0 && byte === 0)
          refuse(where, `Số nguyên mã hóa thừa byte ở ${where}.`, `Overlong integer at ${where}.`);
        return x;
      }
      scale *= 0x80;
    }
    return refuse(where, `Số nguyên quá lớn ở ${where}.`, `Integer too large at ${where}.`);
  }
  /** A count of entries each at least `minBytes` long: refused before anything is allocated for it. */
  count(where: string, max: number, minBytes: number): number {
    const n = this.varint(where);
    if (n > max)
      refuse(
        where,
        `Số mục quá lớn ở ${where}: ${n} (tối đa ${max}).`,
        `Count too large at ${where}: ${n} (at most ${max}).`,
      );
    if (n * minBytes > this.left)
      refuse(
        where,
        `Lô bị cắt cụt: ${where} báo ${n} mục, không đủ dữ liệu.`,
        `Batch truncated: ${where} claims ${n} entries, not enough data.`,
      );
    return n;
  }
  utf8(len: number, where: string): string {
    this.need(len, where);
    const slice = this.buf.subarray(this.pos, this.pos + len);
    if (!isUtf8(slice)) refuse(where, `Chuỗi không phải UTF-8 hợp lệ ở ${where}.`, `Invalid UTF-8 at ${where}.`);
    this.pos += len;
    return slice.toString('utf8');
  }
}

/**
 * The batch in `buf`, or what is wrong with it and where. Never throws; linear in `buf.length`. A
 * Uint8Array or ArrayBuffer (as a socket may deliver it) is read in place; anything else is refused.
 */
export function decodeBatch(buf: Buffer | Uint8Array | ArrayBuffer): DecodeResult {
  try {
    let bytes: Buffer;
    if (Buffer.isBuffer(buf)) bytes = buf;
    else if (buf instanceof Uint8Array) bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    else if (buf instanceof ArrayBuffer) bytes = Buffer.from(buf);
    else return refuse('bytes', 'Lô không phải dữ liệu nhị phân.', 'The batch is not binary data.');
    return { ok: true, batch: decode(bytes) };
  } catch (err) {
    const p: BatchProblem =
      err instanceof Refused
        ? err.problem
        : { words: words('Lô không đọc được.', `Unreadable batch: ${String(err)}`), where: 'bytes' };
    return { ok: false, error: p.words.vi, en: p.words.en, where: p.where };
  }
}

function decode(buf: Buffer): AgentBatch {
  if (buf.length > MAX_BATCH_BYTES)
    refuse(
      'bytes',
      `Lô quá lớn: ${buf.length} byte (tối đa ${MAX_BATCH_BYTES}).`,
      `Batch too large: ${buf.length} bytes (at most ${MAX_BATCH_BYTES}).`,
    );
  const r = new Reader(buf);
  const version = r.u8('version');
  if (version !== BATCH_FORMAT_VERSION)
    refuse(
      'version',
      `Phiên bản định dạng lô không hỗ trợ: ${version} (chỉ hiểu ${BATCH_FORMAT_VERSION}).`,
      `Unsupported batch format version ${version} (only ${BATCH_FORMAT_VERSION}).`,
    );
  const flags = r.u8('flags');
  if (flags > 1) refuse('flags', `Cờ không xác định: ${flags}.`, `Unknown flags: ${flags}.`);
  const wide = flags === 1;
  const seq = r.u48('seq');
  const sentAt = r.f64('sentAt');
  checkTime(sentAt, 'sentAt');
  const outboxDepth = r.u48('outboxDepth');

  // Target table: each entry is at least 3 bytes (three varints), so the count is checked against what is left.
  const nTargets = r.count('targets', MAX_BATCH_RESULTS, 3);
  const ids: string[] = [];
  const seen = new Set<string>();
  // The previous id as a string and, once a non-ASCII id needs them, as bytes. ASCII ids (nearly all:
  // `icmp:10.0.0.1@agent`) are spliced as strings, where bytes and characters are one.
  let prevStr = '';
  let prevBytes: Buffer | null = Buffer.alloc(0);
  let prevAscii = true;
  let prevLen = 0;
  let idBytes = 0;
  for (let k = 0; k < nTargets; k++) {
    const at = `targets[${k}]`;
    const p = r.varint(at);
    const s = r.varint(at);
    const m = r.varint(at);
    if (p + s > prevLen)
      refuse(
        at,
        `Mã đối tượng đo ${at} dùng lại nhiều hơn mã trước nó.`,
        `Target id ${at} reuses more than the id before it.`,
      );
    const len = p + s + m;
    if (len === 0) refuse(at, `Mã đối tượng đo ${at} rỗng.`, `Target id ${at} is empty.`);
    if (len > MAX_ID_BYTES) refuse(at, `Mã đối tượng đo quá dài: ${len} byte.`, `Target id too long: ${len} bytes.`);
    idBytes += len;
    if (idBytes > MAX_BATCH_BYTES)
      refuse(at, `Bảng đối tượng đo quá lớn: ${idBytes} byte.`, `Target table too large: ${idBytes} bytes.`);
    r.need(m, at);
    let midAscii = true;
    for (let j = r.pos; j < r.pos + m; j++)
      if (buf[j]! >= 0x80) {
        midAscii = false;
        break;
      }
    let id: string;
    if (prevAscii && midAscii) {
      id = prevStr.slice(0, p) + buf.toString('latin1', r.pos, r.pos + m) + prevStr.slice(prevLen - s);
      prevBytes = null;
    } else {
      prevBytes ??= Buffer.from(prevStr, 'latin1');
      const cur = Buffer.allocUnsafe(len);
      prevBytes.copy(cur, 0, 0, p);
      buf.copy(cur, p, r.pos, r.pos + m);
      prevBytes.copy(cur, p + m, prevLen - s, prevLen);
      if (!isUtf8(cur))
        refuse(at, `Mã đối tượng đo ${at} không phải UTF-8 hợp lệ.`, `Target id ${at} is not valid UTF-8.`);
      id = cur.toString('utf8');
      prevBytes = cur;
      // Splicing bytes of two ASCII parts gives ASCII; otherwise keep working in bytes.
      prevAscii = id.length === len;
    }
    r.pos += m;
    if (seen.has(id)) refuse(at, `Mã đối tượng đo “${id}” có hai lần trong bảng.`, `Target id "${id}" listed twice.`);
    seen.add(id);
    ids.push(id);
    prevStr = id;
    prevLen = len;
  }

  const idxWidth = nTargets <= 256 ? 1 : 2;
  const nResults = r.count('results', MAX_BATCH_RESULTS, idxWidth + (wide ? 8 : 4) + 4);
  if (nResults === 0 && nTargets > 0)
    refuse('targets', 'Bảng đối tượng đo có mục không kết quả nào dùng.', 'Target table has entries no result uses.');
  const results: TargetResult[] = [];
  if (nResults > 0) {
    const baseUs = wide ? 0 : r.f64('results.base');
    if (!wide && !isWhole(baseUs, Number.MAX_SAFE_INTEGER))
      refuse('results.base', `Mốc thời gian không hợp lệ: ${baseUs}.`, `Invalid base time: ${baseUs}.`);
    r.need(nResults * (idxWidth + (wide ? 8 : 4) + 4), 'results');
    const used = new Uint8Array(nTargets);
    const idx0 = r.pos;
    const t0 = idx0 + nResults * idxWidth;
    const rtt0 = t0 + nResults * (wide ? 8 : 4);
    for (let i = 0; i < nResults; i++) {
      const k = idxWidth === 1 ? buf[idx0 + i]! : buf.readUInt16LE(idx0 + 2 * i);
      if (k >= nTargets)
        refuse(
          `results[${i}].target`,
          `Chỉ số đối tượng đo ${k} ngoài bảng (có ${nTargets} mục).`,
          `Target index ${k} out of the table (${nTargets} entries).`,
        );
      used[k] = 1;
      let us: number;
      if (wide) {
        us = buf.readDoubleLE(t0 + 8 * i);
        if (!isWhole(us, Number.MAX_SAFE_INTEGER))
          refuse(`results[${i}].t`, `Thời điểm không hợp lệ: ${us} µs.`, `Invalid time: ${us} µs.`);
      } else {
        us = baseUs + buf.readUInt32LE(t0 + 4 * i);
        if (us > Number.MAX_SAFE_INTEGER)
          refuse(`results[${i}].t`, `Thời điểm không hợp lệ: ${us} µs.`, `Invalid time: ${us} µs.`);
      }
      const rttUs = buf.readUInt32LE(rtt0 + 4 * i);
      let rtt: number | null = null;
      if (rttUs !== RTT_NULL) {
        rtt = rttUs / 1000;
        checkRtt(rtt, `results[${i}].rtt`);
      }
      results.push({ target: ids[k]!, t: us / 1000, rtt });
    }
    for (let k = 0; k < nTargets; k++)
      if (used[k] === 0)
        refuse(
          `targets[${k}]`,
          `Mã đối tượng đo targets[${k}] không kết quả nào dùng.`,
          `Target id targets[${k}] is used by no result.`,
        );
    r.pos = rtt0 + 4 * nResults;
  }

  const nDetails = r.count('details', MAX_BATCH_RESULTS, 1);
  const details: string[] = [];
  for (let k = 0; k < nDetails; k++) {
    const at = `details[${k}]`;
    const len = r.varint(at);
    if (len > MAX_DETAIL_BYTES)
      refuse(
        at,
        `Chi tiết quá dài: ${len} byte (tối đa ${MAX_DETAIL_BYTES}).`,
        `Detail too long: ${len} bytes (at most ${MAX_DETAIL_BYTES}).`,
      );
    details.push(r.utf8(len, at));
  }

  const nExtras = r.count('extras', nResults, 2);
  let last = -1;
  for (let e = 0; e < nExtras; e++) {
    const i = last + 1 + r.varint(`extras[${e}]`);
    if (i >= nResults)
      refuse(
        `extras[${e}]`,
        `Phần bổ sung trỏ tới kết quả ${i} không có (có ${nResults}).`,
        `Extra points to result ${i}, which does not exist (${nResults}).`,
      );
    last = i;
    const at = `results[${i}]`;
    const res = results[i]!;
    const mask = r.u8(`${at}.mask`);
    if (mask === 0 || mask > 31)
      refuse(`${at}.mask`, `Mặt nạ trường không hợp lệ: ${mask}.`, `Invalid field mask: ${mask}.`);
    if (mask & M_REASON) {
      const k = r.u8(`${at}.reason`);
      const reason: ProbeReason | undefined = PROBE_REASONS[k];
      if (reason === undefined) refuse(`${at}.reason`, `Lý do không xác định: ${k}.`, `Unknown reason: ${k}.`);
      res.reason = reason;
    }
    if (mask & M_DETAIL) {
      const k = r.varint(`${at}.detail`);
      if (k >= nDetails)
        refuse(
          `${at}.detail`,
          `Chỉ số chi tiết ${k} ngoài bảng (có ${nDetails} mục).`,
          `Detail index ${k} out of the table (${nDetails} entries).`,
        );
      res.detail = details[k];
    }
    if (mask & M_CODE) {
      const code = r.varint(`${at}.code`);
      if (code > MAX_CODE) refuse(`${at}.code`, `Mã trả lời không hợp lệ: ${code}.`, `Invalid reply code: ${code}.`);
      res.code = code;
    }
    if (mask & M_CERT) {
      const cert = r.f64(`${at}.certExpiresAt`);
      if (!Number.isFinite(cert))
        refuse(`${at}.certExpiresAt`, `Hạn chứng chỉ không hợp lệ: ${cert}.`, `Invalid certificate expiry: ${cert}.`);
      res.certExpiresAt = cert;
    }
    if (mask & M_CALL) res.call = readCall(r, `${at}.call`);
  }
  if (r.left > 0) refuse('bytes', `Thừa ${r.left} byte sau cuối lô.`, `${r.left} trailing bytes after the batch.`);
  return { seq, sentAt, outboxDepth, results };
}

function readCall(r: Reader, at: string): CodecCall {
  const flags = r.u8(at);
  if (flags > 3) refuse(at, `Cờ cuộc gọi không hợp lệ: ${flags}.`, `Invalid call flags: ${flags}.`);
  let farEnd: string | null = null;
  if (flags & 2) {
    const len = r.varint(`${at}.farEnd`);
    if (len > MAX_FAR_END_BYTES)
      refuse(
        `${at}.farEnd`,
        `Đầu xa quá dài: ${len} byte (tối đa ${MAX_FAR_END_BYTES}).`,
        `Far end too long: ${len} bytes (at most ${MAX_FAR_END_BYTES}).`,
      );
    farEnd = r.utf8(len, `${at}.farEnd`);
  }
  const n = r.count(`${at}.channels`, MAX_CHANNELS, 1);
  const channels: MediaChannel[] = [];
  for (let j = 0; j < n; j++) {
    const cat = `${at}.channels[${j}]`;
    const bits = r.u8(cat);
    const media = MEDIA[bits & 3];
    if (media === undefined || bits > 63) refuse(cat, `Kênh không hợp lệ: ${bits}.`, `Invalid channel: ${bits}.`);
    const num = (nullBit: number, field: string): number | null => {
      if (bits & nullBit) return null;
      const x = r.f64(`${cat}.${field}`);
      checkNullableNumber(x, `${cat}.${field}`);
      return x;
    };
    const rateKbps = num(8, 'rateKbps');
    const lossPct = num(16, 'lossPct');
    const jitterMs = num(32, 'jitterMs');
    channels.push({ media: media!, direction: bits & 4 ? 'tx' : 'rx', rateKbps, lossPct, jitterMs });
  }
  return { inCall: (flags & 1) === 1, farEnd, channels };
}
