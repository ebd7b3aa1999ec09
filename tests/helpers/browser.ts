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

/** A phone: 375 × 812 CSS pixels, touch, mobile viewport rules (tests/e2e/phone.test.ts). */
export const PHONE = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** `device` overrides the desk-sized defaults: PHONE, or `{ viewport }` (the wall display at 1920×1080). */
export async function launchChromium(device: Partial<typeof PHONE> = {}): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'dc-chromium-'));
  // A persistent context is how Playwright takes a user-data-dir of our choosing (a new, empty one).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    ...CHROMIUM_OPTIONS,
    ...device,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
