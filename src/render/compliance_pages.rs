//! The compliance report as pages: a summary at `/compliance/` whose size does not grow with the
//! number of documents, and, per regime and document kind, a section of pages of
//! [`DOCUMENTS_PER_PAGE`] documents each with their duty tables (URLs in
//! [`crate::content::compliance_urls`]). Each page is its own render job, and its context holds
//! only its own documents, so the report costs the same per page on any size of site.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::{json, Value};
use tera::Context;

use crate::compliance::{DocumentDuties, Duty, DutyStatus, Report};
use crate::content::compliance_urls::{page_url, section_url, COMPLIANCE_URL};
use crate::content::Kind;
use crate::error::SiteError;
use crate::output::OutputFile;
use crate::render::{push_escaped_html, PageJob, SiteContext, Theme};

/// How many documents one page of a compliance section shows.
pub const DOCUMENTS_PER_PAGE: usize = 50;

/// How many page numbers the pagination shows on each side of the current page (the first and
/// last pages are always shown; the others are left out with an ellipsis).
const NEIGHBOUR_PAGES: usize = 1;

/// Counts of documents and duties, as the summary states them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DutyCounts {
    /// Documents counted.
    pub documents: usize,
    /// Documents none of whose duties is missing.
    pub complete: usize,
    /// Documents with at least one duty missing.
    pub incomplete: usize,
    /// Duties counted.
    pub duties: usize,
    /// Duties met.
    pub met: usize,
    /// Duties missing.
    pub missing: usize,
}

impl DutyCounts {
    /// Adds duties that belong to no document (the site's own).
    fn add_duties(&mut self, duties: &[Duty]) {
        self.duties += duties.len();
        self.met += count(duties, DutyStatus::Met);
        self.missing += count(duties, DutyStatus::Missing);
    }

    /// Adds one document and its duties.
    fn add_document(&mut self, duties: &[Duty]) {
        self.documents += 1;
        if count(duties, DutyStatus::Missing) == 0 {
            self.complete += 1;
        } else {
            self.incomplete += 1;
        }
        self.add_duties(duties);
    }

    /// The counts under the names templates read.
    fn to_json(self) -> Value {
        json!({
            "document_count": self.documents,
            "complete": self.complete,
            "incomplete": self.incomplete,
            "duty_count": self.duties,
            "met": self.met,
            "missing": self.missing,
        })
    }
}

fn count(duties: &[Duty], status: DutyStatus) -> usize {
    duties.iter().filter(|d| d.status == status).count()
}

/// The documents of one compliance section: one kind judged under one regime, or every
/// document no duty applies to.
#[derive(Debug, Clone)]
pub struct Section {
    /// The regime that judged the documents.
    pub regime: String,
    /// Whether that is the site's own regime.
    pub is_site_regime: bool,
    /// The kind; `None` for the documents no duty applies to.
    pub kind: Option<Kind>,
    /// The URL of its first page.
    pub url: String,
    /// Its documents, as indexes into the report's `outcomes`, in report order.
    outcomes: Vec<usize>,
    /// What its documents add up to.
    pub counts: DutyCounts,
}

impl Section {
    fn new(regime: &str, is_site_regime: bool, kind: Option<Kind>) -> Self {
        let archived = (!is_site_regime).then_some(regime);
        Section {
            regime: regime.to_string(),
            is_site_regime,
            kind,
            url: section_url(archived, kind),
            outcomes: Vec::new(),
            counts: DutyCounts::default(),
        }
    }

    fn push(&mut self, index: usize, outcome: &DocumentDuties) {
        self.outcomes.push(index);
        self.counts.add_document(&outcome.duties);
    }

    /// How many pages it takes (at least one).
    pub fn pages(&self) -> usize {
        self.outcomes.len().div_ceil(DOCUMENTS_PER_PAGE).max(1)
    }

    /// The URL of its page `number` (1-based).
    pub fn page_url(&self, number: usize) -> String {
        page_url(&self.url, number)
    }

