// [NV5] The meeting by region: the regions the dashboard's overview shows (shared/overview.ts
// meetingRegions, NV1) with the report's figures. A region's figures are its row of the unit tree (the
// own-points row for the host unit's own points), so the "Theo tỉnh" table, the units table and a
// region's own report never disagree; only its timeline is gathered apart, while the points are computed.
import { meetingRegions, type RegionInfo } from '../../shared/overview';
import type { ReportRegion, ReportUnit, Timeline } from '../../shared/report';
import type { Level, Point, Unit } from '../../shared/schemas';
import { ownRowId } from './tree';

export interface RegionPlan {
  regions: RegionInfo[];
  /** Each participating point's region, as an index into `regions`. */
  indexOf: Map<string, number>;
  /** Participating points per region. */
  counts: number[];
}

export function planRegions(units: readonly Unit[], points: readonly Pick<Point, 'code' | 'unit'>[]): RegionPlan {
  const { regions, regionOf } = meetingRegions(units, points);
  // A region's id is unique: the own region is the common unit, the others its children (or unknown units).
  const index = new Map(regions.map((r, i) => [r.id, i]));
  const indexOf = new Map<string, number>();
  const counts = regions.map(() => 0);
  for (const p of points) {
    const i = index.get(regionOf.get(p.code) ?? '');
    if (i === undefined) continue;
    indexOf.set(p.code, i);
    counts[i]!++;
  }
  return { regions, indexOf, counts };
}

/** The regions with their figures, read from the report's unit rows (and their timelines when given). */
export function regionsOf(
  plan: RegionPlan,
  rows: readonly ReportUnit[],
  timelines?: (i: number) => { lineTest: Timeline | null; live: Timeline | null },
): ReportRegion[] {
  const byId = new Map(rows.map((u) => [u.id, u]));
  return plan.regions.map((r, i) => {
    const row = (r.own ? byId.get(ownRowId(r.id)) : undefined) ?? byId.get(r.id);
    return {
      ...r,
      points: plan.counts[i] ?? 0,
      lineTest: row?.lineTest ?? null,
      live: row?.live ?? null,
      ...(timelines ? { timeline: timelines(i) } : {}),
    };
  });
}

const LEVEL_SHEET: Record<Level, string> = { province: 'Theo tỉnh', district: 'Theo huyện', commune: 'Theo xã' };

/** The regions' level: that of the regions other than the own one (they are siblings). */
export function regionLevel(regions: readonly Pick<ReportRegion, 'level' | 'own'>[]): Level {
  return (regions.find((r) => !r.own) ?? regions[0])?.level ?? 'province';
}

/** "Theo tỉnh" for provinces, "Theo huyện", "Theo xã": the table's and the sheet's name. */
export const regionsTitle = (regions: readonly Pick<ReportRegion, 'level' | 'own'>[]): string =>
  LEVEL_SHEET[regionLevel(regions)];
