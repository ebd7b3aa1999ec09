// `diemcau agent add|rotate|revoke|list` (docs/AGENTS.md AG2): remote probe agents straight in the
// database, like `diemcau user`. A token is shown once: on stdout alone (so a script can take it), or
// written to --token-out FILE, created with mode 600 and never over an existing file. A running server
// refuses a revoked or rotated token within 5 s (server/agent/registry.ts) and closes its connections.
import { constants } from 'node:fs';
import { access, open } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { unitsByAgent } from '../../shared/agents';
import { formatDateTime } from '../../shared/time';
import { words } from '../../shared/words';
import type { CliIo } from '../cli';
import { systemClock } from '../clock';
import { ValidationError, issueOf } from '../errors';
import { Inventory } from '../inventory/inventory';
import { openStore } from '../store/open';
import type { Store } from '../store/types';
import { AgentRegistry } from './registry';

export const AGENT_USAGE = `Usage:
  diemcau agent add NAME [--units A,B] [--db FILE|URL] [--token-out FILE]
  diemcau agent rotate NAME [--db FILE|URL] [--token-out FILE]
  diemcau agent revoke NAME [--db FILE|URL]
  diemcau agent list [--db FILE|URL]
  diemcau agent run --server URL --token-file FILE --outbox FILE [--engine auto|fping|ping] [--log-level info]
The token is shown once: on stdout, or written to --token-out FILE (mode 600, never over an existing file).
`;

const OPTIONS = {
  db: { type: 'string', default: 'data/diemcau.sqlite' },
  units: { type: 'string' },
  'token-out': { type: 'string' },
} as const;

/** Who registered it, as the agents table keeps it: the CLI and the system account that ran it. */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

async function withRegistry<T>(db: string, run: (reg: AgentRegistry, store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(db);
  try {
    return await run(new AgentRegistry({ store, clock: systemClock }), store);
  } finally {
    await store.close();
  }
}

/** Refuses a --token-out that exists or whose folder does not, before anything is written. */
async function checkTokenOut(file: string): Promise<void> {
  const exists = await access(file, constants.F_OK).then(
    () => true,
    () => false,
  );
  if (exists) {
    throw new ValidationError([
      issueOf(
        '--token-out',
        words(
          `tệp ${file} đã có: không ghi đè khóa (xóa tệp cũ hoặc chọn tên khác)`,
          `${file} exists: a token is never written over a file (remove it or choose another name)`,
        ),
      ),
    ]);
  }
  const folder = await access(dirname(file), constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!folder) {
    throw new ValidationError([
      issueOf(
        '--token-out',
        words(`không ghi được vào thư mục ${dirname(file)}`, `cannot write into the folder ${dirname(file)}`),
      ),
    ]);
  }
}

/** Writes the token to a new file of mode 600 (`wx`: fails rather than replace one made meanwhile). */
async function writeToken(file: string, token: string): Promise<void> {
  const f = await open(file, 'wx', 0o600);
  try {
    await f.writeFile(`${token}\n`);
    await f.chmod(0o600);
  } finally {
    await f.close();
  }
}

/** Shows the token once: on stdout alone, or into the file; the words go to stderr. */
async function giveToken(token: string, out: string | undefined, io: CliIo): Promise<void> {
  if (out === undefined) {
    io.stdout.write(`${token}\n`);
    io.stderr.write('Khóa chỉ hiện một lần: hãy lưu ngay (the token is shown once: keep it now).\n');
  } else {
    await writeToken(out, token);
    io.stderr.write(`Đã ghi khóa vào ${out} (quyền 600) — token written to ${out}\n`);
  }
}

const splitList = (s: string | undefined): string[] =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export async function runAgentCli(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  // The agent process itself (near the points): its own flags.
  if (sub === 'run') return (await import('./run')).runAgent(rest, io);
  const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true });
  const name = positionals[0];
  const needName = sub === 'add' || sub === 'rotate' || sub === 'revoke';
  if (!sub || !['add', 'rotate', 'revoke', 'list'].includes(sub) || (needName && !name) || positionals.length > 1) {
    io.stderr.write(AGENT_USAGE);
    return 2;
  }
  if (values['token-out'] !== undefined && sub !== 'add' && sub !== 'rotate') {
    throw new ValidationError([
      issueOf('--token-out', words('chỉ dùng với agent add và agent rotate', 'only with agent add and agent rotate')),
    ]);
  }
  if (values.units !== undefined && sub !== 'add') {
    throw new ValidationError([issueOf('--units', words('chỉ dùng với agent add', 'only with agent add'))]);
  }
  const out = values['token-out'];
  if (out !== undefined) await checkTokenOut(out);
  switch (sub) {
    case 'add': {
      const units = splitList(values.units);
      await withRegistry(values.db, async (reg, store) => {
        const inventory = units.length > 0 ? await Inventory.open(store) : undefined;
        const { token } = await reg.add(name!, cliActor(), units, inventory);
        try {
          await giveToken(token, out, io);
        } catch (err) {
          // Never shown: the registration is undone rather than left with a token nobody has.
          await reg.revoke(name!);
          throw err;
        }
      });
      const scope = units.length > 0 ? `, đơn vị ${units.join(', ')}` : '';
      io.stderr.write(`Đã đăng ký trạm đo "${name}"${scope} — registered agent ${name}\n`);
      return 0;
    }
    case 'rotate': {
      await withRegistry(values.db, async (reg) => {
        const { token } = await reg.rotate(name!);
        await giveToken(token, out, io);
      });
      io.stderr.write(
        `Đã cấp khóa mới cho trạm đo "${name}"; khóa cũ hết hiệu lực — new token for ${name}, the old one no longer works\n`,
      );
      return 0;
    }
    case 'revoke':
      await withRegistry(values.db, (reg) => reg.revoke(name!));
      io.stdout.write(`Đã thu hồi trạm đo "${name}" — revoked agent ${name}\n`);
      return 0;
    default: {
      const [rows, inv] = await withRegistry(values.db, async (reg, store) =>
        Promise.all([reg.list(), store.loadInventory()]),
      );
      if (rows.length === 0) io.stdout.write('Chưa có trạm đo nào (no agents): diemcau agent add NAME\n');
      const byAgent = unitsByAgent(inv.units);
      for (const r of rows) {
        const state = r.revokedAt === null ? 'active' : `revoked ${formatDateTime(r.revokedAt)}`;
        const units = byAgent.get(r.name)?.join(',') || '-';
        io.stdout.write(
          `${r.name}\t${state}\t${units}\t${formatDateTime(r.createdAt)}\t${r.createdBy}\t${formatDateTime(r.tokenSetAt)}\n`,
        );
      }
      return 0;
    }
  }
}
