//! A site's compliance policy from `site.toml`: `[compliance.severity]` overrides and
//! `[[compliance.waiver]]` entries. Only a warning's severity may change; an error can only be
//! waived, and only with a written reason. Invalid entries are configuration errors that name
//! their line in `site.toml`.

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

/// Checks the `[compliance]` table of `site.toml` against the rule packs.
pub fn validate(config: &ComplianceConfig, source: &str) -> Result<(), Error> {
    let regime = config.regime.get_ref();
    let mut problems = Vec::new();
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
            Some(Severity::Error) if wanted == Severity::Warning => problems.push(config_error(
                source,
                offset,
                format!("`{id}` is a statutory error; its severity cannot be lowered"),
                format!("remove this line; to set the rule aside, add a [[compliance.waiver]] with rule = \"{id}\" and the reason why"),
            )),
            Some(_) => {}
        }
    }
    for waiver in &config.waiver {
        let id = waiver.rule.get_ref();
        let offset = waiver.rule.span().start;
        match default_severity(regime, id) {
            None => problems.push(unknown_rule(regime, id, source, offset)),
            Some(Severity::Error)
                if waiver.reason.as_deref().is_none_or(|r| r.trim().is_empty()) =>
            {
                problems.push(config_error(
                    source,
                    offset,
                    format!("the waiver of `{id}` has no reason; a statutory error can only be waived with one"),
                    "add reason = \"...\" saying why the duty does not apply or cannot be met; it is shown on the compliance page".to_string(),
                ))
            }
            Some(_) => {}
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::from_problems(problems))
    }
}

/// The severity a rule has on this site: the pack's, or a valid override.
pub fn effective_severity(
    config: &ComplianceConfig,
    id: &str,
    pack_severity: Severity,
) -> Severity {
    match (
        pack_severity,
        config.severity.get(id).map(|v| v.get_ref().as_str()),
    ) {
        (Severity::Warning, Some("error")) => Severity::Error,
        (s, _) => s,
    }
}

/// The reason a rule is waived on this site, if it is.
pub fn waiver_reason<'a>(config: &'a ComplianceConfig, id: &str) -> Option<&'a str> {
    config
        .waiver
        .iter()
        .find(|w| w.rule.get_ref() == id)
        .map(|w| w.reason.as_deref().unwrap_or("no reason given"))
}
