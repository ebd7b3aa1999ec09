// A worker thread of the pool (server/workers/pool.ts), run from the TypeScript sources.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
