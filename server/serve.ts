// `diemcau serve`: open the database, apply the inventory file, start monitoring and the dashboard.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import pino, { type Logger } from 'pino';
import { createApp } from './app';
import type { CliIo } from './cli';
import { systemClock } from './clock';
import { loadInventoryFile } from './config/load';
import { retimeForDemo } from './demo';
import { ValidationError } from './errors';
import type { EngineKind } from './probe';
import { openSqliteStore } from './store/sqlite';

const ENGINES: readonly EngineKind[] = ['auto', 'fping', 'ping'];

function makeLogger(level: string): Logger {
  // JSON in production and under a supervisor; readable lines when a person watches a terminal.
  if (process.stdout.isTTY) {
    return pino({ level, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:dd/mm/yyyy HH:MM:ss' } } });
  }
  return pino({ level });
}

export async function runServe(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      db: { type: 'string', default: 'data/diemcau.sqlite' },
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '0.0.0.0' },
      engine: { type: 'string', default: 'auto' },
      demo: { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ValidationError([{ path: '--port', message: `not a port number: ${values.port}` }]);
  }
  const engine = values.engine as EngineKind;
  if (!ENGINES.includes(engine)) {
    throw new ValidationError([{ path: '--engine', message: `must be one of ${ENGINES.join(', ')}` }]);
  }
  // Read and validate the file before touching the database: a bad file changes nothing.
  const file = values.config ? loadInventoryFile(values.config) : null;
  const logger = makeLogger(values['log-level']);
  mkdirSync(dirname(values.db), { recursive: true });
  const store = openSqliteStore(values.db, { logger });
  const app = createApp({ store, logger, engine });
  if (file) {
    const meetings = values.demo ? retimeForDemo(file.meetings, systemClock.now()) : file.meetings;
    app.inventory.apply({ upsertUnits: file.units, upsertPoints: file.points, upsertMeetings: meetings });
    logger.info(
      { file: values.config, units: file.units.length, points: file.points.length, meetings: meetings.length },
      'inventory file applied',
    );
  }
  const bound = await app.listen(port, values.host);
  const shown = values.host === '0.0.0.0' || values.host === '::' ? '127.0.0.1' : values.host;
  const url = `http://${shown}:${bound}/`;
  logger.info({ url, engine: app.engineName, db: values.db }, 'diemcau is running');
  io.stdout.write(`\n  diemcau: ${url}   (engine ${app.engineName}, database ${values.db})\n\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await app.close();
  store.close();
  return 0;
}
