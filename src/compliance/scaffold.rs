//! `ccg-site new KIND [SLUG]`: a new document with every required section headed and a short
//! HTML comment under each saying what the law asks. Comments are not words, so `check` then
//! lists exactly what is still to write.

use std::path::{Path, PathBuf};

use time::Date;

use super::engine::example_heading;
use super::explain::pattern_example;
use super::pack::{pack_for, CheckKind, Pack, Rule};
use super::period::FinancialYear;
use crate::config::Regime;
use crate::content::fields::format_date;
use crate::content::kind::{Spec, Ty};
use crate::content::markdown::normalise_heading;
use crate::content::{Kind, CONTENT_DIR};
use crate::error::{ErrorKind, Result, SiteError};

/// Kinds published as a series, each document in the kind's folder.
fn in_folder(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::AnnualReport
            | Kind::CommissioningPlan
            | Kind::JointForwardPlan
            | Kind::CapitalResourcePlan
            | Kind::YouSaidWeDid
    )
}

/// Where `new` writes a document, relative to the site folder.
pub fn document_path(kind: Kind, slug: Option<&str>, today: Date) -> PathBuf {
    let fy = FinancialYear::containing(today).0;
    let default_slug = match kind {
        Kind::AnnualReport => format!("{}-{:02}", fy - 1, fy % 100),
        Kind::CommissioningPlan | Kind::CapitalResourcePlan | Kind::JointForwardPlan => {
            format!("{}-{:02}", fy + 1, (fy + 2) % 100)
        }
        k => k.as_str().to_string(),
    };
    let slug = slug.unwrap_or(&default_slug);
    let mut path = PathBuf::from(CONTENT_DIR);
    if in_folder(kind) {
        if let Some(url) = kind.listing_url() {
            path.push(url.trim_matches('/'));
        }
    }
    path.push(format!("{slug}.md"));
    path
}

fn comment_line(rule: &Rule) -> String {
    let law = if rule.verified {
        rule.def.citation.clone()
    } else {
        format!("{} (citation not yet verified)", rule.def.citation)
    };
    let sev = match rule.severity {
        super::Severity::Error => "required by law",
        super::Severity::Warning => "recommended",
    };
    format!("{} ({sev}; {law})", rule.def.explanation).replace("--", "-")
}

