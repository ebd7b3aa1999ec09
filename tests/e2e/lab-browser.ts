// Headless Chromium inside a network namespace of its own with only loopback up: it can reach
// nothing but what we put on that loopback. The dashboard is put there by two small relays:
//
//   Chromium ──TCP 127.0.0.1:P (namespace)──▶ relay in the namespace ──unix socket──▶ relay here
//            ──TCP 127.0.0.1:P (root namespace)──▶ the app
//
// A unix socket is a file, not a network endpoint, so it crosses network namespaces while nothing
// else does. Using the app's own port P on the namespace's loopback keeps the URL (and so the
// cookie's host, the Origin and Host headers the app checks) the same on both sides. Playwright
// starts Chromium through a wrapper that execs `ip netns exec NS /usr/bin/chromium "$@"`: the
// DevTools pipe (fds 3 and 4) passes through exec unchanged.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM, CHROMIUM_OPTIONS } from '../helpers/browser';

export const BROWSER_NETNS = 'dc-brw-lab';

// Runs inside the namespace: TCP on its loopback → the unix socket. Inline, so nothing is left on disk.
const NS_RELAY = `
const net = require('node:net');
const [sock, port] = process.argv.slice(1);
const server = net.createServer((c) => {
  const u = net.connect(sock);
  c.pipe(u).pipe(c);
  c.on('error', () => u.destroy());
  u.on('error', () => c.destroy());
});
server.listen(Number(port), '127.0.0.1', () => console.log('ready'));
`;

const ip = (...args: string[]): string =>
  execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const tryIp = (...args: string[]): void => {
  try {
    ip(...args);
  } catch {
    // already gone
  }
};

/** Ends every process left in the namespace (ours: the relay and Chromium), then deletes it. */
export function removeBrowserNetns(): void {
  let pids: number[] = [];
  try {
    pids = ip('netns', 'pids', BROWSER_NETNS).split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return; // no such namespace
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
  tryIp('netns', 'del', BROWSER_NETNS);
}

export interface NetnsBrowser {
  context: BrowserContext;
  /** `ip -n NS …` output, for checks on what the namespace holds. */
  ipIn(...args: string[]): string;
  close(): Promise<void>;
}

function relayHere(sockPath: string, port: number): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((u) => {
    const c = createConnection(port, '127.0.0.1');
    for (const s of [u, c]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => (s === u ? c : u).destroy());
    }
    u.pipe(c).pipe(u);
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(sockPath, () => resolve(server));
  });
}

function relayInNetns(sockPath: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    'ip',
    ['netns', 'exec', BROWSER_NETNS, process.execPath, '-e', NS_RELAY, sockPath, String(port)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('relay in the namespace: not ready after 5 s')), 5000);
    child.once('exit', (code) => reject(new Error(`relay in the namespace exited (${code})`)));
    child.stdout!.once('data', () => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve(child);
    });
  });
}

/** A namespace with only `lo` up, the dashboard at `appPort` on its loopback, and Chromium in it. */
export async function launchNetnsBrowser(appPort: number): Promise<NetnsBrowser> {
  removeBrowserNetns(); // what a crashed run may have left
  const dir = mkdtempSync(join(tmpdir(), 'dc-brw-'));
  let here: Server | undefined;
  let relay: ChildProcess | undefined;
  let context: BrowserContext | undefined;
  const close = async (): Promise<void> => {
    await context?.close().catch(() => undefined);
    relay?.kill('SIGKILL');
    await new Promise<void>((r) => (here ? here.close(() => r()) : r()));
    removeBrowserNetns();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    ip('netns', 'add', BROWSER_NETNS);
    ip('-n', BROWSER_NETNS, 'link', 'set', 'lo', 'up');
    const sockPath = join(dir, 'app.sock');
    here = await relayHere(sockPath, appPort);
    relay = await relayInNetns(sockPath, appPort);
    const wrapper = join(dir, 'chromium-in-netns');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${BROWSER_NETNS} ${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o755);
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      ...CHROMIUM_OPTIONS,
      executablePath: wrapper,
    });
  } catch (err) {
    await close();
    throw err;
  }
  return { context, ipIn: (...args) => ip('-n', BROWSER_NETNS, ...args), close };
}
