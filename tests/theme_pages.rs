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