fn example_value(ty: Ty, today: Date) -> String {
    match ty {
        Ty::Str => "\"\"".to_string(),
        Ty::Date => format_date(today),
        Ty::Bool => "false".to_string(),
        Ty::Number => "0".to_string(),
        Ty::StrList => "[]".to_string(),
        Ty::OneOf(words) => format!("\"{}\"", words.first().copied().unwrap_or("")),
        Ty::ListOf(words) => format!(
            "[{}]",
            words
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Ty::Table(_) | Ty::Tables(_) | Ty::FreeTables => String::new(),
    }
}

/// The kind's front-matter fields, commented out, with their types shown by example values.
fn front_matter_fields(out: &mut String, prefix: &str, specs: &[Spec], today: Date) {
    for spec in specs
        .iter()
        .filter(|s| !matches!(s.ty, Ty::Table(_) | Ty::Tables(_) | Ty::FreeTables))
    {
        out.push_str(&format!(
            "# {} = {}\n",
            spec.key,
            example_value(spec.ty, today)
        ));
    }
    for spec in specs {
        let path = if prefix.is_empty() {
            spec.key.to_string()
        } else {
            format!("{prefix}.{}", spec.key)
        };
        match spec.ty {
            Ty::Table(inner) => {
                out.push_str(&format!("\n# [{path}]\n"));
                front_matter_fields(out, &path, inner, today);
            }
            Ty::Tables(inner) => {
                out.push_str(&format!("\n# [[{path}]]\n"));
                front_matter_fields(out, &path, inner, today);
            }
            Ty::FreeTables => out.push_str(&format!("\n# [[{path}]]\n# column = \"value\"\n")),
            _ => {}
        }
    }
}

/// Headings to write for a kind: (heading, guidance lines), in pack order, one per duty that a
/// heading can meet; a duty whose patterns an earlier heading already matches adds its guidance
/// there. Keyword duties without a heading go into `general`.
fn sections(pack: &Pack, kind: Kind) -> (Vec<(String, Vec<String>)>, Vec<String>) {
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    let mut general = Vec::new();
    for (_, rule) in pack.rules_for(kind) {
        let wants_heading = matches!(rule.check, CheckKind::Heading | CheckKind::HeadingOrField)
            || (rule.check == CheckKind::Keyword && !rule.headings.is_empty());
        if !wants_heading || rule.headings.is_empty() {
            if rule.check == CheckKind::Keyword {
                general.push(comment_line(rule));
            }
            continue;
        }
        // Each heading to write, with the patterns it must match (every pattern for all_of).
        let wanted: Vec<(String, Vec<&super::matching::HeadingPattern>)> =
            if rule.def.all_of && rule.check == CheckKind::Heading {
                rule.headings
                    .iter()
                    .map(|p| (pattern_example(&p.source), vec![p]))
                    .collect()
            } else {
                example_heading(rule)
                    .map(|h| (h, rule.headings.iter().collect()))
                    .into_iter()
                    .collect()
            };
        for (heading, patterns) in wanted {
            let existing = sections.iter_mut().find(|(h, _)| {
                let n = normalise_heading(h);
                patterns.iter().any(|p| p.matches(&n))
            });
            match existing {
                Some((_, notes)) if !notes.contains(&comment_line(rule)) => {
                    notes.push(comment_line(rule))
                }
                Some(_) => {}
                None => sections.push((heading, vec![comment_line(rule)])),
            }
        }
    }
    (sections, general)
}

/// The text of a new document of `kind` under `regime`.
pub fn new_document(kind: Kind, regime: &str, today: Date) -> String {
    let mut out = String::from("+++\n");
    out.push_str(&format!(
        "title = \"{}\"\nkind = \"{}\"\nsummary = \"\"\npublished = {}\n",
        kind.title(),
        kind.as_str(),
        format_date(today)
    ));
    let schema = Regime::parse(regime).map_or(&[][..], |r| kind.schema_in(r));
    if !schema.is_empty() {
        out.push_str("\n# The fields of this kind of document: remove the # and fill them in.\n");
        front_matter_fields(&mut out, "", schema, today);
    }
    out.push_str("+++\n\n");
    let Ok(pack) = pack_for(regime) else {
        return out;
    };
    let (sections, general) = sections(pack, kind);
    if !general.is_empty() {
        out.push_str("<!-- Somewhere in this document, also:\n");
        for g in general {
            out.push_str(&format!("     - {g}\n"));
        }
        out.push_str("-->\n\n");
    }
    for (heading, notes) in sections {
        out.push_str(&format!("## {heading}\n\n<!-- "));
        out.push_str(&notes.join("\n     "));
        out.push_str(" -->\n\n");
    }
    out
}

/// Writes a new document into the site; never overwrites. Returns its path relative to the site.
pub fn write_new_document(
    site_root: &Path,
    kind: Kind,
    slug: Option<&str>,
    regime: &str,
    today: Date,
) -> Result<PathBuf> {
    if let Some(s) = slug {
        if s.is_empty() || s.contains(['/', '\\']) || s.starts_with('.') {
            return Err(
                SiteError::new(ErrorKind::UnsafePath, format!("`{s}` is not a slug"))
                    .with_help("a slug is letters, digits and hyphens, e.g. 2025-26")
                    .into(),
            );
        }
    }
    let rel = document_path(kind, slug, today);
    let path = site_root.join(&rel);
    if path.exists() {
        return Err(SiteError::new(ErrorKind::Write, "the file already exists")
            .in_file(&rel)
            .with_help("choose another SLUG; `new` never overwrites a document")
            .into());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            SiteError::new(ErrorKind::Write, format!("cannot create the folder: {e}")).in_file(&rel)
        })?;
    }
    std::fs::write(&path, new_document(kind, regime, today)).map_err(|e| {
        SiteError::new(ErrorKind::Write, format!("cannot write: {e}")).in_file(&rel)
    })?;
    Ok(rel)
}
