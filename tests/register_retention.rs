//! The register of interests keeps an ended declaration in view for `retain_ended_days` (183 in
//! both rule packs) after its `date_to`, measured from the build date (CCG_SITE_TODAY=2026-11-30),
//! and leaves older ones out: on the page and in the CSV alike.

mod common;

use std::path::Path;

use common::{ccg_site, copy_demo_site};

/// Ended exactly 183 days before 2026-11-30: kept.
const ENDED_183_DAYS_AGO: &str = "Kept Onboundary";
/// Ended 184 days before: left out.
const ENDED_184_DAYS_AGO: &str = "Dropped Pastboundary";
/// Ends after the build date: kept.
const ENDS_NEXT_YEAR: &str = "Future Endsoon";
/// Ended years ago: left out.
const ENDED_LONG_AGO: &str = "Long Gonedeclarant";

fn declaration(name: &str, date_to: &str) -> String {
    format!(
        r#"
[[declaration]]
name = "{name}"
position = "Member, Primary Care Commissioning Committee"
type = "non_financial_professional"
description = "Adviser to a local patient group."
date_from = 2020-01-06
date_to = {date_to}
date_appointed = 2020-01-06
date_declared = 2020-01-20
action = "Takes no part in decisions about the group's funding."
"#
    )
}

/// The demo site with four more declarations in its register, built into `out`.
fn build_with_ended_declarations(site: &Path, out: &Path) {
    let register = site.join("content/register-of-interests.md");
    let text = std::fs::read_to_string(&register).expect("read the register");
    let close = text[3..].find("\n+++").expect("front matter closes") + 3;
    let added: String = [
        (ENDED_183_DAYS_AGO, "2026-05-31"),
        (ENDED_184_DAYS_AGO, "2026-05-30"),
        (ENDS_NEXT_YEAR, "2027-01-31"),
        (ENDED_LONG_AGO, "2021-03-31"),
    ]
    .iter()
    .map(|(name, date)| declaration(name, date))
    .collect();
    let edited = format!("{}{}{}", &text[..close], added, &text[close..]);
    std::fs::write(&register, edited).expect("write the register");
    let run = ccg_site(&[
        "build",
        "--site",
        site.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    run.assert_no_panic();
    assert_eq!(run.code, 0, "{}", run.all());
}

#[test]
fn page_and_csv_keep_declarations_ended_within_183_days_and_drop_older_ones() {
    let site = copy_demo_site();
    let out = site.path().join("public");
    build_with_ended_declarations(site.path(), &out);
    let page = std::fs::read_to_string(out.join("register-of-interests/index.html"))
        .expect("the register page");
    let csv = std::fs::read_to_string(out.join("register-of-interests/register-of-interests.csv"))
        .expect("the register CSV");
    for (what, text) in [("page", &page), ("CSV", &csv)] {
        for kept in [ENDED_183_DAYS_AGO, ENDS_NEXT_YEAR, "Still held"] {
            if kept == "Still held" && what == "CSV" {
                continue;
            }
            assert!(text.contains(kept), "the {what} should keep {kept}");
        }
        for dropped in [ENDED_184_DAYS_AGO, ENDED_LONG_AGO] {
            assert!(
                !text.contains(dropped),
                "the {what} should leave out {dropped}"
            );
        }
    }
    assert!(
        page.contains("2 interests that ended before then are no longer shown"),
        "the page should say how many it leaves out"
    );
    assert!(page.contains("stay on this register for 183 days"));
    // The declarations still held (without date_to) are all in the CSV too.
    let table_start = page
        .find("declarations-caption")
        .expect("the register table");
    let table = &page[table_start..];
    let table = &table[..table.find("</table>").expect("the table ends")];
    let page_rows = table.matches("<tr>").count() - 1; // less the header row
    let csv_rows = csv.matches("\r\n").count() - 1;
    assert_eq!(page_rows, csv_rows, "page and CSV show the same rows");
}
