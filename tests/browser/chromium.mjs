// Headless Chromium for the browser tests (a11y.mjs, live-reload.mjs): Debian's chromium
// (/usr/bin/chromium, or CHROMIUM_PATH), driven by npm playwright-core, with the flags that keep
// it quiet and working as root in a container. A missing browser or npm package is not a test
// failure but a machine that cannot run the test: `cannotRun` says so and exits with status 2,
// which the Rust tests turn into "run scripts/install-test-deps.sh".

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The Chromium binary the tests use. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** WCAG 2.0, 2.1 and 2.2 A and AA: the axe-core tags every browser test runs. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Prints why the test cannot run on this machine, with the fix, and exits with status 2. */
export function cannotRun(script, message) {
  console.error(`${script}: ${message}: run scripts/install-test-deps.sh`);
  process.exit(2);
}

/** Launches headless Chromium; exits with status 2 if it or playwright-core is missing. */
export async function launchChromium(script) {
  if (!existsSync(CHROMIUM)) cannotRun(script, `${CHROMIUM} is missing`);
  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch {
    cannotRun(script, 'playwright-core is not installed');
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The source of axe-core, to inject into pages; exits with status 2 if it is missing. */
export function axeSource(script) {
  try {
    return readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  } catch {
    return cannotRun(script, 'axe-core is not installed');
  }
}
