// The dashboard in headless Chromium with 10,000 points whose figures change every second: time to the
// first full render, main-thread busy share (CDP Performance.getMetrics TaskDuration), long tasks per
// minute (PerformanceObserver "longtask") and the initial snapshot's size on the wire.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../../tests/helpers/browser';
import { watchMainThread } from '../lib/main-thread';
import { startTestApp } from '../../tests/helpers/app';
import { liveMeeting, syntheticProvince } from '../lib/province';
import { syntheticEngine } from '../lib/synthetic-engine';
import type { BenchPart, BenchResult } from '../lib/types';

const DIST = join(import.meta.dirname, '..', '..', 'client', 'dist');

export const dashboardPart: BenchPart = {
  name: 'dashboard',
  description:
    'Dashboard in headless Chromium (Debian chromium, tests/helpers/browser.ts flags), 10,000 points changing at 1 Hz (synthetic RTTs through the real app), measured over 60 s after the first full render. Needs `npx vite build` first.',
  async run(ctx) {
    if (!existsSync(join(DIST, 'index.html'))) throw new Error('client/dist missing: run `npx vite build` first');
    const n = ctx.quick ? 2_000 : 10_000;
    const seconds = ctx.quick ? 15 : 60;
    const { units, points } = syntheticProvince(n, 60);
    const t = await startTestApp({
      units,
      points,
      meetings: [liveMeeting('DASH')],
      engine: syntheticEngine,
      staticDir: DIST,
    });
    const chromium = await launchChromium();
    try {
      const [name, ...value] = t.cookie.split('=');
      await chromium.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
      const page = await chromium.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const watch = await watchMainThread(chromium.context, page);
      const cdp = watch.cdp;
      await cdp.send('Network.enable');
      // The join's snapshot arrives as two binary frames (protocol 3: the packed head and body), the
      // only binary frames the dashboard receives; CDP gives them base64-encoded.
      const binary: number[] = [];
      // Text frames' payload bytes (deltas and the rest), for the measuring window's rate.
      let textBytes = 0;
      cdp.on('Network.webSocketFrameReceived', (e: { response: { opcode: number; payloadData: string } }) => {
        if (e.response.opcode === 2) binary.push(Buffer.from(e.response.payloadData, 'base64').length);
        else textBytes += Buffer.byteLength(e.response.payloadData);
      });
      const t0 = Date.now();
      await page.goto(t.url);
      // Full render: every point counted by state, tiles on screen.
      await page.waitForFunction(
        (total) => {
          const sum = [...document.querySelectorAll('[data-testid^="count-"]')].reduce(
            (s, el) => s + Number((el.textContent ?? '').replace(/\D/g, '') || 0),
            0,
          );
          return sum === total && document.querySelectorAll('[data-testid^="tile-"]').length > 0;
        },
        n,
        { polling: 'raf', timeout: 120_000 },
      );
      const firstRender = Date.now() - t0;
      let text0 = 0;
      const { busy, longTasks: long, seconds: wall } = await watch.measure(seconds, () => (text0 = textBytes));
      const textRate = (textBytes - text0) / wall;
      const tiles = await page.locator('[data-testid^="tile-"]').count();
      const snapshotBytes = (binary[0] ?? NaN) + (binary[1] ?? NaN);
      const label = `dashboard ${n.toLocaleString('en-US')} pts`;
      const full = n >= 10_000;
      ctx.log(`${label}: ${JSON.stringify({ firstRender, busy, long: long.length, tiles, errors })}`);
      const out: BenchResult[] = [
        {
          name: `${label}: time to first full render`,
          value: firstRender / 1000,
          unit: 's',
          note: `${tiles} tiles on screen`,
        },
        {
          name: `${label}: main thread busy`,
          value: Math.round(busy * 1000) / 10,
          unit: '%',
          target: full ? '< 30 %' : undefined,
          ok: full ? busy < 0.3 : undefined,
          note: `TaskDuration over ${Math.round(wall)} s`,
        },
        {
          name: `${label}: long tasks`,
          value: Math.round((long.length / wall) * 60 * 10) / 10,
          unit: 'per min',
          note: long.length > 0 ? `longest ${Math.round(Math.max(...long))} ms` : '',
        },
        {
          name: `${label}: snapshot on the wire`,
          value: Math.round((snapshotBytes / 1024) * 10) / 10,
          unit: 'KiB',
          target: full ? '< 300 kB' : undefined,
          ok: full ? snapshotBytes < 300_000 : undefined,
          note: `head ${Math.round(binary[0]! / 1024)} KiB + body ${Math.round(binary[1]! / 1024)} KiB (deflate-raw JSON), ${binary.length} binary frames in the run`,
        },
        {
          name: `${label}: bytes to the dashboard`,
          value: Math.round((textRate / 1024) * 10) / 10,
          unit: 'KiB/s',
          note: 'websocket payload while every RTT moves (synthetic 5–200 ms random walk)',
        },
      ];
      if (errors.length > 0)
        out.push({ name: `${label}: page errors`, value: errors.length, unit: '', ok: false, note: errors[0] });
      return out;
    } finally {
      await chromium.close();
      await t.dispose();
    }
  },
};
