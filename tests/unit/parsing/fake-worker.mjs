// A stand-in parse worker for the pool's tests: jobs that answer, refuse, sleep, spin forever or eat
// memory, speaking the protocol of server/parsing/worker-main.ts.
/* oxlint-disable unicorn/require-post-message-target-origin -- a worker thread's port, not a window */
import { parentPort } from 'node:worker_threads';

parentPort.on('message', ({ id, job }) => {
  if (job.kind === 'echo') parentPort.postMessage({ id, ok: true, value: job.value });
  else if (job.kind === 'refuse') {
    parentPort.postMessage({ id, ok: false, error: { name: 'ImportFileError', problem: 'bad-file', message: 'hỏng' } });
  } else if (job.kind === 'sleep') setTimeout(() => parentPort.postMessage({ id, ok: true, value: job.ms }), job.ms);
  else if (job.kind === 'spin') for (;;);
  else if (job.kind === 'alloc') {
    const keep = [];
    for (;;) keep.push(Array.from({ length: 1_000_000 }, () => keep.length));
  }
});
parentPort.postMessage({ type: 'ready' });
