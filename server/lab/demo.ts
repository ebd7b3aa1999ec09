// `serve --demo` on the lab: when it can (root on Linux with ip, nft and python3), the demo province's
// points live in network namespaces instead of on loopback, and a looping timeline keeps a few
// communes flaky and cuts one now and then, so a newcomer sees real outages on the dashboard.
// Elsewhere the demo stays on loopback and says why.
import type { Logger } from 'pino';
import { InventoryFile, type Point, type Unit } from '../../shared/schemas';
import { seededRandom } from './generate';
import { endpointTarget } from './inventory';
import { Lab } from './lab';
import { LAB_NAME, type LabPlan } from './plan';
import { MAX_HOSTS_PER_HUB, parseScenario, type Scenario, type TimelineEntry } from './scenario';
import { PYTHON } from './sys';
import { onPath } from './tools';

export const DEMO_LAB_NAME = 'demo';
/** 198.18.200.0/24 onwards: clear of the test suite's labs (which stay below 200). */
export const DEMO_LAB_BASE = 200;
/** The timeline repeats every 10 minutes. */
export const DEMO_LOOP_S = 600;
const SEED = 2022;
/** Share of the points with a room endpoint (SIPp, ~6 MB each): enough to see some, cheap on a laptop. */
export const DEMO_ENDPOINT_SHARE = 0.15;

export type DemoLabChoice = 'auto' | 'on' | 'off';

interface Host {
  uid?: number;
  platform?: NodeJS.Platform;
  /** Whether a program is found (PATH plus the sbin directories). */
  has?: (program: string) => boolean;
}

/** Why the demo cannot use the lab here (Vietnamese first), or null when it can. */
export function demoLabUnavailable(host: Host = {}): string | null {
  const platform = host.platform ?? process.platform;
  const uid = host.uid ?? process.getuid?.();
  const has = host.has ?? onPath;
  if (platform !== 'linux')
    return `phòng thí nghiệm mạng chỉ chạy trên Linux (đây là ${platform}) — the lab needs Linux`;
  if (uid !== 0) return 'cần quyền root để tạo network namespace — the lab needs root (sudo npm start)';
  const missing = ['ip', 'nft', PYTHON].filter((p) => !has(p));
  if (missing.length > 0)
    return `thiếu ${missing.join(', ')} (apt-get install iproute2 nftables python3) — missing tools`;
  return null;
}

/** Walks up to the point's district (its hub), or to the top unit for a province without districts. */
function hubUnit(point: Point, units: ReadonlyMap<string, Unit>): Unit {
  let u = units.get(point.unit);
  if (!u) throw new Error(`point ${point.code}: no unit ${point.unit}`);
  while (u.level !== 'district' && u.parent !== null && units.has(u.parent)) u = units.get(u.parent)!;
  return u;
}

/**
 * The lab for a demo inventory: a hub per district (the province's own points in a hub of its own),
 * a host per point (id = point code), a few flaky communes and a 10-minute timeline of faults.
 */
