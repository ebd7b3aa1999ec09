// `diemcau serve`: open the database, apply the inventory file, start monitoring and the dashboard.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from './app';
import { resolveSecret } from './alerts/secrets';
import { ensureDemoAdmin, type DemoAdmin } from './auth/demo';
import type { CliIo } from './cli';
import { systemClock } from './clock';
import { loadInventoryFile } from './config/load';
import { retimeForDemo } from './demo';
import { makeLogger } from './logger';
import { ValidationError, issueOf, oneOf } from './errors';
import { words } from '../shared/words';
import type { DemoLab, DemoLabChoice } from './lab/demo';
import type { EngineKind } from './probe';
import { openStore, parseStoreSpec } from './store/open';
import { hostname } from 'node:os';
import type { ClusterRole } from './cluster/monitor';
import { closeRedis, openRedis, parseRedisUrl } from './cluster/redis';

const ENGINES: readonly EngineKind[] = ['auto', 'fping', 'ping'];

/** `90` → 90 days; `forever` → kept for ever (null). */
function parseDays(flag: string, v: string): number | null {
  if (v === 'forever') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 36_500) {
    throw new ValidationError([
      issueOf(
        flag,
        words(
          `phải là số ngày từ 1 đến 36500, hoặc “forever” (giữ mãi), không phải “${v}”`,
          `days from 1 to 36500, or "forever": ${v}`,
        ),
      ),
    ]);
  }
  return n;
}

