//! `ccg-site build` and `init` on real sites: the demo site builds; every kind of bad input
//! stops the build with a message naming the file and line; a failed build writes nothing.

mod common;

use common::*;

#[test]
fn demo_site_builds_a_page_for_every_document() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let run = ccg_site(&[
        "build",
        "--site",
        repo_root().to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
    ]);
    run.assert_no_panic();
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(run.stdout.contains("Built 11 documents"), "{}", run.stdout);
    for page in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "style.css",
        "compliance/index.html",
        "constitution/index.html",
        "annual-reports/index.html",
        "annual-reports/2023-24/index.html",
        "annual-reports/2022-23/index.html",
        "commissioning-plans/index.html",
        "commissioning-plans/2024-25/index.html",
        "you-said-we-did/index.html",
        "you-said-we-did/urgent-care-review/index.html",
        "register-of-interests/index.html",
        "register-of-interests/register-of-interests.csv",
        "accessibility-statement/index.html",
    ] {
        assert!(public.join(page).is_file(), "missing {page}");
    }
    let html = std::fs::read_to_string(public.join("annual-reports/2023-24/index.html")).unwrap();
    assert!(html.contains("<h1"), "one h1 expected");
    assert!(
        html.contains("Annual report 2023/24") || html.contains("Annual report 2023-24"),
        "title missing"
    );
    let sitemap = std::fs::read_to_string(public.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("https://www.northfield-ccg.example.nhs.uk/annual-reports/2023-24/"),
        "{sitemap}"
    );
    // Every compliance page is listed, the section pages as well as the summary.
    for section in ["annual-reports", "registers-of-interests", "other-pages"] {
        assert!(public
            .join(format!("compliance/{section}/index.html"))
            .is_file());
        assert!(
            sitemap.contains(&format!(
                "https://www.northfield-ccg.example.nhs.uk/compliance/{section}/</loc>"
            )),
            "{sitemap}"
        );
    }
    let csv =
        std::fs::read_to_string(public.join("register-of-interests/register-of-interests.csv"))
            .unwrap();
    assert!(csv.starts_with("name,position,type"), "{csv}");
}

#[test]
fn pages_are_minified_only_when_site_toml_asks() {
    let site = copy_demo_site();
    let page = |name: &str| {
        let run = ccg_site(&["build", "--site", site.path().to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.all());
        std::fs::read_to_string(site.path().join("public").join(name)).unwrap()
    };
    let plain = page("annual-reports/2023-24/index.html");
    assert!(
        plain.contains("<div class=\"prose\">"),
        "written as rendered"
    );
    assert!(
        plain.contains("href=\"/annual-reports/\"") && !plain.contains("&#x2F;"),
        "URLs are written with plain slashes"
    );
    let config = site.path().join("site.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\n[build]\nminify = true\n")).unwrap();
    let minified = page("annual-reports/2023-24/index.html");
    assert!(minified.contains("<div class=prose>"), "minified");
    assert!(minified.len() < plain.len());
    assert_eq!(
        visible_text(&minified),
        visible_text(&plain),
        "the same text, give or take spaces and character references"
    );
}

