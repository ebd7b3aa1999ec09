// Points under planned work now (GET /api/maintenance/now; docs/ALERTS.md "Planned work"): read while
// the grid is shown, again every minute, so a tile says "đang bảo trì theo kế hoạch" while its entry
// runs. A failed read keeps the last answer.
import { useSyncExternalStore } from 'react';
import { PlannedNow } from '../../../shared/maintenance';
import { apiHeaders } from './apiHeaders';
import { Observable } from './observable';

export interface PlannedInfo {
  reason: string;
  /** Wire instant. */
  end: string;
}

const planned = new Observable<ReadonlyMap<string, PlannedInfo>>(new Map());
let watchers = 0;
let timer: ReturnType<typeof setInterval> | undefined;

async function refresh(): Promise<void> {
  try {
    const res = await fetch('/api/maintenance/now', { headers: apiHeaders() });
    if (!res.ok) return;
    const parsed = PlannedNow.safeParse(await res.json());
    if (!parsed.success) return;
    planned.set(new Map(parsed.data.planned.map((p) => [p.point, { reason: p.reason, end: p.end }])));
  } catch {
    // Offline: the last answer stands.
  }
}

/** Starts reading (the first watcher) and returns the stop. */
export function watchPlanned(everyMs = 60_000): () => void {
  if (watchers++ === 0) {
    void refresh();
    timer = setInterval(() => void refresh(), everyMs);
  }
  return () => {
    if (--watchers === 0) clearInterval(timer);
  };
}

/** The planned work on a point now, or undefined. */
export function usePlanned(code: string): PlannedInfo | undefined {
  return useSyncExternalStore(
    planned.subscribe,
    () => planned.get().get(code),
    () => undefined,
  );
}