/** `--trust-proxy 1` → 1 hop; `loopback`, `10.0.0.1`, … as Express takes them; absent → false. */
function parseTrustProxy(v: string | undefined): boolean | number | string {
  if (v === undefined || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  return /^\d+$/.test(v) ? Number(v) : v;
}

// The password is written here only, to the terminal that started the demo: never to the log.
function accountBanner(demo: DemoAdmin | null, users: number, db: string): string {
  if (demo?.created) {
    return (
      `  Tài khoản quản trị demo / demo admin:  ${demo.name}  /  ${demo.password}\n` +
      `  (chỉ hiện một lần — shown once; đổi bằng / change with: npx diemcau user passwd ${demo.name} --db ${db})\n\n`
    );
  }
  if (demo) {
    return (
      `  Tài khoản demo "${demo.name}" đã có (exists). Quên mật khẩu? / reset: ` +
      `npx diemcau user passwd ${demo.name} --db ${db}\n\n`
    );
  }
  if (users === 0) {
    return (
      `  Chưa có tài khoản nào (no users yet). Tạo quản trị viên đầu tiên / create the first admin:\n` +
      `    npx diemcau user add NAME --role admin --db ${db}\n\n`
    );
  }
  return '\n';
}

/** DIEMCAU_METRICS_TOKEN (at least 16 characters) turns /metrics on; null leaves it off. */
function metricsToken(): { token: string } | null {
  const token = process.env.DIEMCAU_METRICS_TOKEN?.trim();
  if (token === undefined || token === '') return null;
  if (token.length < 16) {
    throw new ValidationError([{ path: 'DIEMCAU_METRICS_TOKEN', message: 'at least 16 characters (a random token)' }]);
  }
  return { token };
}

const ROLES = ['all', 'edge', 'monitor'] as const;

/** --redis, --role: several instances need PostgreSQL (one database for all) and the monitor apart. */
function clusterOptions(values: {
  redis?: string;
  role?: string;
  db?: string;
  monitor?: string;
}): { redis: string; role: ClusterRole; name: string } | null {
  const role = values.role as ClusterRole;
  if (!ROLES.includes(role)) throw new ValidationError([issueOf('--role', oneOf([...ROLES]))]);
  if (values.redis === undefined) {
    if (role !== 'all') {
      throw new ValidationError([
        issueOf(
          '--role',
          words(
            `chỉ dùng được khi có --redis (nhiều máy chủ dùng chung): một máy chủ luôn là "all"`,
            'only with --redis (several instances): a single instance is always "all"',
          ),
        ),
      ]);
    }
    return null;
  }
  try {
    parseRedisUrl(values.redis);
  } catch (err) {
    throw new ValidationError([issueOf('--redis', words((err as Error).message, (err as Error).message))]);
  }
  if (parseStoreSpec(values.db ?? '').kind !== 'postgres') {
    throw new ValidationError([
      issueOf(
        '--db',
        words(
          'nhiều máy chủ (--redis) phải dùng chung một cơ sở dữ liệu PostgreSQL: --db postgres://…',
          'several instances (--redis) share one PostgreSQL database: --db postgres://…',
        ),
      ),
    ]);
  }
  if (values.monitor === 'inline') {
    throw new ValidationError([
      issueOf('--monitor', words('nhiều máy chủ cần --monitor process', 'several instances need --monitor process')),
    ]);
  }
  // The instances of one database are one cluster: its name keys what they share in Redis, so two
  // clusters (a province's and its test copy) can share one Redis without meeting.
  const name = decodeURIComponent(new URL(values.db!).pathname.replace(/^\//, '')) || 'postgres';
  return { redis: values.redis, role, name };
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
      // The probe pipeline in a process of its own (default) or in the server's (docs/ARCHITECTURE.md).
      monitor: { type: 'string', default: 'process' },
      demo: { type: 'boolean', default: false },
      // With --demo: the demo's points in the network lab (auto: when root on Linux; docs/LAB.md).
      'demo-lab': { type: 'string', default: 'auto' },
      'secure-cookies': { type: 'boolean', default: false },
      'trust-proxy': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      // Post-meeting report (docs/REPORT.md): retention in days or "forever", the centre's name.
      'keep-rollups-days': { type: 'string', default: '90' },
      'keep-reports-days': { type: 'string', default: 'forever' },
      'report-org': { type: 'string' },
      // Several instances on one PostgreSQL and one Redis (docs/DEPLOY.md, docs/FAILOVER.md).
      redis: { type: 'string' },
      role: { type: 'string', default: 'all' },
      instance: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ValidationError([
      issueOf(
        '--port',
        words(
          `phải là số cổng từ 0 đến 65535, không phải “${values.port}”`,
          `not a port number (0 to 65535): ${values.port}`,
        ),
      ),
    ]);
  }
  const engine = values.engine as EngineKind;
  if (!ENGINES.includes(engine)) {
    throw new ValidationError([issueOf('--engine', oneOf(ENGINES))]);
  }
  if (values.monitor !== 'process' && values.monitor !== 'inline') {
    throw new ValidationError([issueOf('--monitor', oneOf(['process', 'inline']))]);
  }
  const cluster = clusterOptions(values);
  // Read and validate the file before touching the database: a bad file changes nothing.
  let file = values.config ? loadInventoryFile(values.config) : null;
  // Alert channels' secrets too (docs/ALERTS.md): a missing one stops the start before the database.
  file?.alerts?.channels.forEach((c, i) => resolveSecret(c, `alerts.channels[${i}]`));
  const demoLabChoice = values['demo-lab'] as DemoLabChoice;
  if (!['auto', 'on', 'off'].includes(demoLabChoice)) {
    throw new ValidationError([issueOf('--demo-lab', oneOf(['auto', 'on', 'off']))]);
  }
  const logger = makeLogger(values['log-level']);
  const spec = parseStoreSpec(values.db);
  if (spec.kind === 'sqlite') mkdirSync(dirname(spec.file), { recursive: true });
  const store = await openStore(values.db, { logger });
  const trustProxy = parseTrustProxy(values['trust-proxy']);
  const report = {
    retention: {
      rollupDays: parseDays('--keep-rollups-days', values['keep-rollups-days']),
      reportDays: parseDays('--keep-reports-days', values['keep-reports-days']),
    },
    // The file's report section (who issues the PDF); --report-org fills only its organisation.
    settings: file?.report ?? null,
    organization: values['report-org'] ?? null,
  };
  const redis = cluster ? openRedis(cluster.redis, { logger, name: 'cluster' }) : null;
  const app = await createApp({
    store,
    logger,
    instance: values.instance ?? `${hostname()}:${port}`,
    cluster: cluster && redis ? { redis, name: cluster.name, role: cluster.role } : undefined,
    engine,
    secureCookies: values['secure-cookies'],
    trustProxy,
    report,
    monitorProcess: values.monitor === 'process' ? { db: values.db } : undefined,
    workers: { db: values.db },
    testHooks: process.env.DIEMCAU_TEST_HOOKS === '1',
    // Alert channels of the file (docs/ALERTS.md).
    alerts: file?.alerts,
    // Prometheus metrics at /metrics when a token is given (docs/ALERTS.md).
    metrics: metricsToken() ?? undefined,
  });
  // The demo's lab comes up before anything probes its addresses and goes down after the server.
  let demoLab: DemoLab | null = null;
  let demoNote = '';
  if (file && values.demo) {
    const { demoOnLab } = await import('./lab/demo');
    ({ file, lab: demoLab, note: demoNote } = await demoOnLab(file, demoLabChoice, logger));
  }
  if (file) {
    const meetings = values.demo ? retimeForDemo(file.meetings, systemClock.now()) : file.meetings;
    await app.inventory.apply({ upsertUnits: file.units, upsertPoints: file.points, upsertMeetings: meetings });
    logger.info(
      { file: values.config, units: file.units.length, points: file.points.length, meetings: meetings.length },
      'inventory file applied',
    );
  }
  const demoAdmin = values.demo ? await ensureDemoAdmin(app.auth.users) : null;
  const bound = await app.listen(port, values.host).catch(async (err: unknown) => {
    await demoLab?.stop(); // e.g. the port is taken: leave no lab behind
    throw err;
  });
  demoLab?.run();
  const shown = values.host === '0.0.0.0' || values.host === '::' ? '127.0.0.1' : values.host;
  const url = `http://${shown}:${bound}/`;
  logger.info({ url, engine: app.engineName, db: values.db }, 'diemcau is running');
  io.stdout.write(`\n  diemcau: ${url}   (engine ${app.engineName}, database ${values.db})\n`);
  io.stdout.write(accountBanner(demoAdmin, (await app.auth.users.list()).length, values.db));
  io.stdout.write(demoNote);

  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await app.close();
  if (redis) closeRedis(redis);
  await store.close();
  logger.info('server stopped');
  // Only now: once the lab's routes are gone, a running monitor's probes would have nowhere to go.
  // Meanwhile a second Ctrl-C must not leave the lab half taken down.
  const hold = (): void => void io.stderr.write('  Đang gỡ lab demo… (taking the demo lab down)\n');
  if (demoLab) process.on('SIGINT', hold).on('SIGTERM', hold);
  await demoLab?.stop();
  process.off('SIGINT', hold).off('SIGTERM', hold);
  return 0;
}
