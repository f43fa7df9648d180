//! Browser checks of the default theme (`tests/browser/a11y.mjs`): axe-core (WCAG 2.0/2.1/2.2 A
//! and AA) in headless Chromium, the Nu HTML Checker, the page structure with JavaScript
//! disabled, reflow at 320 px and the median page weight, on
//! - the demo site, built by the real binary;
//! - the ICB starter site (`init --regime icb-2022`), built by the real binary;
//! - every template rendered with the contexts of `tests/browser/fixtures/contexts.json`: rich
//!   and sparse documents of every kind, odd values, empty listings, a filled compliance page,
//!   so that what the demo content does not exercise is checked too.
//!
//! They never skip: without Node.js, Chromium, Java or the npm packages they fail and say to run
//! `scripts/install-test-deps.sh`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;

use common::browser::{require_browser_tools, BrowserTools, INSTALL_HINT};
use common::repo_root;

/// The tools the accessibility checks need.
const TOOLS: BrowserTools<'static> = BrowserTools {
    packages: &["axe-core", "playwright-core", "vnu-jar"],
    java: true,
};

/// Panics with the install hint when a tool the browser checks need is missing.
fn require_test_deps(root: &Path) {
    require_browser_tools(root, "browser accessibility test", &TOOLS);
}

/// Runs `tests/browser/a11y.mjs` on a folder of built pages; panics with its report on findings.
fn check_in_browser(root: &Path, site_out: &Path) -> String {
    let check = Command::new("node")
        .arg(root.join("tests/browser/a11y.mjs"))
        .arg(site_out)
        .current_dir(root)
        .output()
        .expect("run node tests/browser/a11y.mjs");
    let stdout = String::from_utf8_lossy(&check.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&check.stderr);
    // Exit 2 means the checker could not run (a missing tool); 1 means findings.
    assert!(
        check.status.code() != Some(2),
        "the browser checks could not run: {INSTALL_HINT}\n{stdout}\n{stderr}"
    );
    assert!(
        check.status.success(),
        "accessibility or HTML validity findings:\n{stdout}\n{stderr}"
    );
    stdout
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
    println!("{}", check_in_browser(&root, &site_out));
}

#[test]
fn icb_starter_site_passes_axe_vnu_and_no_script_checks() {
    let root = repo_root();
    require_test_deps(&root);

    let out = tempfile::tempdir().expect("create a temporary folder");
    let site = out.path().join("icb");
    let site_out = out.path().join("public");
    let run = |args: &[&std::ffi::OsStr]| {
        let result = Command::new(env!("CARGO_BIN_EXE_ccg-site"))
            .args(args)
            .env("CCG_SITE_TODAY", "2026-11-30")
            .output()
            .expect("run ccg-site");
        assert!(
            result.status.success(),
            "ccg-site {args:?} failed ({}):\n{}\n{}",
            result.status,
            String::from_utf8_lossy(&result.stdout),
            String::from_utf8_lossy(&result.stderr)
        );
    };
    run(&[
        "init".as_ref(),
        "--regime".as_ref(),
        "icb-2022".as_ref(),
        site.as_os_str(),
    ]);
    run(&[
        "build".as_ref(),
        "--site".as_ref(),
        site.as_os_str(),
        "--output".as_ref(),
        site_out.as_os_str(),
    ]);
    for page in [
        "joint-forward-plans/2026-27/index.html",
        "capital-resource-plans/2026-27/index.html",
        "annual-reports/2021-22/index.html",
    ] {
        assert!(site_out.join(page).is_file(), "the ICB starter has {page}");
    }
    println!("{}", check_in_browser(&root, &site_out));
}

/// Files under `dir`, as (path relative to `dir` with `/`, full path).
fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("read the theme folder"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            (rel, e.path().to_path_buf())
        })
        .collect()
}

#[test]
fn every_template_passes_with_rich_and_sparse_contexts() {
    let root = repo_root();
    require_test_deps(&root);
    let theme = root.join("themes/nhs");

    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    ccg_site::render::filters::register(&mut tera);
    let templates: Vec<(String, String)> = files_under(&theme.join("templates"))
        .into_iter()
        .map(|(name, path)| {
            (
                name,
                std::fs::read_to_string(path).expect("read a template"),
            )
        })
        .collect();
    tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .expect("the theme's templates parse");

    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/browser/fixtures/contexts.json"))
            .expect("read contexts.json"),
    )
    .expect("contexts.json is JSON");
    let out = tempfile::tempdir().expect("create a temporary folder");
    let mut failures = Vec::new();
    let mut rendered = std::collections::BTreeSet::new();
    for page in spec["pages"].as_array().expect("pages") {
        let template = page["template"].as_str().expect("template");
        let mut ctx = tera::Context::new();
        for (key, value) in spec["common"].as_object().expect("common") {
            ctx.insert(key, value);
        }
        for (key, value) in page["context"].as_object().expect("context") {
            ctx.insert(key, value);
        }
        match tera.render(template, &ctx) {
            Ok(html) => {
                let path = out.path().join(page["output"].as_str().expect("output"));
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, ccg_site::output::minify(html.as_bytes())).unwrap();
                rendered.insert(template.to_string());
            }
            Err(e) => {
                let mut message = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    message.push_str(&format!(": {s}"));
                    source = s.source();
                }
                failures.push(format!("{template} ({}): {message}", page["output"]));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "templates failed to render:\n{}",
        failures.join("\n")
    );
    let untested: Vec<_> = templates
        .iter()
        .map(|(n, _)| n)
        .filter(|n| {
            !matches!(n.as_str(), "base.html" | "macros.html")
                && !n.starts_with("partials/")
                && !rendered.contains(*n)
        })
        .collect();
    assert!(
        untested.is_empty(),
        "templates without a context in contexts.json: {untested:?}"
    );

    for (rel, path) in files_under(&theme.join("static")) {
        let target = out.path().join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(path, target).unwrap();
    }
    println!("{}", check_in_browser(&root, out.path()));
}
