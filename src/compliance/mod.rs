//! Compliance: the rule packs, the engine that applies them to a loaded site, and the
//! diagnostics it produces.

use std::path::PathBuf;

use serde::Serialize;
use time::Date;

use crate::content::Site;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A statutory requirement is not met: `check` fails and `build` writes nothing.
    Error,
    /// Guidance or good practice is not followed.
    Warning,
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
    /// The law or guidance behind the rule.
    pub citation: String,
    /// What to do about it.
    pub help: String,
}

/// What checking a site found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Every finding, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// How many documents were checked.
    pub documents: usize,
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

/// Checks a loaded site against its regime's rule pack, as of `today`.
pub fn check_site(site: &Site, _today: Date) -> Report {
    Report {
        diagnostics: Vec::new(),
        documents: site.documents.len(),
    }
}

/// The context of the compliance page (see docs/templates.md).
pub fn page_context(site: &Site, _report: &Report) -> serde_json::Value {
    serde_json::json!({
        "regime": site.config.config.compliance.regime.get_ref(),
        "documents": [],
        "site_duties": [],
        "waivers": [],
        "raw_html_policy": site.config.config.markdown.raw_html.as_str(),
    })
}
