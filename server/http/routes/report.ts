// The post-meeting report over REST (transport only): the report as JSON, its CSV tables, the XLSX
// workbook and the PDF; an outage's note with its history, and the acknowledgement (PUT), authorised
// on the outage's point. Mounted under /api behind the session check.
import { Router, type ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { CsvTable } from '../../../shared/report';
import { Code } from '../../../shared/schemas';
import { toWireInstant } from '../../../shared/time';
import { authOf } from '../../auth/middleware';
import { authorize, roleAllows } from '../../auth/policy';
import type { Clock } from '../../clock';
import { errorText, parseOrThrow } from '../../errors';
import { requestLang } from '../errors';
import { XLSX_MIME } from '../../importer';
import type { Reports } from '../../report';
import { FontsMissingError } from '../../report/pdf-fonts';
import { parseQuery } from '../query';
import { reportSettingsRoutes } from './report-settings';

export interface ReportRoutesDeps {
  reports: Reports;
  clock: Clock;
}

const MeetingParams = z.object({ id: Code });
const OutageParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const meetingId = (params: unknown): string => parseOrThrow(MeetingParams, params, ['params']).id;
// [NV5] `?unit=`: the report of the meeting's points under that unit only (a province's part).
const UnitQuery = { unit: Code.optional() };
const ReportQuery = z.strictObject(UnitQuery);
// The number the clerk gave the document; without it "Số:" is left blank to be written in by hand.
const PdfQuery = z.strictObject({ ...UnitQuery, number: z.coerce.number().int().min(1).max(999_999).optional() });
const CsvQuery = z.strictObject({
  ...UnitQuery,
  table: CsvTable.default('points'),
  delimiter: z.enum(['comma', 'semicolon']).default('comma'),
});

/**
 * `bao-cao-<meeting>-20260306-0900`, or `bao-cao-<meeting>-<unit>-…` for a unit's, in Vietnamese time:
 * the meeting's and the unit's ids are safe codes already.
 */
function fileName(meeting: string, unit: string | undefined, now: number, ext: string): string {
  const w = toWireInstant(now);
  const who = unit === undefined ? meeting : `${meeting}-${unit}`;
  return `bao-cao-${who}-${w.slice(0, 4)}${w.slice(5, 7)}${w.slice(8, 10)}-${w.slice(11, 13)}${w.slice(14, 16)}.${ext}`;
}

export function reportRoutes(d: ReportRoutesDeps): Router {
  const r = Router();
  const { service, notes } = d.reports;

  // The report travels as bytes from end to end: built in a pool worker, never parsed here (see
  // ReportService.reportJson), so its size costs the request loop a copy, not a clone and a stringify.
  r.get('/meetings/:id/report', async (req, res) => {
    const id = meetingId(req.params);
    const q = parseQuery(ReportQuery, req.query);
    const json = await service.reportJson(id, q.unit);
    res.type('application/json; charset=utf-8').send(Buffer.from(json.buffer, json.byteOffset, json.byteLength));
  });

  r.get('/meetings/:id/report.csv', async (req, res) => {
    const id = meetingId(req.params);
    const q = parseQuery(CsvQuery, req.query);
    const csv = await d.reports.render.csv(await service.reportJson(id, q.unit), q.table, q.delimiter === 'semicolon');
    res
      .type('text/csv; charset=utf-8')
      .attachment(fileName(id, q.unit, d.clock.now(), `${q.table}.csv`))
      .send(csv);
  });

  r.get('/meetings/:id/report.xlsx', async (req, res) => {
    const id = meetingId(req.params);
    const q = parseQuery(ReportQuery, req.query);
    const buf = await d.reports.render.xlsx(await service.reportJson(id, q.unit));
    res
      .type(XLSX_MIME)
      .attachment(fileName(id, q.unit, d.clock.now(), 'xlsx'))
      .send(buf);
  });

  r.get('/meetings/:id/report.pdf', async (req, res) => {
    const id = meetingId(req.params);
    const q = parseQuery(PdfQuery, req.query);
    const buf = await d.reports.render.pdf(await service.reportJson(id, q.unit), {
      number: q.number ?? null,
      issuedAt: d.clock.now(),
    });
    res
      .type('application/pdf')
      .attachment(fileName(id, q.unit, d.clock.now(), 'pdf'))
      .send(buf);
  });

  r.get('/outages/:id/note', async (req, res) => {
    res.json(await notes.get(parseOrThrow(OutageParams, req.params, ['params']).id));
  });

  r.put('/outages/:id/note', async (req, res) => {
    const actor = authOf(res).user;
    // The role first, whatever the body (a viewer learns nothing from field errors); the point's unit
    // once the outage is known.
    if (!roleAllows(actor.role, 'outage:acknowledge')) authorize(actor, 'outage:acknowledge');
    const id = parseOrThrow(OutageParams, req.params, ['params']).id;
    res.json(await notes.save(actor, id, req.body));
  });

  r.get('/report/retention', (_req, res) => {
    const { policy, last } = d.reports.retention;
    res.json({
      rollupDays: policy.rollupDays,
      reportDays: policy.reportDays,
      lastPurge: last && { at: toWireInstant(last.at), rollups: last.rollups, reports: last.reports },
    });
  });

  r.use(reportSettingsRoutes(d.reports.settings));
  r.use(pdfErrors);
  return r;
}

const pdfErrors: ErrorRequestHandler = (err, req, res, next) => {
  // From a pool worker the error arrives by name (server/workers/pool.ts keeps it).
  if (err instanceof FontsMissingError || (err instanceof Error && err.name === 'FontsMissingError')) {
    res.status(503).json({ error: { code: 'internal', message: errorText(err, requestLang(req)) } });
    return;
  }
  next(err);
};
