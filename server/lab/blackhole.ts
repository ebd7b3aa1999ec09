// While any lab is up, the root namespace has `blackhole 198.18.0.0/15`: an address of the lab range
// that no hub holds (or no longer holds: a lab taken down under a running monitor) is dropped here
// instead of leaving through the default route. The hubs' /24 routes are more specific and win.
import { ipJson, run, tryRun } from './sys';

export const LAB_RANGE = '198.18.0.0/15';
/** Routing protocol number marking the route as ours (0xdc): a blackhole someone else made stays. */
export const BLACKHOLE_PROTO = '220';

export interface JsonRoute {
  dst: string;
  type?: string;
  protocol?: string;
}

export const isLabBlackhole = (r: JsonRoute): boolean => r.type === 'blackhole' && r.dst === LAB_RANGE;

async function present(): Promise<JsonRoute | undefined> {
  const routes = await ipJson<JsonRoute>(['route', 'show', 'type', 'blackhole']);
  return routes.find(isLabBlackhole);
}

export async function hasBlackhole(): Promise<boolean> {
  return (await present()) !== undefined;
}

/** Adds the route unless a blackhole for the range is there already (another lab's, or anyone's). */
export async function ensureBlackhole(): Promise<void> {
  if (await present()) return;
  try {
    await run('ip', ['route', 'add', 'blackhole', LAB_RANGE, 'proto', BLACKHOLE_PROTO]);
  } catch (err) {
    // Two labs coming up at once: the other one added it first.
    if (!(await present())) throw err;
  }
}

/** Removes our route (not someone else's blackhole); true when there was one to remove. */
export async function removeBlackhole(): Promise<boolean> {
  const route = await present();
  if (!route || route.protocol !== BLACKHOLE_PROTO) return false;
  return tryRun('ip', ['route', 'del', 'blackhole', LAB_RANGE, 'proto', BLACKHOLE_PROTO]);
}
