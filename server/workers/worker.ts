// Inside a pool worker: runs the named task on its input and answers with the value or the error.
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThread } from './nice';
import { openTasks, type TaskName, type WorkerInit } from './tasks';

lowerThisThread();

const tasks = openTasks(workerData as WorkerInit);

parentPort!.on('message', (m: { id: number; name: TaskName; input: unknown }) => {
  void (async () => {
    try {
      const value = await tasks.run(m.name, m.input);
      // Bytes that own their whole buffer go back without a copy (a report's JSON is tens of MB).
      const own = value instanceof Uint8Array && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength;
      parentPort!.postMessage({ id: m.id, ok: true, value }, own ? [value.buffer as ArrayBuffer] : []);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      // An error a user reads carries its English too (UserError, FontsMissingError…).
      const en = (e as { words?: { en?: unknown } }).words?.en;
      parentPort!.postMessage({
        id: m.id,
        ok: false,
        message: e.message,
        name: e.name,
        ...(typeof en === 'string' && { en }),
      });
    }
  })();
});
