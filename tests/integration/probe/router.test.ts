// The probe router (docs/TARGETS.md TG2, TG4) with real engines on loopback: the ICMP engine (fping or
// ping), the TCP engine against a real listener, the HTTP engine against a server that never answers,
// and a kind whose engine cannot start. One kind's failure or slowness never holds up another's.
import http from 'node:http';
import net from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../server/clock';
import { createEngine } from '../../../server/probe';
import type { TargetResult } from '../../../server/probe/kinds';
import { HttpEngine } from '../../../server/probe/http';
import { ProbeRouter } from '../../../server/probe/router';
import { TcpEngine } from '../../../server/probe/tcp';
import type { PlannedTarget } from '../../../server/schedule/scheduler';
import { Target } from '../../../shared/schemas';
import { targetId } from '../../../shared/targets';
import { waitFor } from '../../helpers/app';

const logger = pino({ level: 'silent' });
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).toReversed()) await c();
});

const plan = (raw: unknown, intervalMs = 300): PlannedTarget => {
  const target = Target.parse(raw);
  return { id: targetId(target), target, intervalMs };
};

async function listening(server: net.Server | http.Server, host: string): Promise<number> {
  await new Promise<void>((r) => server.listen(0, host, r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as net.AddressInfo).port;
}

function router(results: TargetResult[], gaps: string[][], failing = false) {
  const r = new ProbeRouter({
    clock: systemClock,
    logger,
    icmp: (o) => createEngine({ ...o, kind: 'auto' }),
    engines: {
      tcp: (o) => new TcpEngine(o),
      http: (o) => new HttpEngine(o),
      sip: () => {
        if (failing) throw new Error('the SIP engine cannot bind its socket');
        throw new Error('unused');
      },
    },
    onResult: (x) => results.push(x),
    onGap: (ids) => gaps.push(ids),
  });
  closers.push(() => r.close());
  return r;
}

describe('[TG2] the probe router', () => {
  it('[TG2] gives each kind its engine; a kind whose engine fails is unknown, a slow kind holds up no other', async () => {
    const tcpPort = await listening(
      net.createServer((s) => s.destroy()),
      '127.74.0.2',
    );
    // Accepts and never answers: every HTTP probe lasts its whole timeout.
    const hung = http.createServer(() => undefined);
    const httpPort = await listening(hung, '127.74.0.3');
    closers.push(() => void hung.closeAllConnections());
    const results: TargetResult[] = [];
    const gaps: string[][] = [];
    const r = router(results, gaps, true);
    const icmp = plan({ kind: 'icmp', host: '127.74.0.1' });
    const tcp = plan({ kind: 'tcp', host: '127.74.0.2', port: tcpPort });
    const web = plan({ kind: 'http', url: `http://127.74.0.3:${httpPort}/` });
    const sip = plan({ kind: 'sip', host: '127.74.0.4' });
    r.setPlan([icmp, tcp, web, sip]);
    // The kind whose engine cannot start: its target goes unknown (a gap), never down.
    expect(gaps.flat()).toContain(sip.id);
    const of = (id: string) => results.filter((x) => x.target === id);
    await waitFor(
      'ICMP and TCP answering while HTTP hangs',
      async () => of(icmp.id).length >= 5 && of(tcp.id).length >= 5,
      15_000,
    );
    expect(of(icmp.id).every((x) => x.rtt !== null)).toBe(true);
    expect(of(tcp.id).every((x) => x.rtt !== null)).toBe(true);
    await waitFor('the hung HTTP probes time out', async () => of(web.id).length >= 1, 10_000);
    expect(of(web.id)[0]).toMatchObject({ rtt: null, reason: 'timeout' });
    expect(of(sip.id)).toEqual([]);

    // A new plan without TCP: its engine is closed, its late results are not passed on.
    r.setPlan([icmp]);
    const before = of(tcp.id).length;
    const icmpBefore = of(icmp.id).length;
    await waitFor('ICMP goes on alone', async () => of(icmp.id).length >= icmpBefore + 3, 10_000);
    expect(of(tcp.id).length - before).toBeLessThanOrEqual(1);
  });

  it('[TG4] probes one target of each kind once, with its own engine, and never rejects', async () => {
    const tcpPort = await listening(
      net.createServer((s) => s.destroy()),
      '127.74.1.2',
    );
    // A port bound then closed: refused.
    const gone = net.createServer();
    await new Promise<void>((res) => gone.listen(0, '127.74.1.3', res));
    const gonePort = (gone.address() as net.AddressInfo).port;
    await new Promise<void>((res) => gone.close(() => res()));
    const r = router([], [], true);
    const icmp = await r.probeOnce(Target.parse({ kind: 'icmp', host: '127.74.1.1' }));
    const tcp = await r.probeOnce(Target.parse({ kind: 'tcp', host: '127.74.1.2', port: tcpPort }));
    const refused = await r.probeOnce(Target.parse({ kind: 'tcp', host: '127.74.1.3', port: gonePort }));
    const sip = await r.probeOnce(Target.parse({ kind: 'sip', host: '127.74.1.4' }));
    expect(icmp).toMatchObject({ target: 'icmp:127.74.1.1', rtt: expect.any(Number) });
    expect(tcp).toMatchObject({ target: `tcp:127.74.1.2:${tcpPort}`, rtt: expect.any(Number) });
    expect(refused).toMatchObject({ rtt: null, reason: 'refused' });
    expect(sip).toMatchObject({ target: 'sip:udp:127.74.1.4:5060', rtt: null, reason: 'error' });
    expect(sip.detail).toMatch(/cannot bind/);
  });
});