    /// The documents of page `number` (1-based), as indexes into the report's `outcomes`.
    fn page_outcomes(&self, number: usize) -> &[usize] {
        let start = number.saturating_sub(1).saturating_mul(DOCUMENTS_PER_PAGE);
        let end = start.saturating_add(DOCUMENTS_PER_PAGE);
        self.outcomes
            .get(start..end.min(self.outcomes.len()))
            .unwrap_or_default()
    }

    /// The section's title: as its kind's listing is titled ("Annual reports", or "Annual
    /// report" for a lone one), or "Other pages".
    fn title(&self) -> &'static str {
        match self.kind {
            Some(kind) if self.counts.documents == 1 => kind.title(),
            Some(kind) => kind.listing_title(),
            None => "Other pages",
        }
    }
}

/// The sections of one regime, with the site's own duties in the site's regime.
#[derive(Debug, Clone)]
pub struct RegimeGroup {
    /// The regime.
    pub regime: String,
    /// Whether it is the site's.
    pub is_site_regime: bool,
    /// One section per kind with duties, in the kinds' fixed order.
    pub sections: Vec<Section>,
    /// Its documents' counts, plus the site's duties in the site's group.
    pub counts: DutyCounts,
}

/// Which compliance pages a report makes, and what each shows.
#[derive(Debug, Clone)]
pub struct CompliancePlan {
    /// The site's regime first, then predecessors' regimes by name; none is empty.
    pub groups: Vec<RegimeGroup>,
    /// The documents no duty applies to, if any.
    pub other_pages: Option<Section>,
}

impl CompliancePlan {
    /// Sorts a report's documents into sections: one pass, indexes only.
    pub fn of(report: &Report) -> Self {
        let site_regime = report.regime.as_str();
        let mut groups = vec![RegimeGroup {
            regime: site_regime.to_string(),
            is_site_regime: true,
            sections: Vec::new(),
            counts: DutyCounts::default(),
        }];
        let mut other = Section::new(site_regime, true, None);
        for (index, outcome) in report.outcomes.iter().enumerate() {
            if outcome.duties.is_empty() {
                other.push(index, outcome);
                continue;
            }
            let group = group_for(&mut groups, &outcome.regime, site_regime);
            group.counts.add_document(&outcome.duties);
            section_for(group, outcome.kind).push(index, outcome);
        }
        if let Some(own) = groups.first_mut() {
            own.counts.add_duties(&report.site_duties);
        }
        groups[1..].sort_by(|a, b| a.regime.cmp(&b.regime));
        for group in &mut groups {
            group.sections.sort_by_key(|s| s.kind.map(kind_order));
        }
        groups.retain(|g| !g.sections.is_empty() || g.counts.duties > 0);
        CompliancePlan {
            groups,
            other_pages: (!other.outcomes.is_empty()).then_some(other),
        }
    }

    /// Every section, the documents with duties first.
    pub fn sections(&self) -> impl Iterator<Item = &Section> {
        self.groups
            .iter()
            .flat_map(|g| g.sections.iter())
            .chain(self.other_pages.iter())
    }

    /// The URL of every page of every section (not the summary), for the sitemap.
    pub fn section_page_urls(&self) -> Vec<String> {
        self.sections()
            .flat_map(|section| (1..=section.pages()).map(|page| section.page_url(page)))
            .collect()
    }

    /// Every compliance page: the summary, then each page of each section.
    pub fn jobs(&self) -> Vec<PageJob<'_>> {
        let mut jobs = vec![PageJob::ComplianceSummary(self)];
        for section in self.sections() {
            jobs.extend(
                (1..=section.pages()).map(|page| PageJob::ComplianceSection { section, page }),
            );
        }
        jobs
    }

    /// The summary and the section pages that show any of the documents in `files`.
    pub fn jobs_showing(&self, report: &Report, files: &BTreeSet<PathBuf>) -> Vec<PageJob<'_>> {
        let mut jobs = vec![PageJob::ComplianceSummary(self)];
        for section in self.sections() {
            let pages: BTreeSet<usize> = section
                .outcomes
                .iter()
                .enumerate()
                .filter(|(_, i)| {
                    report
                        .outcomes
                        .get(**i)
                        .is_some_and(|o| files.contains(&o.file))
                })
                .map(|(position, _)| position / DOCUMENTS_PER_PAGE + 1)
                .collect();
            jobs.extend(
                pages
                    .into_iter()
                    .map(|page| PageJob::ComplianceSection { section, page }),
            );
        }
        jobs
    }
}

