//! Compliance: the rule packs, the engine that applies them to a loaded site, the content lints,
//! and the diagnostics they produce, with the printers that show them (human, JSON, GitHub,
//! SARIF, JUnit) and each document's duties, which the compliance pages show.
//!
//! `check_site` is pure over a loaded [`Site`] (it only lists `static/` to resolve links): every
//! document is checked in parallel against the pack of its regime, then the site rules run, then
//! the site's policy (severity overrides, waivers) is applied.

pub mod condition;
pub mod engine;
pub mod explain;
pub mod lints;
pub mod matching;
pub mod pack;
/// Financial years and periods (read from front matter, so they live with the content).
pub use crate::content::period;
pub mod policy;
pub mod printer;
pub mod scaffold;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::content::{Document, Kind, Site};
use engine::{
    evaluate, evaluate_site, Context, DocView, Finding, Outcome, SiteKeywordHits, SiteSearches,
    SiteView,
};
use lints::{lint_document, LinkTargets};
use pack::{pack_for, Pack, Rule};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A statutory requirement is not met: `check` fails and `build` writes nothing.
    Error,
    /// Guidance or good practice is not followed.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One finding: a rule not met, located in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The rule id, e.g. `annual-report.quality`.
    pub rule: String,
    /// Error or warning.
    pub severity: Severity,
    /// The file, relative to the site folder.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// The law or guidance behind the rule ("[citation not verified]" when it is not).
    pub citation: String,
    /// What to do about it.
    pub help: String,
    /// The regime that judged it, when it is not the site's (an archived predecessor document).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regime: Option<String>,
}

/// Whether a duty is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DutyStatus {
    /// The document meets it.
    Met,
    /// It does not.
    Missing,
    /// The site waived it, with a reason.
    Waived,
    /// It does not apply to this document.
    NotApplicable,
}

/// One rule's result on one document (or the site), for the compliance page and JUnit.
#[derive(Debug, Clone, Serialize)]
pub struct Duty {
    /// The rule id.
    pub rule: &'static str,
    /// What the law asks.
    pub explanation: &'static str,
    /// The citation.
    pub citation: &'static str,
    /// Whether the citation is verified.
    pub verified: bool,
    /// The rule's severity on this site.
    pub severity: Severity,
    /// Met, missing, waived or not applicable.
    pub status: DutyStatus,
    /// The heading that meets it, if a heading does.
    pub section_text: String,
    /// The link to that heading (`/annual-reports/2023-24/#quality`), or empty.
    pub section_url: String,
}

/// The duties of one document.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentDuties {
    /// The document's file.
    pub file: PathBuf,
    /// Its title.
    pub title: String,
    /// Its URL.
    pub url: String,
    /// Its kind.
    pub kind: Kind,
    /// The regime it is judged under.
    pub regime: String,
    /// Each rule of its kind, in pack order.
    pub duties: Vec<Duty>,
}

/// A waiver from `site.toml`, as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaiverNote {
    /// The rule waived.
    pub rule: String,
    /// Why.
    pub reason: String,
}

/// What checking a site found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Every finding, sorted by file and line (waived ones excluded).
    pub diagnostics: Vec<Diagnostic>,
    /// How many documents were checked.
    pub documents: usize,
    /// The site's regime.
    pub regime: String,
    /// What happens to raw HTML in documents (`sanitize`, `escape` or `allow`, from site.toml).
    pub raw_html: String,
    /// Findings set aside by a waiver.
    pub waived: Vec<Diagnostic>,
    /// The site's waivers.
    pub waivers: Vec<WaiverNote>,
    /// Each document's duties.
    pub outcomes: Vec<DocumentDuties>,
    /// The duties of the whole site.
    pub site_duties: Vec<Duty>,
}

impl Report {
    /// Findings of error severity.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Findings of warning severity.
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// Whether the site may not be published (errors, or warnings when they are denied).
    pub fn blocks_publication(&self, deny_warnings: bool) -> bool {
        self.errors() > 0 || (deny_warnings && self.warnings() > 0)
    }
}

/// The file site-wide findings point at.
pub const SITE_FILE: &str = "site.toml";

