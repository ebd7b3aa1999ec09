// Seeded loss end to end: the responder drops a fixed pattern of the monitor's probes and logs each
// one in the truth, so the outages the monitor must raise (3 drops in a row) and must not raise (any
// other pattern) are known exactly. With 40 % loss such runs come every few seconds; with 5 % rarely.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PointStatus } from '../../../shared/schemas';
import { labDown } from '../../../server/lab/cleanup';
import { labMeetingId } from '../../../server/lab/inventory';
import { Lab } from '../../../server/lab/lab';
import { parseScenario } from '../../../server/lab/scenario';
import { expectedFromTruth, readTruth, type TruthProbe } from '../../../server/lab/truth';
import type { VerifyReport } from '../../../server/lab/verify';
import { runVerifyCli } from '../../../server/lab/verify-cli';
import { ADMIN, api, startTestApp, waitFor, type TestApp } from '../../helpers/app';
import { isRoot, tempDir } from './helpers';

const NAME = 'tr';
// With this seed lr-01 (198.18.165.1) drops requests 14–18, 29–31, 41–43, 45–48, 60–64… in a row.
const SEED = 6;
const scenario = parseScenario({
  name: 'loss-runs',
  durationS: 40,
  hubs: [{ id: 'lr', hosts: [{ id: 'lr-01', lossPercent: 40 }, { id: 'lr-02', lossPercent: 5 }, { id: 'lr-03' }] }],
});

describe.skipIf(!isRoot)('seeded loss against the monitor (root)', () => {
  const tmp = tempDir();
  const truthFile = tmp.file('truth.jsonl');
  let t: TestApp | undefined;

  beforeAll(async () => {
    await labDown(NAME);
  });
  afterAll(async () => {
    await t?.dispose();
    await labDown(NAME);
    tmp.remove();
  });

  it('[V1–V4] raises exactly the outages of three drops in a row, from first drop to first of three replies', async () => {
    const lab = await Lab.up(scenario, { name: NAME, base: 165, seed: SEED, truthFile });
    const inv = lab.inventory();
    t = await startTestApp({ units: inv.units, points: inv.points, meetings: inv.meetings, engine: 'fping' });
    const meeting = labMeetingId(NAME);
    await waitFor(
      'the lab points answering',
      async () =>
        ((await api(t!, 'GET', `/api/meetings/${meeting}/status`)).json as PointStatus[]).every(
          (r) => r.state !== 'unknown',
        ),
      15_000,
    );
    await lab.play();

    const expected = expectedFromTruth(readTruth(truthFile));
    const probes = readTruth(truthFile).filter((l): l is TruthProbe => l.type === 'probe');
    expect(new Set(probes.map((p) => p.host))).toEqual(new Set(['lr-01', 'lr-02']));
    // The heavy one is judged exactly (its drops are known: any other outage there is false, V2), not
    // waved through as uncertain; the light one is "lossy only" (V3).
    expect(expected.heavyLoss).toEqual([]);
    expect(expected.lossyOnly).toEqual(['lr-02']);
    const runs = expected.outages.filter((o) => o.point === 'lr-01' && o.causes.includes('loss'));
    expect(runs.length).toBeGreaterThanOrEqual(2); // fixed by the seed

    let out = '';
    const code = await runVerifyCli(
      // prettier-ignore
      ['--truth', truthFile, '--server', t.url, '--meeting', meeting,
        '--user', ADMIN.name, '--password-stdin', '--json'],
      {
        stdout: { write: (s: string) => (out += s) },
        stderr: { write: () => true },
        stdin: Readable.from([`${ADMIN.password}\n`]),
      },
    );
    const report = JSON.parse(out) as VerifyReport;
    expect(report.criteria.filter((c) => !c.ok).map((c) => `${c.id}: ${c.detail}`)).toEqual([]);
    expect(code).toBe(0);
    const matched = report.matches.filter((m) => m.point === 'lr-01');
    expect(matched.length).toBeGreaterThanOrEqual(2);
    // The monitor's own rule on the very probes the truth logged: both ends within half a second.
    const errors = matched.flatMap((m) => [m.startErrorMs, m.endErrorMs ?? 0].map(Math.abs));
    expect(Math.max(...errors)).toBeLessThanOrEqual(500);
  }, 120_000);
});
