// Parser for the output of fping 5.1 in loop mode (`fping -l -D`), one line at a time. It never
// throws: fping is an external process and whatever it prints (or a broken pipe mangles) must not
// take the engine down. Formats, as printed by fping 5.1 on Linux:
//   [1795267623.75336] 127.2.0.1 : [0], 64 bytes, 0.015 ms (0.015 avg, 0% loss)     (stdout)
//   [1795267624.25336] 198.18.0.2 : [0], timed out (NaN avg, 100% loss)              (stdout)
//   ICMP Host Unreachable from 10.0.0.1 for ICMP Echo sent to 10.0.0.9               (stderr)
//   ICMP Host Unreachable from 10.0.0.1 for ICMP Echo sent to name.example (10.0.0.9)
//   127.0.0.1 : xmt/rcv/%loss = 4/4/0%, min/avg/max = 0.040/0.043/0.048           (summary)
// The host column is padded to the longest name (`::1       : [0], …`).

export type IgnoredReason = 'blank' | 'summary' | 'statsTime' | 'duplicate' | 'notice';

export type FpingLine =
  | {
      kind: 'reply';
      host: string;
      seq: number;
      bytes: number;
      rttMs: number;
      /** The `-D` timestamp (ms since epoch, when fping printed the line), null without `-D`. */
      timestampMs: number | null;
    }
  | { kind: 'timeout'; host: string; seq: number; timestampMs: number | null }
  | {
      kind: 'icmpError';
      /** The target the echo was sent to, as given to fping. */
      host: string;
      /** Its resolved address when fping printed one (names only). */
      address: string | null;
      /** Who sent the ICMP error. */
      from: string;
      /** e.g. "ICMP Host Unreachable". */
      message: string;
      timestampMs: number | null;
    }
  | { kind: 'ignored'; reason: IgnoredReason; line: string }
  | { kind: 'garbage'; reason: string; line: string };

/** Lines longer than this are not fping output; refusing them early bounds the regex work. */
export const MAX_LINE_LENGTH = 2048;

const TS = String.raw`(?:\[(\d{1,12}(?:\.\d{1,9})?)\]\s+)?`;
const NUM = String.raw`(\d+(?:\.\d+)?(?:e[-+]?\d+)?)`;
const REPLY = new RegExp(String.raw`^${TS}(\S+)\s+:\s+\[(\d{1,10})\],\s+(\d{1,6}) bytes,\s+${NUM} ms(?:\s+\(.*\))?$`);
const TIMEOUT = new RegExp(String.raw`^${TS}(\S+)\s+:\s+\[(\d{1,10})\],\s+timed out(?:\s+\(.*\))?$`);
const ICMP_ERROR = new RegExp(
  String.raw`^${TS}(ICMP\s.+?) from (\S+) for ICMP Echo sent to (\S+)(?: \(([^()\s]+)\))?$`,
);
const SUMMARY = /^(?:\[[\d.]+\]\s+)?\S+\s+:\s+xmt\/rcv\/%loss = /;
const STATS_TIME = /^\[\d{2}:\d{2}:\d{2}\]$/;
const DUPLICATE = /^(?:\[[\d.]+\]\s+)?\S+\s+:\s+duplicate for \[\d+\]/;
// fping's own messages ("fping: …") and resolver errors ("name: Name or service not known").
const NOTICE = /^(?:fping: .*|[^\s:][^\s]*: [A-Za-z].*)$/;

function timestamp(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const ms = Number(raw) * 1000;
  return Number.isFinite(ms) ? ms : null;
}

export function parseFpingLine(input: string): FpingLine {
  if (typeof input !== 'string') return { kind: 'garbage', reason: 'not a string', line: '' };
  if (input.length > MAX_LINE_LENGTH) {
    return { kind: 'garbage', reason: 'line too long', line: input.slice(0, 200) };
  }
  const line = input.trim();
  if (line === '') return { kind: 'ignored', reason: 'blank', line };

  let m = REPLY.exec(line);
  if (m) {
    const rttMs = Number(m[5]);
    if (!Number.isFinite(rttMs) || rttMs < 0) {
      return { kind: 'garbage', reason: 'rtt is not a finite number', line };
    }
    return {
      kind: 'reply',
      host: m[2] ?? '',
      seq: Number(m[3]),
      bytes: Number(m[4]),
      rttMs,
      timestampMs: timestamp(m[1]),
    };
  }
  m = TIMEOUT.exec(line);
  if (m) {
    return { kind: 'timeout', host: m[2] ?? '', seq: Number(m[3]), timestampMs: timestamp(m[1]) };
  }
  m = ICMP_ERROR.exec(line);
  if (m) {
    return {
      kind: 'icmpError',
      host: m[4] ?? '',
      address: m[5] ?? null,
      from: m[3] ?? '',
      message: m[2] ?? '',
      timestampMs: timestamp(m[1]),
    };
  }
  if (SUMMARY.test(line)) return { kind: 'ignored', reason: 'summary', line };
  if (STATS_TIME.test(line)) return { kind: 'ignored', reason: 'statsTime', line };
  if (DUPLICATE.test(line)) return { kind: 'ignored', reason: 'duplicate', line };
  if (NOTICE.test(line)) return { kind: 'ignored', reason: 'notice', line };
  return { kind: 'garbage', reason: 'unrecognised line', line };
}

/**
 * Splits a stream of text chunks into lines. Chunks may end mid-line; the tail is kept for the
 * next chunk. A runaway "line" (no newline for MAX_LINE_LENGTH·4 chars) is cut so memory stays
 * bounded; the parser then reports the pieces as garbage.
 */
export class LineSplitter {
  private tail = '';

  constructor(private readonly maxBuffered = MAX_LINE_LENGTH * 4) {}

  push(chunk: string): string[] {
    const text = this.tail + chunk;
    const parts = text.split('\n');
    this.tail = parts.pop() ?? '';
    const lines = parts.map(stripCr);
    if (this.tail.length > this.maxBuffered) {
      lines.push(this.tail);
      this.tail = '';
    }
    return lines;
  }

  /** The unterminated last line, if any (call when the stream ends). */
  flush(): string[] {
    const rest = this.tail;
    this.tail = '';
    return rest === '' ? [] : [stripCr(rest)];
  }
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}
