// A lease candidate in a process of its own, for the SIGKILL and SIGSTOP tests: one JSON line per event.
// Run as `node --import tsx lease-child.ts <url> <instance>`.
import pino from 'pino';
import { MonitorLease } from '../../../server/cluster/lease';

const [url, instance] = process.argv.slice(2);
if (url === undefined || instance === undefined) throw new Error('usage: lease-child.ts <url> <instance>');

const say = (o: object): boolean => process.stdout.write(`${JSON.stringify(o)}\n`);
const lease: MonitorLease = new MonitorLease({
  url,
  instance,
  logger: pino({ level: 'silent' }),
  onAcquired: (epoch) => say({ ev: 'acquired', epoch, pid: lease.backendPid }),
  onLost: (reason) => say({ ev: 'lost', code: reason.code }),
});
lease.start();
process.on('SIGTERM', () => void lease.stop().then(() => process.exit(0)));
