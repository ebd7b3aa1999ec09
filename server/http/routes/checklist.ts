// REST for the line-test checklist and roll call (transport only: parse, authorise, call the service).
// Reads for every session; ticking for `checklist:write` (a limited technician: their units' points,
// checked by the service); templates and a meeting's template for admins (`inventory:write`). A stale
// version answers 409 `{ error: { code: "conflict", message, current } }`.
import { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { z } from 'zod';
import { HistoryQuery, ItemKey, ItemWriteBody, RollCallWriteBody } from '../../../shared/checklist';
import { Code } from '../../../shared/schemas';
import { toWireInstant } from '../../../shared/time';
import { authOf, requireAction } from '../../auth/middleware';
import { authorize, roleAllows } from '../../auth/policy';
import { ChecklistConflictError } from '../../checklist/errors';
import { exportChecklistCsv, exportChecklistXlsx, exportRollCallCsv } from '../../checklist/export';
import { presentTemplate } from '../../checklist/present';
import type { ChecklistService } from '../../checklist/service';
import type { Clock } from '../../clock';
import { parseOrThrow } from '../../errors';
import { requestLang } from '../errors';
import { XLSX_MIME } from '../../importer/xlsx';

export interface ChecklistRoutesDeps {
  checklist: ChecklistService;
  clock: Clock;
}

const MeetingParams = z.object({ id: Code });
const TemplateParams = z.object({ id: Code });
const ItemParams = z.object({ id: Code, code: Code, item: ItemKey });
const PointParams = z.object({ id: Code, code: Code });
const AssignBody = z.strictObject({ template: Code });

const params = <S extends z.ZodType>(schema: S, value: unknown): z.output<S> => parseOrThrow(schema, value, ['params']);

/** `20260305-1500` in Vietnamese time, for file names. */
function stamp(ms: number): string {
  const w = toWireInstant(ms);
  return `${w.slice(0, 4)}${w.slice(5, 7)}${w.slice(8, 10)}-${w.slice(11, 13)}${w.slice(14, 16)}`;
}

export function checklistRoutes({ checklist, clock }: ChecklistRoutesDeps): Router {
  const r = Router();
  const admin = requireAction('inventory:write');
  const tick = roleMay('checklist:write');

  r.get('/checklist/templates', async (_req, res) => {
    res.json((await checklist.templates()).map(presentTemplate));
  });
  r.get('/checklist/templates/:id', async (req, res) => {
    res.json(presentTemplate(await checklist.template(params(TemplateParams, req.params).id)));
  });
  r.put('/checklist/templates/:id', admin, async (req, res) => {
    const { template, created } = await checklist.saveTemplate(params(TemplateParams, req.params).id, req.body);
    res.status(created ? 201 : 200).json(template);
  });
  r.delete('/checklist/templates/:id', admin, async (req, res) => {
    await checklist.deleteTemplate(params(TemplateParams, req.params).id);
    res.status(204).end();
  });

  r.get('/meetings/:id/checklist', async (req, res) => {
    res.json(await checklist.snapshot(params(MeetingParams, req.params).id, authOf(res).user));
  });
  r.put('/meetings/:id/checklist/template', admin, async (req, res) => {
    const { id } = params(MeetingParams, req.params);
    const body = parseOrThrow(AssignBody, req.body);
    const row = await checklist.assignTemplate(id, body.template);
    res.json({ id: row.template, name: row.name, items: row.items });
  });
  r.put('/meetings/:id/checklist/points/:code/items/:item', tick, async (req, res) => {
    const p = params(ItemParams, req.params);
    const body = parseOrThrow(ItemWriteBody, req.body);
    res.json(await checklist.setItem(authOf(res).user, { meetingId: p.id, point: p.code, item: p.item, ...body }));
  });
  r.put('/meetings/:id/rollcall/points/:code', tick, async (req, res) => {
    const p = params(PointParams, req.params);
    const body = parseOrThrow(RollCallWriteBody, req.body);
    res.json(await checklist.confirmRollCall(authOf(res).user, { meetingId: p.id, point: p.code, ...body }));
  });
  r.get('/meetings/:id/checklist/history', async (req, res) => {
    const { id } = params(MeetingParams, req.params);
    const q = parseOrThrow(HistoryQuery, req.query, ['query']);
    res.json(await checklist.history(id, { point: q.point, key: q.item, limit: q.limit }));
  });

  r.get('/meetings/:id/checklist.csv', async (req, res) => {
    const { id } = params(MeetingParams, req.params);
    const csv = exportChecklistCsv(await checklist.snapshot(id, authOf(res).user));
    res
      .type('text/csv; charset=utf-8')
      .attachment(`danh-muc-kiem-tra-${id}-${stamp(clock.now())}.csv`)
      .send(csv);
  });
  r.get('/meetings/:id/rollcall.csv', async (req, res) => {
    const { id } = params(MeetingParams, req.params);
    const csv = exportRollCallCsv(await checklist.snapshot(id, authOf(res).user));
    res
      .type('text/csv; charset=utf-8')
      .attachment(`diem-danh-${id}-${stamp(clock.now())}.csv`)
      .send(csv);
  });
  r.get('/meetings/:id/checklist.xlsx', async (req, res) => {
    const { id } = params(MeetingParams, req.params);
    const snap = await checklist.snapshot(id, authOf(res).user);
    const buf = await exportChecklistXlsx(snap, await checklist.history(id, { limit: 100_000 }));
    res
      .type(XLSX_MIME)
      .attachment(`danh-muc-kiem-tra-${id}-${stamp(clock.now())}.xlsx`)
      .send(buf);
  });

  r.use(conflicts);
  return r;
}

/**
 * The role check before the body is read (403 for a viewer, whatever it sends). Unlike requireAction
 * it lets a unit-limited technician through: the service checks the point against their units.
 */
function roleMay(action: 'checklist:write'): RequestHandler {
  return (_req, res, next) => {
    const { user } = authOf(res);
    if (!roleAllows(user.role, action)) authorize(user, action);
    next();
  };
}

/** [CL5] The writer gets the current mark with the refusal, so it can show what won. */
const conflicts: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (err instanceof ChecklistConflictError) {
    res.status(409).json({ error: err.errorIn(requestLang(req)) });
    return;
  }
  next(err);
};
