// The `diemcau` command line. Each subcommand parses its own flags with node:util parseArgs and
// returns an exit code; nothing here calls process.exit, so the CLI can be driven from tests.
import { parseArgs } from 'node:util';
import { ValidationError, cliLang, errorText } from './errors';
import { argvWords, isArgvError } from './cli-words';
import { inLang, words } from '../shared/words';
import { loadInventoryFile } from './config/load';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = `diemcau — giám sát điểm cầu hội nghị trực tuyến

Usage:
  diemcau serve --config FILE --db FILE|URL [--port 8080] [--host 0.0.0.0] [--engine auto|fping|ping] [--monitor process|inline] [--demo] [--demo-lab auto|on|off]
                [--secure-cookies] [--trust-proxy loopback|N|ADDR]
                [--keep-rollups-days 90|forever] [--keep-reports-days forever|N] [--report-org NAME]
  diemcau user add NAME --role admin|technician|viewer [--units A,B] --db FILE|URL [--password-stdin]
  diemcau user passwd NAME --db FILE|URL [--password-stdin] | user list --db FILE|URL | user remove NAME --db FILE|URL
  diemcau agent add NAME [--units A,B] --db FILE|URL [--token-out FILE] | agent rotate NAME --db FILE|URL [--token-out FILE]
  diemcau agent revoke NAME --db FILE|URL | agent list --db FILE|URL
  diemcau backup --db FILE|URL --out FILE
  diemcau check-config FILE
  diemcau invitation parse FILE [--json]
  diemcau import points FILE [--db FILE|URL] [--valid-only] [--dry-run]
  diemcau export points --format csv|xlsx --out FILE [--db FILE|URL] [--delimiter ;]
  diemcau agent run --server URL --token-file FILE --outbox FILE [--engine auto|fping|ping] [--log-level info]
  diemcau lab up --scenario FILE [--truth FILE] [--inventory-out FILE] | lab down | lab status | lab verify …
  diemcau help
`;

export async function main(argv: string[], io: CliIo = process): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'serve': {
        const { runServe } = await import('./serve');
        return await runServe(rest, io);
      }
      case 'backup':
        return await (await import('./backup-cli')).runBackupCli(rest, io);
      case 'check-config':
        return checkConfig(rest, io);
      case 'user':
        return await (await import('./auth/cli')).runUserCli(rest, io);
      case 'agent':
        return await (await import('./agent/cli')).runAgentCli(rest, io);
      case 'invitation':
        return await (await import('./invitation/cli')).runInvitationCli(rest, io);
      case 'import':
        return await (await import('./import-cli')).runImportCli(rest, io);
      case 'export':
        return await (await import('./import-cli')).runExportCli(rest, io);
      case 'lab':
        return await (await import('./lab/cli')).runLabCli(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return 0;
      default:
        io.stderr.write(
          `${inLang(words(`Không có lệnh “${cmd}”.`, `Unknown command "${cmd}".`), cliLang())}\n\n${USAGE}`,
        );
        return 2;
    }
  } catch (err) {
    if (err instanceof ValidationError) {
      io.stderr.write(`${err.messageIn(cliLang())}\n`);
      return 1;
    }
    if (isArgvError(err)) {
      io.stderr.write(`${inLang(argvWords(err), cliLang())}\n\n${USAGE}`);
      return 2;
    }
    // Any other refusal worded for people (not found, conflict, work unavailable…), in the CLI's language.
    if (err instanceof Error && (err as { words?: unknown }).words !== undefined) {
      io.stderr.write(`${errorText(err, cliLang())}\n`);
      return 1;
    }
    throw err;
  }
}

function checkConfig(argv: string[], io: CliIo): number {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  const file = positionals[0];
  if (!file) {
    io.stderr.write(`${inLang(words('Cách dùng', 'Usage'), cliLang())}: diemcau check-config FILE\n`);
    return 2;
  }
  const inv = loadInventoryFile(file);
  io.stdout.write(
    `${file}: ${inv.units.length} units, ${inv.points.length} points, ${inv.meetings.length} meetings — OK\n`,
  );
  return 0;
}
