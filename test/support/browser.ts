// Real Chromium for browser tests: Debian's build driven by playwright-core (no browser download).
// Outside CI a missing Chromium skips the browser tests with a loud notice; under CI=true it fails them.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
