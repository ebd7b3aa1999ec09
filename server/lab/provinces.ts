// A lab whose hubs are provinces with a probe agent each (docs/LAB.md "Agents"): the hosts of a hub are
// reachable only from inside its namespace, where the agent runs; the root namespace (the centre) keeps
// only its uplink to each hub, over which the agent reaches the centre at the root side's address.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type { HubPlan, LabPlan } from './plan';
import { LabError, ip, tryRun } from './sys';

/**
 * Removes the root namespace's route to each hub's host range: from the root namespace the hosts then
 * fall into the lab's blackhole route (dropped at once, nothing leaks), while inside a hub namespace
 * they are its own addresses on `lo`. The uplinks stay as they are: each hub still reaches the root
 * side of its uplink (`rootAddress`), and `link-down` still cuts it. `labDown` removes everything as
 * before (deleting the namespace takes the veth and any route left with it).
 */
export async function isolateHubs(plan: LabPlan): Promise<void> {
  for (const hub of plan.hubs) {
    // Already gone (a second call) is fine: the state wanted is "no route".
    const gone = await tryRun('ip', ['route', 'del', hub.prefix, 'via', hub.hubAddress, 'dev', hub.rootLink]);
    if (!gone) {
      const left = (await ip('route', 'show', 'exact', hub.prefix)).stdout.trim();
      if (left !== '') throw new LabError(`cannot remove the root route to ${hub.prefix}: ${left}`);
    }
  }
}

/** Runs a command inside a hub's namespace (`ip netns exec` execs it: the child's pid is the command's). */
export function spawnInHub(hub: HubPlan, cmd: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
  return spawn('ip', ['netns', 'exec', hub.netns, cmd, ...args], opts);
}
