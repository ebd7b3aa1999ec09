// Shared by the lab tests: real pings from the root namespace, and a check that a lab left nothing.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

export const isRoot = process.getuid?.() === 0;

function exec(cmd: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, (err, stdout) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout });
    });
  });
}

/** `ping -c1 -W1`: true when a reply came back. */
export async function pingOnce(address: string): Promise<boolean> {
  return (await exec('ping', ['-n', '-c1', '-W1', address])).code === 0;
}

export async function reachable(addresses: readonly string[]): Promise<Record<string, boolean>> {
  const results = await Promise.all(addresses.map(pingOnce));
  return Object.fromEntries(addresses.map((a, i) => [a, results[i]!]));
}

/** Every RTT of `count` pings sent `intervalS` apart (lost ones are simply missing). */
export async function pingRtts(address: string, count: number, intervalS: number): Promise<number[]> {
  const { stdout } = await exec('ping', ['-n', '-c', String(count), '-i', String(intervalS), '-W', '1', address]);
  return [...stdout.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1]));
}

/** Replies out of `count` pings sent `intervalS` apart. */
export async function pingReceived(address: string, count: number, intervalS: number): Promise<number> {
  const { stdout } = await exec('ping', ['-n', '-q', '-c', String(count), '-i', String(intervalS), '-W', '1', address]);
  const m = /(\d+) packets transmitted, (\d+) received/.exec(stdout);
  if (!m) throw new Error(`unexpected ping output: ${stdout}`);
  return Number(m[2]);
}

/** What of lab `name` is visible on the system: namespaces, root links, nft tables, routes. */
export async function labObjects(name: string): Promise<string[]> {
  const netns = (await exec('ip', ['netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith(`dc-lab-${name}-`));
  const links = (await exec('ip', ['-br', 'link'])).stdout.split('\n').filter((l) => l.startsWith(`dcl-${name}-`));
  const tables = (await exec('nft', ['list', 'tables'])).stdout.split('\n').filter((l) => l.includes('dc-lab'));
  const routes = (await exec('ip', ['route'])).stdout.split('\n').filter((l) => l.includes(`dcl-${name}-`));
  return [...netns, ...links, ...tables, ...routes].map((l) => l.trim());
}

export async function expectNoLabObjects(name: string): Promise<void> {
  expect(await labObjects(name)).toEqual([]);
}

export function tempDir(): { dir: string; file: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'diemcau-lab-'));
  return { dir, file: (n) => join(dir, n), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export { alive } from '../../../server/lab/cleanup';
