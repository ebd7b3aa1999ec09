// The request side held for 5 s (a test-only route that blocks the server's event loop, as a slow
// synchronous report or parse would), then a hostile invitation uploaded (issue 18's 592-byte .docx),
// during a live meeting of a real `diemcau serve`: its monitor runs in a process of its own, so it
// notices nothing — no stall gap, no outage, no state change, and the 10 s rollups of that span are all
// there. Before the monitor process, the same block wrote false "severe" outages for healthy points
// (issue 13).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MonitorGap } from '../../../shared/protocol';
import type { Outage, PointStatus } from '../../../shared/schemas';
import { api, login, meetingNow, tinyProvince, waitFor } from '../../helpers/app';
import { startServe } from '../../helpers/serve';
import { buildZip } from '../../unit/invitation/files';

const DOCX_HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' +
  '<w:p><w:r><w:t>GIẤY MỜI</w:t></w:r></w:p>';

const { units, points } = tinyProvince(52, 6);
const dir = mkdtempSync(join(tmpdir(), 'dc-block-'));
let child: ChildProcess | null = null;

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Sample {
  t: string;
  sent: number;
  received: number;
}

describe('the request side blocked mid-meeting', () => {
  it(
    '[MG1] a 5 s block of the server and a hostile upload leave the monitor unaware: no gap, no outage, no state change, no missing rollup',
    { timeout: 120_000 },
    async () => {
      const started = await startServe({
        dir,
        inventory: { units, points, meetings: [meetingNow('LIVE', 'live')] },
        user: { name: 'qt', password: 'quản-trị-thử', role: 'admin' },
        env: { DIEMCAU_TEST_HOOKS: '1' },
      });
      child = started.child;
      const url = started.url;
      const t = { url, cookie: await login(url, 'qt', 'quản-trị-thử') };
      const states = async () =>
        ((await api(t, 'GET', '/api/meetings/LIVE/status')).json as PointStatus[]).map((s) => s.state);
      await waitFor('every point up', async () => (await states()).every((s) => s === 'up'), 20_000);
      // Past the first rollup bucket boundary, so the block sits among complete buckets.
      await new Promise((r) => setTimeout(r, 11_000));
      const gapsBefore = (await api(t, 'GET', '/api/gaps')).json as MonitorGap[];

      const blockedAt = Date.now();
      const res = await api(t, 'POST', '/api/test/block?ms=5000');
      expect(res.status).toBe(200);
      expect(Date.now() - blockedAt).toBeGreaterThanOrEqual(5_000);
      // The hostile document: refused clearly, parsed in a worker with a budget.
      const docx = buildZip([
        { name: 'word/document.xml', data: Buffer.from(`${DOCX_HEAD}${'<w:p '.repeat(37_000)}`) },
      ]);
      const upload = await fetch(`${url}/api/invitations/parse`, {
        method: 'POST',
        headers: {
          cookie: t.cookie,
          'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
          'x-filename': 'giay-moi-592.docx',
        },
        body: new Uint8Array(docx),
      });
      expect(upload.status).toBeGreaterThanOrEqual(400);
      expect(upload.status).toBeLessThan(500);
      const releasedAt = Date.now();

      // The monitor went on: every point up, nothing logged, no gap of its own.
      expect((await states()).every((s) => s === 'up')).toBe(true);
      // Every 10 s bucket across the block is written (rollups are flushed every 10 s, after the bucket).
      const from = Math.floor(blockedAt / 10_000) * 10_000;
      const to = Math.floor(releasedAt / 10_000) * 10_000 + 10_000;
      const range = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
      const samples = await waitFor(
        'the buckets of the block written',
        async () => {
          const got = (await api(t, 'GET', `/api/points/C3/samples?${range}`)).json as Sample[];
          return got.length === (to - from) / 10_000 ? got : undefined;
        },
        40_000,
      );
      expect((await states()).every((s) => s === 'up')).toBe(true);
      expect((await api(t, 'GET', '/api/outages?meeting=LIVE')).json as Outage[]).toEqual([]);
      expect((await api(t, 'GET', '/api/gaps')).json).toEqual(gapsBefore);
      // Each bucket has its probes at 1 s, all answered.
      for (const s of samples) {
        expect(s.sent).toBeGreaterThanOrEqual(9);
        expect(s.received).toBe(s.sent);
      }
    },
  );
});
