// A small tmpfs of the test's own, to fill up for real. Mounted on a fresh temp dir, unmounted (lazily
// if still busy) and removed by unmount(); `fill` writes until the kernel says ENOSPC.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  dir: string;
  /** Fills the file system completely; returns the filler's path. */
  fill(): string;
  /** Frees what fill() took. */
  free(): void;
  unmount(): void;
}

export function mountTmpfs(sizeMb: number): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'dc-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'diemcau-test', dir]);
  const filler = join(dir, 'filler');
  let mounted = true;
  return {
    dir,
    fill() {
      for (const chunk of [65_536, 4_096, 512, 1]) {
        try {
          for (;;) appendFileSync(filler, Buffer.alloc(chunk));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        }
      }
      return filler;
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      if (!mounted) return;
      mounted = false;
      try {
        unlinkSync(filler);
      } catch {
        // not filled, or already freed
      }
      try {
        execFileSync('umount', [dir]);
      } catch {
        execFileSync('umount', ['-l', dir]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
