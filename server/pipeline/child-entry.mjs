// Starts the monitor process from the TypeScript sources (as bin/diemcau.mjs does for the CLI).
import { register } from 'tsx/esm/api';

register();
await import('./child.ts');
