// Real Chromium for browser tests: Debian's build driven by playwright-core (no browser download).
// Outside CI a missing Chromium skips the browser tests with a loud notice; under CI=true it fails them.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll } from 'vitest';
import { REPO_ROOT } from '../../server/app.ts';
import { startTestTandem, type TestTandem } from './tandem.ts';

/** Where browser tests write the README's screenshots. */
export const SCREENSHOTS = join(REPO_ROOT, 'docs/screenshots');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** True when the browser tests can run here; throws under CI when they cannot. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === 'true') throw new Error(`Chromium is required under CI=true but ${CHROMIUM_PATH} does not exist (apt-get install -y chromium)`);
  console.warn(`\n!!! No Chromium at ${CHROMIUM_PATH}: the BROWSER TESTS ARE SKIPPED. Install it with: apt-get install -y chromium\n`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Browser tests load the built widget and console: fail clearly when `npm run build` has not run. */
export function requireBuild(): void {
  if (!existsSync(join(REPO_ROOT, 'dist/widget.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  mkdirSync(SCREENSHOTS, { recursive: true });
}

/**
 * A page in a fresh context at `url` that logs page errors and records Content-Security-Policy violations in
 * `violations` (our pages run under a strict CSP: no inline styles or scripts).
 */
export async function openWatchedPage(browser: Browser, url: string, name: string, violations: string[], height = 800): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height } })).newPage();
  page.on('pageerror', (error) => console.error(`${name} page error:`, error));
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) violations.push(`${name}: ${message.text()}`);
  });
  await page.goto(url);
  return page;
}

/** What a browser suite gets: its own Tandem (embedded storage) and a Chromium. */
export interface BrowserSuite {
  tandem: TestTandem;
  browser: Browser;
}

/**
 * For the describe block it is called in: before its tests, a Tandem on the embedded store (with `env`) and a
 * Chromium, handed to `use`; after them, `sockets` (the test's customer and agent links) disconnect and both stop.
 */
export function browserSuite(use: (suite: BrowserSuite) => void, options: { env?: Record<string, string>; sockets?: readonly Socket[] } = {}): void {
  const started: Partial<BrowserSuite> = {};
  beforeAll(async () => {
    requireBuild();
    started.tandem = await startTestTandem('sqlite', undefined, options.env);
    started.browser = await launchChromium();
    use(started as BrowserSuite);
  });
  afterAll(async () => {
    for (const socket of options.sockets ?? []) socket.disconnect();
    await started.browser?.close();
    await started.tandem?.destroy();
  });
}
