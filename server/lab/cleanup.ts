// `lab down` and `lab status`. They find a lab's objects from the name prefixes (so also what a
// crashed or killed `lab up` left behind) and its owner from its state file (owner.ts): a lab whose
// owner still runs is left alone unless forced.
import { readFileSync } from 'node:fs';
import { ensureBlackhole, hasBlackhole, removeBlackhole } from './blackhole';
import { dropLabState, labStateNames, ownershipOf, ownerText, readLabState, type Ownership } from './owner';
import { labLinkPrefix } from './plan';
import { listLabLinks, listLabNetns } from './topology';
import { LINK_PREFIX, NETNS_PREFIX, NFT_TABLE, ipJson, run, sleep, tryRun } from './sys';

export interface KeptLab {
  name: string;
  pid: number | null;
  /** "tiến trình 1234 (node … serve --demo)". */
  owner: string;
}

export interface DownReport {
  namespaces: string[];
  links: string[];
  /** Responder processes ended (they run in the lab's namespaces). */
  processes: number[];
  /** Labs left alone because another process that still runs owns them (down without force). */
  kept: KeptLab[];
  /** The root namespace's `blackhole 198.18.0.0/15`: removed with the last lab, kept while others exist. */
  blackhole: 'removed' | 'kept' | 'absent';
  /** The labs that still existed when the blackhole was decided on (the ones it was kept for). */
  labsLeft: string[];
}

export interface DownOptions {
  /** Take the lab down even though its owner still runs. */
  force?: boolean;
}

async function netnsPids(netns: string): Promise<number[]> {
  try {
    const { stdout } = await run('ip', ['netns', 'pids', netns]);
    return stdout.split(/\s+/).filter(Boolean).map(Number).filter(Number.isInteger);
  } catch {
    return [];
  }
}

const programOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
};

/** A zombie counts as gone: it has exited and only waits for its new parent (init) to reap it. */
export const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /s.test(stat);
  } catch {
    return false;
  }
};

const NETNS_NAME = new RegExp(`^${NETNS_PREFIX}([a-z0-9]{1,6})-\\d+d?$`);
const LINK_NAME = new RegExp(`^${LINK_PREFIX}([a-z0-9]{1,6})-\\d+[a-d]$`);

/** Every lab that exists in some form: a state file, a namespace or a leftover link. */
export async function labNames(): Promise<string[]> {
  const fromNetns = (await listLabNetns()).map((n) => NETNS_NAME.exec(n)?.[1]);
  const fromLinks = (await listLabLinks()).map((l) => LINK_NAME.exec(l)?.[1]);
  const names = [...labStateNames(), ...fromNetns, ...fromLinks].filter((n): n is string => n !== undefined);
  return [...new Set(names)].sort();
}

