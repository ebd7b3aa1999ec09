import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentSchedule } from '../../../server/agent/contract';
import { MIN_OUTBOX_BYTES, Outbox } from '../../../server/agent/outbox';
import { UserError } from '../../../server/errors';
import type { TargetResult } from '../../../server/probe/kinds';

const T0 = Date.parse('2026-12-04T08:00:00+07:00');

/** A real pino logger writing into an array, to read what the outbox said. */
function captureLogger(): { logger: Logger; lines: { level: number; msg: string; [k: string]: unknown }[] } {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as { level: number; msg: string });
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** One second of `points` ICMP results at second `s`. */
const second = (s: number, points: number): TargetResult[] =>
  Array.from({ length: points }, (_, i) => ({
    target: `icmp:10.9.${i >> 8}.${i & 255}@hn`,
    t: T0 + s * 1000 + i,
    rtt: i % 50 === 0 ? null : 2 + (i % 40),
    ...(i % 50 === 0 ? { reason: 'timeout' as const, detail: 'no answer in 1000 ms' } : {}),
  }));

/** Records of a segment file: [offset, length, type, seq]. */
function records(file: string): { offset: number; length: number; type: number; seq: number }[] {
  const buf = readFileSync(file);
  const out: { offset: number; length: number; type: number; seq: number }[] = [];
  for (let off = 0; off < buf.length;) {
    const length = 27 + buf.readUInt32LE(off);
    out.push({ offset: off, length, type: buf[off + 8]!, seq: buf.readUIntLE(off + 9, 6) });
    off += length;
  }
  return out;
}

const segmentFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => /^ob\.\d{8}$/.test(f))
    .sort()
    .map((f) => join(dir, f));

let dir: string;
let log: ReturnType<typeof captureLogger>;
const open: Outbox[] = [];
const openOutbox = (opts: { maxBytes?: number; segmentBytes?: number } = {}, at = join(dir, 'ob')): Outbox => {
  const ob = Outbox.open(at, { logger: log.logger, ...opts });
  open.push(ob);
  return ob;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dc-outbox-'));
  log = captureLogger();
});
afterEach(() => {
  for (const ob of open.splice(0)) ob.close(T0);
  rmSync(dir, { recursive: true, force: true });
});

