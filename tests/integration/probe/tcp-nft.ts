// A test's own nftables table that makes chosen loopback addresses ignore (drop) or refuse with ICMP
// host-unreachable (reject) TCP connection attempts, so a listener that "never answers" and an
// unreachable host are real kernel behaviour. Named like tests/helpers/nft.ts's tables, so its sweep
// removes them if this process dies.
import { execFileSync } from 'node:child_process';
import { isIPv4 } from '../../../shared/host';

export interface TcpBlock {
  add(addr: string): void;
  destroy(): void;
}

const live = new Set<string>();
let counter = 0;

const nft = (...args: string[]): string =>
  execFileSync('nft', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function drop(name: string): void {
  try {
    nft('delete', 'table', 'inet', name);
  } catch {
    // Already gone.
  }
  live.delete(name);
}

export function createTcpBlock(verdict: 'drop' | 'reject'): TcpBlock {
  const name = `diemcau_test_${process.pid}_${900_000 + ++counter}`;
  const action = verdict === 'reject' ? ['reject', 'with', 'icmp', 'type', 'host-unreachable'] : ['drop'];
  nft('add', 'table', 'inet', name);
  live.add(name);
  try {
    nft('add', 'set', 'inet', name, 'targets', '{ type ipv4_addr; }');
    nft('add', 'chain', 'inet', name, 'syn', '{ type filter hook input priority 0; policy accept; }');
    nft('add', 'rule', 'inet', name, 'syn', 'ip', 'daddr', '@targets', 'tcp', 'flags', 'syn', ...action);
  } catch (err) {
    drop(name);
    throw err;
  }
  return {
    add(addr) {
      if (!isIPv4(addr) || !addr.startsWith('127.')) throw new Error(`loopback 127.0.0.0/8 only, not ${addr}`);
      nft('add', 'element', 'inet', name, 'targets', `{ ${addr} }`);
    },
    destroy: () => drop(name),
  };
}

/** Removes every table this process created here; safe to call more than once. */
export function destroyAllTcpBlocks(): void {
  for (const name of live) drop(name);
}

process.once('exit', destroyAllTcpBlocks);
