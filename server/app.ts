// The app factory: everything wired with the parts it is given, nothing listening until listen().
// Tests start it on port 0 with a real SQLite file, real engines and, where they need it, a ManualClock.
import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express, { type Express } from 'express';
import pino, { type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { Server } from 'socket.io';
import { PROTOCOL_VERSION } from '../shared/protocol';
import type { WindowConfig } from '../shared/phase';
import { systemClock, type Clock } from './clock';
import { errorHandler } from './http/errors';
import { inventoryRoutes } from './http/routes/inventory';
import { monitoringRoutes } from './http/routes/monitoring';
import { Inventory } from './inventory/inventory';
import { Monitor, type EngineFactory } from './monitor';
import { createEngine, type EngineKind } from './probe';
import { Hub, type IoServer } from './realtime/hub';
import type { CadenceConfig } from './schedule/scheduler';
import type { StatusConfig } from './status/types';
import type { Store } from './store/types';
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
  /** The built dashboard; null to serve the API only. Default: client/dist when it exists. */
  staticDir?: string | null;
  /** Log each HTTP request (default true). */
  requestLog?: boolean;
}

export interface App {
  express: Express;
  http: HttpServer;
  io: IoServer;
  inventory: Inventory;
  monitor: Monitor;
  hub: Hub;
  engineName: string;
  /** Start monitoring and listen; resolves with the bound port (0 picks a free one). */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

const DEFAULT_STATIC = join(import.meta.dirname, '..', 'client', 'dist');

export function createApp(opts: AppOptions): App {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? pino({ level: 'silent' });
  const { store } = opts;
  const inventory = new Inventory(store);
  const kind = typeof opts.engine === 'function' ? undefined : (opts.engine ?? 'auto');
  const engineFactory: EngineFactory =
    typeof opts.engine === 'function' ? opts.engine : (o) => createEngine({ ...o, kind });
  const monitor = new Monitor({
    inventory,
    store,
    clock,
    logger,
    engine: engineFactory,
    oneOff: (o) => createEngine({ ...o, kind: 'ping' }),
    status: opts.status,
    cadence: opts.cadence,
    windows: opts.windows,
  });

  const app = express();
  app.disable('x-powered-by');
  if (opts.requestLog ?? true)
    app.use(pinoHttp({ logger, autoLogging: { ignore: (req) => req.url === '/api/health' } }));
  app.use(express.json({ limit: '2mb' }));
  app.get('/api/health', (_req, res) => {
    res.json({ ok: true, engine: monitor.engine.name, version: pkg.version, protocol: PROTOCOL_VERSION });
  });
  app.use('/api', inventoryRoutes(inventory, clock));
  app.use('/api', monitoringRoutes({ inventory, status: monitor.board, participation: monitor, store, clock }));
  app.use('/api', (req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: `no route ${req.method} ${req.originalUrl}` } });
  });
  const staticDir =
    opts.staticDir === undefined ? (existsSync(DEFAULT_STATIC) ? DEFAULT_STATIC : null) : opts.staticDir;
  if (staticDir) {
    app.use(express.static(staticDir, { index: 'index.html', maxAge: '1h' }));
    // The dashboard is a single page: unknown non-API paths get it.
    app.get('/{*path}', (_req, res) => res.sendFile(join(staticDir, 'index.html')));
  }
  app.use(errorHandler(logger));

  const http = createServer(app);
  const io: IoServer = new Server(http, {
    transports: ['websocket'],
    perMessageDeflate: false,
    serveClient: false,
    cors: { origin: false },
  });
  const hub = new Hub({
    io,
    inventory,
    status: monitor.board,
    participation: monitor,
    store,
    clock,
    logger,
    testNow: (code) => monitor.testNow(code),
    coalesceMs: opts.coalesceMs,
  });
  monitor.onOutage((e) => hub.pushOutage(e.row));
  inventory.onChange((change) => {
    // Any meeting may have gained or lost points: every open dashboard resyncs.
    void change;
    hub.invalidate(inventory.listMeetings().map((m) => m.id));
  });

  let closed = false;
  return {
    express: app,
    http,
    io,
    inventory,
    monitor,
    hub,
    engineName: monitor.engine.name,
    async listen(port, host = '127.0.0.1') {
      monitor.start();
      hub.start();
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
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await monitor.stop();
    },
  };
}
