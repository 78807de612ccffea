import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Browser, chromium, Page } from 'playwright-core';

/** Debian's Chromium (never a downloaded browser); CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium through playwright-core. A missing browser is a failure with the fix in the
 * message, never a skip: CI (.ci/run) installs Debian's `chromium` before the tests.
 */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: the dashboard e2e test needs a real browser. Install Debian's package ` +
        '(`apt-get update && apt-get install -y chromium`; `bash .ci/run` does it) or set CHROMIUM_PATH.',
    );
  }
  // Playwright gives launch() a fresh temporary profile; the crash-dump dir is ours to clean up.
  const scratch = mkdtempSync(join(tmpdir(), 'ts-dashboard-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 20_000,
    downloadsPath: scratch,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--crash-dumps-dir=${scratch}`,
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => undefined);
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * Opens `url` in a new page and waits for the dashboard to be ready. Page errors, console errors
 * and warnings and failed requests are collected into `problems`, except console messages that
 * match `expected` (e.g. the browser's own line for an answer the test provokes, like a 403).
 */
export async function openDashboard(
  browser: Browser,
  url: string,
  problems: string[],
  viewport: { width: number; height: number },
  expected?: RegExp,
): Promise<Page> {
  const page = await browser.newPage({ viewport, reducedMotion: 'reduce' });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if ((msg.type() === 'error' || msg.type() === 'warning') && !expected?.test(msg.text())) problems.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 10_000 });
  return page;
}
