//! `ccg-site explain RULE`: a rule in words (what the law asks, the citation and whether it is
//! verified, how it is checked, an example that passes), and example headings made from
//! patterns.

use super::engine::example_heading;
use super::pack::{packs, CheckKind, Rule};

/// A readable heading that a heading pattern accepts: optional parts dropped, the first of
/// each set of alternatives taken.
pub fn pattern_example(source: &str) -> String {
    let mut s = source
        .trim_start_matches('^')
        .trim_end_matches('$')
        .replace("(?:", "(");
    while let Some(close) = s.find(')') {
        let Some(open) = s[..close].rfind('(') else {
            break;
        };
        let inner = s[open + 1..close].to_string();
        let optional = s[close + 1..].starts_with('?') || s[close + 1..].starts_with('*');
        let end = if optional { close + 2 } else { close + 1 };
        let replacement = if optional {
            String::new()
        } else {
            inner.split('|').next().unwrap_or("").to_string()
        };
        s.replace_range(open..end, &replacement);
    }
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\\' => i += 2,
            '[' => {
                let close = chars[i..]
                    .iter()
                    .position(|&c| c == ']')
                    .map_or(chars.len(), |p| i + p);
                let first = chars.get(i + 1).copied().unwrap_or(' ');
                if matches!(chars.get(close + 1), Some('?' | '*')) {
                    i = close + 2;
                } else {
                    out.push(if first == '-' { ' ' } else { first });
                    i = close + 1;
                }
            }
            '.' if next == Some('?') => {
                // `.?` between letters stands for an apostrophe ("members.? report").
                out.push('\'');
                i += 2;
            }
            _ if matches!(next, Some('?' | '*')) => i += 2,
            '.' | '+' => i += 1,
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    let collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut c = collapsed.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// How a rule is checked, in words.
pub fn how_checked(rule: &Rule) -> String {
    let d = &rule.def;
    let field = d.field.as_deref().unwrap_or("");
    let heading = || {
        let mut s = "a heading (any level) that matches one of these patterns, after numbering, \"&\", quotes, case, plurals, possessives, a leading \"the\" and a trailing year are normalised:\n".to_string();
        for p in &rule.headings {
            s.push_str(&format!("       {}\n", p.source));
        }
        s.push_str(&format!(
            "     with at least {} word(s) in the section, sub-sections included",
            d.min_words.max(1)
        ));
        if let Some(n) = d.min_words_with_link {
            s.push_str(&format!(" ({n} when the section contains a link)"));
        }
        if d.requires_link {
            s.push_str("; the section must contain a link");
        }
        if d.all_of {
            s.push_str("; every pattern must be matched by a heading");
        }
        s
    };
    match rule.check {
        CheckKind::Heading => heading(),
        CheckKind::HeadingOrField => {
            if rule.headings.is_empty() {
                format!("the front-matter field `{field}` is present and not empty")
            } else {
                format!("the front-matter field `{field}` is present and not empty, or {}", heading())
            }
        }
        CheckKind::Field => format!(
            "the front-matter field `{field}` is present and not empty{}{}",
            d.field_pattern
                .as_deref()
                .map(|p| format!(", matching {p}"))
                .unwrap_or_default(),
            d.min_financial_years
                .map(|n| format!(", covering at least {n} financial years"))
                .unwrap_or_default()
        ),
        CheckKind::Keyword => format!(
            "wording in the text ({} of these patterns, case-insensitive){}:\n{}",
            if d.all_of { "every one" } else { "one" },
            d.within
                .as_deref()
                .map(|w| format!(", within the section that meets {w}"))
                .unwrap_or_default(),
            d.keywords
                .iter()
                .map(|k| format!("       {k}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        CheckKind::ItemFields => format!(
            "every entry of [[{}]] has {}",
            d.items.as_deref().unwrap_or(""),
            if d.retain_ended_days.is_some() {
                format!(
                    "nothing to check: the register page and CSV keep declarations ended within {} days",
                    d.retain_ended_days.unwrap_or(0)
                )
            } else {
                [
                    d.item_fields.join(", "),
                    if d.any_of_fields.is_empty() {
                        String::new()
                    } else {
                        format!("one of {}", d.any_of_fields.join(", "))
                    },
                ]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" and ")
            }
        ),
        CheckKind::SitePage => format!(
            "the site has a published document of kind `{}`",
            d.page_kind.as_deref().unwrap_or("")
        ),
        CheckKind::SiteLink => "every page links to the accessibility statement (the default theme does so in its footer)".to_string(),
        CheckKind::Freshness => format!(
            "the date `{field}` is at most {} days before the build date",
            d.max_age_days.unwrap_or(365)
        ),
        CheckKind::DateOrder => format!(
            "the date `{field}` is before `{}`",
            d.before_field.as_deref().unwrap_or("")
        ),
        CheckKind::Revision => format!(
            "when `{field}` says revised or significant: it has a date; a significant revision also meets {}",
            d.significant_requires_rules.join(", ")
        ),
    }
}

/// An example that passes, in words or Markdown.
pub fn passing_example(rule: &Rule) -> String {
    let d = &rule.def;
    if let Some(e) = &d.example {
        return format!("\"{e}\"");
    }
    if let Some(h) = example_heading(rule) {
        return format!(
            "## {h}\n\n     (followed by at least {} words)",
            d.min_words.max(1)
        );
    }
    match (&d.field, &d.items) {
        (Some(f), _) => format!("{f} = ... in the front matter"),
        (None, Some(items)) => format!(
            "[[{items}]]\n     {} = \"...\"",
            d.item_fields
                .first()
                .or(d.any_of_fields.first())
                .map(String::as_str)
                .unwrap_or("...")
        ),
        _ => match &d.page_kind {
            Some(k) => format!("a document with kind = \"{k}\""),
            None => String::new(),
        },
    }
}

/// The text `explain` prints for a rule id, or None with the closest known id.
pub fn explain(id: &str) -> Result<String, Option<String>> {
    let Ok(packs) = packs() else {
        return Err(None);
    };
    let mut out = String::new();
    for pack in &packs {
        let Some(rule) = pack.rule(id) else {
            continue;
        };
        let d = &rule.def;
        out.push_str(&format!(
            "{id} ({}, {})\n\n  {}\n\n  regime:     {} ({})\n  applies to: {}\n  law:        {}\n  verified:   {} (verification: {})\n  basis:      {}\n  checked:    {}\n  example:    {}\n",
            match rule.severity {
                super::Severity::Error => "error",
                super::Severity::Warning => "warning",
            },
            d.check.map(|c| c.as_str()).unwrap_or(""),
            d.explanation,
            pack.regime(),
            pack.meta.regime_description,
            if d.doc_kind == "site" { "the whole site".to_string() } else { format!("documents of kind {}", d.doc_kind) },
            d.citation,
            if rule.verified { "yes" } else { "NO - not yet checked against the text of the law" },
            d.verification,
            d.basis,
            how_checked(rule),
            passing_example(rule),
        ));
        if !d.supersedes.is_empty() {
            out.push_str(&format!("  replaces:   {}\n", d.supersedes.join(", ")));
        }
        out.push('\n');
    }
    if out.is_empty() {
        let ids = packs.iter().flat_map(|p| p.rules.iter().map(Rule::id));
        let lints = super::lints::LINTS.iter().map(|l| l.id);
        if id == super::policy::SUPERSEDED_ID_RULE {
            return Ok(format!(
                "{id} (warning, configuration)\n\n  A [compliance.severity] or [[compliance.waiver]] entry of site.toml names a ccg-2013 rule id\n  that the site's regime replaces under a new id. The entry applies to the new rule(s) as well,\n  if it would be valid for them (only a warning's severity can change; an error can only be\n  waived, with a reason); otherwise site.toml is refused.\n\n  applies to: site.toml\n  checked:    each entry's id against the `supersedes` lists of the site's rule pack\n"
            ));
        }
        if let Some(l) = super::lints::LINTS.iter().find(|l| l.id == id) {
            return Ok(format!(
                "{} (warning, content lint)\n\n  {}\n\n  applies to: every document\n  checked:    {}\n",
                l.id, l.explanation, l.how
            ));
        }
        return Err(crate::suggest::did_you_mean(id, ids.chain(lints)).map(str::to_string));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_from_patterns() {
        assert_eq!(
            pattern_example(
                r"^(arrangements for )?(the )?discharge of (its |the group.?s )?functions$"
            ),
            "Discharge of functions"
        );
        assert_eq!(
            pattern_example(r"^(improv(e|ing)) quality$"),
            "Improve quality"
        );
        assert_eq!(pattern_example(r"^members.? report$"), "Members' report");
        assert_eq!(
            pattern_example(r"^non[- ]accessible content$"),
            "Non accessible content"
        );
    }

    #[test]
    fn every_heading_rule_has_a_passing_example() {
        for pack in packs().unwrap() {
            for rule in &pack.rules {
                if matches!(rule.check, CheckKind::Heading) {
                    assert!(
                        example_heading(rule).is_some(),
                        "{} {}",
                        pack.regime(),
                        rule.id()
                    );
                }
            }
        }
    }

    #[test]
    fn unknown_rule_suggests() {
        assert_eq!(
            explain("annual-report.qualty").unwrap_err().as_deref(),
            Some("annual-report.quality")
        );
        assert!(explain("constitution.audit-committee")
            .unwrap()
            .contains("verified:   NO"));
    }
}
