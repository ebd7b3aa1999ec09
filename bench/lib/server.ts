// The app under test in a process of its own (a fresh heap per size, and CPU and memory that are only
// the server's): n loopback points at 1 Hz with the fping engine and a live meeting. Prints one JSON
// line { url, cookie, dbFile, up } once every point is up (or after 60 s), and stops on SIGTERM.
// Usage: tsx bench/lib/server.ts <points> <dir>
import { startTestApp } from '../../tests/helpers/app';
import { liveMeeting, syntheticProvince } from './province';

export interface ServerInfo {
  url: string;
  cookie: string;
  dbFile: string;
  up: number;
}

export const BENCH_MEETING = 'BENCH';

async function main(): Promise<void> {
  const [n, dir] = process.argv.slice(2);
  if (!n || !dir) throw new Error('usage: server.ts points dir');
  const { units, points } = syntheticProvince(Number(n), 40);
  // As `serve` runs: the probes in a monitor process, reports and exports in worker threads.
  const t = await startTestApp({
    dir,
    units,
    points,
    meetings: [liveMeeting(BENCH_MEETING)],
    engine: 'fping',
    monitorProcess: true,
    workers: true,
  });
  const board = t.app.monitor.board;
  const up = (): number => board.statuses().filter((s) => s.state === 'up').length;
  const deadline = Date.now() + 60_000;
  while (up() < Number(n) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  const info: ServerInfo = { url: t.url, cookie: t.cookie, dbFile: t.dbFile, up: up() };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  const final = up();
  await t.dispose();
  process.stdout.write(`${JSON.stringify({ up: final })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
