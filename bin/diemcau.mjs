#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step between a checkout and `npx diemcau`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli.ts');
process.exitCode = await main(process.argv.slice(2));
