// The app factory: everything wired with the parts it is given, nothing listening until listen().
// Tests start it on port 0 with a real SQLite file, real engines and, where they need it, a ManualClock.
import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express, { type Express } from 'express';
import pino, { type Logger } from 'pino';
import { Server } from 'socket.io';
import type { AlertsConfig } from '../shared/alerts';
import { PROTOCOL_VERSION, type ServerHealth } from '../shared/protocol';
import type { WindowConfig } from '../shared/phase';
import { toWireInstant } from '../shared/time';
import { buildChannels, type ResolvedChannel } from './alerts/channels';
import { AlertDispatcher } from './alerts/dispatcher';
import { Access } from './auth/access';
import { cookieName } from './auth/cookies';
import { FailureLimiter } from './auth/limiter';
import { displayCookieName } from './auth/display-cookie';
import { DisplayLinks } from './auth/display-links';
import { authenticate, requireAction, requireSession } from './auth/middleware';
import { verifyPassword } from './auth/password';
import { Sessions, type SessionConfig } from './auth/sessions';
import { Users } from './auth/users';
import { VerifyGate } from './auth/verify-gate';
import { systemClock, type Clock } from './clock';
import { errorHandler, noRoute } from './http/errors';
import { requestLogger } from './http/request-log';
import { rejectMalformedPath } from './http/malformed-url';
import { createChecklist, publishChecklistEvents, type Checklist } from './checklist';
import type { ChecklistEvent } from './checklist/service';
import { ackRoutes } from './http/routes/ack';
import { alertRoutes } from './http/routes/alerts';
import { maintenanceRoutes } from './http/routes/maintenance';
import { AlertGate } from './alerts/gate';
import { DailyDigest } from './alerts/digest';
import { authRoutes } from './http/routes/auth';
import { checklistRoutes } from './http/routes/checklist';
import { displayLinkRoutes, displayRoutes } from './http/routes/display';
import { reportRoutes } from './http/routes/report';
import { inventoryRoutes } from './http/routes/inventory';
import { lockoutRoutes } from './http/routes/lockouts';
import { importRoutes } from './http/routes/imports';
import { UploadParsers, type UploadParsingOptions } from './parsing/uploads';
import { monitoringRoutes } from './http/routes/monitoring';
import { testHookRoutes } from './http/routes/test-hooks';
import { userRoutes } from './http/routes/users';
import { agentRoutes } from './http/routes/agents';
import { AgentRegistry } from './agent/registry';
import { attachAgentCentre } from './agent/centre';
import { throughAgents } from './agent/probe-now';
import { sameOriginWrites, securityHeaders } from './http/security';
import { Inventory } from './inventory/inventory';
import { createMetrics, metricsHandler, type Metrics } from './metrics';
import { Monitor, type EngineFactory, type MonitorDeps } from './monitor';
import type { MonitorPort } from './pipeline/port';
import { RemoteMonitor } from './pipeline/remote';
import { WorkerPool } from './workers/pool';
import { checklistSource, createReports, publishOutageNotes, type ReportOptions, type Reports } from './report';
import { createEngine, type EngineKind } from './probe';
import { SocketAuth, type IoServer } from './realtime/auth';
import { Hub, room } from './realtime/hub';
import type { CadenceConfig } from './schedule/scheduler';
import type { StatusConfig } from './status/types';
import { StorageHealth } from './store/health';
import { RunLog } from './store/runs';
import type { Store } from './store/types';
import { hostname } from 'node:os';
import { ClusterMonitor, type ClusterRole } from './cluster/monitor';
import type { Redis } from './cluster/redis';
import { attachClusterAdapter } from './cluster/socket-adapter';
import { localLimiter, sharedLimiter, type LoginLimiter } from './auth/login-limiter';
import { RedisFailureLimiter } from './auth/limiter-redis';
import type { MonitorConfig } from './pipeline/messages';
import pkg from '../package.json' with { type: 'json' };

