// The lab: brings a scenario's topology up, applies faults (by hand or by playing the timeline) and
// records each one in the ground truth with the instant it took effect.
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { InventoryFile } from '../../shared/schemas';
import { labDown, removeLabObjects, type DownReport } from './cleanup';
import {
  endpointsUnavailable,
  registrarUnavailable,
  startEndpoint,
  startRegistrar,
  stopProcess,
  type EndpointMode,
  type LabProcess,
} from './endpoint';
import { labInventory } from './inventory';
import { hostDownScript, hostUpScript, lossScript } from './nft';
import { claimLab, dropLabState, releaseLab } from './owner';
import { planLab, type HostPlan, type HubPlan, type LabPlan } from './plan';
import { expandTimeline, isEndpointAction, type PlannedAction, type Scenario } from './scenario';
import { LabError, assertRoot, ipIn, nftIn, run, sleep } from './sys';
import { buildTopology, preflight } from './topology';
import { TruthWriter, stamp, type TruthAction, type TruthSummary } from './truth';

export interface LabOptions {
  /** 1–6 lowercase letters/digits; namespaces are `dc-lab-<name>-…`. Default `lab`. */
  name?: string;
  /** Third octet of the first hub's 198.18.x.0/24 (default 0): lets labs run side by side. */
  base?: number;
  /** Where to write the ground truth (JSON lines). */
  truthFile?: string;
  /** Seeds the responders' jitter and loss (default 1). */
  seed?: number;
  logger?: Logger;
  /** Told of every action once it took effect (the CLI prints them). */
  onAction?: (line: TruthAction) => void;
  /**
   * Room endpoints (SIPp) and registrars (kamailio) the scenario asks for: `auto` (default) runs them
   * where the program is installed and goes without otherwise (`endpointsOff` / `registrarsOff` say
   * why); `on` refuses to come up without them; `off` never runs them.
   */
  endpoints?: 'auto' | 'on' | 'off';
}

export type LabAction =
  | { action: 'link-down' | 'link-up'; hub: string }
  | { action: 'host-down' | 'host-up'; host: string }
  | { action: 'loss'; host: string; percent: number }
  | { action: 'endpoint-down' | 'endpoint-refuses' | 'endpoint-up'; host: string }
  | { action: 'endpoint-slow'; host: string; delayMs: number };

/** How many SIPp endpoints start at once when the lab comes up. */
const ENDPOINT_STARTS = 8;

/** The scenario without room endpoints (and their timeline actions) or without registrars. */
function stripSip(s: Scenario, what: { endpoints: boolean; registrars: boolean }): Scenario {
  return {
    ...s,
    hubs: s.hubs.map((h) => ({
      ...h,
      registrar: !what.registrars && h.registrar === true,
      hosts: h.hosts.map((x) => ({ ...x, endpoint: !what.endpoints && x.endpoint === true })),
    })),
    timeline: what.endpoints ? s.timeline.filter((e) => !isEndpointAction(e.action)) : s.timeline,
  };
}

interface EndpointState {
  mode: EndpointMode;
  delayMs?: number;
  /** The running SIPp (null while down). */
  proc: LabProcess | null;
}

export type StaleLab = { pid: number | null } & Pick<DownReport, 'namespaces' | 'links' | 'processes'>;

type ActionMeta = Pick<TruthAction, 'atMs' | 'dueT' | 'lagMs' | 'entry' | 'flap'>;

export class Lab {
  /** What was left of a lab of this name whose owner had died, removed by `up` (null: none). */
  staleCleaned: StaleLab | null = null;
  /** Why the scenario's room endpoints do not run here (sipp missing, or turned off), else null. */
  endpointsOff: string | null = null;
  /** Why its registrars do not run here (kamailio missing, or turned off), else null. */
  registrarsOff: string | null = null;
  private started = false;
  private readonly endpoints = new Map<string, EndpointState>();
  private readonly linksDown = new Set<string>();
  private readonly hostsDown = new Set<string>();
  /** Per hub: address → kernel-random loss percent (`loss` actions), the whole of its nft loss chain. */
  private readonly loss = new Map<string, Map<string, number>>();

  private constructor(
    readonly scenario: Scenario,
    readonly plan: LabPlan,
    private readonly opts: LabOptions,
    private readonly truth: TruthWriter | null,
  ) {
    for (const hub of plan.hubs) this.loss.set(hub.id, new Map(hub.hosts.map((h) => [h.address, 0])));
  }

