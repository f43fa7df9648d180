#!/usr/bin/env node
// Accessibility and validity checks of a built ccg-site, page by page, as a browser sees it.
//
//   node tests/browser/a11y.mjs SITE_DIR                    check every page; exit 1 on any finding
//   node tests/browser/a11y.mjs SITE_DIR --screenshots DIR  also write 375 px and 1280 px screenshots
//                                                           of the home page and one page of each kind
//
// The site is served from SITE_DIR on 127.0.0.1 (an ephemeral port) by this script. On every
// .html page it runs:
//   - axe-core in headless Chromium (Debian's /usr/bin/chromium via playwright-core), 1280 px and
//     375 px wide, with the WCAG 2.0, 2.1 and 2.2 A and AA tags: any violation is a finding;
//   - the Nu HTML Checker (vnu-jar, run with Java) on the files: any error is a finding;
//   - with JavaScript disabled: main has text, exactly one h1, the header/nav/main/footer
//     landmarks, a skip link to the main content, one stylesheet (/style.css), no script, a
//     footer link to the compliance page and to the accessibility statement;
//   - at 320 px wide: the page does not scroll sideways (WCAG 1.4.10 reflow);
// and checks that the median page weight (HTML + CSS) is under 30 KB.
// Each finding is printed with the page, the rule id and the element.

import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { AXE_TAGS, axeSource, launchChromium } from './chromium.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const AXE_VIEWPORTS = [[1280, 900], [375, 812]];
const MAX_MEDIAN_WEIGHT = 30 * 1024;
const SCREENSHOT_WIDTHS = [375, 1280];
const SCREENSHOT_MAX_HEIGHT = 3000;

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.json': 'application/json', '.xml': 'application/xml',
  '.csv': 'text/csv; charset=utf-8', '.txt': 'text/plain; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.webp': 'image/webp', '.ico': 'image/x-icon', '.pdf': 'application/pdf',
  '.woff2': 'font/woff2',
};

function usage(message) {
  if (message) console.error(`a11y: ${message}`);
  console.error('usage: node tests/browser/a11y.mjs SITE_DIR [--screenshots DIR]');
  process.exit(2);
}

function parseArgs(argv) {
  const args = { site: null, screenshots: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--screenshots') {
      args.screenshots = argv[++i];
      if (!args.screenshots) usage('--screenshots needs a folder');
    } else if (argv[i].startsWith('-')) {
      usage(`unknown option ${argv[i]}`);
    } else if (!args.site) {
      args.site = resolve(argv[i]);
    } else {
      usage(`unexpected argument ${argv[i]}`);
    }
  }
  if (!args.site) usage('no site folder given');
  if (!existsSync(args.site) || !statSync(args.site).isDirectory()) usage(`${args.site} is not a folder`);
  return args;
}

/** Every .html file under root, as {file, path (URL path)}, sorted by path. */
function listPages(root) {
  const pages = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.html')) {
        const rel = relative(root, full).split(sep).join('/');
        const path = rel === 'index.html' ? '/'
          : rel.endsWith('/index.html') ? `/${rel.slice(0, -'index.html'.length)}`
            : `/${rel}`;
        pages.push({ file: full, path });
      }
    }
  };
  walk(root);
  return pages.sort((a, b) => a.path.localeCompare(b.path));
}

/** Serves root on 127.0.0.1, an ephemeral port; folders answer with their index.html. */
function serve(root) {
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = resolve(root, `.${path}`);
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) {
      const notFound = join(root, '404.html');
      res.writeHead(404, { 'content-type': CONTENT_TYPES['.html'] });
      res.end(existsSync(notFound) ? readFileSync(notFound) : 'Not found');
      return;
    }
    const type = CONTENT_TYPES[extname(file).toLowerCase()] || 'application/octet-stream';
    res.writeHead(200, { 'content-type': type });
    res.end(readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok(server));
  });
}

/** axe-core on every page, at a desktop and at a phone width (layout changes what it finds). */
async function runAxe(context, base, pages, findings) {
  const source = axeSource('a11y');
  const seen = new Set();
  const page = await context.newPage();
  for (const [width, height] of AXE_VIEWPORTS) {
    await page.setViewportSize({ width, height });
    for (const { path } of pages) {
      await page.goto(base + path, { waitUntil: 'load' });
      await page.addScriptTag({ content: source });
      const result = await page.evaluate(async (tags) => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
        return r.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          targets: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
        }));
      }, AXE_TAGS);
      for (const v of result) {
        for (const node of v.targets) {
          const key = `${path} ${v.id} ${node.target}`;
          if (seen.has(key)) continue;
          seen.add(key);
          findings.push({ check: 'axe', page: path, rule: v.id, target: `${node.target} (at ${width} px)`, message: `${v.help} (${v.impact}) ${node.summary || ''}`.trim() });
        }
      }
    }
  }
  await page.close();
}

