//! Every kind of bad input stops `ccg-site build` with exit status 2, a message naming the file
//! (and line, where there is one), no panic and nothing written.
//!
//! Inputs that are plain files live in tests/fixtures/bad-*/; those that need the file system's
//! help (symbolic links, named pipes, folders where files should be, files vanishing) are made
//! in a temporary folder by the test. Bad inputs already covered by tests/build.rs (unclosed
//! `+++`, invalid UTF-8, unknown kind, duplicate URLs, escaping slug, missing site.toml, empty
//! content/) are not repeated here.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

const SITE_TOML: &str = "name = \"NHS Testshire Clinical Commissioning Group\"\n\
base_url = \"https://www.testshire-ccg.example.nhs.uk/\"\n";

/// A new site in a temporary folder with `site.toml` and the given documents under content/.
fn site_with(documents: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("site.toml"), SITE_TOML).expect("site.toml");
    for (name, text) in documents {
        let path = dir.path().join("content").join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write document");
    }
    dir
}

/// The compliant demo site in a temporary folder, plus the given documents under content/:
/// for inputs that only go wrong after the compliance check (rendering, writing).
fn demo_site_with(documents: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = copy_demo_site();
    for (name, text) in documents {
        std::fs::write(dir.path().join("content").join(name), text).expect("write document");
    }
    dir
}

const GOOD_PAGE: &str =
    "+++\ntitle = \"About us\"\nkind = \"page\"\n+++\n\nWe plan NHS services.\n";

/// Builds `site` into a fresh output folder; asserts exit 2, no panic, every expected text in
/// the message, nothing written and no temporary folder left.
fn assert_build_fails(site: &Path, expected: &[&str]) -> Run {
    let out = tempfile::tempdir().expect("temp dir");
    let public = out.path().join("public");
    let run = ccg_site(&[
        "build",
        "--site",
        site.to_str().expect("utf-8 path"),
        "--output",
        public.to_str().expect("utf-8 path"),
    ]);
    run.assert_no_panic();
    assert_eq!(run.code, 2, "{}", run.all());
    for e in expected {
        assert!(run.stderr.contains(e), "expected `{e}` in:\n{}", run.stderr);
    }
    let left: Vec<_> = std::fs::read_dir(out.path())
        .expect("read out")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(left.is_empty(), "written after a failed build: {left:?}");
    run
}

#[test]
fn unclosed_string_in_front_matter_names_file_and_line() {
    assert_build_fails(
        &fixture("bad-unclosed-string"),
        &[
            "content/about.md:2:",
            "invalid front matter",
            "close the string",
        ],
    );
}

#[test]
fn duplicate_key_in_front_matter_names_the_second_line() {
    assert_build_fails(
        &fixture("bad-duplicate-key"),
        &["content/about.md:4:", "duplicate key"],
    );
}

#[test]
fn wrong_type_of_a_common_field_names_file_and_line() {
    let site = site_with(&[(
        "about.md",
        "+++\ntitle = 2024\nkind = \"page\"\ndraft = \"no\"\n+++\n\nText.\n",
    )]);
    assert_build_fails(
        site.path(),
        &[
            "content/about.md:2:",
            "`title` must be non-empty text",
            "content/about.md:4:",
            "`draft` must be true or false",
        ],
    );
}

#[test]
fn unknown_fields_suggest_the_right_name() {
    assert_build_fails(
        &fixture("bad-unknown-field"),
        &[
            "content/report.md:4:",
            "unknown field `summery`",
            "did you mean `summary`",
            "content/report.md:7:",
            "unknown field `report.financal_year`",
            "did you mean `financial_year`",
        ],
    );
}

#[test]
fn impossible_and_quoted_dates_name_file_and_line() {
    assert_build_fails(
        &fixture("bad-date"),
        &[
            "content/about.md:4:",
            "invalid front matter",
            "content/news.md:5:",
            "`updated` must be a date",
            "2024-07-15",
        ],
    );
}

#[test]
fn deeply_nested_front_matter_is_an_error_not_a_crash() {
    assert_build_fails(
        &fixture("bad-front-matter-nesting"),
        &["content/about.md:4:", "nested too deeply"],
    );
}

#[test]
fn every_broken_document_is_reported_in_one_run() {
    let run = assert_build_fails(
        &fixture("bad-many-documents"),
        &[
            "content/a-unclosed-string.md:2:",
            "content/b-no-closing.md:1:1",
            "content/c-unknown-kind.md:3:",
            "content/d-bad-date.md:4:",
            "content/e-latin1.md:2:",
            "content/f-slug.md:4:",
            "content/g-unknown-field.md:4:",
            "7 problems stopped ccg-site",
        ],
    );
    assert!(!run.stderr.contains("good.md"), "{}", run.stderr);
}

#[test]
fn site_toml_that_is_a_folder_is_reported() {
    // Tests run as root, where `chmod 000` does not stop a read: a folder in the file's place
    // is a site.toml that cannot be read whatever the user.
    let site = site_with(&[("about.md", GOOD_PAGE)]);
    std::fs::remove_file(site.path().join("site.toml")).unwrap();
    std::fs::create_dir(site.path().join("site.toml")).unwrap();
    assert_build_fails(site.path(), &["site.toml is a folder", "--> site.toml"]);
}