/** Removes the namespaces, links and responders of one lab, whoever owns it (not its state file). */
export async function removeLabObjects(
  name: string,
  report: Pick<DownReport, 'namespaces' | 'links' | 'processes'> = { namespaces: [], links: [], processes: [] },
): Promise<Pick<DownReport, 'namespaces' | 'links' | 'processes'>> {
  const namespaces = await listLabNetns(name);
  const processes: number[] = [];
  // Only processes inside our own namespaces are ended: the responders the lab started.
  for (const netns of namespaces) processes.push(...(await netnsPids(netns)));
  for (const pid of processes) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  for (let i = 0; i < 20 && processes.some(alive); i++) await sleep(50);
  for (const pid of processes.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // Deleting a namespace destroys the veths in it and with them their root-side peers and routes.
  // Delayed namespaces first: they hang off their hub's namespace.
  const ordered = [...namespaces].sort((a, b) => Number(b.endsWith('d')) - Number(a.endsWith('d')));
  for (const netns of ordered) await tryRun('ip', ['netns', 'del', netns]);
  // Leftovers from a crash between creating a veth and moving its peer into the namespace.
  const links = await listLabLinks(name);
  for (const link of links) await tryRun('ip', ['link', 'del', link]);
  const left = [...(await listLabNetns(name)), ...(await listLabLinks(name))];
  if (left.length > 0) throw new Error(`lab down: could not remove ${left.join(', ')}`);
  report.namespaces.push(...namespaces);
  report.links.push(...links);
  report.processes.push(...processes);
  return report;
}

/**
 * Removes every namespace, link and responder of lab `name` (of every lab when omitted), then its
 * state file. A lab whose owner is another process that still runs is left alone (`kept`) unless
 * `force`; a stale one (owner dead) or one left up by a finished `lab up` goes. Idempotent: running
 * it with nothing left is not an error.
 */
export async function labDown(name?: string, opts: DownOptions = {}): Promise<DownReport> {
  const report: DownReport = {
    namespaces: [],
    links: [],
    processes: [],
    kept: [],
    blackhole: 'absent',
    labsLeft: [],
  };
  for (const lab of name ? [name] : await labNames()) {
    const held = readLabState(lab);
    if (held && ownershipOf(held.state) === 'live' && !opts.force) {
      report.kept.push({ name: lab, pid: held.state?.owner?.pid ?? null, owner: ownerText(held.state) });
      continue;
    }
    await removeLabObjects(lab, report);
    // After the objects: while the file is there the lab still counts for the blackhole.
    dropLabState(lab, held);
  }
  // Last, and only with the last lab: until then a probe to a vanished lab address must not leave.
  // Every lab counts, a stale one included (a state file or anything of it in the system).
  report.labsLeft = await labNames();
  if (report.labsLeft.length > 0) report.blackhole = 'kept';
  else if (await removeBlackhole()) {
    report.blackhole = 'removed';
    // A lab claimed between our count and the removal has just added its hubs or is about to:
    // it must not run without the route.
    report.labsLeft = await labNames();
    if (report.labsLeft.length > 0) {
      await ensureBlackhole();
      report.blackhole = 'kept';
    }
  }
  return report;
}

/** A lab's owner as `lab status` shows it (from its state file; `none` when there is none). */
export interface LabOwnerStatus {
  name: string;
  ownership: Ownership | 'none';
  pid: number | null;
  owner: string;
  ranges: string[];
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
  /** What each of `pids` runs (responder python3, sipp, kamailio), in the same order. */
  programs: string[];
}

export interface LabStatus {
  /** Whether `blackhole 198.18.0.0/15` is in the root namespace. */
  blackhole: boolean;
  namespaces: NetnsStatus[];
  /** Root-namespace links of the lab (`dcl-…a`) with their state. */
  links: { name: string; up: boolean }[];
  /** Each lab with its owner. */
  labs: LabOwnerStatus[];
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
    const pids = await netnsPids(netns);
    namespaces.push({
      netns,
      lab: alias?.[1] ?? null,
      hub: alias?.[2] ?? null,
      delayed: alias?.[3] !== undefined,
      uplink: uplink ? { name: uplink.ifname, up: (uplink.flags ?? []).includes('UP') } : null,
      addresses,
      ...nft,
      pids,
      programs: pids.map(programOf),
    });
  }
  const rootLinks = await ipJson<JsonLink>(['link', 'show']);
  const links = rootLinks
    .filter((l) => l.ifname.startsWith(labLinkPrefix(name)))
    .map((l) => ({ name: l.ifname, up: l.operstate === 'UP' }));
  return { blackhole: await hasBlackhole(), namespaces, links, labs: await labOwners(name) };
}

async function labOwners(name?: string): Promise<LabOwnerStatus[]> {
  const out: LabOwnerStatus[] = [];
  for (const lab of name ? [name] : await labNames()) {
    const held = readLabState(lab);
    if (!held && (await listLabNetns(lab)).length === 0) continue;
    const state = held?.state ?? null;
    out.push({
      name: lab,
      ownership: held ? ownershipOf(state) : 'none',
      pid: state?.owner?.pid ?? null,
      owner: ownerText(state),
      ranges: state?.ranges ?? [],
    });
  }
  return out;
}

const OWNERSHIP_TEXT: Record<LabOwnerStatus['ownership'], (l: LabOwnerStatus) => string> = {
  mine: (l) => `chủ là ${l.owner} (tiến trình này)`,
  live: (l) => `chủ là ${l.owner}, đang chạy: chỉ chủ gỡ được (hoặc \`lab down --force\`)`,
  released: () => 'để lại sau `lab up` (không còn chủ): ai cũng gỡ được',
  dead: (l) => `chủ là ${l.owner}, đã dừng: lab cũ, lần dựng sau hoặc \`lab down\` sẽ dọn`,
  none: () => 'không có tệp trạng thái (chủ không rõ): `lab down` gỡ được',
};

export function formatStatus(s: LabStatus): string {
  if (s.namespaces.length === 0 && s.links.length === 0 && s.labs.length === 0) {
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
      n.pids.length ? `tiến trình: ${n.pids.map((p, i) => `${p} ${n.programs[i] ?? '?'}`).join(', ')}` : '',
    ];
    return parts.filter(Boolean).join('  ');
  });
  for (const l of s.labs) lines.push(`Lab ${l.name}: ${OWNERSHIP_TEXT[l.ownership](l)}`);
  if (s.links.length) lines.push(`Liên kết gốc: ${s.links.map((l) => `${l.name} ${l.up ? 'UP' : 'DOWN'}`).join(', ')}`);
  lines.push(`Route blackhole 198.18.0.0/15: ${s.blackhole ? 'có' : 'KHÔNG CÓ (probe có thể lọt ra route mặc định)'}`);
  return lines.join('\n') + '\n';
}
