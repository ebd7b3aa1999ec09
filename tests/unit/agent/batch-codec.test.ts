import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch, MAX_RTT_MS, resultProblem, restampBatch } from '../../../server/agent/batch-codec';
import { MAX_BATCH_BYTES, MAX_BATCH_RESULTS, type AgentBatch } from '../../../server/agent/contract';
import type { TargetResult } from '../../../server/probe/kinds';
import { PROBE_REASONS, type CodecCall } from '../../../shared/targets';

/** A small seeded generator: every run draws the same batches, and a failure names its seed. */
function rng(seed: number): { int(n: number): number; pick<T>(xs: readonly T[]): T; chance(p: number): boolean } {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
  return {
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    chance: (p) => next() < p,
  };
}

const T0 = Date.parse('2026-12-04T08:00:00+07:00');
const AGENTS = ['hn-01', 'tram-đo-lạng-sơn', 'x'];

function randomId(g: ReturnType<typeof rng>, agent: string): string {
  const host = `10.${g.int(256)}.${g.int(256)}.${g.int(256)}`;
  switch (g.int(4)) {
    case 0:
      return `icmp:${host}@${agent}`;
    case 1:
      return `tcp:${host}:${1 + g.int(65535)}@${agent}`;
    case 2:
      return `sip:udp:${host}:5060@${agent}`;
    default:
      return `http:https://phòng-họp-${g.int(1000)}.example.vn/health?x=${'é'.repeat(g.int(5))}@${agent}`;
  }
}

function randomCall(g: ReturnType<typeof rng>): CodecCall {
  const n = g.int(5);
  const num = (): number | null => (g.chance(0.3) ? null : g.int(1e7) / 1000);
  return {
    inCall: g.chance(0.5),
    farEnd: g.chance(0.3) ? null : `sip:hội-nghị-${g.int(100)}@mcu.gov.vn`,
    channels: Array.from({ length: n }, () => ({
      media: g.pick(['video', 'audio', 'content'] as const),
      direction: g.pick(['rx', 'tx'] as const),
      rateKbps: num(),
      lossPct: num(),
      jitterMs: num(),
    })),
  };
}

function randomBatch(seed: number): AgentBatch {
  const g = rng(seed);
  const agent = g.pick(AGENTS);
  const nTargets = 1 + g.int(g.chance(0.2) ? 2000 : 300);
  const ids = [...new Set(Array.from({ length: nTargets }, () => randomId(g, agent)))];
  const n = g.chance(0.1) ? 0 : 1 + g.int(g.chance(0.1) ? 5000 : 1500);
  const wide = g.chance(0.1);
  const results: TargetResult[] = [];
  for (let i = 0; i < n; i++) {
    // Whole microseconds, as the engines give them; a wide batch spans days.
    const t = T0 + (wide ? g.int(5 * 86_400_000) : g.int(3_000)) + g.int(1000) / 1000;
    const failed = g.chance(0.1);
    const r: TargetResult = {
      target: ids[i % ids.length]!,
      t,
      rtt: failed ? null : g.int(MAX_RTT_MS * 1000 + 1) / 1000,
    };
    if (failed || g.chance(0.02)) {
      r.reason = g.pick(PROBE_REASONS);
      if (g.chance(0.7)) r.detail = g.pick(['no answer in 1000 ms', 'ECONNREFUSED', '503 Dịch vụ tạm ngưng', '']);
      if (g.chance(0.3)) r.code = g.int(700);
    }
    if (g.chance(0.01)) r.certExpiresAt = T0 + g.int(1e10);
    if (g.chance(0.01)) r.call = randomCall(g);
    results.push(r);
  }
  return { seq: g.int(2 ** 40), sentAt: T0 + g.int(10_000), outboxDepth: g.int(1e8), results };
}

const refusal = (buf: Buffer): { error: string; en: string; where: string } => {
  const d = decodeBatch(buf);
  if (d.ok) throw new Error('expected a refusal');
  return d;
};

/** A buffer with one result and one 1-entry table, so its columns sit at known offsets from the end. */
const one = (r: Partial<TargetResult> = {}): Buffer =>
  encodeBatch({ seq: 1, sentAt: T0, outboxDepth: 0, results: [{ target: 'icmp:10.0.0.1@a', t: T0, rtt: 12.5, ...r }] });

