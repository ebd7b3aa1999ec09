// The whole pipeline with a real SIP endpoint behind the point: fping on the loopback address, real
// kamailio (or a SIPp UAS) answering OPTIONS on the same address, the monitor at the live cadence, the
// status API and the outage log read over REST. Stopping the SIP stack leaves the line up and the
// endpoint down; a 503 is a live stack that says it is unavailable; dropping every packet to the
// address is a line cut, not also an endpoint outage (docs/TARGETS.md TG3, TG5, TG7, TG8).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetId } from '../../../shared/targets';
import { createDropTable, destroyAllNftTables, nftSkipReason, type NftDropTable } from '../../helpers/nft';
import { startKamailio, startSipp, stopAllSipPeers, type SipPeer } from '../../helpers/sip-peers';
import { meetingNow, startTestApp, waitFor, type TestApp } from '../../helpers/app';
import { address, outagesOf, province, rowOf, statusRow } from './pipeline';

const skip = nftSkipReason();
const LIVE_MS = 1_000;
/** The probe's timeout at the live cadence (min(interval, 1 s), as ICMP's). */
const TIMEOUT_MS = 1_000;
/** Scheduling, REST polling and a loaded 2-core machine. */
const GRACE_MS = 3_000;

const A = address(1, 0); // C1: kamailio, stopped and restarted
const B = address(1, 1); // C2: SIPp answering 503
const C = address(1, 2); // C3: kamailio behind a cut line
const sip = (host: string, port: number): string => targetId({ kind: 'sip', host, port, transport: 'udp' });
const SIP_A = sip(A, 5060);
const SIP_B = sip(B, 5070);

let t: TestApp;
let kamA: SipPeer;
let table: NftDropTable | null = null;

beforeAll(async () => {
  if (skip) return;
  [kamA] = await Promise.all([
    startKamailio({ address: A }),
    startSipp('answer', { address: B, code: 503, phrase: 'Service Unavailable' }),
    startKamailio({ address: C }),
  ]);
  const { units, points } = province([
    [
      { kind: 'icmp', host: A, role: 'primary' },
      { kind: 'sip', host: A, port: 5060, transport: 'udp', role: 'endpoint' },
    ],
    [
      { kind: 'icmp', host: B, role: 'primary' },
      { kind: 'sip', host: B, port: 5070, transport: 'udp', role: 'endpoint' },
    ],
    [
      { kind: 'icmp', host: C, role: 'primary' },
      { kind: 'sip', host: C, port: 5060, transport: 'udp', role: 'endpoint' },
    ],
  ]);
  t = await startTestApp({
    units,
    points,
    meetings: [meetingNow('LIVE', 'live')],
    cadence: { idleMs: 60_000, lineTestMs: 2_000, liveMs: LIVE_MS },
  });
}, 30_000);

afterAll(async () => {
  table?.destroy();
  destroyAllNftTables();
  await t?.dispose();
  await stopAllSipPeers();
});

