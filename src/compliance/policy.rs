//! A site's compliance policy from `site.toml`: `[compliance.severity]` overrides and
//! `[[compliance.waiver]]` entries. Only a warning's severity may change; an error can only be
//! waived, and only with a written reason. Invalid entries are configuration errors that name
//! their line in `site.toml`.
//!
//! On an icb-2022 site an entry may name a ccg-2013 rule id that icb-2022 rules `supersede`: it
//! then applies to each of those rules too (STATUTORY-ICB.md, "Waivers and severity changes"),
//! provided it would be valid for each, and `check` warns with the new ids to use.

use super::lints::LINTS;
use super::pack::{pack_for, packs, Rule};
use super::Severity;
use crate::config::{ComplianceConfig, CONFIG_FILE};
use crate::error::{line_col, Error, ErrorKind, SiteError};

/// The pack severity of a rule id (site regime first, then any other pack, then the lints).
pub fn default_severity(regime: &str, id: &str) -> Option<Severity> {
    if LINTS.iter().any(|l| l.id == id) {
        return Some(Severity::Warning);
    }
    let site = pack_for(regime).ok().and_then(|p| p.rule(id));
    site.or_else(|| {
        packs()
            .ok()
            .and_then(|ps| ps.into_iter().find_map(|p| p.rule(id)))
    })
    .map(|r: &Rule| r.severity)
}

fn known_ids(regime: &str) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = LINTS.iter().map(|l| l.id).collect();
    if let Ok(p) = pack_for(regime) {
        ids.extend(p.rules.iter().map(Rule::id));
    }
    ids
}

fn config_error(source: &str, offset: usize, message: String, help: String) -> SiteError {
    let (line, column) = line_col(source, offset);
    SiteError::new(ErrorKind::Config, message)
        .in_file(CONFIG_FILE)
        .at(line, column)
        .with_help(help)
}

fn unknown_rule(regime: &str, id: &str, source: &str, offset: usize) -> SiteError {
    let ids = known_ids(regime);
    let help = match crate::suggest::did_you_mean(id, ids.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? `ccg-site explain RULE` describes a rule"),
        None => "rule ids are printed with each finding of `ccg-site check`".to_string(),
    };
    config_error(
        source,
        offset,
        format!("unknown rule `{id}` in [compliance] (regime {regime})"),
        help,
    )
}

/// The site pack's rules that supersede the ccg-2013 rule `id` under a new id (none on a
/// ccg-2013 site, or for an id the site's pack keeps).
pub fn successors(regime: &str, id: &str) -> Vec<&'static Rule> {
    let Ok(pack) = pack_for(regime) else {
        return Vec::new();
    };
    if pack.rule(id).is_some() {
        return Vec::new();
    }
    pack.rules
        .iter()
        .filter(|r| r.def.supersedes.iter().any(|old| old == id))
        .collect()
}

/// Why a severity entry is invalid for a rule of `severity`, if it is.
fn severity_problem(
    id: &str,
    wanted: Severity,
    severity: Severity,
    via: Option<&str>,
) -> Option<(String, String)> {
    if severity == Severity::Error && wanted == Severity::Warning {
        let message = match via {
            None => format!("`{id}` is a statutory error; its severity cannot be lowered"),
            Some(old) => format!("`{old}` is superseded by `{id}`, a statutory error; its severity cannot be lowered"),
        };
        return Some((message, format!("remove this line; to set the rule aside, add a [[compliance.waiver]] with rule = \"{id}\" and the reason why")));
    }
    None
}

fn has_reason(waiver: &crate::config::Waiver) -> bool {
    waiver
        .reason
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty())
}

/// Checks the `[compliance]` table of `site.toml` against the rule packs.
pub fn validate(config: &ComplianceConfig, source: &str) -> Result<(), Error> {
    let mut problems = Vec::new();
    validate_severities(config, source, &mut problems);
    validate_waivers(config, source, &mut problems);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::from_problems(problems))
    }
}

fn validate_severities(config: &ComplianceConfig, source: &str, problems: &mut Vec<SiteError>) {
    let regime = config.regime.get_ref();
    for (id, value) in &config.severity {
        let offset = value.span().start;
        let wanted = match value.get_ref().as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            other => {
                problems.push(config_error(
                    source,
                    offset,
                    format!("severity `{other}` for `{id}` must be \"error\" or \"warning\""),
                    "write e.g. \"annual-report.sustainable-development\" = \"error\"".to_string(),
                ));
                continue;
            }
        };
        match default_severity(regime, id) {
            None => problems.push(unknown_rule(regime, id, source, offset)),
            Some(severity) => {
                let own = severity_problem(id, wanted, severity, None);
                let carried = successors(regime, id)
                    .into_iter()
                    .find_map(|r| severity_problem(r.id(), wanted, r.severity, Some(id)));
                if let Some((message, help)) = own.or(carried) {
                    problems.push(config_error(source, offset, message, help));
                }
            }
        }
    }
}