export interface AppOptions {
  store: Store;
  clock?: Clock;
  logger?: Logger;
  /** An engine kind, or a factory for tests that bring their own. */
  engine?: EngineKind | EngineFactory;
  status?: StatusConfig;
  cadence?: CadenceConfig;
  windows?: WindowConfig;
  coalesceMs?: number;
  /**
   * The agents' namespace (docs/AGENTS.md AG3), on by default. Off for the tests of the link itself, which
   * attach a centre of their own to the app's Socket.IO server (server/agent/centre.ts).
   */
  agentLink?: boolean;
  /** The built dashboard; null to serve the API only. Default: client/dist when it exists. */
  staticDir?: string | null;
  /** Log each HTTP request (default true). */
  requestLog?: boolean;
  /** Served over HTTPS (directly or behind a proxy): Secure `__Host-` cookie and HSTS. */
  secureCookies?: boolean;
  /** Express "trust proxy" (e.g. "loopback" behind a local nginx): client IPs from X-Forwarded-For. */
  trustProxy?: boolean | number | string;
  session?: Partial<SessionConfig>;
  /**
   * Password checks allowed per IP and per username within the window (default 5 per 15 min), counted
   * before each check; checks at once in all and per key, and logins waiting for one
   * (server/auth/verify-gate.ts); the check itself (default verifyPassword: tests wrap it to count
   * argon2 calls).
   */
  login?: {
    maxFailures?: number;
    windowMs?: number;
    maxVerifying?: number;
    maxVerifyingPerKey?: number;
    maxQueued?: number;
    verify?: typeof verifyPassword;
  };
  /** Connected sockets' sessions are checked this often (default 30 s). */
  sessionSweepMs?: number;
  /**
   * Run the probe pipeline in a process of its own on this SQLite file (server/pipeline/), as `serve`
   * does. Needs the system clock and an engine kind (not a factory); otherwise it runs in this process.
   */
  monitorProcess?: { db: string };
  /**
   * Heavy request work (report figures, XLSX, PDF) in a pool of worker threads on this SQLite file
   * (server/workers/pool.ts), bounded in concurrency, queue and time. Default: on this thread.
   */
  workers?: { db: string; size?: number; maxQueue?: number; timeoutMs?: number; maxHeapMb?: number };
  /**
   * Test-only routes (`POST /api/test/block?ms=`: hold this process's event loop), for the tests that
   * prove the monitor does not depend on it. `serve` turns them on only with DIEMCAU_TEST_HOOKS=1.
   */
  testHooks?: boolean;
  /** The monitor's stall and clock-step watch (server/status/blind.ts); default: on with the system clock. */
  blind?: MonitorDeps['blind'];
  /** Monitor run heartbeat (default 5 s): how precisely a crash's gap begins. */
  heartbeatMs?: number;
  /** Line-test checklist: line stability before "Đường truyền" passes, roll-call settle time. */
  checklist?: { lineStableMs?: number; rollCallSettleMs?: number };
  /** Post-meeting report: retention, the centre's name on the PDF. */
  report?: ReportOptions;
  /** Uploaded point lists and invitations: parsed on worker threads, with these budgets (server/parsing). */
  uploads?: UploadParsingOptions;
  /**
   * Alert channels and rules (the inventory file's `alerts:`; docs/ALERTS.md). Secrets are read from
   * `alertsEnv` (default process.env) or the named files; a channel whose secret is missing refuses
   * the app (ValidationError). `alertsPollMs`: how often the outbox is read besides pokes (1 s).
   */
  alerts?: AlertsConfig;
  alertsEnv?: NodeJS.ProcessEnv;
  alertsPollMs?: number;
  /** Prometheus metrics at GET /metrics behind this bearer token (server/metrics); off without one. */
  metrics?: { token: string };
  /** This instance's name in /api/health and the logs (default: the host name and the process id). */
  instance?: string;
  /**
   * One of several instances on one PostgreSQL and one Redis (docs/DEPLOY.md): Socket.IO fan-out, the
   * login limiter and the monitor's statuses over Redis, the monitor run by the lease's holder
   * (server/cluster/monitor.ts). Needs `monitorProcess` (its `db` is the PostgreSQL URL).
   */
  cluster?: { redis: Redis; name: string; role: ClusterRole; ttlMs?: number };
}