export function demoLabScenario(file: InventoryFile, seed = SEED): Scenario {
  const units = new Map(file.units.map((u) => [u.id, u]));
  const groups = new Map<string, { unit: Unit; points: Point[] }>();
  for (const p of file.points) {
    const unit = hubUnit(p, units);
    const g = groups.get(unit.id) ?? { unit, points: [] };
    g.points.push(p);
    groups.set(unit.id, g);
  }
  const hubs = [...groups.values()].flatMap(({ unit, points }) => {
    const chunks: Point[][] = [];
    for (let i = 0; i < points.length; i += MAX_HOSTS_PER_HUB) chunks.push(points.slice(i, i + MAX_HOSTS_PER_HUB));
    return chunks.map((chunk, k) => ({
      id: k === 0 ? unit.id : `${unit.id}-${k + 1}`,
      name: unit.name,
      hosts: chunk.map((p) => ({ id: p.code, name: units.get(p.unit)?.name ?? p.name })),
    }));
  });

  // Deterministic choices among the communes (any point when there are too few).
  const rnd = seededRandom(seed);
  const communes = file.points.filter((p) => p.level === 'commune').map((p) => p.code);
  const pool = communes.length >= 8 ? [...communes] : file.points.map((p) => p.code);
  const take = (): string => pool.splice(Math.floor(rnd() * pool.length), 1)[0]!;
  const [flaky1, flaky2, flaky3, weak, slow, cut1, flap, cut2, hung, busy503] = Array.from({ length: 10 }, take);
  // Room endpoints: the hung codec, the one that refuses for a while, the province's own points, and a
  // share of the rest drawn from a stream of their own (the choices above stay as they were).
  const pick = seededRandom(seed ^ 0x5e1d);
  const withEndpoint = new Set([
    hung!,
    busy503!,
    ...file.points.filter((p) => p.level === 'province').map((p) => p.code),
  ]);
  const others = file.points.map((p) => p.code).filter((c) => !withEndpoint.has(c));
  while (withEndpoint.size < Math.round(DEMO_ENDPOINT_SHARE * file.points.length) && others.length > 0) {
    withEndpoint.add(others.splice(Math.floor(pick() * others.length), 1)[0]!);
  }
  const special: Record<string, { lossPercent?: number; delay?: { ms: number; jitterMs: number } }> = {
    [flaky1!]: { lossPercent: 3 }, // amber: 1–5 % loss
    [flaky2!]: { lossPercent: 3 },
    [flaky3!]: { lossPercent: 4 },
    [weak!]: { lossPercent: 12 }, // red (severe), down now and then when 3 probes in a row go
    [slow!]: { delay: { ms: 40, jitterMs: 15 } }, // amber by jitter (alternating ±15 ms)
  };
  const hubOf = (code: string): string => hubs.find((h) => h.hosts.some((x) => x.id === code))!.id;
  // A district line other than the ones holding the special communes, if there is one.
  const busy = new Set([...Object.keys(special), cut1!, flap!, cut2!, hung!, busy503!].map(hubOf));
  const line = hubs.find((h) => !busy.has(h.id) && h.hosts.length > 1) ?? hubs[hubs.length - 1]!;
  const timeline: TimelineEntry[] = [
    { at: 40, action: 'host-down', host: cut1! }, // power cut at a commune hall
    { at: 90, action: 'host-up', host: cut1! },
    { at: 150, action: 'link-down', hub: line.id }, // a district's line cut: all its points
    { at: 185, action: 'link-up', hub: line.id },
    { at: 270, action: 'flap', host: flap!, everyS: 10, forS: 60 }, // a bouncing line
    { at: 400, action: 'host-down', host: cut2! },
    { at: 520, action: 'host-up', host: cut2! },
    // The hung codec: its line answers all along, its SIP stack is silent for most of the session.
    { at: 20, action: 'endpoint-down', host: hung! },
    { at: 580, action: 'endpoint-up', host: hung! },
    { at: 300, action: 'endpoint-refuses', host: busy503! }, // 503 for a minute
    { at: 360, action: 'endpoint-up', host: busy503! },
  ];
  const root = file.units.find((u) => u.parent === null);
  return parseScenario(
    {
      name: 'demo',
      durationS: DEMO_LOOP_S,
      ...(root ? { province: { id: root.id, name: root.name } } : {}),
      hubs: hubs.map((h) => ({
        ...h,
        hosts: h.hosts.map((x) => ({ ...x, ...special[x.id], ...(withEndpoint.has(x.id) ? { endpoint: true } : {}) })),
      })),
      timeline,
    },
    'demo lab',
  );
}

/**
 * The inventory with each point's primary target moved to its lab host, and the room endpoint the lab
 * runs for it (SIP at that address) beside it; backups stay where they are.
 */
export function demoInventoryOnLab(file: InventoryFile, plan: LabPlan): InventoryFile {
  const hosts = new Map(plan.hosts.map((h) => [h.id, h]));
  const points = file.points.map((p) => {
    const host = hosts.get(p.code);
    if (!host) return p;
    const targets = p.targets.map((t) => (t.role === 'primary' ? { ...t, host: host.address } : t));
    return { ...p, targets: host.endpoint ? [...targets, endpointTarget(host.address)] : targets };
  });
  return InventoryFile.parse({ ...file, points });
}

export interface DemoLab {
  lab: Lab;
  /** The inventory to serve: primaries in the lab. */
  file: InventoryFile;
  /** Starts the looping timeline (after the monitor is up). */
  run(): void;
  /** Stops the timeline and takes the lab down. Call it after the server has stopped. */
  stop(): Promise<void>;
}