/// Makes a named pipe (FIFO) at `path` with mkfifo(1).
fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(ok.success(), "mkfifo failed");
}

/// Runs a build of `site` that must finish within `limit` (reading a pipe would block forever).
fn build_within(site: &Path, limit: Duration) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ccg-site"))
        .args(["build", "--site", site.to_str().unwrap()])
        .env("CCG_SITE_TODAY", "2026-11-30")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("the build hung on a named pipe");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn site_toml_that_is_a_named_pipe_is_reported_without_hanging() {
    let site = site_with(&[("about.md", GOOD_PAGE)]);
    std::fs::remove_file(site.path().join("site.toml")).unwrap();
    mkfifo(&site.path().join("site.toml"));
    let run = build_within(site.path(), Duration::from_secs(20));
    run.assert_no_panic();
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("site.toml is not a regular file"),
        "{}",
        run.stderr
    );
}

#[test]
fn document_linked_to_a_named_pipe_is_reported_without_hanging() {
    let site = site_with(&[("about.md", GOOD_PAGE)]);
    mkfifo(&site.path().join("pipe"));
    std::os::unix::fs::symlink("../pipe", site.path().join("content/news.md")).unwrap();
    let run = build_within(site.path(), Duration::from_secs(20));
    run.assert_no_panic();
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("content/news.md") && run.stderr.contains("not a file"),
        "{}",
        run.stderr
    );
}

#[test]
fn symbolic_link_loops_are_reported() {
    let site = site_with(&[("about.md", GOOD_PAGE)]);
    let content = site.path().join("content");
    std::os::unix::fs::symlink("loop-b.md", content.join("loop-a.md")).unwrap();
    std::os::unix::fs::symlink("loop-a.md", content.join("loop-b.md")).unwrap();
    // A folder linking to its own parent: walking it must not go round for ever.
    std::os::unix::fs::symlink("..", content.join("again")).unwrap();
    assert_build_fails(
        site.path(),
        &[
            "content/loop-a.md",
            "content/loop-b.md",
            "looping symbolic link",
            "content/again",
        ],
    );
}

#[test]
fn symbolic_link_outside_the_site_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), GOOD_PAGE).unwrap();
    let site = site_with(&[("about.md", GOOD_PAGE)]);
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        site.path().join("content/secret.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink("/etc", site.path().join("content/etc")).unwrap();
    assert_build_fails(
        site.path(),
        &[
            "content/secret.md",
            "content/etc",
            "points outside the site folder",
        ],
    );
}

#[test]
fn a_file_that_disappears_is_named() {
    // Deterministic half: the loader is asked for a file listed a moment ago and now gone.
    let site = site_with(&[("about.md", GOOD_PAGE)]);
    let errs = ccg_site::content::read_document(
        site.path(),
        Path::new("content/gone.md"),
        ccg_site::content::ReadOptions {
            raw_html: ccg_site::config::RawHtmlPolicy::Sanitize,
            regime: ccg_site::config::Regime::Ccg2013,
        },
    )
    .unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].file.as_deref(), Some(Path::new("content/gone.md")));
    assert!(errs[0].message.contains("disappeared"), "{errs:?}");
}

/// A site of `n` small valid pages.
fn many_pages(n: usize) -> tempfile::TempDir {
    let site = site_with(&[]);
    let content = site.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    for i in 0..n {
        std::fs::write(
            content.join(format!("page-{i:05}.md")),
            format!("+++\ntitle = \"Page {i}\"\nkind = \"page\"\n+++\n\nText of page {i}.\n"),
        )
        .unwrap();
    }
    site
}

#[test]
fn files_deleted_during_a_real_build_are_named_not_panicked_on() {
    // The real binary, racing a deletion: run until a build has seen a listed file vanish.
    for attempt in 0..20 {
        let site = many_pages(1500);
        let child = Command::new(env!("CARGO_BIN_EXE_ccg-site"))
            .args(["build", "--site", site.path().to_str().unwrap()])
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Give the walk of content/ a head start that grows with each attempt.
        std::thread::sleep(Duration::from_millis(2 * attempt));
        for i in (0..1500).rev() {
            let _ = std::fs::remove_file(site.path().join(format!("content/page-{i:05}.md")));
        }
        let out = child.wait_with_output().unwrap();
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        run.assert_no_panic();
        // 1: every file was read in time and the (non-compliant) site was checked.
        assert!((0..=2).contains(&run.code), "{}", run.all());
        if run
            .stderr
            .contains("disappeared while the site was being read")
        {
            assert_eq!(run.code, 2);
            assert!(run.stderr.contains("--> content/page-"), "{}", run.stderr);
            return;
        }
    }
    panic!("no build saw a file disappear in 20 attempts");
}

