//! The compliance page groups duties by the regime that judged them, the site's first, each group
//! with counts that agree with the rows shown under it.

mod common;

use std::path::Path;

use common::{ccg_site, copy_demo_site};

/// Builds `site` into `site/public` and returns the compliance page.
fn compliance_page(site: &Path) -> String {
    let out = site.join("public");
    let run = ccg_site(&[
        "build",
        "--site",
        site.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    run.assert_no_panic();
    assert_eq!(run.code, 0, "{}", run.all());
    std::fs::read_to_string(out.join("compliance/index.html")).expect("the compliance page")
}

/// One regime group of the page: its heading and everything up to the next group.
struct Group {
    heading: String,
    html: String,
}

fn groups(page: &str) -> Vec<Group> {
    page.split("<section class=\"section regime-group\"")
        .skip(1)
        .map(|part| {
            let part = part.split("id=\"other-pages\"").next().unwrap_or(part);
            let part = part.split("id=\"waivers\"").next().unwrap_or(part);
            let start = part.find("<h2").expect("a group heading");
            let text_start = start + part[start..].find('>').expect("heading tag ends") + 1;
            let end = text_start + part[text_start..].find("</h2>").expect("heading ends");
            Group {
                heading: part[text_start..end].to_string(),
                html: part.to_string(),
            }
        })
        .collect()
}

/// The "M of N duties met" a group states.
fn stated_counts(group: &Group) -> (usize, usize) {
    let summary_start = group
        .html
        .find("regime-group__summary")
        .expect("a group summary");
    let summary = &group.html[summary_start..];
    let summary = &summary[..summary.find("</p>").expect("summary ends")];
    let before = summary
        .split(" duties met")
        .next()
        .expect("duties met is stated");
    let numbers: Vec<usize> = before
        .rsplit(", ")
        .next()
        .unwrap_or(before)
        .split(" of ")
        .map(|n| n.trim().parse().expect("a count"))
        .collect();
    (numbers[0], numbers[1])
}

/// Checks that the group's stated counts are those of its rows; returns (met, total).
fn assert_counts_match_rows(group: &Group) -> (usize, usize) {
    let (met, total) = stated_counts(group);
    // The minifier may drop attribute quotes.
    let rows =
        group.html.matches("scope=row").count() + group.html.matches("scope=\"row\"").count();
    let met_tags = group.html.matches("tag--done").count();
    assert_eq!(total, rows, "every duty of {} is a row", group.heading);
    assert_eq!(
        met, met_tags,
        "every met duty of {} is tagged Met",
        group.heading
    );
    (met, total)
}

#[test]
fn a_site_with_one_regime_has_one_group_whose_counts_match_its_rows() {
    let site = copy_demo_site();
    let page = compliance_page(site.path());
    let groups = groups(&page);
    assert_eq!(groups.len(), 1, "one regime, one group");
    assert_eq!(groups[0].heading, "Our documents, under the ccg-2013 rules");
    let (_, total) = assert_counts_match_rows(&groups[0]);
    assert!(total > 50, "the demo site has many duties, found {total}");
}

#[test]
fn an_icb_site_lists_its_predecessors_documents_in_a_group_of_their_own() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let site = dir.path().join("icb");
    let init = ccg_site(&["init", "--regime", "icb-2022", site.to_str().unwrap()]);
    assert_eq!(init.code, 0, "{}", init.all());
    let page = compliance_page(&site);
    let groups = groups(&page);
    let headings: Vec<&str> = groups.iter().map(|g| g.heading.as_str()).collect();
    assert_eq!(
        headings,
        [
            "Our documents, under the icb-2022 rules",
            "Documents of predecessor bodies, under the ccg-2013 rules"
        ]
    );
    let (own, archived) = (&groups[0], &groups[1]);
    assert!(own.html.contains("The website as a whole"));
    assert!(!archived.html.contains("The website as a whole"));
    assert!(archived
        .html
        .contains("Annual report 2021/22 of NHS Wessex Vale CCG"));
    assert!(!archived.html.contains("joint-forward-plans/"));
    assert!(own.html.contains("joint-forward-plans/"));
    assert!(
        archived.html.contains("1 document, "),
        "the archived group counts its one document"
    );
    for group in &groups {
        assert_counts_match_rows(group);
    }
    // An archived document's duties are judged under its own law: a ccg-2013-only rule.
    assert!(archived.html.contains("annual-report.member-practices"));
    assert!(!own.html.contains("annual-report.member-practices"));
}