  /**
   * Creates the topology; anything half-made is removed again when it fails. Needs root. This
   * process becomes the lab's owner (owner.ts): a lab of that name owned by another running process
   * is refused, a stale one (its owner died) is cleaned first.
   */
  static async up(scenario: Scenario, opts: LabOptions = {}): Promise<Lab> {
    assertRoot();
    const choice = opts.endpoints ?? 'auto';
    const wantsEndpoints = scenario.hubs.some((h) => h.hosts.some((x) => x.endpoint));
    const wantsRegistrar = scenario.hubs.some((h) => h.registrar);
    const off = 'tắt bằng tùy chọn endpoints: off — turned off';
    const endpointsOff = !wantsEndpoints ? null : choice === 'off' ? off : endpointsUnavailable();
    const registrarsOff = !wantsRegistrar ? null : choice === 'off' ? off : registrarUnavailable();
    if (choice === 'on' && (endpointsOff ?? registrarsOff))
      throw new LabError(`endpoints: on: ${endpointsOff ?? registrarsOff}`);
    if (endpointsOff || registrarsOff) {
      scenario = stripSip(scenario, { endpoints: endpointsOff !== null, registrars: registrarsOff !== null });
      opts.logger?.warn({ endpointsOff, registrarsOff }, 'lab without some SIP stacks');
    }
    const plan = planLab(scenario, { name: opts.name ?? 'lab', base: opts.base ?? 0 });
    const { stale } = claimLab(plan);
    let truth: TruthWriter | null = null;
    let cleaned: StaleLab | null = null;
    try {
      // Before anything is built (an unwritable file fails first), yet after the claim: a refused
      // start must not empty the truth file of the lab's running owner.
      truth = opts.truthFile ? new TruthWriter(opts.truthFile) : null;
      if (stale) {
        const removed = await removeLabObjects(plan.name);
        cleaned = { pid: stale.state?.owner?.pid ?? null, ...removed };
        opts.logger?.warn({ lab: plan.name, owner: cleaned.pid, ...removed }, 'stale lab cleaned (its owner died)');
      }
      await preflight(plan);
    } catch (err) {
      // A refusal changes nothing but our claim; what is left of a stale lab may go with it.
      if (stale) await labDown(plan.name).catch(() => undefined);
      else dropLabState(plan.name);
      throw err;
    }
    try {
      // Absolute: the responders append their probe lines to the same file from their own processes.
      const truthFile = opts.truthFile ? resolve(opts.truthFile) : null;
      await buildTopology(plan, { seed: opts.seed ?? 1, logger: opts.logger, truthFile });
    } catch (err) {
      await labDown(plan.name).catch(() => undefined);
      throw err;
    }
    const lab = new Lab(scenario, plan, opts, truth);
    lab.staleCleaned = cleaned;
    lab.endpointsOff = endpointsOff;
    lab.registrarsOff = registrarsOff;
    try {
      await lab.startSip();
    } catch (err) {
      await labDown(plan.name).catch(() => undefined);
      throw err;
    }
    opts.logger?.info(
      { lab: plan.name, hubs: plan.hubs.length, hosts: plan.hosts.length, endpoints: lab.endpoints.size },
      'lab up',
    );
    return lab;
  }

  get name(): string {
    return this.plan.name;
  }

  /** What a host's room endpoint does now, or null when the host has none. */
  endpointMode(hostId: string): EndpointMode | null {
    return this.endpoints.get(this.host(hostId).id)?.mode ?? null;
  }

  /** Registrars first (one per hub that wants one), then every endpoint, a few at a time. */
  private async startSip(): Promise<void> {
    for (const hub of this.plan.hubs) {
      if (hub.registrar) await startRegistrar(hub.netns, hub.registrar);
    }
    const queue = this.plan.hosts.filter((h) => h.endpoint);
    const worker = async (): Promise<void> => {
      for (let h = queue.shift(); h; h = queue.shift()) {
        const proc = await startEndpoint(h.netns, h.address, 'normal', { index: h.index });
        this.endpoints.set(h.id, { mode: 'normal', proc });
      }
    };
    await Promise.all(Array.from({ length: ENDPOINT_STARTS }, worker));
  }

  /** Stops the host's SIPp and, unless `down`, starts it again with the scenario of the mode. */
  private async setEndpoint(host: HostPlan, mode: EndpointMode, delayMs?: number): Promise<void> {
    const state = this.endpoints.get(host.id);
    if (!state) throw new LabError(`host "${host.id}" has no endpoint`);
    if (state.proc) await stopProcess(state.proc);
    state.proc = null;
    state.mode = 'down';
    delete state.delayMs;
    if (mode === 'down') return;
    state.proc = await startEndpoint(host.netns, host.address, mode, { index: host.index, delayMs });
    state.mode = mode;
    if (mode === 'slow') state.delayMs = delayMs;
  }

  hub(id: string): HubPlan {
    const hub = this.plan.hubs.find((h) => h.id === id);
    if (!hub) throw new LabError(`no hub "${id}"`);
    return hub;
  }

  host(id: string): HostPlan {
    const host = this.plan.hosts.find((h) => h.id === id);
    if (!host) throw new LabError(`no host "${id}"`);
    return host;
  }