/// A page's text outside tags, without white space, with `'`, `"` and `&` decoded.
fn visible_text(html: &str) -> String {
    let mut text = String::new();
    for (i, part) in html.split('<').enumerate() {
        let outside = if i == 0 {
            part
        } else {
            part.split_once('>').map_or("", |p| p.1)
        };
        text.push_str(outside);
    }
    text.split_whitespace()
        .collect::<String>()
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[test]
fn init_writes_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("my-ccg");
    let run = ccg_site(&["init", site.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(site.join("site.toml").is_file());
    let run = ccg_site_in(&["build"], Some(&site));
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(site.join("public/index.html").is_file());
    // init refuses to overwrite.
    let again = ccg_site(&["init", site.to_str().unwrap()]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("not empty"), "{}", again.stderr);
}

/// Builds a fixture and asserts exit 2, no panic, and each `(file:line, text)` in the message.
fn assert_fails(fixture_name: &str, expected: &[&str]) -> Run {
    let out = tempfile::tempdir().unwrap();
    let run = ccg_site(&[
        "build",
        "--site",
        fixture(fixture_name).to_str().unwrap(),
        "--output",
        out.path().join("public").to_str().unwrap(),
    ]);
    run.assert_no_panic();
    assert_eq!(run.code, 2, "{fixture_name}: {}", run.all());
    for e in expected {
        assert!(
            run.stderr.contains(e),
            "{fixture_name}: expected `{e}` in:\n{}",
            run.stderr
        );
    }
    assert!(
        !out.path().join("public").exists(),
        "{fixture_name}: nothing may be written"
    );
    run
}

#[test]
fn broken_toml_names_file_and_line() {
    assert_fails(
        "broken-toml",
        &["content/about.md:3:", "invalid front matter"],
    );
}

#[test]
fn unclosed_front_matter_is_reported() {
    assert_fails(
        "unclosed-front-matter",
        &["content/about.md:1:1", "never closed"],
    );
}

#[test]
fn unknown_kind_suggests_the_right_one() {
    assert_fails(
        "unknown-kind",
        &[
            "content/report.md:3:",
            "unknown document kind `anual-report`",
            "did you mean `annual-report`",
        ],
    );
}

#[test]
fn duplicate_urls_name_both_files() {
    assert_fails(
        "duplicate-url",
        &["content/about.md", "content/about/index.md", "/about/"],
    );
}

#[test]
fn escaping_slug_is_refused() {
    assert_fails("escaping-slug", &["content/about.md:4:", "outside"]);
}

#[test]
fn invalid_utf8_names_the_line() {
    assert_fails("invalid-utf8", &["content/cafe.md:2:", "not valid UTF-8"]);
}

#[test]
fn wrong_types_are_all_reported() {
    assert_fails(
        "wrong-type",
        &[
            "content/register.md:6:",
            "`register.covers` must be a list of strings",
            "content/register.md:7:",
            "must be a date",
        ],
    );
}

#[test]
fn several_broken_documents_are_reported_together() {
    let run = assert_fails("several-broken", &["content/a.md:3:", "content/b.md:3:"]);
    assert!(run.stderr.contains("2 problems"), "{}", run.stderr);
}

#[test]
fn missing_config_says_how_to_start() {
    assert_fails("missing-config", &["no site.toml", "ccg-site init"]);
}

#[test]
fn config_typo_suggests_the_key() {
    assert_fails(
        "bad-config",
        &["site.toml:3:", "did you mean `description`"],
    );
}

#[test]
fn empty_content_is_an_error() {
    assert_fails("empty-content", &["content", "no Markdown"]);
}

#[test]
fn template_error_names_template_and_line() {
    let site = copy_demo_site();
    std::fs::write(site.path().join("site.toml"), {
        let mut s = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
        s = format!("theme = \"custom\"\n{s}");
        s
    })
    .unwrap();
    let templates = site.path().join("themes/custom/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("page.html"),
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title }}</h1>\n<p>{{ page.summary }</p>\n{% endblock content %}\n",
    )
    .unwrap();
    let run = ccg_site(&["build", "--site", site.path().to_str().unwrap()]);
    run.assert_no_panic();
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("themes/custom/templates/page.html:4:"),
        "{}",
        run.stderr
    );
}

#[test]
fn failed_build_leaves_previous_output_byte_for_byte() {
    let site = copy_demo_site();
    let public = site.path().join("public");
    let run = ccg_site(&["build", "--site", site.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.all());
    let before = snapshot_tree(&public);
    assert!(before.len() > 10);

    // Break one document, build again into the same folder.
    let doc = site.path().join("content/about-us.md");
    let text = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(&doc, text.replacen("title = \"", "title = ", 1)).unwrap();
    let run = ccg_site(&["build", "--site", site.path().to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert_eq!(
        snapshot_tree(&public),
        before,
        "public/ changed after a failed build"
    );
    let stray: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".public"))
        .collect();
    assert!(stray.is_empty(), "temporary folders left behind");
}