/// Loads a site (as [`crate::content::load_site`]) while the rule pack its `site.toml` names is
/// compiled on another thread: the pack's regular expressions take tens of milliseconds, which
/// would otherwise come after the loading instead of overlapping it (walking `content/` leaves
/// a core idle).
pub fn load_site_and_pack(
    root: &std::path::Path,
    options: crate::content::LoadOptions,
) -> crate::Result<Site> {
    // A broken site.toml is reported by load_site; here it only means no head start.
    let regime = crate::config::load_config(root)
        .ok()
        .map(|c| c.config.compliance.regime.get_ref().clone());
    std::thread::scope(|scope| {
        if let Some(regime) = &regime {
            scope.spawn(move || {
                let _ = pack_for(regime);
            });
        }
        crate::content::load_site(root, options)
    })
}

/// Checks a loaded site against its regime's rule pack, as of `today`.
pub fn check_site(site: &Site, today: Date) -> Report {
    let config = &site.config.config.compliance;
    let regime = config.regime.get_ref().clone();
    let site_pack = match pack_for(&regime) {
        Ok(p) => p,
        Err(e) => return broken_pack_report(site, &regime, &e.to_string()),
    };
    let targets = LinkTargets::of_site(site);
    let searches = SiteSearches::new(
        site_pack,
        site.documents
            .iter()
            .filter(|d| counts_for_site_rules(d, site_pack)),
    );
    let checked: Vec<DocumentCheck> = site
        .documents
        .par_iter()
        .map(|doc| check_document(site, doc, site_pack, &targets, today, Some(&searches)))
        .collect();
    assemble_report(site, site_pack, checked, today)
}

/// The report of a site from its documents' checks (in the order of `site.documents`): the
/// site rules, the waivers and the sorting are applied here.
fn assemble_report(
    site: &Site,
    site_pack: &'static Pack,
    checked: Vec<DocumentCheck>,
    today: Date,
) -> Report {
    let mut report = Report {
        documents: site.documents.len(),
        regime: site.config.config.compliance.regime.get_ref().clone(),
        raw_html: site.config.config.markdown.raw_html.as_str().to_string(),
        ..Report::default()
    };
    let mut hits = Vec::with_capacity(checked.len());
    for (doc, checked) in site.documents.iter().zip(checked) {
        report.outcomes.push(checked.duties);
        report.diagnostics.extend(checked.diagnostics);
        hits.push((doc, checked.hits));
    }
    let (site_duties, site_diagnostics) = check_site_rules(site, site_pack, hits, today);
    report.site_duties = site_duties;
    report.diagnostics.extend(site_diagnostics);
    apply_waivers(site, &mut report);
    report.diagnostics.extend(carried_entry_warnings(site));
    report.diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.rule).cmp(&(&b.file, b.line, b.column, &b.rule))
    });
    report
}

fn broken_pack_report(site: &Site, regime: &str, message: &str) -> Report {
    Report {
        documents: site.documents.len(),
        regime: regime.to_string(),
        raw_html: site.config.config.markdown.raw_html.as_str().to_string(),
        diagnostics: vec![Diagnostic {
            rule: "ccg-site.rule-pack".to_string(),
            severity: Severity::Error,
            file: PathBuf::from(SITE_FILE),
            line: 1,
            column: 1,
            message: format!("the embedded rule pack could not be loaded: {message}"),
            citation: String::new(),
            help: "this is a bug in ccg-site; please report it".to_string(),
            regime: None,
        }],
        ..Report::default()
    }
}

