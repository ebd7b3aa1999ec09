// Debian's Chromium driven by playwright-core: never a downloaded browser, always a fresh profile.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** How every test starts Chromium: headless, no sandbox (root), and quiet on a closed network. */
export const CHROMIUM_OPTIONS = {
  headless: true,
  viewport: { width: 1440, height: 900 },
  locale: 'vi-VN',
  timezoneId: 'Asia/Ho_Chi_Minh',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** `viewport`: another window size (the wall display's tests use 1920×1080). */
export async function launchChromium(viewport = CHROMIUM_OPTIONS.viewport): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'dc-chromium-'));
  // A persistent context is how Playwright takes a user-data-dir of our choosing (a new, empty one).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    ...CHROMIUM_OPTIONS,
    viewport,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
