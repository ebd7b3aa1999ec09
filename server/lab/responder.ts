// Starts the user-space echo responder (scripts/lab/icmp-delay-responder.py) inside a namespace.
// It is detached on purpose: the lab stays up after `lab up` exits, and `lab down` finds and ends
// it as a process of the lab's namespace (`ip netns pids`), not through a pid file.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DelayProfile } from './scenario';
import { LabError, PYTHON } from './sys';

export const RESPONDER_SCRIPT = fileURLToPath(new URL('../../scripts/lab/icmp-delay-responder.py', import.meta.url));
const READY_TIMEOUT_MS = 5_000;

export interface ResponderHost {
  id: string;
  address: string;
  ms: number;
  jitterMs: number;
  profile: DelayProfile;
  /** Seeded loss, drawn per request by the responder (0: none). */
  lossPercent: number;
}

export interface ResponderOptions {
  seed: number;
  /** Every request to a lossy host is appended here as a `probe` truth line (the truth file). */
  log?: string | null;
}

/** Resolves with the responder's pid once it has bound its sockets. */
export function startResponder(
  netns: string,
  hosts: readonly ResponderHost[],
  opts: ResponderOptions,
): Promise<number> {
  const config = JSON.stringify({ seed: opts.seed, log: opts.log ?? null, hosts });
  const args = ['netns', 'exec', netns, PYTHON, RESPONDER_SCRIPT, '--config', config];
  const child = spawn('ip', args, { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.stdout.destroy();
      if (child.exitCode === null) child.kill('SIGKILL');
      reject(new LabError(`ICMP responder in ${netns}: ${why}`));
    };
    const timer = setTimeout(() => fail('not ready after 5 s'), READY_TIMEOUT_MS);
    child.on('error', (err) => fail(err.message));
    child.on('exit', (code) => fail(`exited (${code}) ${out.trim()}`));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (!out.includes('ready\n')) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout.destroy();
      child.unref();
      resolve(child.pid!);
    });
  });
}
