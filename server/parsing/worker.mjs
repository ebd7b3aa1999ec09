// Entry of a parse worker. A worker thread starts without the main thread's TypeScript loader (see
// bin/diemcau.mjs), so it registers tsx for itself before loading the parsers.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