fn kind_order(kind: Kind) -> usize {
    Kind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(usize::MAX)
}

fn group_for<'a>(
    groups: &'a mut Vec<RegimeGroup>,
    regime: &str,
    site_regime: &str,
) -> &'a mut RegimeGroup {
    let at = match groups.iter().position(|g| g.regime == regime) {
        Some(at) => at,
        None => {
            groups.push(RegimeGroup {
                regime: regime.to_string(),
                is_site_regime: regime == site_regime,
                sections: Vec::new(),
                counts: DutyCounts::default(),
            });
            groups.len() - 1
        }
    };
    &mut groups[at]
}

fn section_for(group: &mut RegimeGroup, kind: Kind) -> &mut Section {
    let at = match group.sections.iter().position(|s| s.kind == Some(kind)) {
        Some(at) => at,
        None => {
            let section = Section::new(&group.regime, group.is_site_regime, Some(kind));
            group.sections.push(section);
            group.sections.len() - 1
        }
    };
    &mut group.sections[at]
}

/// The summary page's context (`compliance.html`): counts per regime and kind, the site's own
/// duties and the waivers; no document's duties.
pub fn summary_context(ctx: &SiteContext, plan: &CompliancePlan, report: &Report) -> Context {
    let mut page = ctx.base(
        COMPLIANCE_URL,
        json!([{"title": "Home", "url": "/"}]),
        "kind-compliance".into(),
    );
    let regimes: Vec<Value> = plan.groups.iter().map(|g| group_json(g, report)).collect();
    let other_pages = plan.other_pages.as_ref().map_or(
        Value::Null,
        |s| json!({"count": s.outcomes.len(), "url": s.url}),
    );
    page.insert(
        "compliance",
        json!({
            "regime": report.regime,
            "regimes": regimes,
            "other_pages": other_pages,
            "site_duties": report.site_duties,
            "site_met": count(&report.site_duties, DutyStatus::Met),
            "waivers": report.waivers,
            "raw_html_policy": report.raw_html,
        }),
    );
    page.into_context()
}

fn group_json(group: &RegimeGroup, report: &Report) -> Value {
    let mut value = group.counts.to_json();
    let kinds: Vec<Value> = group.sections.iter().map(section_json).collect();
    let site_duties = if group.is_site_regime {
        json!(report.site_duties)
    } else {
        json!([])
    };
    if let Some(map) = value.as_object_mut() {
        map.insert("regime".into(), json!(group.regime));
        map.insert("is_site_regime".into(), json!(group.is_site_regime));
        map.insert("site_duties".into(), site_duties);
        map.insert("kinds".into(), Value::Array(kinds));
    }
    value
}

/// A section as the summary and its own pages describe it.
fn section_json(section: &Section) -> Value {
    let mut value = section.counts.to_json();
    if let Some(map) = value.as_object_mut() {
        map.insert("regime".into(), json!(section.regime));
        map.insert("is_site_regime".into(), json!(section.is_site_regime));
        map.insert("kind".into(), json!(section.kind.map_or("", Kind::as_str)));
        map.insert("title".into(), json!(section.title()));
        map.insert("url".into(), json!(section.url));
        map.insert("pages".into(), json!(section.pages()));
        map.insert("has_duties".into(), json!(section.kind.is_some()));
    }
    value
}

