// `lab down` and `lab status`. Both work from the name prefixes alone (no state file), so they also
// find what a crashed or killed `lab up` left behind.
import { readFileSync } from 'node:fs';
import { hasBlackhole, removeBlackhole } from './blackhole';
import { labLinkPrefix } from './plan';
import { listLabLinks, listLabNetns } from './topology';
import { NFT_TABLE, ipJson, run, sleep, tryRun } from './sys';

export interface DownReport {
  namespaces: string[];
  links: string[];
  /** Responder processes ended (they run in the lab's namespaces). */
  processes: number[];
  /** The root namespace's `blackhole 198.18.0.0/15`: removed with the last lab, kept while others are up. */
  blackhole: 'removed' | 'kept' | 'absent';
}

async function netnsPids(netns: string): Promise<number[]> {
  try {
    const { stdout } = await run('ip', ['netns', 'pids', netns]);
    return stdout.split(/\s+/).filter(Boolean).map(Number).filter(Number.isInteger);
  } catch {
    return [];
  }
}

/** A zombie counts as gone: it has exited and only waits for its new parent (init) to reap it. */
export const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /s.test(stat);
  } catch {
    return false;
  }
};

/**
 * Removes every namespace, link and responder of lab `name` (all labs when omitted). Idempotent:
 * running it with nothing left is not an error.
 */
