// Maintenance entries (issue 17 point 4; docs/ALERTS.md "Planned work"): planned work on a point or a
// unit, from `start` to `end`, with a reason. While one covers a point its alerts are muted, the
// dashboard shows it as planned, and the report marks the planned time and the outages inside it.
import { z } from 'zod';
import { Code, Instant } from './schemas';

export const MAINTENANCE_TARGETS = ['point', 'unit'] as const;
export type MaintenanceTargetKind = (typeof MAINTENANCE_TARGETS)[number];

/** At most 31 days per entry: longer work is a change of the inventory, not a maintenance window. */
export const MAX_MAINTENANCE_MS = 31 * 24 * 3_600_000;

/** POST /api/maintenance (and PUT /api/maintenance/:id): what the admin screen sends. */
export const MaintenanceInput = z
  .strictObject({
    target: z.strictObject({ kind: z.enum(MAINTENANCE_TARGETS), id: Code }),
    start: Instant,
    end: Instant,
    reason: z.string().trim().min(1).max(500),
  })
  .superRefine((m, ctx) => {
    const s = Date.parse(m.start);
    const e = Date.parse(m.end);
    if (!(e > s)) ctx.addIssue({ code: 'custom', path: ['end'], message: 'kết thúc phải sau bắt đầu' });
    else if (e - s > MAX_MAINTENANCE_MS)
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'một lần bảo trì dài tối đa 31 ngày' });
  });
export type MaintenanceInput = z.infer<typeof MaintenanceInput>;

/** A maintenance entry as the API shows it. */
export const MaintenanceView = z.object({
  id: z.number(),
  target: z.object({ kind: z.enum(MAINTENANCE_TARGETS), id: z.string() }),
  /** The point's or unit's name (the id when it is no longer in the inventory). */
  targetName: z.string(),
  start: Instant,
  end: Instant,
  reason: z.string(),
  createdBy: z.string(),
  createdAt: Instant,
});
export type MaintenanceView = z.infer<typeof MaintenanceView>;

/** GET /api/maintenance/now: the points under planned work at this moment, with their entry. */
export const PlannedNow = z.object({
  planned: z.array(z.object({ point: z.string(), entry: z.number(), reason: z.string(), end: Instant })),
});
export type PlannedNow = z.infer<typeof PlannedNow>;