/// Renders page `number` of a section with `compliance-section.html` (minified when `minify`
/// is set: `[build] minify` in site.toml). The
/// documents' duty tables, most of the page, are written here rather than by the template (at
/// 10,000 documents they are 200,000 rows, which Tera and the minifier would take seconds
/// over): the template places each with `{{ doc.duty_table | safe }}`, which stands for the
/// table while the rest of the page is rendered and minified, and the tables, already compact,
/// are put in its place afterwards.
pub fn render_section_page(
    theme: &Theme,
    ctx: &SiteContext,
    section: &Section,
    number: usize,
    report: &Report,
    minify: bool,
) -> Result<OutputFile, SiteError> {
    let (context, tables) = section_context(ctx, section, number, report);
    let html = theme.render("compliance-section.html", &context)?;
    let page = if minify {
        crate::output::minify(html.as_bytes())
    } else {
        html.into_bytes()
    };
    Ok(OutputFile {
        path: crate::content::output_path_for_url(&section.page_url(number)),
        bytes: put_tables_in_place(&page, &tables),
    })
}

/// Stands for duty table `N` of a page (`<ccg-site-duty-table-N>`): an element, so that no
/// text of a document (which the template escapes) can look like it.
const TABLE_MARK: &str = "ccg-site-duty-table-";

fn table_mark(index: usize) -> String {
    format!("<{TABLE_MARK}{index}></{TABLE_MARK}{index}>")
}

/// `page` with each table mark replaced by its table; marks of unknown tables are left out.
fn put_tables_in_place(page: &[u8], tables: &[String]) -> Vec<u8> {
    let open = format!("<{TABLE_MARK}");
    let mut out = Vec::with_capacity(page.len() + tables.iter().map(String::len).sum::<usize>());
    let mut rest = page;
    while let Some(at) = memchr::memmem::find(rest, open.as_bytes()) {
        out.extend_from_slice(&rest[..at]);
        let after = &rest[at + open.len()..];
        let digits = after.iter().take_while(|b| b.is_ascii_digit()).count();
        let index = std::str::from_utf8(&after[..digits])
            .ok()
            .and_then(|n| n.parse::<usize>().ok());
        let mark = index.map(table_mark).unwrap_or_default();
        match index.and_then(|i| tables.get(i)) {
            Some(table) if rest[at..].starts_with(mark.as_bytes()) => {
                out.extend_from_slice(table.as_bytes());
                rest = &rest[at + mark.len()..];
            }
            _ => {
                out.extend_from_slice(open.as_bytes());
                rest = after;
            }
        }
    }
    out.extend_from_slice(rest);
    out
}

/// The context of page `number` of a section (`compliance-section.html`): that page's
/// documents, the duties their kind has (with the law), and the pagination; and each
/// document's duty table, which the context holds as a mark (see [`render_section_page`]).
fn section_context(
    ctx: &SiteContext,
    section: &Section,
    number: usize,
    report: &Report,
) -> (Context, Vec<String>) {
    let url = section.page_url(number);
    let mut page = ctx.base(
        &url,
        json!([{"title": "Home", "url": "/"}, {"title": "How we meet our legal duties", "url": COMPLIANCE_URL}]),
        "kind-compliance-section".into(),
    );
    let first = number.saturating_sub(1) * DOCUMENTS_PER_PAGE + 1;
    let outcomes: Vec<&DocumentDuties> = section
        .page_outcomes(number)
        .iter()
        .filter_map(|i| report.outcomes.get(*i))
        .collect();
    let documents: Vec<Value> = outcomes
        .iter()
        .zip(first..)
        .enumerate()
        .map(|(index, (outcome, position))| document_json(outcome, position, index))
        .collect();
    let tables = outcomes
        .iter()
        .zip(first..)
        .map(|(outcome, position)| duty_table(outcome, position))
        .collect();
    page.insert(
        "compliance",
        json!({
            "regime": report.regime,
            "summary_url": COMPLIANCE_URL,
            "section": section_json(section),
            "pagination": pagination(section, number, documents.len()),
            "duties": duties_of(&outcomes),
            "documents": documents,
        }),
    );
    (page.into_context(), tables)
}