export interface AppAuth {
  sessions: Sessions;
  users: Users;
  /** This process's own count of login attempts (with several instances, the fallback while Redis is away). */
  limiter: FailureLimiter;
  /** What the login routes count with: `limiter`, or the one shared over Redis. */
  logins: LoginLimiter;
  gate: VerifyGate;
  access: Access;
  sockets: SocketAuth;
  cookieName: string;
  /** Wall screens' display links (server/auth/display-links.ts). */
  displays: DisplayLinks;
}

export interface App {
  express: Express;
  http: HttpServer;
  io: IoServer;
  inventory: Inventory;
  /** The pipeline, wherever it runs. */
  monitor: MonitorPort;
  /** The pipeline itself when it runs in this process (tests reach into it), else null. */
  inProcess: Monitor | null;
  hub: Hub;
  auth: AppAuth;
  health: StorageHealth;
  /** The run log, kept by whichever process runs the pipeline: null here when that is another one. */
  runs: RunLog | null;
  checklist: Checklist;
  reports: Reports;
  /** Delivers the alert outbox (server/alerts/dispatcher.ts). */
  alerts: AlertDispatcher;
  /** The registry of remote probe agents: AgentAuth for the `/agent` namespace (docs/AGENTS.md AG2). */
  agents: AgentRegistry;
  /** The daily digest of incidents outside the meeting windows (`alerts.digest`), or null. */
  digest: DailyDigest | null;
  engineName: string;
  /** The health as clients see it (`server:health`, snapshots, /api/health). */
  serverHealth(): ServerHealth;
  /** Start monitoring and listen; resolves with the bound port (0 picks a free one). */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** The meeting a checklist event is about. */
const eventMeeting = (e: ChecklistEvent): string => (e.type === 'changed' ? e.payload.meetingId : e.meetingId);

const DEFAULT_STATIC = join(import.meta.dirname, '..', 'client', 'dist');

export async function createApp(opts: AppOptions): Promise<App> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? pino({ level: 'silent' });
  const { store } = opts;
  // Secrets first: a channel that cannot be built refuses the app before anything starts.
  const alertChannels: ResolvedChannel[] = opts.alerts ? buildChannels(opts.alerts, opts.alertsEnv) : [];
  const secure = opts.secureCookies ?? false;
  const trustProxy = opts.trustProxy ?? false;
  const inventory = await Inventory.open(store);
  const kind = typeof opts.engine === 'function' ? undefined : (opts.engine ?? 'auto');
  const engineFactory: EngineFactory =
    typeof opts.engine === 'function' ? opts.engine : (o) => createEngine({ ...o, kind });
  const instance = opts.instance ?? `${hostname()}-${process.pid}`;
  const separate = opts.monitorProcess !== undefined && typeof opts.engine !== 'function' && clock === systemClock;
  const monitorConfig: MonitorConfig | null = separate
    ? {
        db: opts.monitorProcess!.db,
        engine: kind ?? 'auto',
        logLevel: logger.level,
        status: opts.status,
        cadence: opts.cadence,
        windows: opts.windows,
        heartbeatMs: opts.heartbeatMs,
        grouping: opts.alerts?.grouping,
        blind: opts.blind === false ? { stallMs: Number.MAX_SAFE_INTEGER } : opts.blind,
      }
    : null;
  if (opts.cluster && !monitorConfig) throw new Error('several instances need the monitor in a process of its own');
  // Several instances: the statuses come over the bus from whichever instance holds the lease.
  const cluster =
    opts.cluster && monitorConfig
      ? new ClusterMonitor({
          redis: opts.cluster.redis,
          cluster: opts.cluster.name,
          instance,
          role: opts.cluster.role,
          leaseUrl: monitorConfig.db,
          ttlMs: opts.cluster.ttlMs,
          config: monitorConfig,
          inventory,
          clock,
          logger,
        })
      : null;
  const remote = cluster
    ? cluster.view
    : monitorConfig
      ? new RemoteMonitor({ config: monitorConfig, inventory, clock, logger })
      : null;
  const inProcess =
    remote === null
      ? new Monitor({
          inventory,
          store,
          clock,
          logger,
          engine: engineFactory,
          oneOff: (o) => createEngine({ ...o, kind: 'ping' }),
          status: opts.status,
          cadence: opts.cadence,
          windows: opts.windows,
          grouping: opts.alerts?.grouping,
          // The monitor's own blind spans (docs/SPEC.md MG1–MG3): watched against the system clock; a
          // test's manual clock does not move with real time, so there it is off unless asked for.
          blind: opts.blind ?? (clock === systemClock ? { clockJumps: true } : false),
        })
      : null;
  const monitor: MonitorPort = remote ?? inProcess!;
  // Remote probe agents (docs/AGENTS.md): who may connect, and the monitor's view of their links.
  const agents = new AgentRegistry({ store, clock, logger });
  const agentStates = () => monitor.agents();
  let stopAgentWatch: (() => void) | null = null;