/// The pack a document is judged under: its own `regime` when it names a known one, else the
/// site's.
fn pack_of(doc: &Document, site_pack: &'static Pack) -> &'static Pack {
    doc.regime
        .as_deref()
        .and_then(|r| pack_for(r).ok())
        .unwrap_or(site_pack)
}

fn diagnostic(
    site: &Site,
    rule: &Rule,
    file: &std::path::Path,
    finding: Finding,
    regime: Option<&str>,
) -> Diagnostic {
    Diagnostic {
        rule: rule.id().to_string(),
        severity: policy::effective_severity(
            &site.config.config.compliance,
            rule.id(),
            rule.severity,
        ),
        file: file.to_path_buf(),
        line: finding.line as usize,
        column: finding.column as usize,
        message: finding.message,
        citation: rule.citation_text(),
        help: finding.help,
        regime: regime.map(str::to_string),
    }
}

// The rule's texts are borrowed from the embedded pack, which lives as long as the program: a
// 10,000-document site has some 200,000 duties, and copying their texts cost three allocations
// and copies each.
fn duty(
    site: &Site,
    rule: &'static Rule,
    status: DutyStatus,
    section: Option<(&str, String)>,
) -> Duty {
    let (section_text, section_url) = section.map(|(t, u)| (t.to_string(), u)).unwrap_or_default();
    Duty {
        rule: rule.id(),
        explanation: &rule.def.explanation,
        citation: &rule.def.citation,
        verified: rule.verified,
        severity: policy::effective_severity(
            &site.config.config.compliance,
            rule.id(),
            rule.severity,
        ),
        status,
        section_text,
        section_url,
    }
}

/// One document's check: its duties, its findings and the site rules its text speaks to.
#[derive(Debug, Clone)]
pub struct DocumentCheck {
    duties: DocumentDuties,
    diagnostics: Vec<Diagnostic>,
    hits: SiteKeywordHits,
}

/// The checks of a site's documents, kept by `serve` between edits: an edit re-checks the
/// documents it changed (and those linking to an anchor in another page, which the change may
/// have moved), and the site rules; every other document keeps its last check.
#[derive(Debug, Default)]
pub struct CheckCache {
    by_path: HashMap<PathBuf, DocumentCheck>,
}

impl CheckCache {
    /// An empty cache: the first check checks every document.
    pub fn new() -> Self {
        CheckCache::default()
    }

    /// Checks `site`, re-checking the documents in `changed`, those never checked and those
    /// linking to another page's anchor. The report is the one [`check_site`] gives.
    pub fn check(&mut self, site: &Site, changed: &BTreeSet<PathBuf>, today: Date) -> Report {
        let regime = site.config.config.compliance.regime.get_ref().clone();
        let site_pack = match pack_for(&regime) {
            Ok(p) => p,
            Err(e) => return broken_pack_report(site, &regime, &e.to_string()),
        };
        let stale = |doc: &Document| {
            changed.contains(&doc.path)
                || !self.by_path.contains_key(&doc.path)
                || links_to_another_page_anchor(doc)
        };
        let to_check: Vec<&Document> = site.documents.iter().filter(|d| stale(d)).collect();
        if !to_check.is_empty() {
            let targets = LinkTargets::of_site(site);
            let fresh: Vec<DocumentCheck> = to_check
                .par_iter()
                .map(|doc| check_document(site, doc, site_pack, &targets, today, None))
                .collect();
            for (doc, check) in to_check.iter().zip(fresh) {
                self.by_path.insert(doc.path.clone(), check);
            }
        }
        let present: HashSet<&Path> = site.documents.iter().map(|d| d.path.as_path()).collect();
        self.by_path
            .retain(|path, _| present.contains(path.as_path()));
        let checked = site
            .documents
            .iter()
            .filter_map(|d| self.by_path.get(&d.path).cloned())
            .collect();
        assemble_report(site, site_pack, checked, today)
    }

    /// Forgets every check (after a change to `site.toml` or the theme).
    pub fn clear(&mut self) {
        self.by_path.clear();
    }
}

/// Whether a document links to an anchor of another page (`/plan/#finance`), whose headings an
/// edit elsewhere may have changed.
fn links_to_another_page_anchor(doc: &Document) -> bool {
    doc.body
        .links
        .iter()
        .any(|l| l.href.contains('#') && !l.href.starts_with('#'))
}

fn check_document(
    site: &Site,
    doc: &Document,
    site_pack: &'static Pack,
    targets: &LinkTargets,
    today: Date,
    site_searches: Option<&SiteSearches>,
) -> DocumentCheck {
    let pack = pack_of(doc, site_pack);
    let archived = (pack.regime() != site_pack.regime()).then(|| pack.regime());
    let view = DocView::for_pack(doc, pack);
    let cx = Context { pack, today };
    let mut duties = Vec::new();
    let mut diagnostics = Vec::new();
    for (_, rule) in pack.rules_for(doc.kind) {
        let (status, section) = match evaluate(rule, &view, &cx) {
            Outcome::Met(heading) => (
                DutyStatus::Met,
                heading
                    .and_then(|i| doc.body.outline.get(i))
                    .map(|h| (h.text.as_str(), format!("{}#{}", doc.url, h.id))),
            ),
            Outcome::NotApplicable => (DutyStatus::NotApplicable, None),
            Outcome::Failed(findings) => {
                for f in findings {
                    diagnostics.push(diagnostic(site, rule, &doc.path, f, archived));
                }
                (DutyStatus::Missing, None)
            }
        };
        duties.push(duty(site, rule, status, section));
    }
    for (id, f) in lint_document(doc, targets) {
        let lint = lints::lint(id);
        diagnostics.push(Diagnostic {
            rule: id.to_string(),
            severity: policy::effective_severity(
                &site.config.config.compliance,
                id,
                Severity::Warning,
            ),
            file: doc.path.clone(),
            line: f.line as usize,
            column: f.column as usize,
            message: f.message,
            citation: lint.map(|l| l.citation.to_string()).unwrap_or_default(),
            help: f.help,
            regime: None,
        });
    }
    let duties = DocumentDuties {
        file: doc.path.clone(),
        title: doc.title.clone(),
        url: doc.url.clone(),
        kind: doc.kind,
        regime: pack.regime().to_string(),
        duties,
    };
    let hits = SiteKeywordHits::of_text(
        site_pack,
        view.text,
        site_searches.map(|s| (s, counts_for_site_rules(doc, site_pack))),
    );
    DocumentCheck {
        duties,
        diagnostics,
        hits,
    }
}

/// Whether the site's theme links every page to the accessibility statement: the default
/// theme does; a custom base.html must use `site.accessibility_url` (or the statement's URL).
fn theme_links_statement(site: &Site) -> bool {
    let Some(theme) = &site.config.config.theme else {
        return true;
    };
    let base = site
        .root
        .join("themes")
        .join(theme)
        .join("templates/base.html");
    match std::fs::read_to_string(&base) {
        Ok(text) => {
            text.contains("accessibility_url")
                || site
                    .of_kind(Kind::AccessibilityStatement)
                    .any(|d| text.contains(&d.url))
        }
        Err(_) => true,
    }
}

/// Whether a document counts for the site rules: not a draft, and judged under the site's
/// regime (an archived predecessor's documents do not).
fn counts_for_site_rules(doc: &Document, site_pack: &'static Pack) -> bool {
    !doc.draft && pack_of(doc, site_pack).regime() == site_pack.regime()
}

fn check_site_rules<'a>(
    site: &'a Site,
    pack: &'static Pack,
    checked: Vec<(&'a Document, SiteKeywordHits)>,
    today: Date,
) -> (Vec<Duty>, Vec<Diagnostic>) {
    let mut documents = Vec::with_capacity(checked.len());
    let mut hits = SiteKeywordHits::default();
    for (doc, doc_hits) in checked {
        if counts_for_site_rules(doc, pack) {
            documents.push(doc);
            hits.extend(doc_hits);
        }
    }
    let view = SiteView {
        documents,
        hits,
        today,
        theme_links_statement: theme_links_statement(site),
    };
    let mut duties = Vec::new();
    let mut diagnostics = Vec::new();
    for (_, rule) in pack.site_rules() {
        let status = match evaluate_site(rule, &view) {
            Outcome::Met(_) => DutyStatus::Met,
            Outcome::NotApplicable => DutyStatus::NotApplicable,
            Outcome::Failed(findings) => {
                for f in findings {
                    diagnostics.push(diagnostic(
                        site,
                        rule,
                        std::path::Path::new(SITE_FILE),
                        f,
                        None,
                    ));
                }
                DutyStatus::Missing
            }
        };
        duties.push(duty(site, rule, status, None));
    }
    (duties, diagnostics)
}

/// A warning for each `site.toml` entry that names a ccg-2013 id superseded under the site's
/// regime, naming the new ids (the entry applies to them already).
fn carried_entry_warnings(site: &Site) -> Vec<Diagnostic> {
    let config = &site.config.config.compliance;
    policy::carried_entries(config, &site.config.source)
        .into_iter()
        .map(|e| {
            let new_ids = e
                .new_ids
                .iter()
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(" and ");
            Diagnostic {
                rule: policy::SUPERSEDED_ID_RULE.to_string(),
                severity: Severity::Warning,
                file: PathBuf::from(SITE_FILE),
                line: e.line,
                column: e.column,
                message: format!(
                    "`{}` is a ccg-2013 rule id; under {} this entry applies to {new_ids}",
                    e.old_id,
                    config.regime.get_ref()
                ),
                citation: policy::SUPERSEDED_ID_CITATION.to_string(),
                help: format!(
                    "name {new_ids} instead; keep an entry for `{}` only if archived CCG documents on the site need it",
                    e.old_id
                ),
                regime: None,
            }
        })
        .collect()
}

fn apply_waivers(site: &Site, report: &mut Report) {
    let config = &site.config.config.compliance;
    report.waivers = config
        .waiver
        .iter()
        .map(|w| WaiverNote {
            rule: w.rule.get_ref().clone(),
            reason: w
                .reason
                .clone()
                .filter(|r| !r.trim().is_empty())
                .unwrap_or_else(|| "no reason given".to_string()),
        })
        .collect();
    if report.waivers.is_empty() {
        return;
    }
    let waived = |id: &str| policy::waiver_reason(config, id).is_some();
    let (kept, set_aside): (Vec<_>, Vec<_>) = std::mem::take(&mut report.diagnostics)
        .into_iter()
        .partition(|d| !waived(&d.rule));
    report.diagnostics = kept;
    report.waived = set_aside;
    let duties = report
        .outcomes
        .iter_mut()
        .flat_map(|o| o.duties.iter_mut())
        .chain(report.site_duties.iter_mut());
    for d in duties {
        if d.status == DutyStatus::Missing && waived(d.rule) {
            d.status = DutyStatus::Waived;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{load_site, LoadOptions};

    #[test]
    fn a_cached_check_reports_what_a_full_check_reports() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut site = load_site(root, LoadOptions::default()).expect("the demo site loads");
        let today = time::macros::date!(2026 - 11 - 30);
        let json = |r: &Report| serde_json::to_value(r).expect("a report is JSON");
        let mut cache = CheckCache::new();
        let first = cache.check(&site, &BTreeSet::new(), today);
        assert_eq!(json(&first), json(&check_site(&site, today)));
        // An edit that breaks a duty: only that document is checked again, and it shows.
        let report = site
            .documents
            .iter_mut()
            .find(|d| d.kind == Kind::AnnualReport)
            .expect("the demo has an annual report");
        report.body.outline.clear();
        let edited = BTreeSet::from([report.path.clone()]);
        let second = cache.check(&site, &edited, today);
        assert!(second.errors() > first.errors());
        assert_eq!(json(&second), json(&check_site(&site, today)));
        // A document that went away is forgotten.
        site.documents.retain(|d| !edited.contains(&d.path));
        let third = cache.check(&site, &BTreeSet::new(), today);
        assert_eq!(json(&third), json(&check_site(&site, today)));
    }

    #[test]
    fn site_searches_settled_early_report_what_searching_every_text_reports() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut site = load_site(root, LoadOptions::default()).expect("the demo site loads");
        let today = time::macros::date!(2026 - 11 - 30);
        let json = |r: &Report| serde_json::to_value(r).expect("a report is JSON");
        let full = |site: &Site| json(&CheckCache::new().check(site, &BTreeSet::new(), today));
        let status = |site: &Site, id: &str| {
            let report = check_site(site, today);
            let duty = report.site_duties.iter().find(|d| d.rule == id).cloned();
            (json(&report), duty.map(|d| d.status))
        };
        let breaches = "register-of-interests.breaches";
        let (report, met) = status(&site, breaches);
        assert_eq!(report, full(&site));
        assert_eq!(met, Some(DutyStatus::Met));
        // Only one document says it: still met, whichever thread finds it.
        let sayers: Vec<usize> = (0..site.documents.len())
            .filter(|&i| site.documents[i].body.text.as_str().contains("breach"))
            .collect();
        assert!(!sayers.is_empty());
        for &i in &sayers[1..] {
            site.documents[i].body.text = Default::default();
        }
        let (report, met) = status(&site, breaches);
        assert_eq!(report, full(&site));
        assert_eq!(met, Some(DutyStatus::Met));
        // Nobody says it: missing.
        site.documents[sayers[0]].body.text = Default::default();
        let (report, missing) = status(&site, breaches);
        assert_eq!(report, full(&site));
        assert_eq!(missing, Some(DutyStatus::Missing));
        // Without the register page, its alternative wording is searched for again.
        site.documents
            .retain(|d| d.kind != Kind::RegisterOfInterests);
        assert_eq!(
            status(&site, "register-of-interests.published-or-on-request").0,
            full(&site)
        );
    }
}