describe('outbox', () => {
  it('forms a batch per second, keeps order and seq across close and reopen', () => {
    const ob = openOutbox();
    for (let s = 0; s < 5; s++) ob.append(second(s, 30), T0 + s * 1000);
    ob.tick(T0 + 5000);
    const first = ob.peek(100, T0 + 5000);
    expect(first.map((b) => b.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(first.map((b) => b.results.length)).toEqual([30, 30, 30, 30, 30]);
    expect(first[0]!.results).toEqual(second(0, 30));
    expect(first.map((b) => b.outboxDepth)).toEqual([120, 90, 60, 30, 0]);
    expect(first.every((b) => b.sentAt === T0 + 5000)).toBe(true);
    ob.ack(2);
    ob.append(second(5, 10), T0 + 6000); // still forming at close: close flushes it
    ob.close(T0 + 6000);

    const again = openOutbox();
    expect(again.stats()).toMatchObject({ batches: 4, results: 100, oldestT: T0 + 2000 });
    expect(again.peek(100, T0 + 7000).map((b) => b.seq)).toEqual([3, 4, 5, 6]);
    again.append(second(7, 10), T0 + 7000);
    again.flush(T0 + 7000);
    expect(again.lastSeq).toBe(7);
    // Everything acknowledged and released: the seq still goes on after a restart.
    again.ack(7);
    expect(again.stats()).toMatchObject({ batches: 0, results: 0, oldestT: null });
    again.close(T0 + 8000);
    const third = openOutbox();
    third.append(second(9, 1), T0 + 9000);
    third.flush(T0 + 9000);
    expect(third.peek(10, T0 + 9000).map((b) => b.seq)).toEqual([8]);
  });

  it('gives an empty batch only when nothing waits, repeating the acknowledged seq', () => {
    const ob = openOutbox();
    expect(ob.idleBatch(T0)).toEqual({ seq: 0, sentAt: T0, outboxDepth: 0, results: [] });
    ob.append(second(0, 3), T0);
    expect(ob.idleBatch(T0)).toMatchObject({ seq: 0, outboxDepth: 3 }); // still forming: nothing to send yet
    ob.flush(T0);
    expect(ob.idleBatch(T0 + 500)).toBeNull();
    ob.ack(1);
    expect(ob.idleBatch(T0 + 1000)).toEqual({ seq: 1, sentAt: T0 + 1000, outboxDepth: 0, results: [] });
    // A second open of the same outbox in this process is refused.
    expect(() => openOutbox()).toThrow(/đã được mở/);
  });

  it('peekEncoded gives the same batches as bytes, restamped', () => {
    const ob = openOutbox();
    ob.append(second(0, 20), T0);
    ob.flush(T0);
    ob.append(second(1, 5), T0 + 1000);
    ob.flush(T0 + 1000);
    const enc = ob.peekEncoded(10, T0 + 2000);
    expect(enc.map((e) => [e.seq, e.results])).toEqual([
      [1, 20],
      [2, 5],
    ]);
    expect(ob.peek(10, T0 + 2000)[0]).toMatchObject({ seq: 1, sentAt: T0 + 2000, outboxDepth: 5 });
  });

  it('cuts a torn tail at every offset of its last record, keeping what came before', () => {
    const src = join(dir, 'src');
    const ob = openOutbox({}, join(src, 'ob'));
    for (let s = 0; s < 4; s++) ob.append(second(s, 7), T0 + s * 1000);
    ob.flush(T0 + 4000);
    ob.ack(1);
    ob.append(second(4, 7), T0 + 4000);
    ob.flush(T0 + 4000);
    // A crash: the process dies here (no close); writes already reached the file.
    const [seg] = segmentFiles(src);
    const recs = records(seg!);
    const last = recs.at(-1)!;
    expect(last).toMatchObject({ type: 1, seq: 5 });
    for (let cut = last.offset; cut < last.offset + last.length; cut++) {
      const copy = join(dir, `c${cut}`);
      cpSync(src, copy, { recursive: true });
      rmSync(join(copy, 'ob.lock'));
      truncateSync(join(copy, seg!.slice(src.length + 1)), cut);
      const re = openOutbox({}, join(copy, 'ob'));
      const got = re.peek(100, T0 + 9000);
      expect(
        got.map((b) => b.seq),
        `cut at ${cut}`,
      ).toEqual([2, 3, 4]);
      expect(got[0]!.results).toEqual(second(1, 7));
      expect(statSync(join(copy, seg!.slice(src.length + 1))).size).toBe(last.offset);
      re.append(second(9, 1), T0 + 9000);
      re.flush(T0 + 9000);
      expect(re.lastSeq).toBe(5);
      re.close(T0 + 9000);
      open.pop();
    }
    // Every cut but the one at the record's start (a clean end) leaves torn bytes, said once each.
    expect(log.lines.filter((l) => l.msg.includes('torn')).length).toBe(last.length - 1);
  });

  it('cuts a damaged record and what follows it', () => {
    const ob = openOutbox();
    for (let s = 0; s < 3; s++) {
      ob.append(second(s, 5), T0 + s * 1000);
      ob.flush(T0 + s * 1000);
    }
    const [seg] = segmentFiles(dir);
    const recs = records(seg!).filter((r) => r.type === 1);
    const buf = readFileSync(seg!);
    const at = recs[1]!.offset + 40; // a bit flip inside batch 2
    buf.writeUInt8(buf.readUInt8(at) ^ 0xff, at);
    writeFileSync(seg!, buf);
    ob.close(T0 + 4000);
    open.pop();
    const re = openOutbox();
    expect(re.peek(10, T0 + 5000).map((b) => b.seq)).toEqual([1]);
    expect(log.lines.some((l) => l.msg.includes('torn or damaged') && l.why === 'CRC mismatch')).toBe(true);
  });

  it('opens over garbage segment files without throwing, keeping the whole records before it', () => {
    const ob = openOutbox();
    ob.append(second(0, 4), T0);
    ob.flush(T0);
    ob.close(T0);
    open.pop();
    const [seg] = segmentFiles(dir);
    const good = readFileSync(seg!);
    let seed = 17;
    const byte = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 255;
    };
    for (let k = 0; k < 40; k++) {
      const junk = Buffer.from(Array.from({ length: 1 + ((k * 37) % 400) }, byte));
      writeFileSync(seg!, Buffer.concat([good, junk]));
      // A later segment of pure garbage too.
      writeFileSync(join(dir, 'ob.00000099'), junk);
      const re = openOutbox();
      expect(
        re.peek(10, T0).map((b) => b.results.length),
        `round ${k}`,
      ).toEqual([4]);
      re.close(T0);
      open.pop();
      for (const f of segmentFiles(dir)) if (f !== seg) rmSync(f);
    }
  });

  it('skips a batch damaged on disk after it was written, counting its results as lost', () => {
    const ob = openOutbox();
    for (let s = 0; s < 3; s++) {
      ob.append(second(s, 5), T0 + s * 1000);
      ob.flush(T0 + s * 1000);
    }
    const [seg] = segmentFiles(dir);
    const rec = records(seg!).filter((r) => r.type === 1)[1]!;
    const buf = readFileSync(seg!);
    const at = rec.offset + rec.length - 3;
    buf.writeUInt8(buf.readUInt8(at) ^ 0x01, at);
    writeFileSync(seg!, buf);
    expect(ob.peek(10, T0 + 5000).map((b) => b.seq)).toEqual([1, 3]);
    expect(ob.stats()).toMatchObject({ dropped: 5, results: 10, batches: 2 });
    expect(log.lines.some((l) => l.msg === 'outbox: damaged batch skipped' && l.seq === 2)).toBe(true);
  });

  it('drops the oldest results beyond the bound, counts and says so, never the newest', () => {
    const maxBytes = MIN_OUTBOX_BYTES;
    const ob = openOutbox({ maxBytes, segmentBytes: 64 * 1024 });
    let appended = 0;
    let s = 0;
    while (ob.stats().dropped === 0 || s < 2000) {
      ob.append(second(s, 200), T0 + s * 1000);
      appended += 200;
      s++;
      expect(ob.stats().bytes).toBeLessThanOrEqual(maxBytes);
    }
    ob.flush(T0 + s * 1000);
    const st = ob.stats();
    expect(st.dropped).toBeGreaterThan(0);
    expect(st.dropped + st.results).toBe(appended);
    const kept = ob.peek(1_000_000, T0 + s * 1000);
    expect(kept.at(-1)!.results.at(-1)).toEqual(second(s - 1, 200).at(-1));
    // Kept batches are the newest, contiguous, in order.
    expect(kept.map((b) => b.seq)).toEqual(kept.map((_, i) => kept[0]!.seq + i));
    expect(kept[0]!.seq).toBeGreaterThan(1);
    expect(st.oldestT).toBe(kept[0]!.results[0]!.t);
    const said = log.lines.filter((l) => l.msg.includes('outbox full'));
    expect(said.length).toBeGreaterThan(0);
    expect(said.reduce((n, l) => n + Number(l.dropped), 0)).toBe(st.dropped);
  });

  it('releases acknowledged batches: their segments are deleted', () => {
    const ob = openOutbox({ segmentBytes: 64 * 1024 });
    for (let s = 0; s < 300; s++) ob.append(second(s, 100), T0 + s * 1000);
    ob.flush(T0 + 300_000);
    const before = ob.stats().bytes;
    expect(segmentFiles(dir).length).toBeGreaterThan(5);
    const batches = ob.peek(1000, T0 + 300_000);
    ob.ack(batches[149]!.seq);
    expect(ob.stats().results).toBe(150 * 100);
    expect(ob.stats().bytes).toBeLessThan(before * 0.6);
    ob.ack(ob.lastSeq);
    expect(ob.stats()).toMatchObject({ batches: 0, results: 0 });
    expect(segmentFiles(dir).length).toBe(1);
    expect(ob.stats().bytes).toBeLessThanOrEqual(64 * 1024 + 2000);
    const onDisk = segmentFiles(dir).reduce((n, f) => n + statSync(f).size, 0);
    expect(onDisk).toBe(ob.stats().bytes);
  });

  it('keeps a simulated day within the bound, the newest hours kept', () => {
    // 24 h of 30 points at 1 Hz (2.6 M results) into a bound that holds about 9 hours of them.
    const points = 30;
    const maxBytes = 18 * 1024 ** 2;
    const ob = openOutbox({ maxBytes });
    let peak = 0;
    const day = 86_400;
    for (let s = 0; s < day; s++) {
      ob.append(second(s, points), T0 + s * 1000);
      if (s % 600 === 0) peak = Math.max(peak, ob.stats().bytes);
    }
    ob.flush(T0 + day * 1000);
    const st = ob.stats();
    expect(Math.max(peak, st.bytes)).toBeLessThanOrEqual(maxBytes);
    expect(st.dropped + st.results).toBe(day * points);
    const perResult = st.bytes / st.results;
    expect(perResult).toBeLessThan(20);
    const heldHours = (T0 + day * 1000 - st.oldestT!) / 3_600_000;
    expect(heldHours).toBeGreaterThan(6);
    expect(heldHours).toBeLessThan(24);
  });

  it('refuses results the codec would refuse, counting them, and keeps the rest', () => {
    const ob = openOutbox();
    ob.append(
      [
        { target: 'icmp:10.0.0.1@hn', t: T0, rtt: Number.NaN },
        { target: 'icmp:10.0.0.2@hn', t: T0, rtt: 3 },
        { target: 'icmp:10.0.0.3@hn', t: T0, rtt: -4 },
        { target: 'http:https://x@hn', t: T0, rtt: null, reason: 'status', detail: 'x'.repeat(100_000) },
      ],
      T0,
    );
    ob.flush(T0);
    const [b] = ob.peek(10, T0);
    expect(b!.results.map((r) => r.target)).toEqual(['icmp:10.0.0.2@hn', 'http:https://x@hn']);
    expect(b!.results[1]!.detail!.length).toBeLessThan(2048);
    expect(ob.stats().invalid).toBe(2);
    expect(log.lines.some((l) => l.msg === 'outbox: result refused' && l.where === 'results[0].rtt')).toBe(true);
  });

  it('is held by one process: a live holder refuses, a dead one is taken over', () => {
    const at = join(dir, 'ob');
    writeFileSync(`${at}.lock`, `${process.ppid}\n`);
    expect(() => openOutbox({}, at)).toThrow(UserError);
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(`${at}.lock`, `${gone}\n`);
    const ob = openOutbox({}, at);
    expect(readFileSync(`${at}.lock`, 'utf8').trim()).toBe(String(process.pid));
    ob.close(T0);
    open.pop();
    expect(() => readFileSync(`${at}.lock`)).toThrow(/ENOENT/);
    expect(() => Outbox.open(at, { logger: log.logger, maxBytes: 1000 })).toThrow(/quá nhỏ/);
  });

  it('keeps the last schedule beside it, and refuses a damaged one with where', () => {
    const ob = openOutbox();
    expect(ob.loadSchedule()).toBeNull();
    const s: AgentSchedule = {
      version: 'abc123',
      issuedAt: T0,
      points: [
        {
          code: 'HT-01',
          name: 'Hội trường UBND xã Tân Lập',
          level: 'commune',
          unit: 'TL',
          targets: [{ kind: 'icmp', host: '10.0.0.1', role: 'primary', agent: 'hn' }],
          contacts: [],
        },
      ],
      meetings: [],
      cadence: { idleMs: 60_000, lineTestMs: 2_000, liveMs: 1_000 },
      windows: { lineTestLeadMin: 15, liveLeadMin: 60, tailMin: 15 },
    };
    ob.saveSchedule(s);
    expect(readdirSync(dir).filter((f) => f.includes('schedule'))).toEqual(['ob.schedule.json']);
    ob.close(T0);
    open.pop();
    expect(openOutbox().loadSchedule()).toEqual(s);
    writeFileSync(join(dir, 'ob.schedule.json'), JSON.stringify({ ...s, cadence: { idleMs: -1 } }));
    expect(open[0]!.loadSchedule()).toBeNull();
    expect(log.lines.some((l) => l.msg.includes('schedule') && String(l.where).startsWith('cadence'))).toBe(true);
    writeFileSync(join(dir, 'ob.schedule.json'), '{"version": "x", ');
    expect(open[0]!.loadSchedule()).toBeNull();
    // An agent's slice may hold only a point's backup line (a target-level agent): it reads back too.
    const backupOnly: AgentSchedule = {
      ...s,
      version: 'def456',
      points: [{ ...s.points[0]!, targets: [{ kind: 'icmp', host: '10.9.0.1', role: 'backup', agent: 'hn' }] }],
    };
    open[0]!.saveSchedule(backupOnly);
    expect(open[0]!.loadSchedule()).toEqual(backupOnly);
  });
});