  // Storage health: every writer reports each attempt; clients and logs see failing/ok.
  const health = new StorageHealth(clock, logger);
  monitor.onWrite((source, ok, pending, err) => health.report(source, ok, pending, err));
  // Commits can go on into a recycled WAL while the database file cannot grow: a failed checkpoint is
  // the first sign of a full disk.
  store.onCheckpoint?.((ok, err) => health.report('checkpoint', ok, 0, err));
  // The run log belongs to the pipeline's process: its heartbeats say that the monitor was running.
  const runs =
    inProcess === null
      ? null
      : new RunLog({
          store,
          clock,
          logger,
          heartbeatMs: opts.heartbeatMs,
          onWrite: (ok, pending, err) => health.report('runs', ok, pending, err),
        });
  const serverHealth = (): ServerHealth => {
    const h = health.snapshot();
    return { storage: h.storage, since: toWireInstant(h.since), pendingWrites: h.pendingWrites };
  };

  const sessions = new Sessions({ store, clock, logger, config: opts.session });
  const access = new Access(inventory);
  const users = new Users({
    store,
    clock,
    sessions,
    knownUnits: () => new Set(inventory.listUnits().map((u) => u.id)),
  });
  const limiter = new FailureLimiter({ clock, max: opts.login?.maxFailures, windowMs: opts.login?.windowMs });
  const logins = opts.cluster
    ? sharedLimiter(
        new RedisFailureLimiter({
          redis: opts.cluster.redis,
          cluster: opts.cluster.name,
          clock,
          max: opts.login?.maxFailures,
          windowMs: opts.login?.windowMs,
        }),
        limiter,
        logger,
      )
    : localLimiter(limiter);
  const gate = new VerifyGate({
    maxInFlight: opts.login?.maxVerifying,
    maxPerKey: opts.login?.maxVerifyingPerKey,
    maxQueued: opts.login?.maxQueued,
  });
  const name = cookieName(secure);
  const displays = new DisplayLinks({ store, inventory, clock, logger });
  const checklist = createChecklist({
    store,
    inventory,
    participation: monitor,
    status: monitor.board,
    onTransition: (l) => monitor.board.onTransition(l),
    access,
    clock,
    logger,
    windows: opts.windows,
    lineStableMs: opts.checklist?.lineStableMs,
    rollCallSettleMs: opts.checklist?.rollCallSettleMs,
  });
  const pool = opts.workers
    ? new WorkerPool({
        init: { db: opts.workers.db },
        logger,
        size: opts.workers.size,
        maxQueue: opts.workers.maxQueue,
        timeoutMs: opts.workers.timeoutMs,
        maxHeapMb: opts.workers.maxHeapMb,
      })
    : null;
  const reports = createReports({
    pool: pool ?? undefined,
    store,
    inventory,
    participation: monitor,
    access,
    clock,
    logger,
    status: opts.status,
    windows: opts.windows,
    checklist: checklistSource(checklist.service),
    options: opts.report,
    grouping: opts.alerts?.grouping,
  });

