//! Builds the demo site with the real binary and checks every page in a browser:
//! axe-core (WCAG 2.0/2.1/2.2 A and AA) in headless Chromium, the Nu HTML Checker, the page
//! structure with JavaScript disabled, reflow at 320 px and the median page weight
//! (`tests/browser/a11y.mjs`). It never skips: without Node.js, Chromium, Java or the npm
//! packages it fails and says to run `scripts/install-test-deps.sh`.

use std::path::{Path, PathBuf};
use std::process::Command;

const INSTALL_HINT: &str = "run scripts/install-test-deps.sh (as root) to install Chromium, Java and the npm packages";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Panics with the install hint when a tool the browser checks need is missing.
fn require_test_deps(root: &Path) {
    let mut missing = Vec::new();
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node".to_string());
    }
    if Command::new("java").arg("-version").output().is_err() {
        missing.push("java".to_string());
    }
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        missing.push(chromium);
    }
    for package in ["axe-core", "playwright-core", "vnu-jar"] {
        if !root.join("node_modules").join(package).join("package.json").exists() {
            missing.push(format!("node_modules/{package}"));
        }
    }
    assert!(
        missing.is_empty(),
        "the browser accessibility test needs {}: {INSTALL_HINT}",
        missing.join(", ")
    );
}

#[test]
fn demo_site_passes_axe_vnu_and_no_script_checks() {
    let root = repo_root();
    require_test_deps(&root);

    let out = tempfile::tempdir().expect("create a temporary folder");
    let site_out = out.path().join("public");
    let build = Command::new(env!("CARGO_BIN_EXE_ccg-site"))
        .arg("build")
        .arg("--site")
        .arg(&root)
        .arg("--output")
        .arg(&site_out)
        .output()
        .expect("run ccg-site build");
    assert!(
        build.status.success(),
        "ccg-site build failed ({}):\n{}\n{}",
        build.status,
        String::from_utf8_lossy(&build.stdout),
        String::from_utf8_lossy(&build.stderr)
    );

    let check = Command::new("node")
        .arg(root.join("tests/browser/a11y.mjs"))
        .arg(&site_out)
        .current_dir(&root)
        .output()
        .expect("run node tests/browser/a11y.mjs");
    let stdout = String::from_utf8_lossy(&check.stdout);
    let stderr = String::from_utf8_lossy(&check.stderr);
    // Exit 2 means the checker could not run (a missing tool); 1 means findings.
    assert!(
        check.status.code() != Some(2),
        "the browser checks could not run: {INSTALL_HINT}\n{stdout}\n{stderr}"
    );
    assert!(
        check.status.success(),
        "accessibility or HTML validity findings in the built demo site:\n{stdout}\n{stderr}"
    );
    println!("{stdout}");
}
