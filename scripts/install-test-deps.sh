#!/usr/bin/env bash
# Installs what the browser accessibility tests (tests/accessibility.rs, tests/browser/a11y.mjs)
# need, and only what is missing: Debian's Chromium, a Java runtime for the Nu HTML Checker,
# Node.js with npm, and the npm packages pinned in package.json (axe-core, playwright-core,
# vnu-jar; for tests/compliance_output.rs Microsoft's SARIF validator @microsoft/sarif-multitool,
# a self-contained binary, and the JUnit reader test-results-parser). Idempotent; runs as root
# (or with sudo) on Debian without prompts.
# Playwright's own browser download is never used: the tests launch /usr/bin/chromium.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" -eq 0 ]; then
  sudo_cmd=()
elif command -v sudo >/dev/null 2>&1; then
  sudo_cmd=(sudo)
else
  sudo_cmd=()
fi

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# Fonts so that screenshots show real glyphs (Arial-compatible metrics).
if ! fc-list 2>/dev/null | grep -qi 'liberation sans'; then
  missing+=(fonts-liberation)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-test-deps: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "install-test-deps: chromium, java, node and npm already present"
fi

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" -lt 20 ]; then
  echo "install-test-deps: Node.js $(node --version 2>/dev/null || echo '(none)') may be too old: playwright-core asks for Node.js 20 or later" >&2
fi

cd "$repo_root"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# True when every devDependency is installed at its pinned version.
deps_installed() {
  node -e '
    const fs = require("fs");
    const want = JSON.parse(fs.readFileSync("package.json", "utf8")).devDependencies || {};
    for (const [name, version] of Object.entries(want)) {
      const file = `node_modules/${name}/package.json`;
      if (!fs.existsSync(file) || JSON.parse(fs.readFileSync(file, "utf8")).version !== version) process.exit(1);
    }
  ' 2>/dev/null
}
if deps_installed; then
  echo "install-test-deps: npm packages already installed"
elif [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi

/usr/bin/chromium --version 2>/dev/null || true
java -version 2>&1 | head -n 1
node --version
