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
use crate::render::{PageJob, SiteContext};

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

/// The context of page `number` of a section (`compliance-section.html`): that page's
/// documents with their duties, and the pagination.
pub fn section_context(
    ctx: &SiteContext,
    section: &Section,
    number: usize,
    report: &Report,
) -> Context {
    let url = section.page_url(number);
    let mut page = ctx.base(
        &url,
        json!([{"title": "Home", "url": "/"}, {"title": "How we meet our legal duties", "url": COMPLIANCE_URL}]),
        "kind-compliance".into(),
    );
    let first = number.saturating_sub(1) * DOCUMENTS_PER_PAGE + 1;
    let documents: Vec<Value> = section
        .page_outcomes(number)
        .iter()
        .filter_map(|i| report.outcomes.get(*i))
        .zip(first..)
        .map(|(outcome, position)| document_json(outcome, position))
        .collect();
    page.insert(
        "compliance",
        json!({
            "regime": report.regime,
            "summary_url": COMPLIANCE_URL,
            "section": section_json(section),
            "pagination": pagination(section, number, documents.len()),
            "documents": documents,
        }),
    );
    page.into_context()
}

/// One document on a section page; `number` is its place in the section (1-based).
fn document_json(outcome: &DocumentDuties, number: usize) -> Value {
    json!({
        "number": number,
        "title": outcome.title,
        "url": outcome.url,
        "kind": outcome.kind.as_str(),
        "kind_title": outcome.kind.title(),
        "regime": outcome.regime,
        "duties": outcome.duties,
        "met": count(&outcome.duties, DutyStatus::Met),
        "missing": count(&outcome.duties, DutyStatus::Missing),
    })
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
            rule: "r".into(),
            explanation: String::new(),
            citation: String::new(),
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