/// One document on a section page; `number` is its place in the section (1-based), `index`
/// its place on the page.
fn document_json(outcome: &DocumentDuties, number: usize, index: usize) -> Value {
    json!({
        "number": number,
        "title": outcome.title,
        "url": outcome.url,
        "kind": outcome.kind.as_str(),
        "kind_title": outcome.kind.title(),
        "regime": outcome.regime,
        "duty_count": outcome.duties.len(),
        "met": count(&outcome.duties, DutyStatus::Met),
        "missing": count(&outcome.duties, DutyStatus::Missing),
        "duty_table": table_mark(index),
    })
}

/// The duties the page's documents have, each once, in order: what the law asks and where.
fn duties_of(outcomes: &[&DocumentDuties]) -> Value {
    let mut seen = BTreeSet::new();
    let duties: Vec<Value> = outcomes
        .iter()
        .flat_map(|o| o.duties.iter())
        .filter(|d| seen.insert(d.rule))
        .map(|d| {
            json!({
                "rule": d.rule,
                "explanation": d.explanation,
                "citation": d.citation,
                "verified": d.verified,
                "severity": d.severity,
            })
        })
        .collect();
    Value::Array(duties)
}

/// A document's duty table, as compact HTML: each duty, whether it is met, and the section
/// that meets it (the law is in the page's table of duties, once for all its documents).
fn duty_table(outcome: &DocumentDuties, number: usize) -> String {
    let mut html = String::with_capacity(200 + outcome.duties.len() * 200);
    html.push_str(&format!(
        "<div class=table-region role=region aria-labelledby=duties-{number}-caption tabindex=0>\
         <table class=\"data-table duty-table duty-table--compact\"><caption id=duties-{number}-caption>Duties of "
    ));
    push_escaped_html(&mut html, &outcome.title);
    html.push_str(
        "</caption><thead><tr><th scope=col>Duty</th><th scope=col>Status</th>\
         <th scope=col>Where</th></tr></thead><tbody>",
    );
    for duty in &outcome.duties {
        push_duty_row(&mut html, duty);
    }
    html.push_str("</tbody></table></div>");
    html
}

fn push_duty_row(html: &mut String, duty: &Duty) {
    html.push_str("<tr><th scope=row>");
    push_escaped_html(html, duty.explanation);
    if duty.severity == crate::compliance::Severity::Warning {
        html.push_str(" <span class=hint>(recommended)</span>");
    }
    html.push_str("</th><td>");
    html.push_str(match duty.status {
        DutyStatus::Met => "<span class=\"tag tag--done\">Met</span>",
        DutyStatus::Missing => "<span class=\"tag tag--not-done\">Missing</span>",
        DutyStatus::Waived => "<span class=\"tag tag--partly-done\">Set aside</span>",
        DutyStatus::NotApplicable => "<span class=tag>Not applicable</span>",
    });
    html.push_str("</td><td>");
    if !duty.section_url.is_empty() {
        html.push_str("<a href=\"");
        push_escaped_html(html, &duty.section_url);
        html.push_str("\">");
        let text = if duty.section_text.is_empty() {
            "Section"
        } else {
            &duty.section_text
        };
        push_escaped_html(html, text);
        html.push_str("</a>");
    } else {
        push_escaped_html(html, &duty.section_text);
    }
    html.push_str("</td></tr>");
}

/// Where page `number` of `section` sits among its pages: `{page, pages, first, last,
/// previous, next, items}`, `items` being the page links to show, with `{ellipsis: true}` for
/// pages left out.
fn pagination(section: &Section, number: usize, shown: usize) -> Value {
    let pages = section.pages();
    let link = |n: usize| json!({"number": n, "url": section.page_url(n), "current": n == number});
    let first = number.saturating_sub(1) * DOCUMENTS_PER_PAGE + 1;
    json!({
        "page": number,
        "pages": pages,
        "first": first,
        "last": first + shown.saturating_sub(1),
        "previous": if number > 1 { link(number - 1) } else { Value::Null },
        "next": if number < pages { link(number + 1) } else { Value::Null },
        "items": page_numbers(number, pages)
            .into_iter()
            .map(|n| n.map_or_else(|| json!({"ellipsis": true}), link))
            .collect::<Vec<_>>(),
    })
}

