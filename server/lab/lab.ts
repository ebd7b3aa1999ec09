// The lab: brings a scenario's topology up, applies faults (by hand or by playing the timeline) and
// records each one in the ground truth with the instant it took effect.
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { InventoryFile } from '../../shared/schemas';
import { labDown, removeLabObjects, type DownReport } from './cleanup';
import { labInventory } from './inventory';
import { hostDownScript, hostUpScript, lossScript } from './nft';
import { claimLab, dropLabState, releaseLab } from './owner';
import { planLab, type HostPlan, type HubPlan, type LabPlan } from './plan';
import { expandTimeline, type PlannedAction, type Scenario } from './scenario';
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
}

export type LabAction =
  | { action: 'link-down' | 'link-up'; hub: string }
  | { action: 'host-down' | 'host-up'; host: string }
  | { action: 'loss'; host: string; percent: number };

export type StaleLab = { pid: number | null } & Pick<DownReport, 'namespaces' | 'links' | 'processes'>;

type ActionMeta = Pick<TruthAction, 'atMs' | 'dueT' | 'lagMs' | 'entry' | 'flap'>;

export class Lab {
  /** What was left of a lab of this name whose owner had died, removed by `up` (null: none). */
  staleCleaned: StaleLab | null = null;
  private started = false;
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
    opts.logger?.info({ lab: plan.name, hubs: plan.hubs.length, hosts: plan.hosts.length }, 'lab up');
    const lab = new Lab(scenario, plan, opts, truth);
    lab.staleCleaned = cleaned;
    return lab;
  }

  get name(): string {
    return this.plan.name;
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
    const { hub: hubId, host: hostId, percent } = a as { hub?: string; host?: string; percent?: number };
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
    }
    const line: TruthAction = {
      type: 'action',
      ...stamp(Date.now()),
      action: a.action,
      ...(hubId !== undefined ? { hub: hubId } : {}),
      ...(host ? { host: host.id } : {}),
      ...(a.action === 'loss' ? { percent: percent ?? 0 } : {}),
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
      hubs: this.plan.hubs.map((h) => ({ id: h.id, name: h.name, netns: h.netns, prefix: h.prefix })),
      hosts: this.plan.hosts.map((h) => ({
        id: h.id,
        name: h.name,
        hub: h.hub,
        address: h.address,
        lossPercent: h.lossPercent,
        delay: h.delay,
      })),
    });
  }
}