/** Structure checks with JavaScript disabled: what a reader without scripts gets. */
async function runNoScript(browser, base, pages, findings) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  for (const { path } of pages) {
    await page.goto(base + path, { waitUntil: 'load' });
    const problems = await page.evaluate(() => {
      const out = [];
      const all = (s) => Array.from(document.querySelectorAll(s));
      const mains = all('main');
      if (mains.length !== 1) out.push(['one-main', 'main', `${mains.length} main elements`]);
      else if (mains[0].innerText.trim().length < 20) out.push(['main-has-text', 'main', 'main shows no text']);
      const h1s = all('h1');
      if (h1s.length !== 1) out.push(['one-h1', 'h1', `${h1s.length} h1 elements`]);
      for (const [sel, name] of [['body > header, body > * > header', 'header'], ['nav', 'nav'], ['body > footer, body > * > footer', 'footer']]) {
        if (all(sel).length === 0) out.push(['landmarks', name, `no ${name} landmark`]);
      }
      const first = document.querySelector('a[href], button, input, select, textarea, [tabindex]');
      const mainId = mains[0] && mains[0].id;
      if (!first || !mainId || first.getAttribute('href') !== `#${mainId}`) {
        out.push(['skip-link', first ? first.outerHTML.slice(0, 80) : 'body', 'the first focusable element is not a link to main']);
      }
      const sheets = all('link[rel~="stylesheet"]').map((l) => l.getAttribute('href'));
      if (sheets.length !== 1 || sheets[0] !== '/style.css') out.push(['one-stylesheet', 'head', `stylesheets: ${JSON.stringify(sheets)}`]);
      if (all('style, [style]').length > 0) out.push(['no-inline-style', 'style', 'inline CSS found']);
      if (all('script').length > 0) out.push(['no-script', 'script', 'the page has a script']);
      if (document.documentElement.lang !== 'en-GB') out.push(['lang', 'html', `lang="${document.documentElement.lang}"`]);
      const footer = document.querySelector('footer');
      const footerLinks = footer ? Array.from(footer.querySelectorAll('a')) : [];
      if (!footerLinks.some((a) => new URL(a.href).pathname === '/compliance/')) out.push(['footer-compliance-link', 'footer', 'no link to /compliance/']);
      if (!footerLinks.some((a) => /accessibility statement/i.test(a.textContent))) out.push(['footer-accessibility-link', 'footer', 'no link to the accessibility statement']);
      return out;
    });
    for (const [rule, target, message] of problems) findings.push({ check: 'structure', page: path, rule, target, message });
  }
  // Reflow: nothing but a scroll region may be wider than a 320 px screen.
  await page.setViewportSize({ width: 320, height: 640 });
  for (const { path } of pages) {
    await page.goto(base + path, { waitUntil: 'load' });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > 320) findings.push({ check: 'structure', page: path, rule: 'reflow-320', target: 'html', message: `page is ${width} px wide at a 320 px viewport` });
  }
  await context.close();
}

