// The same SIP endpoint through `serve`'s monitor process (server/pipeline/): the endpoint state and the
// targets' rows cross the process boundary in the status batches and reach the REST API (TG5, TG8).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetId } from '../../../shared/targets';
import { startKamailio, stopAllSipPeers, type SipPeer } from '../../helpers/sip-peers';
import { meetingNow, startTestApp, waitFor, type TestApp } from '../../helpers/app';
import { address, province, rowOf, statusRow } from './pipeline';

const A = address(9, 0);
const SIP_A = targetId({ kind: 'sip', host: A, port: 5060, transport: 'udp' });
let t: TestApp;
let kam: SipPeer;

beforeAll(async () => {
  kam = await startKamailio({ address: A });
  const { units, points } = province([
    [
      { kind: 'icmp', host: A, role: 'primary' },
      { kind: 'sip', host: A, port: 5060, transport: 'udp', role: 'endpoint' },
    ],
  ]);
  t = await startTestApp({
    units,
    points,
    meetings: [meetingNow('LIVE', 'live')],
    cadence: { idleMs: 60_000, lineTestMs: 2_000, liveMs: 1_000 },
    monitorProcess: true,
  });
}, 60_000);

afterAll(async () => {
  await t?.dispose();
  await stopAllSipPeers();
});

describe('a SIP endpoint through the monitor process', () => {
  it('[TG5][TG8] the endpoint and its target rows come over from the monitor process, up and then down', async () => {
    const up = await waitFor(
      'C1 line and endpoint up, with its SIP row',
      async () => {
        const s = await statusRow(t, 'LIVE', 'C1');
        return s?.state === 'up' && s.endpoint === 'up' && rowOf(s, SIP_A)?.code === 200 ? s : undefined;
      },
      30_000,
    );
    expect(rowOf(up, SIP_A)).toMatchObject({ kind: 'sip', role: 'endpoint', state: 'up', reason: null });
    await kam.stop();
    const down = await waitFor(
      'C1 endpoint down',
      async () => {
        const s = await statusRow(t, 'LIVE', 'C1');
        return s?.endpoint === 'down' ? s : undefined;
      },
      30_000,
    );
    expect(down.state).toBe('up');
    expect(rowOf(down, SIP_A)).toMatchObject({ state: 'down', rtt: null, reason: 'timeout' });
    expect(rowOf(down, `icmp:${A}`)).toMatchObject({ kind: 'icmp', state: 'up' });
  });
});
