// Whether a program the lab runs is installed: PATH plus the sbin directories (root's tools live
// there, and a plain user's PATH may lack them).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function onPath(program: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  return dirs.filter(Boolean).some((dir) => {
    try {
      accessSync(program.startsWith('/') ? program : join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
