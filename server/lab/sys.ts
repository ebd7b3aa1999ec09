// Running `ip` and `nft`. Every change the lab makes to the system goes through here, so the commands
// are argument vectors (never shell strings) and a failure names the command and what it printed.
import { execFile } from 'node:child_process';

/** Namespaces are `dc-lab-<lab>-<n>` (hub) and `dc-lab-<lab>-<n>d` (its delayed hosts). */
export const NETNS_PREFIX = 'dc-lab-';
/** Interfaces are `dcl-<lab>-<n><a|b|c|d>`: at most 15 characters with a lab name of ≤ 6. */
export const LINK_PREFIX = 'dcl-';
/** The nftables table the lab keeps in each hub namespace (never in the root namespace). */
export const NFT_TABLE = 'dc-lab';
export const PYTHON = '/usr/bin/python3';

export class LabError extends Error {
  override name = 'LabError';
}

export class LabCommandError extends LabError {
  constructor(
    readonly argv: readonly string[],
    readonly stderr: string,
    readonly code: number | string | null,
  ) {
    super(`${argv.join(' ')} failed (${code}): ${stderr.trim() || 'no message'}`);
  }
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command; rejects with LabCommandError when it exits non-zero. */
export function run(cmd: string, args: readonly string[], input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code ?? null;
        reject(new LabCommandError([cmd, ...args], stderr || err.message, code));
      } else resolve({ stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Like run, but a failure is an answer (false), not an error: for cleanup that must go on. */
export async function tryRun(cmd: string, args: readonly string[], input?: string): Promise<boolean> {
  try {
    await run(cmd, args, input);
    return true;
  } catch {
    return false;
  }
}

export const ip = (...args: string[]): Promise<RunResult> => run('ip', args);
/** `ip -n NS …`: runs inside a namespace without entering it. */
export const ipIn = (ns: string, ...args: string[]): Promise<RunResult> => run('ip', ['-n', ns, ...args]);
/** nft has no namespace flag: enter the namespace with `ip netns exec`. */
export const nftIn = (ns: string, script: string): Promise<RunResult> =>
  run('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], script);

export async function ipJson<T>(args: readonly string[]): Promise<T[]> {
  const { stdout } = await run('ip', ['-j', ...args]);
  const text = stdout.trim();
  return text === '' ? [] : (JSON.parse(text) as T[]);
}

/** The lab changes namespaces, links and routes: refuse clearly before touching anything. */
export function assertRoot(uid: number | undefined = process.getuid?.()): void {
  if (uid !== 0) {
    throw new LabError(
      'Phòng thí nghiệm mạng cần quyền root (tạo network namespace, veth, nftables). ' +
        'Hãy chạy bằng root hoặc sudo. (The network lab must run as root.)',
    );
  }
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
