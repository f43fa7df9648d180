#!/usr/bin/env node
// Live reload of `ccg-site serve`, as a comms officer sees it, in headless Chromium.
//
//   node tests/browser/live-reload.mjs URL SITE_DIR
//
// URL is a running `ccg-site serve` of the site in SITE_DIR (a copy of the demo site: the test
// edits content/about-us.md). With nobody touching the browser, it checks that:
//   1. after an edit, the page shows the new text by itself, at the same scroll position;
//   2. after a broken edit, the page shows the error panel (role="alert", file and line) over
//      the last good version, and axe-core finds no WCAG A/AA violation on it;
//   3. after the fix, the panel is gone.
// Exit 0 when all hold, 1 on a failure, 2 when Chromium or an npm package is missing.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { AXE_TAGS, axeSource, launchChromium } from './chromium.mjs';

const WAIT_MS = 15000;
const SCROLL_Y = 600;

function fail(message) {
  console.error(`live-reload: FAILED: ${message}`);
  process.exitCode = 1;
  throw new Error(message);
}

/** Saves a file as editors do: a temporary file beside it, renamed over it. */
function saveAtomically(path, text) {
  const tmp = join(path, '..', '.live-reload-test.tmp');
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Polls `check` in the page (across reloads) until it returns true. */
async function waitInPage(page, what, check, arg) {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    try {
      if (await page.evaluate(check, arg)) return;
    } catch (_) {
      // The page is reloading: look again.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  fail(`the page never showed ${what} within ${WAIT_MS} ms`);
}

async function main() {
  const [url, siteDir] = process.argv.slice(2);
  if (!url || !siteDir) {
    console.error('usage: node tests/browser/live-reload.mjs URL SITE_DIR');
    process.exit(2);
  }
  const axe = axeSource('live-reload');

  const doc = join(siteDir, 'content', 'about-us.md');
  const original = readFileSync(doc, 'utf8');
  const browser = await launchChromium('live-reload');
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    const connected = page.waitForResponse((r) => r.url().endsWith('/__ccg-site/events'), { timeout: WAIT_MS });
    await page.goto(new URL('/about-us/', url).href);
    await connected;
    await page.evaluate((y) => { window.scrollTo(0, y); window.__notReloaded = true; }, SCROLL_Y);
    await new Promise((r) => setTimeout(r, 300));
    // Where the reader is now (the browser may have nudged the position while laying out).
    const scrolledTo = await page.evaluate(() => window.scrollY);
    if (scrolledTo < SCROLL_Y / 2) fail(`could not scroll the page (at ${scrolledTo})`);

    // 1. An edit shows by itself, at the same scroll position.
    const text = 'This paragraph was added while the browser was watching.';
    saveAtomically(doc, original.replace('+++\n\n', `+++\n\n${text}\n\n`));
    await waitInPage(page, 'the edited text', (t) => document.body.innerText.includes(t), text);
    if (await page.evaluate(() => window.__notReloaded === true)) fail('the text changed without a reload?');
    // Within a few lines: the browser may nudge the position by a few pixels while laying out.
    await waitInPage(page, `scroll position ${scrolledTo}`, (y) => Math.abs(window.scrollY - y) <= 40, scrolledTo);
    console.log('live-reload: the edit showed by itself and the scroll position was kept');

    // 2. A broken edit: the panel over the last good version, and no accessibility violation.
    saveAtomically(doc, original.replace('kind = "page"', 'kind = page'));
    await waitInPage(page, 'the error panel', () => {
      const alert = document.querySelector('.ccg-preview [role="alert"]');
      return alert !== null && alert.innerText.includes('content/about-us.md:3:');
    });
    const h1 = await page.evaluate(() => document.querySelector('main h1')?.innerText);
    if (h1 !== 'About us') fail(`the last good page is not underneath the panel (h1: ${h1})`);
    await page.addScriptTag({ content: axe });
    const violations = await page.evaluate(async (tags) => {
      const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return r.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target).join(', ')}`);
    }, AXE_TAGS);
    if (violations.length > 0) fail(`axe found violations with the error panel shown:\n  ${violations.join('\n  ')}`);
    console.log('live-reload: the broken edit showed the error panel, with no axe violation');

    // 3. The fix clears it.
    saveAtomically(doc, original);
    await waitInPage(page, 'no error panel', () => document.querySelector('.ccg-preview') === null
      && document.body.innerText.includes('About us'));
    console.log('live-reload: the fix cleared the panel');
  } finally {
    writeFileSync(doc, original);
    await browser.close();
  }
}

main().catch((e) => {
  if (!process.exitCode) {
    console.error(`live-reload: ${e.stack || e}`);
    process.exitCode = 1;
  }
});