#[test]
fn output_folder_whose_parent_is_a_file_is_reported() {
    let site = demo_site_with(&[("about.md", GOOD_PAGE)]);
    let blocker = site.path().join("not-a-folder");
    std::fs::write(&blocker, "a file").unwrap();
    let public = blocker.join("public");
    let run = ccg_site(&[
        "build",
        "--site",
        site.path().to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
    ]);
    run.assert_no_panic();
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("not-a-folder") && run.stderr.contains("cannot write"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&blocker).unwrap(), "a file");
}

#[test]
fn output_folder_that_is_a_file_is_reported_and_kept() {
    let site = demo_site_with(&[("about.md", GOOD_PAGE)]);
    let public = site.path().join("public");
    std::fs::write(&public, "precious").unwrap();
    let run = ccg_site(&["build", "--site", site.path().to_str().unwrap()]);
    run.assert_no_panic();
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("exists and is not a folder"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&public).unwrap(), "precious");
}

/// A site using theme `custom` whose `page.html` is `template`.
fn site_with_page_template(template: &str) -> tempfile::TempDir {
    let site = demo_site_with(&[("about.md", GOOD_PAGE)]);
    let config = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    std::fs::write(
        site.path().join("site.toml"),
        format!("theme = \"custom\"\n{config}"),
    )
    .unwrap();
    let templates = site.path().join("themes/custom/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("page.html"), template).unwrap();
    site
}

#[test]
fn template_failing_at_render_time_names_template_line_and_document() {
    let site = site_with_page_template(
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title }}</h1>\n\
         <p>{{ page.no_such_field | upper }}</p>\n{% endblock content %}\n",
    );
    assert_build_fails(
        site.path(),
        &[
            "themes/custom/templates/page.html:4",
            "page.no_such_field",
            "content/about.md",
        ],
    );
}

#[test]
fn template_failing_in_a_filter_names_template_and_line() {
    let site = site_with_page_template(
        "{% extends \"base.html\" %}\n{% block content %}\n\n\n\n<h1>{{ page.title | round }}</h1>\n\
         {% endblock content %}\n",
    );
    assert_build_fails(
        site.path(),
        &["themes/custom/templates/page.html:6", "round"],
    );
}

#[test]
fn raw_nul_bytes_and_control_characters_do_not_crash() {
    let site = site_with(&[(
        "about.md",
        "+++\ntitle = \"About\u{0}us\"\nkind = \"page\"\n+++\n\nText\u{0}with\u{1b}[31m controls.\n",
    )]);
    let out = tempfile::tempdir().unwrap();
    let run = ccg_site(&[
        "build",
        "--site",
        site.path().to_str().unwrap(),
        "--output",
        out.path().join("p").to_str().unwrap(),
    ]);
    run.assert_no_panic();
    // TOML forbids control characters in strings: a located error, not a crash.
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("content/about.md:2:"), "{}", run.stderr);
}

#[test]
fn check_reports_the_same_bad_inputs_as_build() {
    let run = ccg_site(&[
        "check",
        "--site",
        fixture("bad-many-documents").to_str().unwrap(),
    ]);
    run.assert_no_panic();
    assert_eq!(run.code, 2, "{}", run.all());
    for expected in [
        "content/a-unclosed-string.md:2:",
        "content/b-no-closing.md:1:1",
        "content/c-unknown-kind.md:3:",
        "content/d-bad-date.md:4:",
        "content/e-latin1.md:2:",
        "content/f-slug.md:4:",
        "content/g-unknown-field.md:4:",
    ] {
        assert!(run.stderr.contains(expected), "{expected}:\n{}", run.stderr);
    }
    let site = site_with(&[("about.md", GOOD_PAGE)]);
    std::fs::remove_file(site.path().join("site.toml")).unwrap();
    std::fs::create_dir(site.path().join("site.toml")).unwrap();
    let run = ccg_site(&["check", "--site", site.path().to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("site.toml is a folder"),
        "{}",
        run.stderr
    );
}

#[test]
fn output_folder_holding_the_site_or_other_files_is_never_replaced() {
    let parent = tempfile::tempdir().unwrap();
    let site = parent.path().join("site");
    copy_tree(
        &copy_demo_site().path().join("content"),
        &site.join("content"),
    );
    std::fs::copy(repo_root().join("site.toml"), site.join("site.toml")).unwrap();
    // The output folder is the site's parent: replacing it would delete the site.
    let run = ccg_site(&[
        "build",
        "--site",
        site.to_str().unwrap(),
        "--output",
        parent.path().to_str().unwrap(),
    ]);
    run.assert_no_panic();
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("holds the site folder"),
        "{}",
        run.stderr
    );
    assert!(site.join("site.toml").is_file(), "the site is still there");

    // A folder of someone's documents.
    let documents = parent.path().join("documents");
    std::fs::create_dir(&documents).unwrap();
    std::fs::write(documents.join("letter.txt"), "precious").unwrap();
    let run = ccg_site(&[
        "build",
        "--site",
        site.to_str().unwrap(),
        "--output",
        documents.to_str().unwrap(),
    ]);
    run.assert_no_panic();
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("refusing to replace"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(documents.join("letter.txt")).unwrap(),
        "precious"
    );
}