fn validate_waivers(config: &ComplianceConfig, source: &str, problems: &mut Vec<SiteError>) {
    let regime = config.regime.get_ref();
    for waiver in &config.waiver {
        let id = waiver.rule.get_ref();
        let offset = waiver.rule.span().start;
        let Some(severity) = default_severity(regime, id) else {
            problems.push(unknown_rule(regime, id, source, offset));
            continue;
        };
        if has_reason(waiver) {
            continue;
        }
        let needs_reason = (severity == Severity::Error)
            .then(|| id.to_string())
            .or_else(|| {
                successors(regime, id)
                    .into_iter()
                    .find(|r| r.severity == Severity::Error)
                    .map(|r| r.id().to_string())
            });
        if let Some(error_id) = needs_reason {
            let message = if error_id == *id {
                format!("the waiver of `{id}` has no reason; a statutory error can only be waived with one")
            } else {
                format!("the waiver of `{id}` has no reason; under {regime} it waives `{error_id}`, a statutory error, which can only be waived with one")
            };
            problems.push(config_error(
                source,
                offset,
                message,
                "add reason = \"...\" saying why the duty does not apply or cannot be met; it is shown on the compliance page".to_string(),
            ));
        }
    }
}

/// A `site.toml` entry naming a superseded ccg-2013 id, located, with the ids it now applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarriedEntry {
    /// 1-based line in `site.toml`.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The ccg-2013 id the entry names.
    pub old_id: String,
    /// The site regime's ids it applies to.
    pub new_ids: Vec<String>,
}

/// The id of the warning `check` gives for a [`CarriedEntry`].
pub const SUPERSEDED_ID_RULE: &str = "config.superseded-rule-id";

/// What the [`SUPERSEDED_ID_RULE`] warning asks, for reports that describe their rules.
pub const SUPERSEDED_ID_EXPLANATION: &str = "Name the rule ids of the site's regime in site.toml: an entry naming a ccg-2013 id that an icb-2022 rule replaces applies to the new rule too, but should name it.";

/// Where the carry-over of [`SUPERSEDED_ID_RULE`] is specified.
pub const SUPERSEDED_ID_CITATION: &str = "STATUTORY-ICB.md: waivers and severity changes";

/// Every severity and waiver entry of `site.toml` that names a ccg-2013 id superseded under the
/// site's regime.
pub fn carried_entries(config: &ComplianceConfig, source: &str) -> Vec<CarriedEntry> {
    let regime = config.regime.get_ref();
    let named = config
        .severity
        .iter()
        .map(|(id, v)| (id.as_str(), v.span().start))
        .chain(
            config
                .waiver
                .iter()
                .map(|w| (w.rule.get_ref().as_str(), w.rule.span().start)),
        );
    named
        .filter_map(|(id, offset)| {
            let new_ids: Vec<String> = successors(regime, id)
                .iter()
                .map(|r| r.id().to_string())
                .collect();
            let (line, column) = line_col(source, offset);
            (!new_ids.is_empty()).then(|| CarriedEntry {
                line,
                column,
                old_id: id.to_string(),
                new_ids,
            })
        })
        .collect()
}

/// The ids a site.toml entry may name to reach the rule `id` of the site's pack: the id itself
/// and the ccg-2013 ids it supersedes.
fn names_for<'a>(config: &ComplianceConfig, id: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let superseded = pack_for(config.regime.get_ref())
        .ok()
        .and_then(|p| p.rule(id))
        .map(|r| r.def.supersedes.as_slice())
        .unwrap_or(&[]);
    std::iter::once(id).chain(superseded.iter().map(String::as_str))
}

/// The severity a rule has on this site: the pack's, or a valid override (naming the rule or
/// a ccg-2013 id it supersedes).
pub fn effective_severity(
    config: &ComplianceConfig,
    id: &str,
    pack_severity: Severity,
) -> Severity {
    if pack_severity == Severity::Error || config.severity.is_empty() {
        return pack_severity;
    }
    let raised = names_for(config, id).any(|name| {
        config
            .severity
            .get(name)
            .is_some_and(|v| v.get_ref() == "error")
    });
    if raised {
        Severity::Error
    } else {
        pack_severity
    }
}

/// The reason a rule is waived on this site, if it is (by its id or a ccg-2013 id it
/// supersedes).
pub fn waiver_reason<'a>(config: &'a ComplianceConfig, id: &str) -> Option<&'a str> {
    if config.waiver.is_empty() {
        return None;
    }
    names_for(config, id).find_map(|name| {
        config
            .waiver
            .iter()
            .find(|w| w.rule.get_ref() == name)
            .map(|w| w.reason.as_deref().unwrap_or("no reason given"))
    })
}
