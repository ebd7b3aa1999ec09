// The main thread of a Chromium page over a window, for the dashboard and national parts: its busy share
// (CDP Performance.getMetrics TaskDuration) and its long tasks (PerformanceObserver `longtask`).
import type { BrowserContext, CDPSession, Page } from 'playwright-core';

export interface MainThreadWindow {
  /** Busy seconds per second of the window. */
  busy: number;
  /** Each long task's duration, ms. */
  longTasks: number[];
  /** The window's length, s. */
  seconds: number;
}

export interface MainThreadWatch {
  cdp: CDPSession;
  /** Waits `seconds` (running `during` meanwhile, if given) and says what the main thread did. */
  measure(seconds: number, during?: () => void): Promise<MainThreadWindow>;
}

/** Call before the page navigates: the observer is installed in every document it loads. */
export async function watchMainThread(context: BrowserContext, page: Page): Promise<MainThreadWatch> {
  await page.addInitScript(() => {
    const w = window as unknown as { dcLongTasks: number[] };
    w.dcLongTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.dcLongTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskSeconds = async (): Promise<number> => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
  };
  return {
    cdp,
    async measure(seconds, during) {
      await page.evaluate(() => void ((window as unknown as { dcLongTasks: number[] }).dcLongTasks.length = 0));
      const busy0 = await taskSeconds();
      during?.();
      const w0 = performance.now();
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const busy1 = await taskSeconds();
      const wall = (performance.now() - w0) / 1000;
      const longTasks = await page.evaluate(() => (window as unknown as { dcLongTasks: number[] }).dcLongTasks);
      return { busy: (busy1 - busy0) / wall, longTasks, seconds: wall };
    },
  };
}
