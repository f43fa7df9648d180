//! What the default theme makes of the demo site's documents: listing titles, tables in bodies.

mod common;

use common::{ccg_site, copy_demo_site};

/// Builds the demo site into a temporary folder; returns the folder (kept alive) and the output.
fn built_demo() -> (tempfile::TempDir, std::path::PathBuf) {
    let site = copy_demo_site();
    let out = site.path().join("public");
    let run = ccg_site(&[
        "build",
        "--site",
        site.path().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    run.assert_no_panic();
    assert_eq!(run.code, 0, "{}", run.all());
    (site, out)
}

fn read(out: &std::path::Path, page: &str) -> String {
    std::fs::read_to_string(out.join(page)).unwrap_or_else(|e| panic!("read {page}: {e}"))
}

/// The text of the page's `h1`.
fn h1(html: &str) -> &str {
    let start = html.find("<h1").expect("an h1");
    let text = start + html[start..].find('>').expect("h1 tag ends") + 1;
    &html[text..text + html[text..].find("</h1>").expect("h1 ends")]
}

#[test]
fn a_kind_with_one_document_has_a_singular_listing_title() {
    let (_site, out) = built_demo();
    assert_eq!(h1(&read(&out, "constitutions/index.html")), "Constitution");
    assert_eq!(
        h1(&read(&out, "annual-reports/index.html")),
        "Annual reports"
    );
    let home = read(&out, "index.html");
    assert!(
        home.contains(">Constitution</a>"),
        "home lists the constitution"
    );
    assert!(
        !home.contains("Constitutions"),
        "no plural for one document"
    );
    assert!(!home.contains("(1)"), "no count of one");
    let constitution = read(&out, "constitution/index.html");
    assert!(
        constitution.contains(">Constitution</a>"),
        "the breadcrumb names the listing as its title says"
    );
}

/// Every `.html` page under `dir`, as (path, text).
fn pages(dir: &std::path::Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).expect("read a page");
            (e.path().display().to_string(), text)
        })
        .collect()
}

#[test]
fn every_table_scrolls_in_a_focusable_region_with_a_name() {
    let (_site, out) = built_demo();
    let mut body_tables = 0;
    for (path, html) in pages(&out) {
        for (at, _) in html.match_indices("<table") {
            let before = html[..at].trim_end();
            let region_start = before.rfind("<div").expect("a region before the table");
            let region = &before[region_start..];
            assert!(
                region.ends_with("tabindex=0>") || region.ends_with("tabindex=\"0\">"),
                "{path}: a table outside a focusable region: {region}"
            );
            assert!(
                region.contains("table-region")
                    && (region.contains("role=region") || region.contains("role=\"region\""))
            );
            assert!(
                region.contains("aria-label") || region.contains("aria-labelledby"),
                "{path}: the region has no name: {region}"
            );
            body_tables += usize::from(region.contains("aria-label=\"Table "));
        }
    }
    assert!(
        body_tables >= 3,
        "the demo's Markdown tables are wrapped ({body_tables})"
    );
}

#[test]
fn an_icb_site_speaks_of_its_board_and_introduces_its_plans() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let site = dir.path().join("icb");
    let init = ccg_site(&["init", "--regime", "icb-2022", site.to_str().unwrap()]);
    assert_eq!(init.code, 0, "{}", init.all());
    let out = site.join("public");
    let build = ccg_site(&[
        "build",
        "--site",
        site.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(build.code, 0, "{}", build.all());
    let plans = read(&out, "joint-forward-plans/index.html");
    assert!(
        plans.contains("we and our partner NHS trusts publish our plan for the next five years")
    );
    let capital = read(&out, "capital-resource-plans/index.html");
    assert!(capital.contains("plan to spend capital"));
    assert!(read(&out, "constitutions/index.html").contains("who sits on our board"));
    assert!(read(&out, "gifts-and-hospitality-registers/index.html")
        .contains("our staff and board members"));
    let reports = read(&out, "annual-reports/index.html");
    assert_eq!(
        reports.matches("Predecessor body's document").count(),
        1,
        "the CCG's 2021/22 report is marked in the listing, the ICB's own is not"
    );
    let register = read(&out, "register-of-interests/index.html");
    assert!(register.contains("board members, committees, staff, staff who take part in decisions"));
    // The theme's own words (not the documents', nor the archived CCG report's duties).
    for (path, html) in pages(&out) {
        let theme_page = !path.contains("/compliance/") && !html.contains("notice--archived");
        let main = html.split("<main").nth(1).unwrap_or("");
        let own_words = main.split("class=\"prose\"").next().unwrap_or(main);
        assert!(
            !(theme_page && own_words.contains("governing body")),
            "{path} speaks of a governing body"
        );
    }
}

#[test]
fn a_significant_revision_says_what_the_law_asked_of_that_plan() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let site = dir.path().join("icb");
    let init = ccg_site(&["init", "--regime", "icb-2022", site.to_str().unwrap()]);
    assert_eq!(init.code, 0, "{}", init.all());
    for plan in [
        "joint-forward-plans/2026-27.md",
        "capital-resource-plans/2026-27.md",
    ] {
        let path = site.join("content").join(plan);
        let text = std::fs::read_to_string(&path).expect("read the plan");
        let revised = text.replacen(
            "[plan.revision]\nrevised = false\n",
            "[plan.revision]\nrevised = true\nsignificant = true\ndate = 2026-06-30\n",
            1,
        );
        assert_ne!(revised, text, "{plan} has an unrevised [plan.revision]");
        std::fs::write(&path, revised).expect("write the plan");
    }
    let out = site.join("public");
    let build = ccg_site(&[
        "build",
        "--site",
        site.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(build.code, 0, "{}", build.all());
    let jfp = read(&out, "joint-forward-plans/2026-27/index.html");
    let capital = read(&out, "capital-resource-plans/2026-27/index.html");
    for page in [&jfp, &capital] {
        assert!(page.contains("significantly revised on 30 June 2026"));
    }
    assert!(jfp.contains("we consulted again and each Health and Wellbeing Board gave its opinion"));
    assert!(
        !capital.contains("consulted again"),
        "the law asks no fresh consultation of a capital plan"
    );
}
