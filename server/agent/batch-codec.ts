// STAND-IN, REPLACED AT MERGE by the outbox branch's binary codec (same path, same two signatures): a
// minimal JSON wire form of an AgentBatch so the link (server/agent/centre.ts, server/agent/run.ts) can
// be built and tested before that lands. It checks what the centre relies on — the shape, the sizes,
// finite non-negative numbers — linearly and without throwing; the binary codec checks the same.
import { PROBE_REASONS, type ProbeReason } from '../../shared/targets';
import type { TargetResult } from '../probe/kinds';
import { MAX_BATCH_BYTES, MAX_BATCH_RESULTS, type AgentBatch } from './contract';

/** As the outbox branch's codec: `error` for people (Vietnamese there; English in this stand-in), `en` English. */
export type DecodedBatch = { ok: true; batch: AgentBatch } | { ok: false; error: string; en: string; where: string };

const fail = (why: string, where: string): DecodedBatch => ({ ok: false, error: why, en: why, where });

export function encodeBatch(b: AgentBatch): Buffer {
  return Buffer.from(JSON.stringify(b), 'utf8');
}

const REASONS = new Set<string>(PROBE_REASONS);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

export function decodeBatch(buf: Buffer): DecodedBatch {
  if (buf.length > MAX_BATCH_BYTES) {
    return fail(`batch of ${buf.length} bytes, at most ${MAX_BATCH_BYTES}`, 'bytes');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(buf.toString('utf8'));
  } catch {
    return fail('not a batch (unreadable)', 'bytes');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('not a batch', 'bytes');
  }
  const o = raw as Record<string, unknown>;
  if (!isCount(o.seq)) return fail('seq is not a non-negative integer', 'seq');
  if (!isTime(o.sentAt)) return fail('sentAt is not a time', 'sentAt');
  if (!isCount(o.outboxDepth)) return fail('outboxDepth is not a count', 'outboxDepth');
  if (!Array.isArray(o.results)) return fail('results is not a list', 'results');
  if (o.results.length > MAX_BATCH_RESULTS) {
    return fail(`${o.results.length} results, at most ${MAX_BATCH_RESULTS}`, 'results');
  }
  const results: TargetResult[] = [];
  for (let i = 0; i < o.results.length; i++) {
    const r = decodeResult(o.results[i]);
    if (typeof r === 'string') return fail(r, `results[${i}]`);
    results.push(r);
  }
  return { ok: true, batch: { seq: o.seq, sentAt: o.sentAt, outboxDepth: o.outboxDepth, results } };
}

/** One result, or what is wrong with it. */
function decodeResult(v: unknown): TargetResult | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not a result';
  const r = v as Record<string, unknown>;
  if (typeof r.target !== 'string' || r.target.length === 0 || r.target.length > 2100) return 'target is not an id';
  if (!isTime(r.t)) return 't is not a time';
  if (r.rtt !== null && !(typeof r.rtt === 'number' && Number.isFinite(r.rtt) && r.rtt >= 0 && r.rtt < 3_600_000)) {
    return 'rtt is not a latency';
  }
  const out: TargetResult = { target: r.target, t: r.t, rtt: r.rtt };
  if (r.reason !== undefined) {
    if (typeof r.reason !== 'string' || !REASONS.has(r.reason)) return 'reason is not a known reason';
    out.reason = r.reason as ProbeReason;
  }
  if (r.detail !== undefined) {
    if (typeof r.detail !== 'string' || r.detail.length > 1000) return 'detail is not a short text';
    out.detail = r.detail;
  }
  if (r.code !== undefined) {
    if (!isCount(r.code) || r.code > 999) return 'code is not a reply code';
    out.code = r.code;
  }
  if (r.certExpiresAt !== undefined) {
    if (!isTime(r.certExpiresAt)) return 'certExpiresAt is not a time';
    out.certExpiresAt = r.certExpiresAt;
  }
  // A codec's call status passes through as it is in this stand-in (the binary codec validates it).
  if (r.call !== undefined) {
    if (typeof r.call !== 'object' || r.call === null) return 'call is not a call status';
    out.call = r.call as NonNullable<TargetResult['call']>;
  }
  return out;
}
