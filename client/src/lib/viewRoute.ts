// Where the dashboard is within a meeting, as its address says (docs/NATIONAL.md NV4): the grid of the
// whole meeting, the overview by region (`?view=overview`, the default for a large meeting), or one
// region's grid (`?unit=UNIT`), so that a reload or a shared link opens the same place.
import { Code } from '../../../shared/schemas';

/** What the address asks for; `auto`: the meeting's default (by its size). */
export interface ViewAsk {
  view: 'auto' | 'overview';
  unit: string | null;
}

export type ShownView = { kind: 'grid' } | { kind: 'overview' } | { kind: 'region'; unit: string };

export const AUTO: ViewAsk = { view: 'auto', unit: null };

/** A `unit` that is not a code is ignored (the meeting's default view), never sent to the server. */
export function viewFromUrl(search: string): ViewAsk {
  const q = new URLSearchParams(search);
  const unit = q.get('unit')?.trim() ?? '';
  if (unit !== '' && Code.safeParse(unit).success) return { view: 'auto', unit };
  return { view: q.get('view') === 'overview' ? 'overview' : 'auto', unit: null };
}

/** A region's grid when asked for; else the overview when asked for or the meeting is large; else the grid. */
export function shownView(ask: ViewAsk, large: boolean): ShownView {
  if (ask.unit !== null) return { kind: 'region', unit: ask.unit };
  return ask.view === 'overview' || large ? { kind: 'overview' } : { kind: 'grid' };
}

/** The ask that shows `view`: the overview of a large meeting is its default, so no `view=` then. */
export function askFor(view: ShownView, large: boolean): ViewAsk {
  if (view.kind === 'region') return { view: 'auto', unit: view.unit };
  return { view: view.kind === 'overview' && !large ? 'overview' : 'auto', unit: null };
}

/** The address with the ask's `view` and `unit` set or dropped, the meeting and other parameters kept. */
export function urlWithView(href: string, ask: ViewAsk, hash?: string): string {
  const url = new URL(href);
  if (ask.unit !== null) url.searchParams.set('unit', ask.unit);
  else url.searchParams.delete('unit');
  if (ask.view === 'overview') url.searchParams.set('view', 'overview');
  else url.searchParams.delete('view');
  if (hash !== undefined) url.hash = hash;
  return url.pathname + url.search + url.hash;
}