describe('batch codec', () => {
  it('round-trips random batches exactly (whole microseconds)', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const b = randomBatch(seed);
      const buf = encodeBatch(b);
      expect(buf.length, `seed ${seed}`).toBeLessThanOrEqual(MAX_BATCH_BYTES);
      const d = decodeBatch(buf);
      if (!d.ok) throw new Error(`seed ${seed}: ${d.en} at ${d.where}`);
      expect(d.batch, `seed ${seed}`).toEqual(b);
    }
  });

  it('keeps times and RTTs to the microsecond', () => {
    const b: AgentBatch = {
      seq: 3,
      sentAt: T0,
      outboxDepth: 0,
      results: [{ target: 'icmp:10.0.0.1', t: T0 + 0.123456789, rtt: 0.0344449 }],
    };
    const d = decodeBatch(encodeBatch(b));
    // The nearest double to the whole microsecond (a double near 2026 has ~0.24 µs of resolution).
    expect(d.ok && d.batch.results[0]).toEqual({
      target: 'icmp:10.0.0.1',
      t: Math.round((T0 + 0.123456789) * 1000) / 1000,
      rtt: 0.034,
    });
    expect(d.ok && Math.abs(d.batch.results[0]!.t - (T0 + 0.123456789))).toBeLessThan(0.0006);
  });

  it('is compact: 1,000 ICMP results of 1,000 targets take under 16 bytes each', () => {
    const results: TargetResult[] = Array.from({ length: 1000 }, (_, i) => ({
      target: `icmp:10.12.${i >> 8}.${i & 255}@tram-ha-noi`,
      t: T0 + i + 0.25,
      rtt: 3 + (i % 97) / 7,
    }));
    const buf = encodeBatch({ seq: 9, sentAt: T0, outboxDepth: 0, results });
    expect(buf.length / 1000).toBeLessThan(16);
    expect(buf.length / 1000).toBeGreaterThan(10); // three fixed-width columns: 10 bytes per result
  });

  it('refuses every truncation of a valid buffer, naming where', () => {
    for (const seed of [2, 7, 11, 19]) {
      const buf = encodeBatch(randomBatch(seed));
      // Every prefix of the small ones; a stride over the big ones keeps the test quick, ends included.
      const step = buf.length > 4000 ? 37 : 1;
      for (let cut = 0; cut < buf.length; cut += cut > buf.length - 64 ? 1 : step) {
        const d = decodeBatch(buf.subarray(0, cut));
        expect(d, `seed ${seed}, cut ${cut}/${buf.length}`).toMatchObject({
          ok: false,
          where: expect.stringMatching(/./),
          error: expect.stringMatching(/./),
        });
      }
    }
    // A batch with extras, cut at every offset.
    const extras = encodeBatch({
      seq: 1,
      sentAt: T0,
      outboxDepth: 0,
      results: [
        { target: 'videoos:10.0.0.5:443@a', t: T0, rtt: 40, call: randomCall(rng(5)), certExpiresAt: T0 + 1e9 },
        { target: 'sip:udp:10.0.0.6:5060@a', t: T0 + 1, rtt: null, reason: 'unavailable', detail: '503', code: 503 },
      ],
    });
    for (let cut = 0; cut < extras.length; cut++) expect(decodeBatch(extras.subarray(0, cut)).ok).toBe(false);
  });

  it('never throws on garbage, and whatever it accepts re-encodes to the same batch', () => {
    const g = rng(99);
    let accepted = 0;
    const check = (buf: Buffer): void => {
      const d = decodeBatch(buf);
      if (d.ok) accepted++;
      // Whatever is accepted re-encodes to the same batch; whatever is refused says where.
      const again = d.ok ? decodeBatch(encodeBatch(d.batch)) : d;
      expect(again).toEqual(d);
      expect(d.ok || d.where.length > 0).toBe(true);
    };
    for (let k = 0; k < 3000; k++) {
      const buf = Buffer.alloc(g.int(200));
      for (let i = 0; i < buf.length; i++) buf[i] = g.int(256);
      if (buf.length > 0 && g.chance(0.7)) buf[0] = 1;
      if (buf.length > 1 && g.chance(0.7)) buf[1] = 0;
      check(buf);
    }
    // Valid buffers with a few bytes flipped: a flipped RTT may still be a batch; a flipped count is not.
    for (let seed = 200; seed < 230; seed++) {
      const base = encodeBatch(randomBatch(seed));
      for (let k = 0; k < 15; k++) {
        const buf = Buffer.from(base);
        for (let f = 0; f <= g.int(3); f++) buf[g.int(buf.length)] = g.int(256);
        check(buf);
      }
    }
    expect(accepted).toBeGreaterThan(0);
  });

  it('refuses a count claiming 2^31 entries before reading them', () => {
    const buf = Buffer.alloc(40);
    buf[0] = 1;
    // varint 2^31 at the target table's count.
    let x = 2 ** 31;
    let p = 22;
    while (x >= 0x80) {
      buf[p++] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
    }
    buf[p] = x;
    expect(refusal(buf).where).toBe('targets');
  });

  it('refuses trailing bytes, bad versions, oversize and overfull batches', () => {
    const good = one();
    expect(refusal(Buffer.concat([good, Buffer.from([0])])).where).toBe('bytes');
    const v2 = Buffer.from(good);
    v2[0] = 2;
    const bad = refusal(v2);
    expect(bad.where).toBe('version');
    expect(bad.error).toContain('Phiên bản');
    expect(bad.en).toContain('version');
    expect(refusal(Buffer.alloc(MAX_BATCH_BYTES + 1)).where).toBe('bytes');

    const many: TargetResult[] = Array.from({ length: MAX_BATCH_RESULTS + 1 }, (_, i) => ({
      target: 'icmp:10.0.0.1',
      t: T0 + i,
      rtt: 1,
    }));
    expect(() => encodeBatch({ seq: 1, sentAt: T0, outboxDepth: 0, results: many })).toThrow(RangeError);
    // Hand-made: the results count says one more than the limit.
    const w = Buffer.from(one());
    const table = 22 + 1 + 3 + 'icmp:10.0.0.1@a'.length;
    const over = Buffer.concat([
      w.subarray(0, table),
      Buffer.from([
        ((MAX_BATCH_RESULTS + 1) % 128) | 0x80,
        (Math.floor((MAX_BATCH_RESULTS + 1) / 128) % 128) | 0x80,
        1,
      ]),
      w.subarray(table + 1),
    ]);
    expect(refusal(over).where).toBe('results');
  });

  it('refuses absurd RTTs and out-of-range indexes, naming the result', () => {
    const buf = Buffer.from(
      encodeBatch({
        seq: 1,
        sentAt: T0,
        outboxDepth: 0,
        results: [
          { target: 'icmp:10.0.0.1', t: T0, rtt: 1 },
          { target: 'icmp:10.0.0.2', t: T0, rtt: 2 },
        ],
      }),
    );
    // From the end: extras count, details count, RTT column (2 × u32), time column (2 × u32), index column (2 × u8).
    const rtt0 = buf.length - 2 - 8;
    const idx0 = rtt0 - 8 - 2;
    const absurd = Buffer.from(buf);
    absurd.writeUInt32LE((MAX_RTT_MS + 1) * 1000, rtt0 + 4);
    const r = refusal(absurd);
    expect(r.where).toBe('results[1].rtt');
    expect(r.error).toContain('Độ trễ');
    const outOfRange = Buffer.from(buf);
    outOfRange[idx0 + 1] = 5;
    expect(refusal(outOfRange).where).toBe('results[1].target');
    const unused = Buffer.from(buf);
    unused[idx0 + 1] = 0;
    expect(refusal(unused).where).toBe('targets[1]');

    // The encoder refuses what the decoder would: NaN, negative, absurd.
    for (const rtt of [Number.NaN, -1, MAX_RTT_MS + 1, Infinity])
      expect(() => one({ rtt })).toThrow(/results\[0\]\.rtt/);
    expect(resultProblem({ target: 'x', t: T0, rtt: Number.NaN }, 4)?.where).toBe('results[4].rtt');
    expect(resultProblem({ target: 'x', t: T0, rtt: 1, reason: 'nope' as 'timeout' }, 0)?.where).toBe(
      'results[0].reason',
    );
    expect(resultProblem({ target: 'x', t: T0, rtt: 1, code: 1.5 }, 0)?.where).toBe('results[0].code');
    expect(resultProblem({ target: 'x', t: T0, rtt: 1 }, 0)).toBeNull();
  });

  it('reads a Uint8Array or ArrayBuffer in place, and refuses what is not bytes', () => {
    const buf = one();
    const copy = new Uint8Array(buf);
    expect(decodeBatch(copy)).toEqual(decodeBatch(buf));
    expect(decodeBatch(copy.buffer)).toEqual(decodeBatch(buf));
    expect(decodeBatch('batch' as unknown as Buffer)).toMatchObject({ ok: false, where: 'bytes' });
    expect(decodeBatch(null as unknown as Buffer)).toMatchObject({ ok: false, where: 'bytes' });
  });

  it('restamps sentAt and outboxDepth in place', () => {
    const buf = Buffer.from(one());
    restampBatch(buf, T0 + 5000, 1234);
    const d = decodeBatch(buf);
    expect(d.ok && [d.batch.sentAt, d.batch.outboxDepth, d.batch.seq]).toEqual([T0 + 5000, 1234, 1]);
  });
});
