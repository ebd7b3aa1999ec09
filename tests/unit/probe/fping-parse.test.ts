import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE_LENGTH, parseFpingLine } from '../../../server/probe/fping-parse';

describe('parseFpingLine', () => {
  it('parses a timestamped reply (fping 5.1 -l -D)', () => {
    expect(parseFpingLine('[1795267623.75336] 127.2.0.1 : [0], 64 bytes, 0.015 ms (0.015 avg, 0% loss)')).toEqual({
      kind: 'reply',
      host: '127.2.0.1',
      seq: 0,
      bytes: 64,
      rttMs: 0.015,
      timestampMs: 1795267623.75336 * 1000,
    });
  });

  it('parses a reply without timestamp, with host padding and large rtt forms', () => {
    expect(parseFpingLine('::1       : [12], 64 bytes, 123 ms (45.2 avg, 0% loss)')).toMatchObject({
      kind: 'reply',
      host: '::1',
      seq: 12,
      rttMs: 123,
      timestampMs: null,
    });
    expect(parseFpingLine('a.example : [3], 84 bytes, 1.23e+06 ms (1.1 avg, 5% loss)')).toMatchObject({
      kind: 'reply',
      host: 'a.example',
      rttMs: 1_230_000,
    });
    // -c mode prints the same reply line (used by probeOnce).
    expect(parseFpingLine('127.0.0.1 : [0], 64 bytes, 0.027 ms (0.027 avg, 0% loss)\r')).toMatchObject({
      kind: 'reply',
      host: '127.0.0.1',
      rttMs: 0.027,
    });
  });

  it('parses timeouts with and without timestamp', () => {
    expect(parseFpingLine('198.18.0.2 : [0], timed out (NaN avg, 100% loss)')).toEqual({
      kind: 'timeout',
      host: '198.18.0.2',
      seq: 0,
      timestampMs: null,
    });
    expect(parseFpingLine('[1795268608.73433] 127.9.0.1 : [7], timed out (NaN avg, 100% loss)')).toEqual({
      kind: 'timeout',
      host: '127.9.0.1',
      seq: 7,
      timestampMs: 1795268608.73433 * 1000,
    });
  });

  it('parses ICMP errors, for addresses and for names', () => {
    expect(parseFpingLine('ICMP Host Unreachable from 127.9.0.2 for ICMP Echo sent to 127.9.0.2')).toEqual({
      kind: 'icmpError',
      host: '127.9.0.2',
      address: null,
      from: '127.9.0.2',
      message: 'ICMP Host Unreachable',
      timestampMs: null,
    });
    expect(
      parseFpingLine(
        'ICMP Unreachable (Communication Administratively Prohibited) from 10.0.0.1 for ICMP Echo sent to 10.0.0.3',
      ),
    ).toMatchObject({
      kind: 'icmpError',
      host: '10.0.0.3',
      message: 'ICMP Unreachable (Communication Administratively Prohibited)',
    });
    expect(
      parseFpingLine('ICMP Time Exceeded from 10.1.38.126 for ICMP Echo sent to xa-1.vt.example (10.1.38.43)'),
    ).toMatchObject({ kind: 'icmpError', host: 'xa-1.vt.example', address: '10.1.38.43' });
  });

  it('ignores summary, stats-time, duplicate, notice and blank lines', () => {
    const cases: [string, string][] = [
      ['127.0.0.1       : xmt/rcv/%loss = 4/4/0%, min/avg/max = 0.014/0.018/0.024', 'summary'],
      ['172.16.36.136 : xmt/rcv/%loss = 1/0/100%', 'summary'],
      ['[13:44:04]', 'statsTime'],
      ['127.0.0.1 : duplicate for [3], 64 bytes, 0.10 ms', 'duplicate'],
      ['nonexist.invalid: Name or service not known', 'notice'],
      ['fping: specify only one of c, l', 'notice'],
      ['', 'blank'],
      ['   \t', 'blank'],
    ];
    for (const [line, reason] of cases) {
      expect({ ...parseFpingLine(line), input: line }).toMatchObject({
        input: line,
        kind: 'ignored',
        reason,
      });
    }
  });

  it('reports garbage with a reason instead of throwing', () => {
    for (const line of [
      'hello world',
      '127.0.0.1 : 0.018 0.047',
      '127.0.0.1 : [x], 64 bytes, 0.1 ms',
      '127.0.0.1 : [0], 64 bytes, -1 ms (0 avg, 0% loss)',
      '[abc] 127.0.0.1 : [0], timed out',
      'x'.repeat(MAX_LINE_LENGTH + 1),
    ]) {
      expect(parseFpingLine(line)).toMatchObject({ kind: 'garbage', reason: expect.any(String) });
    }
    expect(parseFpingLine('x'.repeat(MAX_LINE_LENGTH + 1))).toMatchObject({
      reason: 'line too long',
    });
    expect(parseFpingLine(undefined as unknown as string)).toMatchObject({ kind: 'garbage' });
  });

  it('never throws on arbitrary input (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), (s) => {
        const kinds = ['reply', 'timeout', 'icmpError', 'ignored', 'garbage'];
        expect(kinds).toContain(parseFpingLine(s).kind);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on near-miss mutations of real lines (fuzz)', () => {
    const base = '[1795267623.75336] 127.2.0.1 : [0], 64 bytes, 0.015 ms (0.015 avg, 0% loss)';
    fc.assert(
      fc.property(fc.nat(base.length), fc.nat(base.length), fc.string({ maxLength: 8 }), (a, b, insert) => {
        const line = base.slice(0, Math.min(a, b)) + insert + base.slice(Math.max(a, b));
        const r = parseFpingLine(line);
        expect(r.kind !== 'reply' || (Number.isFinite(r.rttMs) && r.rttMs >= 0)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  const hostArb = fc.oneof(
    fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.')),
    fc
      .array(fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/), {
        minLength: 1,
        maxLength: 4,
      })
      .map((labels) => [...labels, 'vn'].join('.')),
    fc.constantFrom('::1', 'fe80::1', '2001:db8::42'),
  );
  const tsArb = fc.option(
    fc.integer({ min: 1_000_000_000_00000, max: 9_999_999_999_99999 }).map((n) => n / 100000),
    { nil: null },
  );

  it('round-trips generated reply lines', () => {
    fc.assert(
      fc.property(
        hostArb,
        fc.nat(1_000_000),
        fc.integer({ min: 8, max: 65507 }),
        fc.integer({ min: 0, max: 9_999_999 }).map((n) => n / 1000),
        tsArb,
        fc.nat(20),
        (host, seq, bytes, rtt, ts, pad) => {
          const prefix = ts === null ? '' : `[${ts.toFixed(5)}] `;
          const line = `${prefix}${host.padEnd(host.length + pad)} : [${seq}], ${bytes} bytes, ${rtt.toFixed(3)} ms (${rtt.toFixed(3)} avg, 0% loss)`;
          const r = parseFpingLine(line);
          expect(r).toEqual({
            kind: 'reply',
            host,
            seq,
            bytes,
            rttMs: Number(rtt.toFixed(3)),
            timestampMs: ts === null ? null : Number(ts.toFixed(5)) * 1000,
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('round-trips generated timeout and ICMP error lines', () => {
    fc.assert(
      fc.property(hostArb, hostArb, fc.nat(1_000_000), tsArb, (host, from, seq, ts) => {
        const prefix = ts === null ? '' : `[${ts.toFixed(5)}] `;
        expect(parseFpingLine(`${prefix}${host} : [${seq}], timed out (NaN avg, 100% loss)`)).toEqual({
          kind: 'timeout',
          host,
          seq,
          timestampMs: ts === null ? null : Number(ts.toFixed(5)) * 1000,
        });
        expect(parseFpingLine(`ICMP Network Unreachable from ${from} for ICMP Echo sent to ${host}`)).toMatchObject({
          kind: 'icmpError',
          host,
          from,
          message: 'ICMP Network Unreachable',
        });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('LineSplitter', () => {
  it('joins lines split across chunks and keeps the unterminated tail', () => {
    const s = new LineSplitter();
    expect(s.push('127.0.0.1 : [0], 64 by')).toEqual([]);
    expect(s.push('tes, 0.1 ms (0.1 avg, 0% loss)\r\n[1')).toEqual([
      '127.0.0.1 : [0], 64 bytes, 0.1 ms (0.1 avg, 0% loss)',
    ]);
    expect(s.push('2:00:00]\n\nlast')).toEqual(['[12:00:00]', '']);
    expect(s.flush()).toEqual(['last']);
    expect(s.flush()).toEqual([]);
  });

  it('gives the same lines however the stream is chunked (fuzz)', () => {
    const lineArb = fc.string({ maxLength: 40 }).map((l) => l.replace(/[\r\n]/g, ''));
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 20 }), fc.array(fc.nat(60)), (lines, cuts) => {
        const text = lines.map((l) => l + '\n').join('');
        const s = new LineSplitter();
        const got: string[] = [];
        let at = 0;
        for (const c of cuts) {
          got.push(...s.push(text.slice(at, at + c)));
          at += c;
        }
        got.push(...s.push(text.slice(at)), ...s.flush());
        expect(got).toEqual(lines);
      }),
      { numRuns: 500 },
    );
  });

  it('bounds memory on a stream without newlines', () => {
    const s = new LineSplitter(100);
    const out = s.push('y'.repeat(150));
    expect(out).toEqual(['y'.repeat(150)]);
    expect(s.flush()).toEqual([]);
  });
});
