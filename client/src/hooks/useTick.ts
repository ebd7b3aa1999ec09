// One shared 1 Hz ticker for every countdown and running duration, aligned to the second so they all
// change together; it only runs while something is subscribed.
import { useSyncExternalStore } from 'react';

let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | null = null;

function schedule(): void {
  timer = setTimeout(
    () => {
      now = Date.now();
      for (const l of Array.from(listeners)) l();
      schedule();
    },
    1000 - (Date.now() % 1000) + 5,
  );
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) {
    now = Date.now();
    schedule();
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
  };
}

const get = (): number => now;

/** The (client) time of the last tick; re-renders once a second. */
export function useTick(): number {
  return useSyncExternalStore(subscribe, get, get);
}
