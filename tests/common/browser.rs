//! What the browser tests need on the machine (Node.js, Debian's Chromium, the npm packages and,
//! for the Nu HTML checker, Java), checked before they start. A browser test never skips: without
//! these it fails and says to run `scripts/install-test-deps.sh`.

use std::path::Path;
use std::process::Command;

/// The fix for a machine without the browser tools.
pub const INSTALL_HINT: &str =
    "run scripts/install-test-deps.sh (as root) to install Chromium, Java, Node.js and the npm packages";

/// The tools a browser test uses.
pub struct BrowserTools<'a> {
    /// npm packages it loads from `node_modules/`.
    pub packages: &'a [&'a str],
    /// Whether it runs the Nu HTML checker (Java).
    pub java: bool,
}

/// Panics with the install hint, naming `test`, when a tool it needs is missing.
pub fn require_browser_tools(root: &Path, test: &str, tools: &BrowserTools<'_>) {
    let mut missing = Vec::new();
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node".to_string());
    }
    if tools.java && Command::new("java").arg("-version").output().is_err() {
        missing.push("java".to_string());
    }
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        missing.push(chromium);
    }
    for package in tools.packages {
        if !root
            .join("node_modules")
            .join(package)
            .join("package.json")
            .exists()
        {
            missing.push(format!("node_modules/{package}"));
        }
    }
    assert!(
        missing.is_empty(),
        "the {test} needs {}: {INSTALL_HINT}",
        missing.join(", ")
    );
}
