// Rollups of a point over a time range, refreshed while the panel is open (rollups land every 10 s).
import { useEffect, useRef, useState } from 'react';
import type { Sample } from '../../../shared/schemas';
import type { ChartRange } from '../lib/chartData';
import { api } from '../live/api';

const REFRESH_MS = 15_000;

export type SamplesState =
  { kind: 'loading' } | { kind: 'ready'; samples: Sample[]; range: ChartRange } | { kind: 'error'; message: string };

/**
 * `range()` is read at each refresh, so a range that ends "now" keeps moving; the state carries the
 * range the samples were fetched for. Callers key the component by point, so `code` never changes.
 */
export function useSamples(code: string, range: () => ChartRange): SamplesState {
  const [state, setState] = useState<SamplesState>({ kind: 'loading' });
  const rangeRef = useRef(range);
  useEffect(() => {
    rangeRef.current = range;
  });
  useEffect(() => {
    let ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    const load = (): void => {
      const c = new AbortController();
      ctrl = c;
      const r = rangeRef.current();
      api
        .samples(code, r.from, r.to, c.signal)
        .then((samples) => setState({ kind: 'ready', samples, range: r }))
        .catch((err: unknown) => {
          if (!c.signal.aborted) setState({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
        })
        .finally(() => {
          if (!stopped) timer = setTimeout(load, REFRESH_MS);
        });
    };
    load();
    return () => {
      stopped = true;
      ctrl.abort();
      if (timer !== null) clearTimeout(timer);
    };
  }, [code]);
  return state;
}
