// [LE12] The monitor's endpoint outages, proven against the lab: real SIPp room endpoints in the lab's
// namespaces, the real app probing them (SIP OPTIONS over UDP beside fping) at the live cadence, a
// timeline of endpoint faults and line cuts, and `lab verify` through the REST API (criteria V1–V8).
// Lab "tea" at 198.18.178.0/24 onwards: no other test's name or range, never the demo's.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outage, PointStatus } from '../../../shared/schemas';
import { labDown } from '../../../server/lab/cleanup';
import { labMeetingId } from '../../../server/lab/inventory';
import { Lab } from '../../../server/lab/lab';
import { parseScenario } from '../../../server/lab/scenario';
import { onPath } from '../../../server/lab/tools';
import type { VerifyReport } from '../../../server/lab/verify';
import { runVerifyCli } from '../../../server/lab/verify-cli';
import { formatVerifyReport } from '../../../server/lab/verify-table';
import { ADMIN, api, startTestApp, waitFor, type TestApp } from '../../helpers/app';
import { expectNoLabObjects, isRoot, tempDir } from './helpers';

const NAME = 'tea';
const BASE = 178;
const ARTIFACTS = join(import.meta.dirname, '..', '..', '..', 'test-artifacts');
const SLOW_MS = 300; // well under the SIP probe's 900 ms timeout at the 1 s cadence

const scenario = parseScenario({
  name: 'endpoint-accuracy',
  durationS: 30,
  hubs: [
    {
      id: 'ea',
      hosts: [
        { id: 'ea-01', endpoint: true }, // hung codec: 6 s
        { id: 'ea-02', endpoint: true }, // 503: 5 s
        { id: 'ea-03', endpoint: true }, // slow, under the timeout: no outage
        { id: 'ea-04', endpoint: true, lossPercent: 5 }, // lossy line, endpoint fine: no endpoint outage
      ],
    },
    { id: 'eb', hosts: [{ id: 'eb-01', endpoint: true }, { id: 'eb-02' }] },
  ],
  timeline: [
    { at: 2, action: 'endpoint-down', host: 'ea-01' },
    { at: 8, action: 'endpoint-up', host: 'ea-01' },
    { at: 2, action: 'endpoint-refuses', host: 'ea-02' },
    { at: 7, action: 'endpoint-up', host: 'ea-02' },
    { at: 2, action: 'endpoint-slow', host: 'ea-03', delayMs: SLOW_MS },
    { at: 10, action: 'endpoint-up', host: 'ea-03' },
    // A line cut of a point with an endpoint: a line outage only.
    { at: 3, action: 'link-down', hub: 'eb' },
    { at: 8, action: 'link-up', hub: 'eb' },
    // An endpoint dead across a cut: its outage ends where the cut starts and starts again after it.
    { at: 12, action: 'endpoint-down', host: 'eb-01' },
    { at: 16, action: 'link-down', hub: 'eb' },
    { at: 19, action: 'link-up', hub: 'eb' },
    { at: 26, action: 'endpoint-up', host: 'eb-01' },
  ],
});

const missing = [!isRoot && 'root', ...['ip', 'nft', 'fping', 'sipp'].filter((p) => !onPath(p))].filter(Boolean);

