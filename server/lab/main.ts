// Stand-alone entry until the main CLI routes `diemcau lab …` here: `tsx server/lab/main.ts up …`.
import { runLabCli } from './cli';

process.exitCode = await runLabCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