/// The page numbers a pagination shows, `None` standing for a run of pages left out: the first
/// and last pages, and the current page with [`NEIGHBOUR_PAGES`] on each side.
fn page_numbers(current: usize, pages: usize) -> Vec<Option<usize>> {
    let near = |n: usize| n.abs_diff(current) <= NEIGHBOUR_PAGES;
    let mut numbers = Vec::new();
    for n in 1..=pages {
        if n == 1 || n == pages || near(n) {
            numbers.push(Some(n));
        } else if numbers.last() != Some(&None) {
            numbers.push(None);
        }
    }
    numbers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compliance::Severity;

    fn duty(status: DutyStatus) -> Duty {
        Duty {
            rule: "r",
            explanation: "",
            citation: "",
            verified: true,
            severity: Severity::Error,
            status,
            section_text: String::new(),
            section_url: String::new(),
        }
    }

    fn outcome(title: &str, kind: Kind, regime: &str, statuses: &[DutyStatus]) -> DocumentDuties {
        DocumentDuties {
            file: PathBuf::from(format!("content/{title}.md")),
            title: title.into(),
            url: format!("/{title}/"),
            kind,
            regime: regime.into(),
            duties: statuses.iter().map(|s| duty(*s)).collect(),
        }
    }

    fn report(outcomes: Vec<DocumentDuties>, site_duties: &[DutyStatus]) -> Report {
        Report {
            regime: "icb-2022".into(),
            outcomes,
            site_duties: site_duties.iter().map(|s| duty(*s)).collect(),
            ..Report::default()
        }
    }

    use DutyStatus::{Met, Missing, Waived};

    #[test]
    fn documents_are_grouped_by_regime_then_kind_site_regime_first_with_counts() {
        let report = report(
            vec![
                outcome(
                    "ccg-report",
                    Kind::AnnualReport,
                    "ccg-2013",
                    &[Met, Missing, Waived],
                ),
                outcome("report", Kind::AnnualReport, "icb-2022", &[Met, Met]),
                outcome(
                    "constitution",
                    Kind::Constitution,
                    "icb-2022",
                    &[Met, Missing],
                ),
                outcome("ccg-constitution", Kind::Constitution, "ccg-2013", &[Met]),
                outcome("about", Kind::Page, "icb-2022", &[]),
            ],
            &[Met, Missing],
        );
        let plan = CompliancePlan::of(&report);
        let regimes: Vec<&str> = plan.groups.iter().map(|g| g.regime.as_str()).collect();
        assert_eq!(regimes, ["icb-2022", "ccg-2013"]);
        let own = &plan.groups[0];
        let kinds: Vec<_> = own.sections.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, [Some(Kind::Constitution), Some(Kind::AnnualReport)]);
        assert_eq!(
            own.counts,
            DutyCounts {
                documents: 2,
                complete: 1,
                incomplete: 1,
                duties: 6,
                met: 4,
                missing: 2
            }
        );
        assert_eq!(own.sections[0].url, "/compliance/constitutions/");
        let archived = &plan.groups[1];
        assert!(!archived.is_site_regime);
        assert_eq!(
            archived.sections[1].url,
            "/compliance/ccg-2013/annual-reports/"
        );
        assert_eq!(
            archived.counts,
            DutyCounts {
                documents: 2,
                complete: 1,
                incomplete: 1,
                duties: 4,
                met: 2,
                missing: 1
            }
        );
        let other = plan.other_pages.as_ref().expect("a page without duties");
        assert_eq!(
            (other.url.as_str(), other.outcomes.as_slice()),
            ("/compliance/other-pages/", &[4][..])
        );
    }

    #[test]
    fn a_site_regime_with_nothing_in_it_has_no_group() {
        let report = report(
            vec![outcome("old", Kind::AnnualReport, "ccg-2013", &[Met])],
            &[],
        );
        let plan = CompliancePlan::of(&report);
        assert_eq!(plan.groups.len(), 1);
        assert_eq!(plan.groups[0].regime, "ccg-2013");
        assert!(plan.other_pages.is_none());
        assert_eq!(plan.jobs().len(), 2, "the summary and one section page");
    }

    #[test]
    fn sections_are_cut_into_pages_and_edits_find_their_page() {
        let outcomes = (0..DOCUMENTS_PER_PAGE * 2 + 1)
            .map(|i| outcome(&format!("r{i}"), Kind::AnnualReport, "icb-2022", &[Met]))
            .collect();
        let report = report(outcomes, &[]);
        let plan = CompliancePlan::of(&report);
        let section = &plan.groups[0].sections[0];
        assert_eq!(section.pages(), 3);
        assert_eq!(section.page_outcomes(2).first(), Some(&DOCUMENTS_PER_PAGE));
        assert_eq!(section.page_outcomes(3).len(), 1);
        assert!(section.page_outcomes(4).is_empty());
        assert_eq!(plan.jobs().len(), 4);
        let edited = BTreeSet::from([PathBuf::from(format!("content/r{DOCUMENTS_PER_PAGE}.md"))]);
        let jobs = plan.jobs_showing(&report, &edited);
        assert!(matches!(
            jobs[..],
            [
                PageJob::ComplianceSummary(_),
                PageJob::ComplianceSection { page: 2, .. }
            ]
        ));
    }

    #[test]
    fn duty_tables_take_the_place_of_their_marks_only() {
        let tables = [
            "<table>0</table>".to_string(),
            "<table>1</table>".to_string(),
        ];
        let page = format!(
            "<p>{}</p><p>{}</p><p>&lt;{TABLE_MARK}0></p><p><{TABLE_MARK}7></{TABLE_MARK}7></p>",
            table_mark(1),
            table_mark(0)
        );
        let out = String::from_utf8(put_tables_in_place(page.as_bytes(), &tables)).unwrap();
        assert_eq!(
            out,
            format!(
                "<p><table>1</table></p><p><table>0</table></p><p>&lt;{TABLE_MARK}0></p><p><{TABLE_MARK}7></{TABLE_MARK}7></p>"
            )
        );
        let minified =
            crate::output::minify(format!("<div>\n {} \n</div>", table_mark(0)).as_bytes());
        let out = String::from_utf8(put_tables_in_place(&minified, &tables)).unwrap();
        assert!(
            out.contains("<table>0</table>"),
            "a mark survives the minifier: {out}"
        );
    }

    #[test]
    fn a_duty_table_escapes_what_documents_write() {
        let mut report = outcome("r", Kind::AnnualReport, "ccg-2013", &[Met, Missing]);
        report.title = "A <b>\"bold\"</b> & 'quoted' title".into();
        report.duties[0].section_url = "/r/#a\"onmouseover=\"x".into();
        report.duties[0].section_text = "<script>".into();
        let table = duty_table(&report, 3);
        assert!(table.contains(
            "Duties of A &lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp; &#39;quoted&#39; title"
        ));
        assert!(table.contains("href=\"/r/#a&quot;onmouseover=&quot;x\">&lt;script&gt;</a>"));
        assert!(table.contains("aria-labelledby=duties-3-caption"));
        assert_eq!(table.matches("scope=row").count(), 2);
        assert!(table.contains("tag--not-done"));
    }

    #[test]
    fn pagination_shows_the_ends_and_the_current_pages_neighbours() {
        assert_eq!(page_numbers(1, 1), [Some(1)]);
        assert_eq!(page_numbers(2, 3), [Some(1), Some(2), Some(3)]);
        assert_eq!(page_numbers(1, 5), [Some(1), Some(2), None, Some(5)]);
        assert_eq!(
            page_numbers(5, 9),
            [Some(1), None, Some(4), Some(5), Some(6), None, Some(9)]
        );
        assert_eq!(
            page_numbers(3, 5),
            [Some(1), Some(2), Some(3), Some(4), Some(5)]
        );
        assert_eq!(
            page_numbers(200, 200).len(),
            4,
            "bounded whatever the number of pages"
        );
    }
}
