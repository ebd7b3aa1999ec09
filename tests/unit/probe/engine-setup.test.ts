import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../server/clock';
import {
  createEngine,
  fpingAvailable,
  fpingLoopArgs,
  fpingTimeout,
  usableTargets,
  type ProbeEngine,
} from '../../../server/probe/index';
import { silent } from '../../integration/probe/util';

const opened: ProbeEngine[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((e) => e.close()));
});
const base = { clock: systemClock, logger: silent, onResult: () => {} };

describe('fping arguments', () => {
  it('never carries a host: hosts go on stdin after -f -', () => {
    const args = fpingLoopArgs({ id: 'x', intervalMs: 1000, hosts: ['-c', '127.0.0.1'] }, 950);
    expect(args).toEqual(['-l', '-D', '-r', '0', '-p', '1000', '-t', '950', '-i', '1', '-f', '-']);
    expect(fpingLoopArgs({ id: 'y', intervalMs: 1000, hosts: Array(5000).fill('h') }, 950)).toContain('0.1');
  });

  it('keeps the timeout ahead of the next send', () => {
    expect(fpingTimeout(1000)).toBe(750);
    expect(fpingTimeout(2000)).toBe(1000);
    expect(fpingTimeout(60_000)).toBe(1000);
    expect(fpingTimeout(200, 200)).toBe(150);
    expect(fpingTimeout(200, 50)).toBe(50);
    expect(fpingTimeout(10)).toBe(5);
  });

  it('re-checks targets before they reach a process', () => {
    const refused: string[] = [];
    const ok = usableTargets(
      [
        { host: '127.0.0.1', intervalMs: 1000.4 },
        { host: '-f', intervalMs: 1000 },
        { host: 'a\nb', intervalMs: 1000 },
        { host: '127.0.0.2', intervalMs: Number.NaN },
        { host: '127.0.0.3', intervalMs: 5 },
        { host: 42 as unknown as string, intervalMs: 1000 },
      ],
      (t) => refused.push(String(t.host)),
    );
    expect(ok).toEqual([{ host: '127.0.0.1', intervalMs: 1000 }]);
    expect(refused).toEqual(['-f', 'a\nb', '127.0.0.2', '127.0.0.3', '42']);
  });
});

describe('createEngine', () => {
  it('finds fping on PATH, or not', () => {
    expect(fpingAvailable('definitely-not-fping-xyz')).toBe(false);
    expect(fpingAvailable('/bin/false')).toBe(true);
    expect(fpingAvailable('/tmp')).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'dc-probe-'));
    try {
      writeFileSync(join(dir, 'fping'), '#!/bin/sh\n', { mode: 0o644 });
      expect(fpingAvailable(join(dir, 'fping'))).toBe(false); // no x bit: not even root may run it
      chmodSync(join(dir, 'fping'), 0o755);
      expect(fpingAvailable(join(dir, 'fping'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('picks fping when installed, ping on request, and refuses fping when missing', () => {
    const auto = createEngine({ ...base, kind: 'auto' });
    opened.push(auto);
    expect(auto.name).toBe(fpingAvailable() ? 'fping' : 'ping');
    const ping = createEngine({ ...base, kind: 'ping' });
    opened.push(ping);
    expect(ping.name).toBe('ping');
    expect(() => createEngine({ ...base, kind: 'fping', fping: { fpingPath: '/nonexistent/fping' } })).toThrow(
      /not installed/,
    );
    const fallback = createEngine({ ...base, fping: { fpingPath: '/nonexistent/fping' } });
    opened.push(fallback);
    expect(fallback.name).toBe('ping');
  });
});