/**
 * The demo lab's name and base: `demo` at 200, unless DIEMCAU_DEMO_LAB_NAME / DIEMCAU_DEMO_LAB_BASE
 * say otherwise — the test suite runs `serve --demo` under its own name and range that way, so it
 * never touches the lab of an `npm start` running on the same machine.
 */
export function demoLabPlace(env: NodeJS.ProcessEnv = process.env): { name: string; base: number } {
  const name = env.DIEMCAU_DEMO_LAB_NAME || DEMO_LAB_NAME;
  const base = env.DIEMCAU_DEMO_LAB_BASE ? Number(env.DIEMCAU_DEMO_LAB_BASE) : DEMO_LAB_BASE;
  if (!LAB_NAME.test(name)) {
    throw new Error(
      `DIEMCAU_DEMO_LAB_NAME=${name}: tên lab gồm 1–6 chữ thường hoặc chữ số (1–6 lowercase letters or digits)`,
    );
  }
  if (!Number.isInteger(base) || base < 0 || base > 255) {
    throw new Error(`DIEMCAU_DEMO_LAB_BASE=${env.DIEMCAU_DEMO_LAB_BASE}: cần số nguyên 0–255 (a whole number 0–255)`);
  }
  return { name, base };
}

export async function startDemoLab(file: InventoryFile, logger?: Logger): Promise<DemoLab> {
  const scenario = demoLabScenario(file);
  const place = demoLabPlace();
  // A demo killed without its Ctrl-C left a stale lab: Lab.up cleans it. One whose demo still runs
  // is refused (the caller falls back to loopback and says why): it is not ours to take down.
  const lab = await Lab.up(scenario, {
    ...place,
    seed: SEED,
    logger,
    onAction: (a) => logger?.info({ action: a.action, hub: a.hub, host: a.host }, 'demo lab fault'),
  });
  let onLab: InventoryFile;
  try {
    onLab = demoInventoryOnLab(file, lab.plan);
  } catch (err) {
    await lab.down();
    throw err;
  }
  const abort = new AbortController();
  let loop: Promise<void> = Promise.resolve();
  return {
    lab,
    file: onLab,
    run() {
      loop = (async () => {
        while (!abort.signal.aborted) await lab.play(abort.signal);
      })().catch((err: unknown) => logger?.error({ err }, 'demo lab timeline failed'));
    },
    async stop() {
      abort.abort();
      await loop;
      await lab.down();
      logger?.info({ lab: lab.name }, 'demo lab down');
    },
  };
}

/** What `serve --demo` does about the lab: the inventory to serve, the lab (or null) and what to tell. */
export async function demoOnLab(
  file: InventoryFile,
  choice: DemoLabChoice,
  logger?: Logger,
): Promise<{ file: InventoryFile; lab: DemoLab | null; note: string }> {
  const why = choice === 'off' ? 'tắt bằng --demo-lab off — turned off' : demoLabUnavailable();
  if (why !== null) {
    if (choice === 'on') throw new Error(`--demo-lab on: ${why}`);
    return {
      file,
      lab: null,
      note: `  Demo trên địa chỉ loopback (127.20.x.y), không có sự cố thật vì ${why}.\n\n`,
    };
  }
  try {
    const lab = await startDemoLab(file, logger);
    const hubs = lab.lab.plan.hubs;
    return {
      file: lab.file,
      lab,
      note:
        `  Demo trong phòng thí nghiệm mạng (lab "${lab.lab.name}": ${hubs.length} namespace, ` +
        `${hubs[0]!.prefix} … ${hubs[hubs.length - 1]!.prefix}): vài xã chập chờn, thỉnh thoảng một xã ` +
        `hay một huyện mất kết nối, một thiết bị đầu cuối bị treo (chu kỳ ${DEMO_LOOP_S / 60} phút).\n` +
        (lab.lab.endpointsOff ? `  Không có thiết bị đầu cuối SIP: ${lab.lab.endpointsOff}.\n` : '') +
        `  The demo's points live in a network lab with scripted faults (one room's codec hangs). Ctrl-C stops the server, then the lab.\n\n`,
    };
  } catch (err) {
    if (choice === 'on') throw err;
    logger?.warn({ err }, 'demo lab could not start; falling back to loopback');
    return {
      file,
      lab: null,
      note: `  Demo trên địa chỉ loopback vì không dựng được lab: ${(err as Error).message}\n\n`,
    };
  }
}
