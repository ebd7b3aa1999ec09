// Prometheus metrics at GET /metrics (prom-client; docs/ALERTS.md lists them and gives a sample alert
// rule). The figures come from where the API gets its own: the status board (its mirror in `serve`),
// the store's open outages, the storage health, the Socket.IO server, the alert outbox; the pipeline's
// own counts (results by kind, result lag, its event-loop delay, blind spans) arrive from the monitor
// once a second. Gauges are read when Prometheus scrapes, so nothing is computed between scrapes.
import { timingSafeEqual, createHash } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { POINT_STATES } from '../../shared/schemas';
import type { AlertDispatcher } from '../alerts/dispatcher';
import type { Inventory } from '../inventory/inventory';
import type { MonitorPort } from '../pipeline/port';
import type { StorageHealth } from '../store/health';
import type { Store } from '../store/types';

export interface MetricsDeps {
  monitor: MonitorPort;
  inventory: Inventory;
  store: Store;
  health: StorageHealth;
  alerts: AlertDispatcher;
  /** Dashboards connected now (Socket.IO connections). */
  dashboards: () => number;
}

export interface Metrics {
  registry: Registry;
  /** Read at each scrape (their collect()). */
  gauges: readonly Gauge[];
  stop(): void;
}

export function createMetrics(d: MetricsDeps): Metrics {
  const registry = new Registry();
  // Node's own (CPU, memory, GC, the server's event-loop lag) under the process_/nodejs_ names.
  collectDefaultMetrics({ register: registry });
  const reg = [registry];

  const results = new Counter({
    name: 'diemcau_probe_results_total',
    help: 'Probe results taken in by the status board, by target kind and result (reply or lost); every probe sent ends in one.',
    labelNames: ['kind', 'result'] as const,
    registers: reg,
  });
  const lagSum = new Counter({
    name: 'diemcau_result_lag_seconds_total',
    help: 'Result lags added up: from a reply\'s arrival (send time + RTT) to the status board; divide by the replies counted in diemcau_probe_results_total{result="reply"} for the mean.',
    registers: reg,
  });
  const lagMax = new Gauge({
    name: 'diemcau_result_lag_max_seconds',
    help: 'Longest result lag in the last second.',
    registers: reg,
  });
  const serverLoop = monitorEventLoopDelay({ resolution: 20 });
  serverLoop.enable();
  // The server's share of diemcau_event_loop_delay_seconds, over the span since the last scrape.
  const collectServerLoop = (): void => {
    if (serverLoop.count === 0) return;
    loop.set({ process: 'server', quantile: '0.99' }, serverLoop.percentile(99) / 1e9);
    loop.set({ process: 'server', quantile: '1' }, serverLoop.max / 1e9);
    serverLoop.reset();
  };

  const loop: Gauge<'process' | 'quantile'> = new Gauge({
    name: 'diemcau_event_loop_delay_seconds',
    help: 'Event-loop delay over the last second, by process (server, monitor) and quantile (0.99, 1 = max).',
    labelNames: ['process', 'quantile'] as const,
    registers: reg,
    // The server's own, measured here; the monitor's arrive with its reports.
    collect: () => collectServerLoop(),
  });
  const gaps = new Counter({
    name: 'diemcau_monitor_gaps_total',
    help: 'Spans when the monitor ran but could not observe (stall, clock step): shown unknown, never outages.',
    labelNames: ['reason'] as const,
    registers: reg,
  });
  const gapSeconds = new Counter({
    name: 'diemcau_monitor_gap_seconds_total',
    help: 'Length of those spans.',
    labelNames: ['reason'] as const,
    registers: reg,
  });
  const statsAge = new Gauge({
    name: 'diemcau_monitor_last_report_timestamp_seconds',
    help: 'When the monitor last reported its figures (Unix time): stale when it stands still.',
    registers: reg,
  });
  const sent = new Counter({
    name: 'diemcau_alerts_sent_total',
    help: 'Alert deliveries sent, by channel and channel kind.',
    labelNames: ['channel', 'kind'] as const,
    registers: reg,
  });
  const failed = new Counter({
    name: 'diemcau_alerts_failed_total',
    help: 'Failed alert attempts, by channel, kind and outcome (retry: tried again later; given_up: failed for good).',
    labelNames: ['channel', 'kind', 'outcome'] as const,
    registers: reg,
  });
  for (const ch of d.alerts.channels) {
    sent.inc({ channel: ch.config.id, kind: ch.config.kind }, 0);
    for (const outcome of ['retry', 'given_up'])
      failed.inc({ channel: ch.config.id, kind: ch.config.kind, outcome }, 0);
  }
  d.alerts.onAttempt((e) => {
    if (e.ok) sent.inc({ channel: e.channel, kind: e.kind });
    else
      failed.inc({ channel: e.channel, kind: e.kind, outcome: e.delivery.status === 'failed' ? 'given_up' : 'retry' });
  });

  d.monitor.onStats((s) => {
    for (const r of s.results) {
      results.inc({ kind: r.kind, result: 'reply' }, r.reply);
      results.inc({ kind: r.kind, result: 'lost' }, r.lost);
    }
    lagSum.inc(s.lag.sumMs / 1000);
    lagMax.set(s.lag.maxMs / 1000);
    if (Number.isFinite(s.loop.p99Ms)) loop.set({ process: 'monitor', quantile: '0.99' }, s.loop.p99Ms / 1000);
    if (Number.isFinite(s.loop.maxMs)) loop.set({ process: 'monitor', quantile: '1' }, s.loop.maxMs / 1000);
    statsAge.set(Date.now() / 1000);
  });
  d.monitor.onBlind((span) => {
    gaps.inc({ reason: span.reason });
    gapSeconds.inc({ reason: span.reason }, (span.to - span.from) / 1000);
  });

  const gauges: Gauge[] = [];
  gauges.push(
    new Gauge({
      name: 'diemcau_points',
      help: 'Points of each meeting by state, as GET /api/meetings/:id/status shows them.',
      labelNames: ['meeting', 'state'] as const,
      registers: reg,
      collect() {
        this.reset();
        for (const m of d.inventory.listMeetings()) {
          const counts = new Map<string, number>(POINT_STATES.map((s) => [s, 0]));
          for (const code of d.monitor.pointsOf(m.id)) {
            const st = d.monitor.board.status(code)?.state ?? 'unknown';
            counts.set(st, (counts.get(st) ?? 0) + 1);
          }
          for (const [state, n] of counts) this.set({ meeting: m.id, state }, n);
        }
      },
    }),
  );
  gauges.push(
    new Gauge({
      name: 'diemcau_open_outages',
      help: 'Outage records open now (endedAt null), by type.',
      labelNames: ['type'] as const,
      registers: reg,
      async collect() {
        const open = await d.store.openOutages();
        this.set({ type: 'down' }, open.filter((o) => o.type === 'down').length);
        this.set({ type: 'severe' }, open.filter((o) => o.type === 'severe').length);
      },
    }),
  );
  gauges.push(
    new Gauge({
      name: 'diemcau_open_incidents',
      help: 'Alert incidents open now: one per open outage until incidents are grouped.',
      registers: reg,
      async collect() {
        this.set((await d.store.openOutages()).length);
      },
    }),
  );
  gauges.push(
    new Gauge({
      name: 'diemcau_storage_pending_writes',
      help: 'Writes waiting in memory because the store refused them (0 when storage is healthy).',
      registers: reg,
      collect() {
        this.set(d.health.snapshot().pendingWrites);
      },
    }),
  );
  gauges.push(
    new Gauge({
      name: 'diemcau_storage_ok',
      help: '1 while the store writes, 0 while writes fail.',
      registers: reg,
      collect() {
        this.set(d.health.snapshot().storage === 'ok' ? 1 : 0);
      },
    }),
  );
  gauges.push(
    new Gauge({
      name: 'diemcau_dashboards_connected',
      help: 'Dashboards (Socket.IO connections) connected now.',
      registers: reg,
      collect() {
        this.set(d.dashboards());
      },
    }),
  );
  gauges.push(
    new Gauge({
      name: 'diemcau_alert_deliveries',
      help: 'Alert deliveries in the outbox by channel and status (pending, sent, failed).',
      labelNames: ['channel', 'status'] as const,
      registers: reg,
      async collect() {
        const counts = await d.store.alerts.countDeliveries();
        this.reset();
        for (const c of counts) this.set({ channel: c.channel, status: c.status }, c.n);
      },
    }),
  );

  return {
    registry,
    gauges,
    stop() {
      serverLoop.disable();
    },
  };
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * GET /metrics behind `Authorization: Bearer <token>` (Prometheus's `authorization` scrape setting).
 * Compared in constant time; 401 without or with a wrong token.
 */
export function metricsHandler(m: Metrics, token: string): RequestHandler {
  const expected = digest(token);
  return (req, res, next) => {
    const auth = req.get('authorization') ?? '';
    const given = /^Bearer (.+)$/i.exec(auth)?.[1] ?? '';
    if (!timingSafeEqual(digest(given), expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="diemcau metrics"');
      res.status(401).type('text/plain').send('unauthorized\n');
      return;
    }
    m.registry
      .metrics()
      .then((text) => {
        res.setHeader('Cache-Control', 'no-store');
        res.type(m.registry.contentType).send(text);
      })
      .catch(next);
  };
}
