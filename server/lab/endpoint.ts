// Room endpoints in the lab: a real SIP stack per point (SIPp from Debian's sip-tester, running one of
// the UAS scenarios in ./sip/) and, where a hub wants one, kamailio as the province's registrar. They
// run detached inside the lab's namespaces, like the responders: `lab down` (and the stale cleanup of
// the next start) ends them as processes of those namespaces, so none outlives its lab, not even after
// a crash. A mode change restarts the host's SIPp with another scenario.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { onPath } from './tools';
import { LAB_STATE_DIR, processStart } from './owner';
import { LabError, sleep } from './sys';

export const SIP_PORT = 5060;
export const SIPP = 'sipp';
export const KAMAILIO = 'kamailio';
export const KAMAILIO_MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules';

const SIP_DIR = fileURLToPath(new URL('./sip/', import.meta.url));
const READY_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 2_000;

/** What a room endpoint does with an OPTIONS: answer 200, answer late, answer 503, or nothing (stopped). */
export const ENDPOINT_MODES = ['normal', 'slow', 'refuses', 'down'] as const;
export type EndpointMode = (typeof ENDPOINT_MODES)[number];

const SCENARIO: Record<Exclude<EndpointMode, 'down'>, string> = {
  normal: 'uas-200.xml',
  slow: 'uas-slow.xml',
  refuses: 'uas-503.xml',
};

/** A process the lab started, by pid and start time, so a reused pid is never taken for it. */
export interface LabProcess {
  pid: number;
  start: number;
}

/** Why the lab cannot run room endpoints here (Vietnamese first), or null when it can. */
export function endpointsUnavailable(has: (program: string) => boolean = onPath): string | null {
  if (has(SIPP)) return null;
  return 'thiếu sipp (apt-get install sip-tester): điểm cầu trong lab không có thiết bị đầu cuối SIP — no sipp, no room endpoints';
}

export function registrarUnavailable(has: (program: string) => boolean = onPath): string | null {
  if (has(KAMAILIO)) return null;
  return 'thiếu kamailio (apt-get install kamailio): hub không có tổng đài SIP — no kamailio, no registrar';
}

const hex = (n: number, w: number): string => n.toString(16).toUpperCase().padStart(w, '0');

/** address:port as /proc/net/udp writes it (`0100007F:13C4`: IPv4 little-endian). */
function hexEndpoint(address: string, port: number): string {
  const octets = address.split('.').map(Number).toReversed();
  return `${octets.map((o) => hex(o, 2)).join('')}:${hex(port, 4)}`;
}

/** Whether the process's network namespace has a UDP socket bound to address:port (read via the pid). */
function bound(pid: number, address: string, port: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/net/udp`, 'utf8').includes(` ${hexEndpoint(address, port)} `);
  } catch {
    return false;
  }
}

/**
 * Spawns `ip netns exec NETNS PROGRAM …` detached (ip execs the program: the pid is the program's)
 * and resolves once something in the namespace has bound address:5060.
 */
function spawnBound(netns: string, argv: string[], address: string, what: string): Promise<LabProcess> {
  const child = spawn('ip', ['netns', 'exec', netns, ...argv], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: LAB_STATE_DIR,
  });
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (err.length < 4000) err += chunk;
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
      child.stderr.destroy();
      reject(new LabError(`${what} in ${netns}: ${why} ${err.trim().slice(0, 500)}`.trim()));
    };
    child.once('error', (e) => fail(e.message));
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal})`));
    void (async () => {
      const deadline = Date.now() + READY_TIMEOUT_MS;
      while (!settled && Date.now() < deadline) {
        if (child.pid !== undefined && bound(child.pid, address, SIP_PORT)) {
          settled = true;
          child.removeAllListeners('exit');
          child.stderr.destroy();
          child.unref();
          resolve({ pid: child.pid, start: processStart(child.pid) ?? 0 });
          return;
        }
        await sleep(20);
      }
      fail(`not listening on ${address}:${SIP_PORT} after ${READY_TIMEOUT_MS / 1000} s`);
    })();
  });
}

/**
 * Starts SIPp as the room endpoint at address:5060/udp in `mode` (not `down`). `index` keeps its
 * control port apart from the other endpoints of the namespace (SIPp binds one on 0.0.0.0).
 */
export function startEndpoint(
  netns: string,
  address: string,
  mode: Exclude<EndpointMode, 'down'>,
  opts: { index: number; delayMs?: number },
): Promise<LabProcess> {
  const argv = [
    SIPP,
    '-sf',
    `${SIP_DIR}${SCENARIO[mode]}`,
    '-i',
    address,
    '-p',
    String(SIP_PORT),
    '-t',
    'u1',
    '-nostdin',
    // A free control port per endpoint (default 8888 on every address of the namespace).
    '-cp',
    String(30_000 + opts.index),
    // A loaded 2-core machine may stall it: that must not end the endpoint (SIPp quits after 10 by default).
    '-watchdog_major_maxtriggers',
    '1000000',
    '-watchdog_minor_maxtriggers',
    '1000000',
    ...(mode === 'slow' ? ['-d', String(Math.round(opts.delayMs ?? 0))] : []),
  ];
  return spawnBound(netns, argv, address, `SIPp ${address}`);
}

/** kamailio answering OPTIONS (200) and keeping REGISTERs, at address:5060/udp in the hub's namespace. */
export function startRegistrar(netns: string, address: string): Promise<LabProcess> {
  const argv = [
    KAMAILIO,
    '-f',
    `${SIP_DIR}registrar.cfg`,
    '-L',
    KAMAILIO_MODULES,
    '-l',
    `udp:${address}:${SIP_PORT}`,
    '-DD', // in the foreground: its workers stay in the namespace, ended with it
    '-E',
    '-m',
    '16',
    '-M',
    '4',
    '-Y',
    LAB_STATE_DIR,
  ];
  return spawnBound(netns, argv, address, `kamailio ${address}`);
}

/** Ends a process the lab started (TERM, then KILL); a pid now someone else's is left alone. */
export async function stopProcess(p: LabProcess): Promise<void> {
  const ours = (): boolean => processStart(p.pid) === p.start;
  if (!ours()) return;
  try {
    process.kill(p.pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (ours() && Date.now() < deadline) await sleep(20);
  if (ours()) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
    while (ours() && Date.now() < deadline + STOP_TIMEOUT_MS) await sleep(20);
  }
}
