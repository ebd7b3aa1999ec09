// Who owns a lab. Each lab has a state file /run/diemcau-lab/NAME.json, made before its first
// namespace and removed after its last, naming the owner process by pid *and* start time (field 22 of
// /proc/PID/stat), so a pid reused by another program after the owner died is not mistaken for it.
// While the owner lives nobody else rebuilds the lab or takes it down (unless forced); once it died
// (killed, crashed) the lab is stale and anyone may clean it. The files also tell every process which
// labs exist, which is what keeps the blackhole route up (cleanup.ts) and two labs off one range.
//
// Files are written whole to a temporary name and then linked (claim: fails if the name exists) or
// renamed (takeover, release) into place, so a reader never sees half a file.
import { linkSync, mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { LAB_NAME, cidrRange, overlaps, planRanges, type LabPlan } from './plan';
import { LabError } from './sys';

export const LAB_STATE_DIR = '/run/diemcau-lab';

const Owner = z.object({
  pid: z.number().int().positive(),
  start: z.number().int().nonnegative(),
  command: z.string(),
});
const LabStateSchema = z.object({
  name: z.string().regex(LAB_NAME),
  base: z.number().int(),
  /** Root-namespace ranges of the lab (planRanges): another lab may not claim an overlapping one. */
  ranges: z.array(z.string()),
  /** null: left up on purpose by a `lab up` that finished; anyone may take it down. */
  owner: Owner.nullable(),
  createdAt: z.string(),
  releasedAt: z.string().optional(),
});
export type LabState = z.infer<typeof LabStateSchema>;

/**
 * mine: owned by this process; live: by another running process; released: left up by a finished
 * `lab up`; dead: its owner is gone (or the file is unreadable) — stale, anyone may clean it.
 */
export type Ownership = 'mine' | 'live' | 'released' | 'dead';

/** A state file as read: its text (to replace or remove it only if unchanged) and its content. */
export interface HeldState {
  raw: string;
  /** null when the file does not parse: treated as stale. */
  state: LabState | null;
}

/** Start time of a process (clock ticks since boot), or null when it is gone or a zombie. */
export function processStart(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name may contain spaces and parentheses: count fields after the last ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return null; // exited, only waiting to be reaped
  const start = Number(fields[19]); // field 22 of the whole line
  return Number.isInteger(start) ? start : null;
}

let me: z.infer<typeof Owner> | undefined;
function selfOwner(): z.infer<typeof Owner> {
  const command = [basename(process.argv[0] ?? 'node'), ...process.argv.slice(1)].join(' ');
  me ??= { pid: process.pid, start: processStart(process.pid) ?? 0, command: command.slice(0, 160) };
  return me;
}

export function ownershipOf(state: LabState | null): Ownership {
  if (!state) return 'dead';
  if (!state.owner) return 'released';
  const { pid, start } = state.owner;
  if (pid === process.pid && start === selfOwner().start) return 'mine';
  return processStart(pid) === start ? 'live' : 'dead';
}

/** "tiến trình 1234 (node … serve --demo)" for messages. */
export const ownerText = (state: LabState | null): string =>
  state?.owner ? `tiến trình ${state.owner.pid} (${state.owner.command})` : 'không rõ tiến trình';

const statePath = (name: string): string => join(LAB_STATE_DIR, `${name}.json`);

export function readLabState(name: string): HeldState | null {
  let raw: string;
  try {
    raw = readFileSync(statePath(name), 'utf8');
  } catch {
    return null;
  }
  let state: LabState | null = null;
  try {
    state = LabStateSchema.parse(JSON.parse(raw));
  } catch {
    // Not ours to read: a stale leftover.
  }
  return { raw, state };
}

/** Names of the labs that have a state file. */
export function labStateNames(): string[] {
  try {
    return readdirSync(LAB_STATE_DIR)
      .map((f) => /^([a-z0-9]{1,6})\.json$/.exec(f)?.[1])
      .filter((n): n is string => n !== undefined)
      .sort();
  } catch {
    return [];
  }
}

function writeTemp(state: LabState): { tmp: string; raw: string } {
  mkdirSync(LAB_STATE_DIR, { recursive: true, mode: 0o755 });
  const raw = JSON.stringify(state, null, 2) + '\n';
  const tmp = join(LAB_STATE_DIR, `.${state.name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  writeFileSync(tmp, raw, { mode: 0o644 });
  return { tmp, raw };
}

const removeQuietly = (path: string): void => {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
};

function refuseOwned(name: string, held: HeldState): never {
  throw new LabError(
    `Lab "${name}" đang thuộc ${ownerText(held.state)}, tiến trình này vẫn chạy: không dựng lại. ` +
      `Dùng --name khác (và --base khác) hoặc dừng tiến trình đó trước. ` +
      `(Lab "${name}" is owned by running process ${held.state?.owner?.pid}.)`,
  );
}

/**
 * Makes this process the owner of lab `plan.name` before anything of it is built. Refuses while
 * another live process owns it, while it is up already (ours, or left up by a finished `lab up`),
 * or when another lab holds an overlapping range. A stale lab (dead owner) is taken over: the
 * returned `stale` is its old state, and the caller must remove what is left of it.
 */
export function claimLab(plan: LabPlan): { stale: HeldState | null } {
  const mine: LabState = {
    name: plan.name,
    base: plan.base,
    ranges: planRanges(plan),
    owner: selfOwner(),
    createdAt: new Date().toISOString(),
  };
  const path = statePath(plan.name);
  let stale: HeldState | null = null;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 5) throw new LabError(`Lab "${plan.name}": không giành được tệp trạng thái ${path}.`);
    const { tmp } = writeTemp(mine);
    try {
      linkSync(tmp, path);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      removeQuietly(tmp);
    }
    const held = readLabState(plan.name);
    if (!held) continue; // removed meanwhile: try again
    const kind = ownershipOf(held.state);
    if (kind === 'live') refuseOwned(plan.name, held);
    if (kind === 'mine' || kind === 'released') {
      throw new LabError(
        `Lab "${plan.name}" đang tồn tại (${kind === 'mine' ? 'của chính tiến trình này' : 'để lại sau `lab up`'}): ` +
          `chạy \`diemcau lab down --name ${plan.name}\` trước. (A lab with this name is already up.)`,
      );
    }
    // Dead owner: replace its file with ours, but only if nobody changed it since we read it, and
    // check afterwards that ours stuck (two starts taking over at once: the last rename wins).
    const again = writeTemp(mine);
    if (readLabState(plan.name)?.raw !== held.raw) {
      removeQuietly(again.tmp);
      continue;
    }
    renameSync(again.tmp, path);
    if (readLabState(plan.name)?.raw !== again.raw) refuseOwned(plan.name, readLabState(plan.name) ?? held);
    stale = held;
    break;
  }
  const clash = otherRanges(plan.name, mine.ranges);
  if (clash.length > 0) {
    dropLabState(plan.name);
    throw new LabError(
      `Dải địa chỉ của lab đã được dùng: ${clash.join(', ')}. Chọn --base khác. ` +
        `(Address ranges ${mine.ranges.join(' ')} overlap another lab's; pick another base.)`,
    );
  }
  return { stale };
}

