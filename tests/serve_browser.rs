//! `ccg-site serve` in a real browser: headless Chromium (Debian's, driven by playwright-core)
//! loads a page of the demo site, the test edits the file, and the browser shows the new text
//! with nobody touching it (`tests/browser/live-reload.mjs`). It never skips: without Node.js,
//! Chromium or the npm packages it fails and says to run `scripts/install-test-deps.sh`.

mod common;
mod serve_support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::browser::{require_browser_tools, BrowserTools, INSTALL_HINT};
use serve_support::Server;

/// The browser script's own waits are 15 s each; this bounds the whole run.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);

/// The tools the live-reload test needs.
const TOOLS: BrowserTools<'static> = BrowserTools {
    packages: &["playwright-core", "axe-core"],
    java: false,
};

#[test]
fn the_browser_shows_an_edit_without_any_action() {
    let root = common::repo_root();
    require_browser_tools(&root, "live-reload browser test", &TOOLS);
    let site = common::copy_demo_site();
    let server = Server::start(site.path(), &[]);

    let mut child = Command::new("node")
        .arg(root.join("tests/browser/live-reload.mjs"))
        .arg(&server.url)
        .arg(site.path())
        .current_dir(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run node tests/browser/live-reload.mjs");
    let start = Instant::now();
    while child.try_wait().expect("wait for node").is_none() {
        if start.elapsed() > BROWSER_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the browser test did not finish within {BROWSER_TIMEOUT:?}\n{}",
                server.output()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().expect("node output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() != Some(2),
        "the browser test could not run: {INSTALL_HINT}\n{stdout}\n{stderr}"
    );
    assert!(
        out.status.success(),
        "live reload failed in the browser:\n{stdout}\n{stderr}\n{}",
        server.output()
    );
    assert!(stdout.contains("the edit showed by itself"), "{stdout}");
}