export async function labDown(name?: string): Promise<DownReport> {
  const report: DownReport = { namespaces: await listLabNetns(name), links: [], processes: [], blackhole: 'absent' };
  // Only processes inside our own namespaces are ended: the responders the lab started.
  for (const netns of report.namespaces) report.processes.push(...(await netnsPids(netns)));
  for (const pid of report.processes) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  for (let i = 0; i < 20 && report.processes.some(alive); i++) await sleep(50);
  for (const pid of report.processes.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // Deleting a namespace destroys the veths in it and with them their root-side peers and routes.
  // Delayed namespaces first: they hang off their hub's namespace.
  const ordered = [...report.namespaces].sort((a, b) => Number(b.endsWith('d')) - Number(a.endsWith('d')));
  for (const netns of ordered) await tryRun('ip', ['netns', 'del', netns]);
  // Leftovers from a crash between creating a veth and moving its peer into the namespace.
  report.links = await listLabLinks(name);
  for (const link of report.links) await tryRun('ip', ['link', 'del', link]);
  const left = [...(await listLabNetns(name)), ...(await listLabLinks(name))];
  if (left.length > 0) throw new Error(`lab down: could not remove ${left.join(', ')}`);
  // Last, and only with the last lab: until then a probe to a vanished lab address must not leave.
  if ((await listLabNetns()).length > 0) report.blackhole = 'kept';
  else if (await removeBlackhole()) report.blackhole = 'removed';
  return report;
}

export interface NetnsStatus {
  netns: string;
  /** From the uplink's alias: `diemcau lab <lab> hub <hub>`. */
  lab: string | null;
  hub: string | null;
  delayed: boolean;
  uplink: { name: string; up: boolean } | null;
  addresses: string[];
  hostsDown: string[];
  loss: { address: string; percent: number }[];
  pids: number[];
}

export interface LabStatus {
  /** Whether `blackhole 198.18.0.0/15` is in the root namespace. */
  blackhole: boolean;
  namespaces: NetnsStatus[];
  /** Root-namespace links of the lab (`dcl-…a`) with their state. */
  links: { name: string; up: boolean }[];
}

interface JsonLink {
  ifname: string;
  operstate?: string;
  flags?: string[];
  ifalias?: string;
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

interface NftJson {
  nftables?: {
    set?: { name: string; elem?: unknown[] };
    rule?: { chain: string; expr: { match?: { left?: unknown; right?: unknown } }[] };
  }[];
}

function nftState(json: NftJson): Pick<NetnsStatus, 'hostsDown' | 'loss'> {
  const hostsDown: string[] = [];
  const loss: { address: string; percent: number }[] = [];
  for (const item of json.nftables ?? []) {
    if (item.set?.name === 'down') hostsDown.push(...(item.set.elem ?? []).map(String));
    if (item.rule?.chain === 'loss') {
      const rights = item.rule.expr.map((e) => e.match?.right);
      const address = rights.find((r) => typeof r === 'string' && /^\d+\.\d+\.\d+\.\d+$/.test(r));
      const share = rights.find((r) => typeof r === 'number');
      // A rule without a draw drops everything (100 %).
      if (typeof address === 'string') loss.push({ address, percent: typeof share === 'number' ? share / 100 : 100 });
    }
  }
  return { hostsDown, loss };
}

/** What exists of lab `name` (all labs when omitted), read from the system. */
export async function labStatus(name?: string): Promise<LabStatus> {
  const namespaces: NetnsStatus[] = [];
  for (const netns of await listLabNetns(name)) {
    // `addr show` has no aliases, `link show` no addresses: ask both.
    const links = await ipJson<JsonLink>(['-n', netns, 'link', 'show']).catch((): JsonLink[] => []);
    const addrs = await ipJson<JsonLink>(['-n', netns, 'addr', 'show']).catch((): JsonLink[] => []);
    const uplink = links.find((l) => l.ifalias?.startsWith('diemcau lab '));
    const alias = /^diemcau lab (\S+) hub (\S+)( delayed)?$/.exec(uplink?.ifalias ?? '');
    const addresses = addrs.flatMap((l) =>
      (l.addr_info ?? []).filter((a) => a.family === 'inet' && a.local.startsWith('198.18.')).map((a) => a.local),
    );
    let nft: Pick<NetnsStatus, 'hostsDown' | 'loss'> = { hostsDown: [], loss: [] };
    const listed = await run('ip', ['netns', 'exec', netns, 'nft', '-j', 'list', 'table', 'ip', NFT_TABLE]).catch(
      () => null,
    );
    if (listed) nft = nftState(JSON.parse(listed.stdout) as NftJson);
    namespaces.push({
      netns,
      lab: alias?.[1] ?? null,
      hub: alias?.[2] ?? null,
      delayed: alias?.[3] !== undefined,
      uplink: uplink ? { name: uplink.ifname, up: (uplink.flags ?? []).includes('UP') } : null,
      addresses,
      ...nft,
      pids: await netnsPids(netns),
    });
  }
  const rootLinks = await ipJson<JsonLink>(['link', 'show']);
  const links = rootLinks
    .filter((l) => l.ifname.startsWith(labLinkPrefix(name)))
    .map((l) => ({ name: l.ifname, up: l.operstate === 'UP' }));
  return { blackhole: await hasBlackhole(), namespaces, links };
}

export function formatStatus(s: LabStatus): string {
  if (s.namespaces.length === 0 && s.links.length === 0) {
    const left = s.blackhole ? ' Còn route blackhole 198.18.0.0/15: `diemcau lab down` gỡ nó.' : '';
    return `Không có lab nào đang chạy. (No lab is up.)${left}\n`;
  }
  const lines = s.namespaces.map((n) => {
    const parts = [
      n.netns.padEnd(20),
      `lab ${n.lab ?? '?'}`,
      `hub ${n.hub ?? '?'}${n.delayed ? ' (trễ/mất gói: bộ trả lời)' : ''}`,
      n.uplink ? `${n.uplink.name} ${n.uplink.up ? 'UP' : 'DOWN (đứt đường truyền)'}` : '',
      `${n.addresses.length} địa chỉ`,
      n.hostsDown.length ? `mất điện: ${n.hostsDown.join(' ')}` : '',
      n.loss.length ? `mất gói: ${n.loss.map((l) => `${l.address} ${l.percent}%`).join(', ')}` : '',
      n.pids.length ? `tiến trình: ${n.pids.join(' ')}` : '',
    ];
    return parts.filter(Boolean).join('  ');
  });
  if (s.links.length) lines.push(`Liên kết gốc: ${s.links.map((l) => `${l.name} ${l.up ? 'UP' : 'DOWN'}`).join(', ')}`);
  lines.push(`Route blackhole 198.18.0.0/15: ${s.blackhole ? 'có' : 'KHÔNG CÓ (probe có thể lọt ra route mặc định)'}`);
  return lines.join('\n') + '\n';
}
