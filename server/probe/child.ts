import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Spawns a probe program with an argument array (never a shell) and a fixed C locale, so the
 * output format we parse does not depend on the server's language settings.
 */
export function spawnProbe(file: string, args: readonly string[]): ChildProcess {
  return spawn(file, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    windowsHide: true,
  });
}

export function hasExited(child: ChildProcess): boolean {
  return child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export function killAndWait(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const escalate = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(escalate);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