describe.skipIf(missing.length > 0)(`endpoint outages against the lab (${missing.join(', ') || 'root'})`, () => {
  const tmp = tempDir();
  const truthFile = tmp.file('truth.jsonl');
  let lab: Lab | undefined;
  let t: TestApp | undefined;

  beforeAll(async () => {
    await labDown(NAME); // what a crashed earlier run may have left
  });
  afterAll(async () => {
    await t?.dispose(); // the monitor first, then the lab (sipp with it)
    await labDown(NAME);
    tmp.remove();
  });

  it('[LE12][V6–V8] endpoint faults are endpoint outages on time; slow answers, lossy and cut lines make none', async () => {
    lab = await Lab.up(scenario, { name: NAME, base: BASE, seed: 3, truthFile, endpoints: 'on' });
    const inv = lab.inventory();
    t = await startTestApp({ units: inv.units, points: inv.points, meetings: inv.meetings, engine: 'fping' });
    const meeting = labMeetingId(NAME);
    const status = async (): Promise<PointStatus[]> =>
      (await api(t!, 'GET', `/api/meetings/${meeting}/status`)).json as PointStatus[];

    // Every line and every endpoint answering before the first fault.
    await waitFor(
      'every lab point and endpoint answering',
      async () => {
        const rows = await status();
        return (
          rows.length === 6 &&
          rows.every((r) => r.state === 'up' || r.state === 'degraded') &&
          rows.every((r) => r.endpoint === (r.code === 'eb-02' ? null : 'up'))
        );
      },
      20_000,
    );

    // While the timeline plays, the slow endpoint must be seen answering late, and still up.
    let slowSeen: { rtt: number; state: string } | null = null;
    const playing = lab.play();
    const state = { done: false };
    void playing.finally(() => (state.done = true));
    while (!state.done) {
      const rows = (await api(t, 'GET', '/api/points/ea-03/targets')).json as {
        kind: string;
        state: string;
        rtt: number | null;
      }[];
      const sip = rows.find((r) => r.kind === 'sip');
      if (sip?.rtt != null && sip.rtt >= SLOW_MS && slowSeen === null) slowSeen = { rtt: sip.rtt, state: sip.state };
      await new Promise((r) => setTimeout(r, 250));
    }
    const summary = await playing;
    expect(summary).toMatchObject({ aborted: false, linksDown: [], hostsDown: [] });
    expect(summary.maxLagMs).toBeLessThan(1_500);
    expect(slowSeen).toMatchObject({ state: 'up' });
    expect(slowSeen!.rtt).toBeLessThan(900);

    let out = '';
    let err = '';
    const code = await runVerifyCli(
      // prettier-ignore
      ['--truth', truthFile, '--server', t.url, '--meeting', meeting, '--interval-ms', '1000',
        '--user', ADMIN.name, '--password-stdin', '--json'],
      {
        stdout: { write: (s: string) => (out += s) },
        stderr: { write: (s: string) => (err += s) },
        stdin: Readable.from([`${ADMIN.password}\n`]),
      },
    );
    expect(err).toBe('');
    const report = JSON.parse(out) as VerifyReport;
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'lab-endpoint-accuracy.txt'), formatVerifyReport(report));

    expect(report.criteria.filter((c) => !c.ok).map((c) => `${c.id}: ${c.detail}`)).toEqual([]);
    expect(report.criteria.map((c) => c.id)).toEqual(['V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'V7', 'V8']);
    expect(code).toBe(0);
    const ep = report.endpoint!;
    // The hung codec, the 503 and both halves of the fault around the cut: four endpoint outages.
    expect(ep.matches.map((m) => m.point).sort()).toEqual(['ea-01', 'ea-02', 'eb-01', 'eb-01']);
    expect(ep.missed).toEqual([]);
    expect(ep.falseOutages).toEqual([]);
    // The cuts are the line's: both points of eb, twice.
    expect(report.matches.filter((m) => m.point.startsWith('eb-')).length).toBe(4);

    // What the API itself says: endpoint outages carry the SIP target; none on the slow, lossy or plain points.
    const outages = (await api(t, 'GET', `/api/outages?meeting=${meeting}`)).json as Outage[];
    const endpointRows = outages.filter((o) => o.class === 'endpoint');
    expect(new Set(endpointRows.map((o) => o.point))).toEqual(new Set(['ea-01', 'ea-02', 'eb-01']));
    for (const o of endpointRows) {
      expect(o).toMatchObject({ kind: 'sip', target: expect.stringMatching(/^sip:udp:198\.18\.17[89]\.\d+:5060$/) });
      expect(Date.parse(o.endedAt!)).toBeGreaterThan(Date.parse(o.startedAt));
    }
    expect(outages.filter((o) => o.class === 'line' && o.point === 'eb-01')).toHaveLength(2);

    await t.stop();
    await lab.down();
    await expectNoLabObjects(NAME);
  }, 90_000);
});
