// Maintenance entries (docs/ALERTS.md "Planned work"): planned work on a point or a unit that mutes its
// alerts and shows it as planned. Everyone signed in reads them (the dashboard marks the points);
// admins create, change and delete them (`inventory:write`).
import { Router } from 'express';
import { z } from 'zod';
import { MaintenanceInput, type MaintenanceView, type PlannedNow } from '../../../shared/maintenance';
import { coveringEntry } from '../../alerts/gate';
import { toWireInstant } from '../../../shared/time';
import { authOf, requireAction } from '../../auth/middleware';
import { issueOf, NotFoundError, parseOrThrow, ValidationError } from '../../errors';
import type { Inventory } from '../../inventory/inventory';
import type { Clock } from '../../clock';
import type { MaintenanceNew, MaintenanceRow, MaintenanceStore } from '../../store/maintenance-types';
import { words } from '../../../shared/words';

const ListQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
const Id = z.coerce.number().int().min(1);

export function maintenanceView(r: MaintenanceRow, inventory: Inventory): MaintenanceView {
  const name = r.targetKind === 'point' ? inventory.point(r.target)?.name : inventory.unit(r.target)?.name;
  return {
    id: r.id,
    target: { kind: r.targetKind, id: r.target },
    targetName: name ?? r.target,
    start: toWireInstant(r.start),
    end: toWireInstant(r.end),
    reason: r.reason,
    createdBy: r.createdBy,
    createdAt: toWireInstant(r.createdAt),
  };
}

export function maintenanceRoutes(d: { store: MaintenanceStore; inventory: Inventory; clock: Clock }): Router {
  const r = Router();

  const parse = (body: unknown, actor: string): MaintenanceNew => {
    const m = parseOrThrow(MaintenanceInput, body);
    const known = m.target.kind === 'point' ? d.inventory.point(m.target.id) : d.inventory.unit(m.target.id);
    if (!known) {
      const what =
        m.target.kind === 'point'
          ? words(`không có điểm cầu “${m.target.id}”`, `no point "${m.target.id}"`)
          : words(`không có đơn vị “${m.target.id}”`, `no unit "${m.target.id}"`);
      throw new ValidationError([issueOf('target.id', what)]);
    }
    return {
      targetKind: m.target.kind,
      target: m.target.id,
      start: Date.parse(m.start),
      end: Date.parse(m.end),
      reason: m.reason,
      createdBy: actor,
      createdAt: d.clock.now(),
    };
  };

  r.get('/maintenance', async (req, res) => {
    const q = parseOrThrow(ListQuery, req.query);
    const rows = await d.store.listMaintenance(
      q.from === undefined ? undefined : Date.parse(q.from),
      q.to === undefined ? undefined : Date.parse(q.to),
    );
    res.json({ entries: rows.map((row) => maintenanceView(row, d.inventory)) });
  });

  // The points under planned work now (a unit's entry: the points of its subtree), for the dashboard.
  r.get('/maintenance/now', async (_req, res) => {
    const now = d.clock.now();
    const entries = await d.store.listMaintenance(now, now + 1);
    const units = new Map(d.inventory.listUnits().map((u) => [u.id, u]));
    const planned: PlannedNow['planned'] = [];
    for (const p of d.inventory.listPoints()) {
      const e = coveringEntry(entries, p.code, p.unit, units, now);
      if (e) planned.push({ point: p.code, entry: e.id, reason: e.reason, end: toWireInstant(e.end) });
    }
    res.json({ planned } satisfies PlannedNow);
  });

  r.post('/maintenance', requireAction('inventory:write'), async (req, res) => {
    const row = await d.store.addMaintenance(parse(req.body, authOf(res).user.name));
    res.status(201).json({ entry: maintenanceView(row, d.inventory) });
  });

  r.put('/maintenance/:id', requireAction('inventory:write'), async (req, res) => {
    const id = parseOrThrow(Id, req.params.id, ['id']);
    const m = parse(req.body, authOf(res).user.name);
    if (!(await d.store.updateMaintenance(id, m)))
      throw new NotFoundError(words(`không có lịch bảo trì ${id}`, `no maintenance entry ${id}`));
    res.json({ entry: maintenanceView((await d.store.getMaintenance(id))!, d.inventory) });
  });

  r.delete('/maintenance/:id', requireAction('inventory:write'), async (req, res) => {
    const id = parseOrThrow(Id, req.params.id, ['id']);
    if (!(await d.store.deleteMaintenance(id)))
      throw new NotFoundError(words(`không có lịch bảo trì ${id}`, `no maintenance entry ${id}`));
    res.status(204).end();
  });

  return r;
}