/** Our ranges that overlap those of another lab still held (not a stale one: preflight sees its routes). */
function otherRanges(name: string, ranges: readonly string[]): string[] {
  const clash: string[] = [];
  for (const other of labStateNames().filter((n) => n !== name)) {
    const state = readLabState(other)?.state ?? null;
    if (!state || ownershipOf(state) === 'dead') continue;
    for (const r of ranges) {
      const a = cidrRange(r);
      const hit = state.ranges.some((o) => {
        const b = cidrRange(o);
        return a !== null && b !== null && overlaps(a, b);
      });
      if (hit) clash.push(`${r} (lab "${other}", ${ownerText(state)})`);
    }
  }
  return clash;
}

/**
 * Removes the state file of lab `name` — only the one read as `held` when given (it may have been
 * replaced by a new owner meanwhile), else only when this process owns it.
 */
export function dropLabState(name: string, held?: HeldState | null): void {
  const now = readLabState(name);
  if (!now) return;
  const ok = held ? now.raw === held.raw : ownershipOf(now.state) === 'mine';
  if (ok) removeQuietly(statePath(name));
}

/**
 * Gives up ownership of a lab that stays up on purpose (a finished `lab up`): it is no longer stale
 * cleanup for the next start, and anyone may take it down.
 */
export function releaseLab(name: string): void {
  const held = readLabState(name);
  if (!held?.state || ownershipOf(held.state) !== 'mine') return;
  const { tmp } = writeTemp({ ...held.state, owner: null, releasedAt: new Date().toISOString() });
  renameSync(tmp, statePath(name));
}
