//! The compliance report: a summary at `/compliance/` counting duties per regime and kind, and
//! per kind (and regime) paginated pages listing each document's duties. The counts agree with
//! the rows shown, every link resolves, and no document can take a compliance page's URL.

mod common;

use std::path::{Path, PathBuf};

use common::{ccg_site, copy_demo_site};

/// Documents per compliance page (`DOCUMENTS_PER_PAGE` in src/render/compliance_pages.rs).
const PER_PAGE: usize = 50;

/// Builds `site` into `site/public`; returns the output folder.
fn build(site: &Path) -> PathBuf {
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
    out
}

/// The page at `url` in the output folder.
fn page(out: &Path, url: &str) -> String {
    let file = out.join(url.trim_matches('/')).join("index.html");
    let html = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{url} was built: {e}"));
    // One spelling of the markup to match against, whatever `[build] minify` says.
    String::from_utf8(ccg_site::output::minify(html.as_bytes())).expect("UTF-8")
}

/// The values of `attribute` in `html`, quoted or not (the minifier drops needless quotes).
fn attribute_values(html: &str, attribute: &str) -> Vec<String> {
    let re = regex::Regex::new(&format!(r#"\s{attribute}=("[^"]*"|[^\s>]+)"#)).unwrap();
    re.captures_iter(html)
        .map(|c| c[1].trim_matches('"').replace("&amp;", "&"))
        .collect()
}

/// One regime group of the summary: its heading and everything up to the next group.
struct Group {
    heading: String,
    html: String,
}

fn groups(summary: &str) -> Vec<Group> {
    summary
        .split("<section class=\"section regime-group\"")
        .skip(1)
        .map(|part| {
            let part = part.split("id=other-pages").next().unwrap_or(part);
            let part = part.split("id=waivers").next().unwrap_or(part);
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

/// The first "M of N" in `text` before `marker`.
fn m_of_n(text: &str) -> (usize, usize) {
    let re = regex::Regex::new(r"([\d,]+) of ([\d,]+)").unwrap();
    let c = re.captures(text).expect("an M of N count");
    let n = |i: usize| c[i].replace(',', "").parse::<usize>().expect("a count");
    (n(1), n(2))
}

/// The "M of N duties met" a group states.
fn stated_counts(group: &Group) -> (usize, usize) {
    let at = group
        .html
        .find("regime-group__summary")
        .expect("a group summary");
    let summary = &group.html[at..];
    let summary = &summary[..summary.find(" duties met").expect("duties met is stated")];
    m_of_n(summary.rsplit(", ").next().unwrap_or(summary))
}

/// One row of a group's table of kinds: (link, documents, complete, incomplete, met, total).
#[derive(Debug, PartialEq)]
struct KindRow {
    url: String,
    documents: usize,
    complete: usize,
    incomplete: usize,
    met: usize,
    total: usize,
}

fn kind_rows(group: &Group) -> Vec<KindRow> {
    group
        .html
        .split("<tr class=kind-duties__row>")
        .skip(1)
        .map(|row| {
            let row = &row[..row.find("</tr>").expect("a row ends")];
            let url = attribute_values(row, "href").remove(0);
            let cells: Vec<String> = row
                .split("<td class=num>")
                .skip(1)
                .map(|c| {
                    let text = regex::Regex::new("<[^>]+>").unwrap().replace_all(c, "");
                    text.replace(',', "").trim().to_string()
                })
                .collect();
            let n = |i: usize| cells[i].parse::<usize>().expect("a number");
            let (met, total) = m_of_n(&cells[3]);
            KindRow {
                url,
                documents: n(0),
                complete: n(1),
                incomplete: n(2),
                met,
                total,
            }
        })
        .collect()
}

/// The duty rows of a page: (rows, rows tagged Met).
fn duty_rows(html: &str) -> (usize, usize) {
    let rows = html.matches("scope=row").count() + html.matches("scope=\"row\"").count();
    (rows, html.matches("tag--done").count())
}

/// Checks each kind page of `row` against the row: documents, duties and met duties add up;
/// returns the URLs of its pages.
fn assert_kind_pages_match(out: &Path, row: &KindRow) -> Vec<String> {
    let mut url = Some(row.url.clone());
    let (mut documents, mut rows, mut met) = (0, 0, 0);
    let mut urls = Vec::new();
    while let Some(current) = url.take() {
        let html = page(out, &current);
        let lede = &html[html.find("class=lede>").expect("a lede")..];
        let lede = &lede[..lede.find("</p>").expect("lede ends")];
        assert!(
            lede.contains(&format!("{} of {} duties met", row.met, row.total)),
            "{current} states its kind's counts: {lede}"
        );
        documents += html.matches("<section aria-labelledby=doc-").count();
        // The page's table of duties and the law comes first; then each document's table.
        let documents_part = html
            .find("<section aria-labelledby=doc-")
            .map_or("", |at| &html[at..]);
        let (r, m) = duty_rows(documents_part);
        rows += r;
        met += m;
        url = html
            .split("rel=next")
            .next()
            .filter(|_| html.contains("rel=next"))
            .and_then(|before| attribute_values(before, "href").pop());
        urls.push(current);
    }
    assert_eq!(
        documents, row.documents,
        "{}: every document is shown once",
        row.url
    );
    assert_eq!(rows, row.total, "{}: every duty is a row", row.url);
    assert_eq!(met, row.met, "{}: every met duty is tagged Met", row.url);
    urls
}

/// Every compliance page's links lead to a built page, and its `#fragment`s to an id there.
fn assert_links_resolve(out: &Path, urls: &[String]) {
    for url in urls {
        let html = page(out, url);
        for href in attribute_values(&html, "href") {
            let (path, fragment) = href.split_once('#').unwrap_or((&href, ""));
            let target = if path.is_empty() { url.as_str() } else { path };
            if !target.starts_with('/') {
                continue; // mailto:, tel: and other sites
            }
            if !target.ends_with('/') {
                let file = out.join(target.trim_start_matches('/'));
                assert!(file.is_file(), "{url} links to {href}, which was not built");
                continue;
            }
            let target_html = page(out, target);
            if !fragment.is_empty() {
                assert!(
                    attribute_values(&target_html, "id")
                        .iter()
                        .any(|id| id == fragment),
                    "{url} links to {href}, which has no such id"
                );
            }
        }
    }
}

#[test]
fn the_summary_counts_each_kind_and_each_kinds_pages_show_those_counts() {
    let site = copy_demo_site();
    let out = build(site.path());
    let summary = page(&out, "/compliance/");
    let groups = groups(&summary);
    assert_eq!(groups.len(), 1, "one regime, one group");
    assert_eq!(groups[0].heading, "Our documents, under the ccg-2013 rules");
    let rows = kind_rows(&groups[0]);
    assert!(
        rows.len() >= 5,
        "the demo has many kinds with duties: {rows:?}"
    );
    let (group_met, group_total) = stated_counts(&groups[0]);
    let site_part = groups[0].html.split("id=site-duties").nth(1);
    let (site_rows, site_met) = duty_rows(site_part.expect("the website's own duties"));
    let kinds_total: usize = rows.iter().map(|r| r.total).sum();
    let kinds_met: usize = rows.iter().map(|r| r.met).sum();
    assert_eq!(
        group_total,
        kinds_total + site_rows,
        "the group adds up its kinds and the site's duties"
    );
    assert_eq!(group_met, kinds_met + site_met);
    assert!(
        !summary.contains("duties-1"),
        "no document's duty table is on the summary"
    );
    let mut urls = vec!["/compliance/".to_string()];
    for row in &rows {
        assert_eq!(row.documents, row.complete + row.incomplete, "{row:?}");
        urls.extend(assert_kind_pages_match(&out, row));
    }
    let other = page(&out, "/compliance/other-pages/");
    assert!(
        other.contains("About us"),
        "plain pages are listed as other pages"
    );
    urls.push("/compliance/other-pages/".into());
    assert_links_resolve(&out, &urls);
}

#[test]
fn an_icb_sites_predecessor_documents_have_their_own_group_and_pages() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let site = dir.path().join("icb");
    let init = ccg_site(&["init", "--regime", "icb-2022", site.to_str().unwrap()]);
    assert_eq!(init.code, 0, "{}", init.all());
    let out = build(&site);
    let summary = page(&out, "/compliance/");
    let groups = groups(&summary);
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
    let archived_rows = kind_rows(archived);
    assert_eq!(
        archived_rows
            .iter()
            .map(|r| r.url.as_str())
            .collect::<Vec<_>>(),
        ["/compliance/ccg-2013/annual-reports/"]
    );
    assert_eq!(
        stated_counts(archived),
        (archived_rows[0].met, archived_rows[0].total)
    );
    assert!(
        archived.html.contains("1 document, "),
        "the archived group counts its one document"
    );
    let own_rows = kind_rows(own);
    assert!(own_rows
        .iter()
        .any(|r| r.url == "/compliance/joint-forward-plans/"));
    assert!(own_rows
        .iter()
        .any(|r| r.url == "/compliance/annual-reports/"));

    let archived_page = page(&out, "/compliance/ccg-2013/annual-reports/");
    assert!(archived_page.contains("Annual report 2021/22 of NHS Wessex Vale CCG"));
    // Judged under its own law: a ccg-2013-only rule.
    assert!(archived_page.contains("annual-report.member-practices"));
    let own_reports = page(&out, "/compliance/annual-reports/");
    assert!(!own_reports.contains("Annual report 2021/22 of NHS Wessex Vale CCG"));
    assert!(!own_reports.contains("annual-report.member-practices"));
    let mut urls = vec!["/compliance/".to_string()];
    for row in own_rows.iter().chain(&archived_rows) {
        urls.extend(assert_kind_pages_match(&out, row));
    }
    assert_links_resolve(&out, &urls);
}

/// Adds `copies` copies of the demo's "you said, we did" document, each with its own title.
fn add_feedback_documents(site: &Path, copies: usize) {
    let original =
        std::fs::read_to_string(site.join("content/you-said-we-did/urgent-care-review.md"))
            .expect("the demo's you said, we did");
    for i in 1..=copies {
        let text = original.replacen(
            "title = \"You said, we did: urgent care review\"",
            &format!("title = \"Feedback round {i:03}\""),
            1,
        );
        assert_ne!(text, original, "the title is replaced");
        std::fs::write(
            site.join(format!("content/you-said-we-did/round-{i:03}.md")),
            text,
        )
        .expect("write a document");
    }
}

#[test]
fn more_than_a_page_of_one_kind_is_paginated_with_links_that_resolve() {
    let site = copy_demo_site();
    // With the demo's own, PER_PAGE + 11 documents of the kind: two pages.
    add_feedback_documents(site.path(), PER_PAGE + 10);
    let out = build(site.path());
    let summary = page(&out, "/compliance/");
    let rows = kind_rows(&groups(&summary)[0]);
    let row = rows
        .iter()
        .find(|r| r.url == "/compliance/you-said-we-did/")
        .expect("a row for you said, we did");
    assert_eq!(row.documents, PER_PAGE + 11);
    assert_eq!(row.complete, PER_PAGE + 11);
    let urls = assert_kind_pages_match(&out, row);
    assert_eq!(
        urls,
        [
            "/compliance/you-said-we-did/",
            "/compliance/you-said-we-did/page-2/"
        ]
    );
    assert!(!out.join("compliance/you-said-we-did/page-3").exists());

    let first = page(&out, "/compliance/you-said-we-did/");
    let second = page(&out, "/compliance/you-said-we-did/page-2/");
    let current_link = regex::Regex::new(r"<a [^>]*aria-current=page[^>]*>(\d+)</a>").unwrap();
    for (html, current, other) in [(&first, 1, 2), (&second, 2, 1)] {
        assert!(
            html.contains("<nav aria-label=Pages class=pagination>"),
            "page {current} has a pagination nav"
        );
        assert!(
            html.contains(&format!("Page {current} of 2")),
            "page {current} says which it is"
        );
        let numbers: Vec<String> = current_link
            .captures_iter(html)
            .map(|c| c[1].to_string())
            .collect();
        assert_eq!(
            numbers,
            [current.to_string()],
            "only page {current} is current"
        );
        assert!(
            html.contains(&format!("aria-label=\"Page {other}\"")),
            "page {current} links to page {other}"
        );
    }
    assert!(first.contains("rel=next") && !first.contains("rel=prev"));
    assert!(second.contains("rel=prev") && !second.contains("rel=next"));
    assert_eq!(
        first.matches("<section aria-labelledby=doc-").count(),
        PER_PAGE
    );
    assert_eq!(second.matches("<section aria-labelledby=doc-").count(), 11);
    assert!(second.contains(&format!("documents {} to {}", PER_PAGE + 1, PER_PAGE + 11)));
    // The summary stays small however many documents there are.
    assert!(!summary.contains("Feedback round"));
    assert_links_resolve(&out, &urls);
}

#[test]
fn a_document_at_a_compliance_pages_url_is_an_error_that_names_its_file() {
    let dir = copy_demo_site();
    let clashing = dir.path().join("content/compliance/annual-reports.md");
    std::fs::create_dir_all(clashing.parent().unwrap()).unwrap();
    std::fs::write(
        &clashing,
        "+++\ntitle = \"Our reports\"\nkind = \"page\"\n+++\n\nText.\n",
    )
    .unwrap();
    let out = dir.path().join("public");
    let run = ccg_site(&[
        "build",
        "--site",
        dir.path().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    run.assert_no_panic();
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.all().contains("content/compliance/annual-reports.md"),
        "{}",
        run.all()
    );
    assert!(
        run.all()
            .contains("/compliance/annual-reports/ is among the compliance pages"),
        "{}",
        run.all()
    );
    assert!(!out.exists(), "nothing is written");

    // Elsewhere under /compliance/ a document is welcome.
    std::fs::rename(
        &clashing,
        dir.path()
            .join("content/compliance/freedom-of-information.md"),
    )
    .unwrap();
    let out = build(dir.path());
    assert!(page(&out, "/compliance/freedom-of-information/").contains("Our reports"));
}