  /** Applies one fault now; resolves with its truth line, stamped after the command returned. */
  async apply(a: LabAction | PlannedAction, meta: ActionMeta = {}): Promise<TruthAction> {
    this.writeStart(Date.now());
    const {
      hub: hubId,
      host: hostId,
      percent,
      delayMs,
    } = a as { hub?: string; host?: string; percent?: number; delayMs?: number };
    const host = hostId !== undefined ? this.host(hostId) : null;
    const hub = this.hub(hubId ?? host!.hub);
    switch (a.action) {
      case 'link-down':
        await ipIn(hub.netns, 'link', 'set', 'dev', hub.hubLink, 'down');
        this.linksDown.add(hub.id);
        break;
      case 'link-up':
        // Taking the link down flushed the hub's default route: restore it with the link.
        await run(
          'ip',
          ['-n', hub.netns, '-batch', '-'],
          `link set ${hub.hubLink} up\nroute replace default via ${hub.rootAddress} dev ${hub.hubLink}\n`,
        );
        this.linksDown.delete(hub.id);
        break;
      case 'host-down':
        await nftIn(hub.netns, hostDownScript(host!.address));
        this.hostsDown.add(host!.id);
        break;
      case 'host-up':
        await nftIn(hub.netns, hostUpScript(host!.address));
        this.hostsDown.delete(host!.id);
        break;
      case 'loss': {
        const loss = this.loss.get(hub.id)!;
        loss.set(host!.address, percent ?? 0);
        await nftIn(hub.netns, lossScript(loss));
        break;
      }
      case 'endpoint-down':
        await this.setEndpoint(host!, 'down');
        break;
      case 'endpoint-slow':
        if (!(delayMs !== undefined && delayMs > 0)) throw new LabError('endpoint-slow needs delayMs > 0');
        await this.setEndpoint(host!, 'slow', delayMs);
        break;
      case 'endpoint-refuses':
        await this.setEndpoint(host!, 'refuses');
        break;
      case 'endpoint-up':
        await this.setEndpoint(host!, 'normal');
        break;
    }
    const line: TruthAction = {
      type: 'action',
      ...stamp(Date.now()),
      action: a.action,
      kind: isEndpointAction(a.action) ? 'endpoint' : 'line',
      ...(hubId !== undefined ? { hub: hubId } : {}),
      ...(host ? { host: host.id } : {}),
      ...(a.action === 'loss' ? { percent: percent ?? 0 } : {}),
      ...(a.action === 'endpoint-slow' ? { delayMs } : {}),
      hosts: host ? [host.id] : hub.hosts.map((h) => h.id),
      ...meta,
    };
    if (meta.dueT !== undefined) line.lagMs = line.t - meta.dueT;
    this.truth?.write(line);
    this.opts.onAction?.(line);
    this.opts.logger?.info({ action: a.action, hub: line.hub, host: line.host }, 'lab action');
    return line;
  }

  /**
   * Plays the scenario's timeline from now, then waits out its duration. An abort stops it early;
   * the summary says so. The topology stays as the timeline left it.
   */
  async play(signal?: AbortSignal): Promise<TruthSummary> {
    const startT = Date.now();
    this.writeStart(startT);
    let count = 0;
    let maxLagMs = 0;
    for (const a of expandTimeline(this.scenario)) {
      const dueT = startT + a.atMs;
      await sleep(dueT - Date.now(), signal);
      if (signal?.aborted) break;
      const line = await this.apply(a, {
        atMs: a.atMs,
        dueT,
        entry: a.entry,
        ...(a.flap !== undefined ? { flap: a.flap } : {}),
      });
      count++;
      maxLagMs = Math.max(maxLagMs, line.lagMs ?? 0);
    }
    await sleep(startT + this.scenario.durationS * 1000 - Date.now(), signal);
    const summary: TruthSummary = {
      type: 'summary',
      ...stamp(Date.now()),
      startT,
      actions: count,
      aborted: signal?.aborted ?? false,
      linksDown: [...this.linksDown],
      hostsDown: [...this.hostsDown],
      endpoints: Object.fromEntries(
        [...this.endpoints].flatMap(([id, e]) => (e.mode === 'normal' ? [] : [[id, e.mode] as const])),
      ),
      maxLagMs,
    };
    this.truth?.write(summary);
    return summary;
  }

  inventory(now = Date.now()): InventoryFile {
    return labInventory(this.plan, this.scenario, now);
  }

  /** Removes everything of this lab (same as labDown(name) from its owner). */
  down(): Promise<DownReport> {
    return labDown(this.plan.name);
  }

  /**
   * Leaves the lab up without an owner (a finished `lab up`): the next `up` of the name refuses
   * instead of cleaning it as stale, and anyone may take it down.
   */
  release(): void {
    releaseLab(this.plan.name);
  }

  private writeStart(t: number): void {
    if (this.started) return;
    this.started = true;
    this.truth?.write({
      type: 'start',
      ...stamp(t),
      lab: this.plan.name,
      scenario: this.scenario.name,
      durationS: this.scenario.durationS,
      hubs: this.plan.hubs.map((h) => ({
        id: h.id,
        name: h.name,
        netns: h.netns,
        prefix: h.prefix,
        registrar: h.registrar,
      })),
      hosts: this.plan.hosts.map((h) => ({
        id: h.id,
        name: h.name,
        hub: h.hub,
        address: h.address,
        lossPercent: h.lossPercent,
        delay: h.delay,
        endpoint: h.endpoint,
      })),
    });
  }
}
