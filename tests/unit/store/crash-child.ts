// Child process for the crash test: writes through the store, reports what it wrote, then dies by
// SIGKILL the moment the calls return — no close(), no checkpoint, no exit handlers.
import { writeSync } from 'node:fs';
import { openSqliteStore } from '../../../server/store/sqlite';

const file = process.argv[2];
if (!file) throw new Error('usage: crash-child.ts <db file>');
const store = openSqliteStore(file);
const closed = store.openOutage({
  point: 'P1',
  meeting: 'M1',
  type: 'down',
  phase: 'lineTest',
  startedAt: 1_000,
  detectedAt: 4_000,
});
store.closeOutage(closed.id, 9_000);
const open = store.openOutage({
  point: 'P2',
  meeting: 'M1',
  type: 'severe',
  phase: 'live',
  startedAt: 20_000,
  detectedAt: 23_000,
});
writeSync(1, JSON.stringify({ closed: { ...closed, endedAt: 9_000 }, open }) + '\n');
process.kill(process.pid, 'SIGKILL');
