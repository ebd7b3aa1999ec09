// A parse worker's main module (loaded by worker.mjs): one job at a time, each answered by its id.
import { parentPort } from 'node:worker_threads';
import { errorData } from './errors';
import { runJob, type ParseJob } from './jobs';
import { lowerThisThread } from '../workers/nice';

// Uploads are parsed at the lowest priority, like reports: a document never takes the live path's CPU.
lowerThisThread();

const port = parentPort;
if (!port) throw new Error('worker-main.ts runs on a worker thread');

port.on('message', (m: { id: number; job: ParseJob }) => {
  runJob(m.job).then(
    (value) => port.postMessage({ id: m.id, ok: true, value }),
    (err: unknown) => port.postMessage({ id: m.id, ok: false, error: errorData(err) }),
  );
});
port.postMessage({ type: 'ready' });