  const alerts = new AlertDispatcher({
    store: store.alerts,
    channels: alertChannels,
    rules: opts.alerts?.rules ?? [],
    clock,
    logger,
    pollMs: opts.alertsPollMs,
    // Issue 17 point 4: planned work mutes, outside the meeting windows only the daily digest.
    gate: new AlertGate({
      store: store.maintenance,
      inventory: () => inventory.data(),
      windows: opts.windows,
      holdOutsideWindows: opts.alerts?.digest !== undefined,
      logger,
    }),
    // [AL20] People come from the inventory's contacts; [AL24] messages carry an acknowledgement link.
    directory: inventory,
    baseUrl: opts.alerts?.baseUrl,
  });

  // Issue 17 point 4: once a day, what the gate held outside the meeting windows.
  const digestConfig = opts.alerts?.digest;
  const digest = digestConfig
    ? new DailyDigest({
        config: digestConfig,
        store: store.maintenance,
        incidents: store.alerts,
        channel: (id) => alertChannels.find((c) => c.channel.config.id === id),
        clock,
        logger,
        pollMs: opts.alertsPollMs === undefined ? undefined : Math.max(opts.alertsPollMs, 1000),
      })
    : null;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  if (opts.requestLog ?? true) app.use(requestLogger(logger));
  app.use(securityHeaders({ secure }));
  app.use(rejectMalformedPath);
  app.use(sameOriginWrites(trustProxy !== false));
  // Prometheus scrapes with a bearer token of its own, not a session (docs/ALERTS.md).
  let metrics: Metrics | null = null;
  if (opts.metrics) {
    const m = createMetrics({
      monitor,
      inventory,
      store,
      health,
      alerts,
      dashboards: () => io.of('/').sockets.size,
    });
    metrics = m;
    app.get('/metrics', metricsHandler(m, opts.metrics.token));
  }
  app.use('/api', (_req, res, next) => {
    // Account data and live state: never from a shared or browser cache.
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // [FO2] A monitor-only instance (--role monitor) answers its health and nothing else.
  if (opts.cluster?.role === 'monitor') {
    app.use((req, res, next) => (req.path === '/api/health' ? next() : res.status(404).end()));
  }
  app.use('/api', authenticate(sessions, name));
  app.get('/api/health', (_req, res) => {
    res.json({
      ok: true,
      engine: monitor.engineName,
      version: pkg.version,
      protocol: PROTOCOL_VERSION,
      store: store.kind,
      instance,
      // [FO1] This instance's part in monitoring: it runs the monitor, waits to, or never does.
      monitor: cluster ? cluster.state : 'active',
      ...serverHealth(),
    });
  });
  app.use(
    '/api/auth',
    authRoutes({
      store,
      sessions,
      limiter: logins,
      gate,
      verify: opts.login?.verify ?? verifyPassword,
      secureCookies: secure,
      logger,
    }),
  );
  // A wall screen's own routes: its display cookie, no user session (docs/SECURITY.md "Display links").
  app.use('/api', displayRoutes(displays, secure));
  // Everything below needs a session; bodies are parsed only for those who have one.
  app.use('/api', requireSession, express.json({ limit: '1mb' }));
  app.use('/api', inventoryRoutes(inventory, clock, monitor));
  app.use(
    '/api',
    monitoringRoutes({ inventory, status: monitor.board, participation: monitor, store, clock, windows: opts.windows }),
  );
  if (opts.testHooks) app.use('/api', requireAction('inventory:write'), testHookRoutes(logger));
  app.use('/api', userRoutes(users));
  app.use('/api', displayLinkRoutes(displays));
  app.use('/api', agentRoutes({ registry: agents, inventory, agentStates }));
  app.use('/api', lockoutRoutes({ limiter: logins, clock, logger }));
  // Importing points and drafting meetings from invitations change the inventory: admins only.
  // Exports are reads, open to every session.
  app.use(['/api/import', '/api/invitations'], requireAction('inventory:write'));
  // Uploads are parsed on worker threads with a time budget: no file can block monitoring.
  const uploads = new UploadParsers(opts.uploads, logger);
  app.use('/api', importRoutes({ inventory, clock, logger, parsers: uploads }));
  app.use('/api', checklistRoutes({ checklist: checklist.service, clock }));
  app.use('/api', reportRoutes({ reports, clock }));
  app.use('/api', maintenanceRoutes({ store: store.maintenance, inventory, clock }));
  app.use('/api', alertRoutes({ dispatcher: alerts, store: store.alerts, rules: opts.alerts?.rules ?? [] }));
  app.use('/api', noRoute);
  // [AL24] A message's signed acknowledgement link: no session, this page only (server/http/routes/ack.ts).
  app.use(ackRoutes({ dispatcher: alerts, store: store.alerts }));
  const staticDir =
    opts.staticDir === undefined ? (existsSync(DEFAULT_STATIC) ? DEFAULT_STATIC : null) : opts.staticDir;
  if (staticDir) {
    // The dashboard itself is public: its login screen must load without a session.
    app.use(express.static(staticDir, { index: 'index.html', maxAge: '1h' }));
    // The dashboard is a single page: unknown non-API paths get it.
    app.get('/{*path}', (_req, res) => res.sendFile(join(staticDir, 'index.html')));
  }
  app.use(errorHandler(logger));

  const http = createServer(app);
  const io: IoServer = new Server(http, {
    transports: ['websocket'],
    // No per-message compression: the one large message, the join's snapshot, comes compressed once
    // and shared by every join (shared/wire.ts, PackedSnapshot); deltas are small. A compressor per
    // connection would cost ~0.2 MB each and a deflate per client of every large message (docs/ARCHITECTURE.md, "Measured costs").
    perMessageDeflate: false,
    serveClient: false,
    cors: { origin: false },
    // Client payloads are a meeting id or a point code; anything near this is not ours.
    maxHttpBufferSize: 64 * 1024,
  });
  // Several instances: room broadcasts reach every instance's sockets (server/cluster/socket-adapter.ts).
  const adapter = opts.cluster
    ? attachClusterAdapter(io, opts.cluster.redis, { cluster: opts.cluster.name, logger })
    : null;
  // [AG3] Remote probe agents connect out to this namespace; their batches go to the monitor wherever it runs.
  // Only an instance that serves: a monitor-only one (--role monitor) answers its health and nothing else.
  const agentCentre =
    opts.cluster?.role === 'monitor' || opts.agentLink === false
      ? null
      : attachAgentCentre(io, {
          auth: agents,
          sink: monitor,
          inventory,
          cadence: opts.cadence,
          windows: opts.windows,
          logger,
          instance,
          // Clock offsets are measured against the real clock only (a test's manual clock is not one).
          ...(clock === systemClock ? { clock } : {}),
          cluster: adapter !== null,
        });
  const hub = new Hub({
    io,
    inventory,
    status: monitor.board,
    participation: monitor,
    store,
    clock,
    logger,
    // [AG12] An agent's targets are probed by that agent, through its link (wherever it is connected).
    testNow: async (code) => {
      const result = await monitor.testNow(code);
      return agentCentre ? throughAgents(result, (agent, request) => agentCentre.probe(agent, request)) : result;
    },
    coalesceMs: opts.coalesceMs,
    health: serverHealth,
    checklist: checklist.service,
    notes: reports.notes,
    grouping: opts.alerts?.grouping,
    access: {
      user: (socket) => sockets.user(socket),
      check: (actor, action, code) => access.check(actor, action, code),
    },
  });
  // After the hub's protocol check: an outdated client learns that first, whatever its session.
  const sockets = new SocketAuth({
    io,
    sessions,
    cookieName: name,
    trustProxy: trustProxy !== false,
    logger,
    sweepMs: opts.sessionSweepMs,
    displays: { links: displays, cookieName: displayCookieName(secure) },
  });
  if (opts.cluster?.role === 'monitor')
    io.use((_socket, next) => next(new Error('this instance serves no dashboards')));
  io.use(sockets.middleware);
  monitor.onOutage((e) => hub.pushOutage(e.row));
  // The monitor wrote the outage's incident before telling: route it now rather than at the next poll.
  monitor.onOutage(() => alerts.poke());
  publishChecklistEvents(checklist.service, io, room);
  publishOutageNotes(reports.notes, io, room);
  // [AL24] Acknowledging an outage on the dashboard takes its alert incidents: escalation stops, others hear.
  reports.notes.onChange((n) => {
    alerts
      .acknowledgeOutage(n.outageId, n.acknowledgedByName ?? n.acknowledgedBy)
      .catch((err: unknown) =>
        logger.error({ err, outage: n.outageId }, 'alerts: acknowledging the outage’s incidents failed'),
      );
  });
  // …and taking one from a message's link acknowledges its outages on the dashboards, in that name.
  alerts.onAcknowledged((incident, ack) => {
    if (ack.via !== 'link') return;
    for (const o of incident.outages) {
      reports.notes
        .acknowledgeByAlertLink(o, ack.by)
        .catch((err: unknown) => logger.error({ err, outage: o }, 'outage notes: acknowledging by alert link failed'));
    }
  });
  inventory.onChange((change) => {
    // Any meeting may have gained or lost points: every open dashboard resyncs.
    hub.invalidate(inventory.listMeetings().map((m) => m.id));
    // Several instances: the others read the inventory again (a change read again is not news).
    if (adapter && !change.reloaded) io.serverSideEmit('inventory:changed');
  });
  // Several instances: a checklist written here is stale in the others' caches.
  if (adapter) checklist.service.onEvent((e) => io.serverSideEmit('checklist:stale', eventMeeting(e)));
  io.on('checklist:stale', (meetingId: string) => checklist.service.forget(meetingId));
  io.on('inventory:changed', () => {
    inventory.reload().catch((err: unknown) => logger.error({ err }, 'cluster: reading the inventory again failed'));
  });

  let closed = false;
  return {
    express: app,
    http,
    io,
    inventory,
    monitor,
    inProcess,
    hub,
    auth: { sessions, users, limiter, logins, gate, access, sockets, cookieName: name, displays },
    health,
    runs,
    checklist,
    reports,
    alerts,
    agents,
    digest,
    get engineName() {
      return monitor.engineName;
    },
    serverHealth,
    async listen(port, host = '127.0.0.1') {
      await runs?.start();
      await (cluster ?? monitor).start();
      hub.start();
      checklist.start();
      reports.start();
      sockets.start();
      alerts.start();
      stopAgentWatch = agents.watch();
      digest?.start();
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          resolve();
        });
      });
      return (http.address() as AddressInfo).port;
    },
    async close() {
      if (closed) return;
      closed = true;
      hub.stop();
      checklist.stop();
      reports.stop();
      sockets.stop();
      stopAgentWatch?.();
      agentCentre?.close();
      await digest?.stop();
      await alerts.stop();
      metrics?.stop();
      await uploads.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      adapter?.close();
      await (cluster ?? monitor).stop();
      await runs?.stop();
      await pool?.close();
    },
  };
}