/** Starts the Nu HTML Checker on the pages and the CSS; resolves to its findings. */
function startVnu(site, files) {
  const findings = [];
  const jar = join(repoRoot, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
  if (!existsSync(jar)) {
    findings.push({ check: 'vnu', page: '-', rule: 'vnu-missing', target: jar, message: 'vnu-jar is not installed: run scripts/install-test-deps.sh' });
    return Promise.resolve(findings);
  }
  const css = existsSync(join(site, 'style.css')) ? [join(site, 'style.css')] : [];
  const child = spawn('java', ['-jar', jar, '--format', 'json', '--errors-only', '--also-check-css', ...files, ...css]);
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  return new Promise((done) => {
    child.on('error', (err) => {
      findings.push({ check: 'vnu', page: '-', rule: 'java-missing', target: 'java', message: `${err.message}: run scripts/install-test-deps.sh` });
      done(findings);
    });
    child.on('close', (status) => {
      let report;
      try {
        report = JSON.parse(output);
      } catch {
        findings.push({ check: 'vnu', page: '-', rule: 'vnu-output', target: '-', message: output.slice(0, 2000) });
        done(findings);
        return;
      }
      const errors = (report.messages || []).filter((m) => m.type === 'error' || m.type === 'non-document-error');
      for (const m of errors) {
        const file = m.url ? fileURLToPath(m.url) : '-';
        const where = m.lastLine !== undefined ? `line ${m.lastLine}:${m.firstColumn || m.lastColumn}` : '-';
        findings.push({ check: 'vnu', page: relative(site, file), rule: m.subType || m.type, target: `${where} ${JSON.stringify((m.extract || '').trim())}`, message: m.message });
      }
      if (status !== 0 && errors.length === 0) {
        findings.push({ check: 'vnu', page: '-', rule: 'vnu-exit', target: '-', message: `vnu exited with ${status}` });
      }
      done(findings);
    });
  });
}

function weights(site, pages) {
  const cssFile = join(site, 'style.css');
  const css = existsSync(cssFile) ? statSync(cssFile).size : 0;
  const sizes = pages.map((p) => statSync(p.file).size + css).sort((a, b) => a - b);
  const mid = Math.floor(sizes.length / 2);
  const median = sizes.length % 2 ? sizes[mid] : (sizes[mid - 1] + sizes[mid]) / 2;
  return { css, median, max: sizes[sizes.length - 1] };
}

/** The home page and, of each kind, its largest page (its body carries class="kind-KIND"). */
async function screenshots(browser, base, pages, dir) {
  mkdirSync(dir, { recursive: true });
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const chosen = new Map();
  for (const { path, file } of pages) {
    await page.goto(base + path, { waitUntil: 'load' });
    const kind = await page.evaluate(() => {
      const m = document.body.className.match(/(?:^|\s)kind-([a-z0-9-]+)/);
      return m ? m[1] : null;
    });
    const name = path === '/' ? 'home' : kind;
    const size = statSync(file).size;
    if (name && (!chosen.has(name) || chosen.get(name).size < size)) chosen.set(name, { path, size });
  }
  const written = [];
  for (const [name, { path }] of chosen) {
    for (const width of SCREENSHOT_WIDTHS) {
      await page.setViewportSize({ width, height: width < 800 ? 812 : 900 });
      await page.goto(base + path, { waitUntil: 'load' });
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      const file = join(dir, `${name}-${width}.png`);
      await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width, height: Math.min(height, SCREENSHOT_MAX_HEIGHT) } });
      written.push(relative(process.cwd(), file));
    }
  }
  await context.close();
  return written;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const pages = listPages(args.site);
  if (pages.length === 0) usage(`no .html pages in ${args.site}`);
  const server = await serve(args.site);
  const base = `http://127.0.0.1:${server.address().port}`;
  const findings = [];
  const vnu = startVnu(args.site, pages.map((p) => p.file));
  let browser;
  try {
    browser = await launchChromium('a11y');
    const context = await browser.newContext();
    await runAxe(context, base, pages, findings);
    await context.close();
    await runNoScript(browser, base, pages, findings);
    if (args.screenshots) {
      const files = await screenshots(browser, base, pages, resolve(args.screenshots));
      console.log(`a11y: wrote ${files.length} screenshots:\n  ${files.join('\n  ')}`);
    }
  } finally {
    if (browser) await browser.close();
    server.close();
  }
  findings.push(...(await vnu));

  const weight = weights(args.site, pages);
  if (weight.median >= MAX_MEDIAN_WEIGHT) {
    findings.push({ check: 'weight', page: '-', rule: 'median-weight', target: '-', message: `median page weight ${(weight.median / 1024).toFixed(1)} KB is not under 30 KB` });
  }

  for (const f of findings) console.log(`${f.check}: ${f.page}: ${f.rule}: ${f.target}\n    ${f.message}`);
  const count = (check) => findings.filter((f) => f.check === check).length;
  console.log(`a11y: ${pages.length} pages checked: axe ${count('axe')} violations, vnu ${count('vnu')} errors, `
    + `structure ${count('structure')} problems; median page weight (HTML + CSS) ${(weight.median / 1024).toFixed(1)} KB, `
    + `largest ${(weight.max / 1024).toFixed(1)} KB, CSS ${(weight.css / 1024).toFixed(1)} KB`);
  process.exit(findings.length ? 1 : 0);
}

main().catch((err) => {
  console.error(`a11y: ${err && err.stack ? err.stack : err}`);
  process.exit(2);
});
