// The import router mounted on a small express app of the test's own (as app.ts will mount it under
// /api, after the JSON body parser), over a real Inventory on a real SQLite file, on a real port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { ManualClock } from '../../../server/clock';
import { errorHandler } from '../../../server/http/errors';
import { importRoutes } from '../../../server/http/routes/imports';
import { UploadParsers } from '../../../server/parsing/uploads';
import { openTestInventory, type TestInventory } from '../../unit/importer/province';

export interface ImportServer {
  url: string;
  t: TestInventory;
  clock: ManualClock;
  close(): Promise<void>;
}

/**
 * One pool of parse workers for every server of a test file: a worker takes about a second to load
 * the parsers, and its idle workers end by themselves (they never keep the process alive).
 */
let parsers: UploadParsers | undefined;

/** 2026-03-05 15:00 in Vietnam. */
export const NOW = Date.parse('2026-03-05T15:00:00+07:00');

export async function startImportServer(): Promise<ImportServer> {
  const t = await openTestInventory();
  const clock = new ManualClock(NOW);
  const logger = pino({ level: 'silent' });
  const app = express();
  app.use(express.json({ limit: '2mb' }));
  parsers ??= new UploadParsers({ idleMs: 5_000 }, logger);
  app.use('/api', importRoutes({ inventory: t.inventory, clock, logger, parsers }));
  app.use(errorHandler(logger));
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    t,
    clock,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      t.dispose();
    },
  };
}
