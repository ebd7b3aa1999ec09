// Read-only monitoring views: live status per meeting, the outage log, a point's 10 s samples, and the
// spans when no monitor ran (gaps: unknown, neither up nor down).
import { Router } from 'express';
import { words } from '../../../shared/words';
import { DEFAULT_WINDOWS, meetingTimes, type WindowConfig } from '../../../shared/phase';
import type { MonitorGap } from '../../../shared/protocol';
import { toWireInstant } from '../../../shared/time';
import type { Inventory } from '../../inventory/inventory';
import { notFound, issueOf } from '../../errors';
import { presentOutage, presentSample, presentTargets } from '../../presenters';
import type { Participation, StatusSource } from '../../realtime/hub';
import type { Store } from '../../store/types';
import type { Clock } from '../../clock';
import { GapQuerySchema, OutageQuerySchema, SampleQuerySchema, parseQuery } from '../query';
import type { GapRow } from '../../store/types';
import { ValidationError } from '../../errors';

const HOUR = 3_600_000;
const MAX_SAMPLE_RANGE = 7 * 24 * HOUR;
const MAX_GAP_RANGE = 366 * 24 * HOUR;
const MIN = 60_000;
const AFTER_FROM = words('phải sau from (thời điểm bắt đầu)', 'must be after from');

const presentGap = (g: GapRow): MonitorGap => ({
  from: toWireInstant(g.from),
  to: toWireInstant(g.to),
  reason: g.reason,
});

export interface MonitoringDeps {
  inventory: Inventory;
  status: StatusSource;
  participation: Participation;
  store: Store;
  clock: Clock;
  windows?: WindowConfig;
}

export function monitoringRoutes(d: MonitoringDeps): Router {
  const r = Router();

  r.get('/meetings/:id/status', (req, res) => {
    if (!d.inventory.meeting(req.params.id)) throw notFound('meeting', req.params.id);
    const codes = [...d.participation.pointsOf(req.params.id)].sort();
    // [TG8] Each row with its targets' own states (line and endpoint apart).
    res.json(
      codes.flatMap((c) => {
        const s = d.status.status(c);
        const p = d.inventory.point(c);
        // `line` beside `endpoint`: the point's state is its line's (TG5), named so for readers of the API.
        return s && p ? [{ ...s, line: s.state, targets: presentTargets(p, s, d.status.targetRows?.(c) ?? []) }] : [];
      }),
    );
  });

  r.get('/points/:code/targets', (req, res) => {
    const p = d.inventory.point(req.params.code);
    if (!p) throw notFound('point', req.params.code);
    const s = d.status.status(p.code);
    res.json(presentTargets(p, s, d.status.targetRows?.(p.code) ?? []));
  });

  r.get('/outages', async (req, res) => {
    const q = parseQuery(OutageQuerySchema, req.query);
    if (q.from !== undefined && q.to !== undefined && q.to <= q.from) {
      throw new ValidationError([issueOf('query.to', AFTER_FROM)]);
    }
    res.json((await d.store.listOutages(q)).map(presentOutage));
  });

  r.get('/points/:code/samples', async (req, res) => {
    const point = d.inventory.point(req.params.code);
    if (!point) throw notFound('point', req.params.code);
    const q = parseQuery(SampleQuerySchema, req.query);
    const to = q.to ?? d.clock.now();
    const from = q.from ?? to - HOUR;
    if (to <= from) throw new ValidationError([issueOf('query.to', AFTER_FROM)]);
    if (to - from > MAX_SAMPLE_RANGE)
      throw new ValidationError([
        issueOf('query', words('khoảng thời gian dài quá 7 ngày', 'range is longer than 7 days')),
      ]);
    res.json((await d.store.listRollups(point.code, from, to)).map(presentSample));
  });

  r.get('/meetings/:id/gaps', async (req, res) => {
    const m = d.inventory.meeting(req.params.id);
    if (!m) throw notFound('meeting', req.params.id);
    // From the line-test window's opening to the live window's close.
    const w = d.windows ?? DEFAULT_WINDOWS;
    const t = meetingTimes(m);
    const from = t.lineTestStart - w.lineTestLeadMin * MIN;
    const to = t.plannedEnd + w.tailMin * MIN;
    res.json((await d.store.listGaps(from, to)).map(presentGap));
  });

  r.get('/gaps', async (req, res) => {
    const q = parseQuery(GapQuerySchema, req.query);
    const to = q.to ?? d.clock.now();
    const from = q.from ?? to - 24 * HOUR;
    if (to <= from) throw new ValidationError([issueOf('query.to', AFTER_FROM)]);
    if (to - from > MAX_GAP_RANGE)
      throw new ValidationError([
        issueOf('query', words('khoảng thời gian dài quá 366 ngày', 'range is longer than 366 days')),
      ]);
    res.json((await d.store.listGaps(from, to)).map(presentGap));
  });

  return r;
}
