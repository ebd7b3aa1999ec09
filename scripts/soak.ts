// Soak run (issue 6): the real app (SQLite file, fping engine, Socket.IO) monitoring 2,000 loopback points
// at 1 Hz in a live meeting, with a few logged-in dashboard sockets, for 30 minutes. RSS is sampled every
// 10 s; growth is compared between the minute after the warm-up and the last minute. Not part of npm test.
//   npx tsx scripts/soak.ts [--minutes 30] [--warmup 10] [--points 2000] [--clients 5]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { liveMeeting, syntheticProvince } from '../bench/lib/province';
import { machine } from '../bench/lib/machine';
import { section, writeResults } from '../bench/lib/results';
import { textTable } from '../bench/lib/table';
import type { BenchResult } from '../bench/lib/types';
import { connectSocket, connected, startTestApp, type TestSocket } from '../tests/helpers/app';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '10' },
    points: { type: 'string', default: '2000' },
    clients: { type: 'string', default: '5' },
    'sample-s': { type: 'string', default: '10' },
    'no-write': { type: 'boolean', default: false },
  },
});
const minutes = Number(values.minutes);
const warmupMin = Number(values.warmup);
const nPoints = Number(values.points);
const nClients = Number(values.clients);
const sampleMs = Number(values['sample-s']) * 1000;
const log = (s: string): void => void process.stdout.write(`${new Date().toISOString()} ${s}\n`);
const mib = (b: number): number => Math.round((b / 2 ** 20) * 10) / 10;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function main(): Promise<number> {
  const m = machine();
  const started = new Date();
  const { units, points } = syntheticProvince(nPoints, 30);
  const t = await startTestApp({ units, points, meetings: [liveMeeting('SOAK')], engine: 'fping' });
  const sockets: TestSocket[] = [];
  let deltas = 0;
  try {
    for (let i = 0; i < nClients; i++) {
      const s = connectSocket(t.url, t.cookie);
      sockets.push(s);
      await connected(s);
      const ack = await s.emitWithAck('meeting:join', { meetingId: 'SOAK' });
      if (!ack.ok) throw new Error(`join refused: ${ack.error.message}`);
      s.on('meeting:delta', () => void deltas++);
    }
    log(`soak: ${nPoints} points at 1 Hz, ${nClients} clients, ${minutes} min (warm-up ${warmupMin} min)`);
    const samples: { at: number; rss: number; heap: number }[] = [];
    const t0 = Date.now();
    const end = t0 + minutes * 60_000;
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, sampleMs));
      const mu = process.memoryUsage();
      samples.push({ at: Date.now() - t0, rss: mu.rss, heap: mu.heapUsed });
      const up = t.app.monitor.board.statuses().filter((s) => s.state === 'up').length;
      log(
        `t=${Math.round((Date.now() - t0) / 1000)}s rss=${mib(mu.rss)}MiB heap=${mib(mu.heapUsed)}MiB up=${up} deltas=${deltas}`,
      );
    }
    const warm = warmupMin * 60_000;
    const window = 60_000;
    const after = samples.filter((s) => s.at > warm && s.at <= warm + window).map((s) => s.rss);
    const last = samples.filter((s) => s.at > minutes * 60_000 - window).map((s) => s.rss);
    const base = mean(after);
    const final = mean(last);
    const growth = ((final - base) / base) * 100;
    const peak = Math.max(...samples.filter((s) => s.at > warm).map((s) => s.rss));
    const up = t.app.monitor.board.statuses().filter((s) => s.state === 'up').length;
    const results: BenchResult[] = [
      {
        name: `soak: RSS growth after ${warmupMin} min warm-up`,
        value: Math.round(growth * 100) / 100,
        unit: '%',
        target: '< 5 %',
        ok: growth < 5,
        note: `${mib(base)} → ${mib(final)} MiB (means of the minute after warm-up and of the last minute)`,
      },
      { name: 'soak: peak RSS after warm-up', value: mib(peak), unit: 'MiB' },
      {
        name: 'soak: duration',
        value: minutes,
        unit: 'min',
        note: `${nPoints} points at 1 Hz (fping), ${nClients} clients, RSS every ${sampleMs / 1000} s`,
      },
      { name: 'soak: points up at the end', value: up, unit: `of ${nPoints}`, ok: up === nPoints },
      { name: 'soak: deltas received per client', value: Math.round(deltas / nClients), unit: 'deltas' },
    ];
    process.stdout.write(`\n${textTable(results)}\n`);
    if (!values['no-write']) {
      const part = {
        name: 'soak',
        description:
          'Soak (issue 6, `npx tsx scripts/soak.ts`): the real app with a live meeting, 2,000 loopback points at 1 Hz, a few dashboard sockets; RSS sampled every 10 s.',
        run: async () => results,
      };
      const file = join(import.meta.dirname, '..', 'bench', 'RESULTS.md');
      writeResults(file, new Map([['soak', section(part, results, m, started, minutes < 30)]]));
      log(`written: ${file}`);
    }
    return results.every((r) => r.ok !== false) ? 0 : 1;
  } finally {
    for (const s of sockets) s.disconnect();
    await t.dispose();
  }
}

process.exitCode = await main();
