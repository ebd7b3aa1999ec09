// A test's own nftables table that makes chosen loopback addresses stop answering pings.
// Every table is named diemcau_test_<pid>_<n>, destroyed by destroy(), by destroyAllNftTables()
// (call it in afterAll) and, as a last resort, by a process 'exit' hook. Tables left by test
// processes that no longer exist are swept when the next one is created.
import { execFileSync } from 'node:child_process';
import { isIPv4 } from '../../shared/host';

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function nftAvailable(): boolean {
  try {
    execFileSync('nft', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why nftables tests cannot run here, or null when they can. */
export function nftSkipReason(): string | null {
  if (!isRoot()) return 'needs root (nftables): run the tests as root to cover packet loss';
  if (!nftAvailable()) return 'needs the nft command (apt install nftables)';
  return null;
}

export interface NftDropOptions {
  /**
   * 'output' (default): the echo request is dropped as it leaves, so sendto() fails — what a
   * local firewall does. 'input': it is dropped on arrival at lo, so the sender sees a silent
   * timeout — what a dead line does.
   */
  hook?: 'output' | 'input';
  /** 'reject' answers with ICMP host-unreachable instead of dropping (input hook only). */
  verdict?: 'drop' | 'reject';
  /**
   * 'echo' (default): only ICMP echo requests, so other services on the address still answer.
   * 'all': every packet to the address (a dead line: its SIP, TCP and HTTP die with its pings).
   */
  traffic?: 'echo' | 'all';
}

export interface NftDropTable {
  readonly name: string;
  add(addr: string): void;
  remove(addr: string): void;
  destroy(): void;
}

const live = new Set<string>();
let counter = 0;
let hooked = false;

function nft(...args: string[]): string {
  return execFileSync('nft', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function deleteTable(name: string): void {
  try {
    nft('delete', 'table', 'inet', name);
  } catch {
    // Already gone.
  }
  live.delete(name);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sweepOrphans(): void {
  const out = nft('list', 'tables');
  for (const m of out.matchAll(/table inet (diemcau_test_(\d+)_\d+)/g)) {
    const [, name, pid] = m;
    if (name && Number(pid) !== process.pid && !pidAlive(Number(pid))) deleteTable(name);
  }
}

/** Loopback only: the tests' network rule allows no other destination here. */
function checkAddr(addr: string): void {
  if (!isIPv4(addr) || !addr.startsWith('127.')) {
    throw new Error(`nft helper only drops loopback 127.0.0.0/8 addresses, not ${addr}`);
  }
}

export function createDropTable(opts: NftDropOptions = {}): NftDropTable {
  const hook = opts.hook ?? 'output';
  const verdict = opts.verdict ?? 'drop';
  const match = opts.traffic === 'all' ? [] : ['icmp', 'type', 'echo-request'];
  if (verdict === 'reject' && hook !== 'input') throw new Error('reject needs the input hook');
  if (!hooked) {
    hooked = true;
    process.once('exit', destroyAllNftTables);
  }
  sweepOrphans();
  const name = `diemcau_test_${process.pid}_${++counter}`;
  const action = verdict === 'reject' ? 'reject with icmp type host-unreachable' : 'drop';
  nft('add', 'table', 'inet', name);
  live.add(name);
  try {
    nft('add', 'set', 'inet', name, 'targets', '{ type ipv4_addr; }');
    nft(
      'add', 'chain', 'inet', name, 'probe',
      `{ type filter hook ${hook} priority 0; policy accept; }`,
    ); // prettier-ignore
    nft(
      'add', 'rule', 'inet', name, 'probe',
      'ip', 'daddr', '@targets', ...match, ...action.split(' '),
    ); // prettier-ignore
  } catch (err) {
    deleteTable(name);
    throw err;
  }
  return {
    name,
    add(addr) {
      checkAddr(addr);
      nft('add', 'element', 'inet', name, 'targets', `{ ${addr} }`);
    },
    remove(addr) {
      checkAddr(addr);
      nft('delete', 'element', 'inet', name, 'targets', `{ ${addr} }`);
    },
    destroy() {
      deleteTable(name);
    },
  };
}

/** Removes every table this process created. Safe to call more than once. */
export function destroyAllNftTables(): void {
  for (const name of live) deleteTable(name); // deleting while iterating a Set is safe
}

/** Names of this process's tables that still exist in the kernel (for cleanup assertions). */
export function listOwnTables(): string[] {
  const out = nft('list', 'tables');
  return [...out.matchAll(/table inet (diemcau_test_(\d+)_\d+)/g)]
    .filter((m) => Number(m[2]) === process.pid)
    .map((m) => m[1] as string);
}
