// A real `diemcau serve` child process for the fault tests: an inventory file, an account made
// beforehand straight in the database (as `diemcau user add` does), and the URL once the banner is out.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { Role } from '../../shared/protocol';
import type { Meeting, Point, Unit } from '../../shared/schemas';
import { Sessions } from '../../server/auth/sessions';
import { Users } from '../../server/auth/users';
import { ManualClock } from '../../server/clock';
import { openStore } from '../../server/store/open';
import { waitFor } from './app';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'diemcau.mjs');

export interface ServeOptions {
  dir: string;
  inventory: { units: Unit[]; points: Point[]; meetings: Meeting[] };
  user: { name: string; password: string; role: Role };
  env?: NodeJS.ProcessEnv;
}

/** Starts serve with the fping engine on a free loopback port; resolves with the child and its URL. */
export async function startServe(o: ServeOptions): Promise<{ child: ChildProcess; url: string; db: string }> {
  const db = join(o.dir, 'diemcau.sqlite');
  const config = join(o.dir, 'province.json');
  writeFileSync(config, JSON.stringify(o.inventory, null, 2));
  const store = await openStore(db);
  const clock = new ManualClock(Date.now());
  const sessions = new Sessions({ store, clock, logger: pino({ level: 'silent' }) });
  await new Users({ store, clock, sessions }).create(o.user);
  await store.close();
  const args = ['serve', '--config', config, '--db', db, '--port', '0', '--host', '127.0.0.1'];
  const child = spawn(process.execPath, [BIN, ...args, '--engine', 'fping', '--log-level', 'warn'], {
    cwd: ROOT,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await waitFor('the serve banner', () => /diemcau: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)?.[1], 20_000);
  return { child, url, db };
}
