// Imported first by main.tsx, before any schema exists: zod 4 decides per object schema, when it is
// built, whether to compile a fast parser with `new Function`, which the server's CSP forbids (the
// probe alone reports a violation). `jitless` keeps every parse interpreted.
import { z } from 'zod';

z.config({ jitless: true });
