// English for national.vi.ts (the overview by region, docs/NATIONAL.md NV4); the same keys.
import type { nationalVi } from './national.vi';

export const nationalEn: typeof nationalVi = {
  title: 'Overview by region',
  loading: 'Loading the overview…',
  loadError: 'Could not load the overview',
  summary: (points: string, regions: number) => `${points} points · ${regions} regions`,
  open: 'View by region',
  openHint: 'Points per province (district) and the points in trouble',
  grid: 'View all points',
  back: '← Overview',
  backHint: 'Back to the overview by region',
  worstFirst: 'Most problems first',
  worstFirstHint: 'Put the regions with the most points in trouble first (off: inventory order)',
  problems: 'Points in trouble',
  cut: (shown: string, total: string) => `${shown} / ${total}`,
  cutHint: (shown: number) => `Only the worst ${shown} points are listed; open a region to see them all.`,
  noProblems: 'No point is in trouble.',
  since: (d: string) => `for ${d}`,
  region: 'Region',
  own: (name: string) => `${name} (its own points)`,
  ownHint: 'The points attached to the host unit itself; they are listed among the problems when in trouble.',
  total: (n: string) => `${n} points`,
  openRegion: (name: string) => `Open the points of ${name}`,
  regionOf: (name: string) => `Region: ${name}`,
  regionPoints: (name: string, n: string) => `${name} · ${n} points`,
  more: (n: string) => `and ${n} more points`,
};