describe.skipIf(skip !== null)(`a SIP endpoint behind the line${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('[TG3][TG5][TG7][TG8] kamailio stopped: the endpoint is down after three intervals while the line stays up; one endpoint outage, closed once it answers again', async () => {
    await waitFor(
      'C1 line and endpoint up',
      async () => {
        const s = await statusRow(t, 'LIVE', 'C1');
        return s?.state === 'up' && s.endpoint === 'up';
      },
      15_000,
    );
    const up = (await statusRow(t, 'LIVE', 'C1'))!;
    expect(up.inCall).toBeNull(); // no codec asked
    expect(rowOf(up, SIP_A)).toMatchObject({ kind: 'sip', role: 'endpoint', state: 'up', port: 5060, reason: null });
    expect(rowOf(up, SIP_A)!.code).toBe(200);
    expect(rowOf(up, SIP_A)!.rtt).toBeGreaterThan(0);

    const stoppedAt = Date.now();
    await kamA.stop();
    const lineStates = new Set<string>();
    const down = await waitFor(
      'C1 endpoint down',
      async () => {
        const s = await statusRow(t, 'LIVE', 'C1');
        if (s) lineStates.add(s.state);
        return s?.endpoint === 'down' ? s : undefined;
      },
      20_000,
    );
    const took = Date.now() - stoppedAt;
    // [TG3] Three lost probes at the point's cadence, each given its timeout: not RFC 3261's 32 s.
    expect(took).toBeGreaterThan(2 * LIVE_MS);
    expect(took).toBeLessThan(3 * LIVE_MS + TIMEOUT_MS + GRACE_MS);
    // [TG5] The line is the point's state: it never left up.
    expect([...lineStates]).toEqual(['up']);
    expect(down.state).toBe('up');
    // [TG8] The target rows say which target fails and why.
    expect(rowOf(down, SIP_A)).toMatchObject({ kind: 'sip', state: 'down', rtt: null, reason: 'timeout' });
    expect(rowOf(down, `icmp:${A}`)).toMatchObject({ kind: 'icmp', role: 'primary', state: 'up' });

    // [TG7] An endpoint outage of the SIP target, none of the line.
    const open = await waitFor('an open endpoint outage', async () => {
      const o = await outagesOf(t, 'LIVE', 'C1');
      return o.length > 0 ? o : undefined;
    });
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ class: 'endpoint', target: SIP_A, kind: 'sip', type: 'down', endedAt: null });
    expect(Math.abs(Date.parse(open[0]!.startedAt) - stoppedAt)).toBeLessThan(LIVE_MS + GRACE_MS);
    expect(open.filter((o) => o.class === 'line')).toEqual([]);

    // Back on the same address: closed once, at its first answer.
    const restartedAt = Date.now();
    kamA = await startKamailio({ address: A });
    await waitFor('C1 endpoint up again', async () => (await statusRow(t, 'LIVE', 'C1'))?.endpoint === 'up', 20_000);
    const after = await outagesOf(t, 'LIVE', 'C1');
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(open[0]!.id);
    expect(after[0]!.endedAt).not.toBeNull();
    expect(Date.parse(after[0]!.endedAt!)).toBeGreaterThanOrEqual(restartedAt - 50);
    expect(Date.parse(after[0]!.endedAt!) - restartedAt).toBeLessThan(LIVE_MS + GRACE_MS);
    const back = (await statusRow(t, 'LIVE', 'C1'))!;
    expect(rowOf(back, SIP_A)).toMatchObject({ state: 'up', reason: null, code: 200 });
  }, 60_000);

  it('[TG5][TG8] a SIPp UAS answering 503: the stack lives but is unavailable, so the endpoint is down and the line up', async () => {
    const s = await waitFor(
      'C2 endpoint down',
      async () => {
        const r = await statusRow(t, 'LIVE', 'C2');
        return r?.endpoint === 'down' ? r : undefined;
      },
      15_000,
    );
    expect(s.state).toBe('up');
    expect(rowOf(s, SIP_B)).toMatchObject({ kind: 'sip', state: 'down', reason: 'unavailable', code: 503 });
    expect(rowOf(s, SIP_B)!.detail).toMatch(/503/);
    const o = await waitFor('C2 endpoint outage', async () => {
      const list = await outagesOf(t, 'LIVE', 'C2');
      return list.length > 0 ? list : undefined;
    });
    expect(o.map((x) => [x.class, x.target, x.kind])).toEqual([['endpoint', SIP_B, 'sip']]);
  }, 30_000);

  it('[TG5][TG7] every packet to the address dropped: a line outage only, the endpoint unknown, no endpoint outage', async () => {
    await waitFor(
      'C3 line and endpoint up',
      async () => {
        const s = await statusRow(t, 'LIVE', 'C3');
        return s?.state === 'up' && s.endpoint === 'up';
      },
      15_000,
    );
    table = createDropTable({ hook: 'input', traffic: 'all' });
    const cutAt = Date.now();
    table.add(C);
    const down = await waitFor(
      'C3 down',
      async () => {
        const s = await statusRow(t, 'LIVE', 'C3');
        return s?.state === 'down' ? s : undefined;
      },
      20_000,
    );
    expect(down.endpoint).toBe('unknown');
    // Both targets' probes are lost behind the cut; give the SIP target time to have lost three too.
    await new Promise((r) => setTimeout(r, 3 * LIVE_MS));
    expect((await statusRow(t, 'LIVE', 'C3'))!.endpoint).toBe('unknown');
    const during = await outagesOf(t, 'LIVE', 'C3');
    expect(during.map((o) => [o.class, o.target, o.kind, o.endedAt])).toEqual([['line', `icmp:${C}`, 'icmp', null]]);
    expect(Math.abs(Date.parse(during[0]!.startedAt) - cutAt)).toBeLessThan(LIVE_MS + GRACE_MS);

    table.remove(C);
    await waitFor(
      'C3 line and endpoint up again',
      async () => {
        const s = await statusRow(t, 'LIVE', 'C3');
        return s?.state === 'up' && s.endpoint === 'up';
      },
      20_000,
    );
    const after = await outagesOf(t, 'LIVE', 'C3');
    expect(after.map((o) => [o.class, o.endedAt !== null])).toEqual([['line', true]]);
  }, 60_000);
});
