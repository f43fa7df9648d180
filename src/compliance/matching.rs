//! Heading matching that tolerates the ways real documents word the same heading.
//!
//! A heading is first normalised (`content::markdown::normalise_heading`: numbering, `&`,
//! quotes, case). A rule's pattern then matches it in one of three forms:
//! 1. as normalised;
//! 2. without a leading "the", a trailing year ("Annual public meeting 2024", "(2021/22)") and
//!    trailing punctuation;
//! 3. in canonical form: form 2 with apostrophes dropped and every word made singular
//!    ("Health and Wellbeing Boards' opinions" -> "health and wellbeing board opinion"), matched
//!    against the pattern with its literal words made singular the same way.
//!
//! Because the same word function applies to both sides, plurals and possessives need no
//! aliases, while patterns stay anchored (`^...$`), so a near miss ("Quality accounts" for
//! `^quality$`) still does not match.

use std::sync::OnceLock;

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

/// One heading pattern of a rule, compiled in its written and canonical forms.
#[derive(Debug, Clone)]
pub struct HeadingPattern {
    /// As written in the pack.
    pub source: String,
    written: Regex,
    canonical: Regex,
}

impl HeadingPattern {
    /// Compiles a pattern; the error names it.
    pub fn new(source: &str) -> Result<Self, String> {
        let written = build(source).map_err(|e| format!("bad pattern `{source}`: {e}"))?;
        let canonical = canonical_pattern(source)?;
        Ok(HeadingPattern {
            source: source.to_string(),
            written,
            canonical,
        })
    }

    /// Whether a normalised heading matches (computing its other forms).
    pub fn matches(&self, normalised: &str) -> bool {
        self.matches_forms(&HeadingForms::new(normalised))
    }

    /// Whether a heading, given in its three forms, matches.
    pub fn matches_forms(&self, forms: &HeadingForms) -> bool {
        self.written.is_match(&forms.normalised)
            || self.written.is_match(&forms.trimmed)
            || self.canonical.is_match(&forms.canonical)
    }
}

/// A heading in the three forms patterns are matched against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingForms {
    /// As `normalise_heading` gives it.
    pub normalised: String,
    /// Without a leading "the", a trailing year and trailing punctuation.
    pub trimmed: String,
    /// Trimmed, without apostrophes, every word singular.
    pub canonical: String,
}

impl HeadingForms {
    /// The forms of a normalised heading.
    pub fn new(normalised: &str) -> Self {
        let trimmed = trim_heading(normalised);
        let canonical = trimmed
            .replace("'s ", " ")
            .replace("s' ", "s ")
            .trim_end_matches("'s")
            .replace(['\'', '"'], "")
            .split(' ')
            .map(singular)
            .collect::<Vec<_>>()
            .join(" ");
        HeadingForms {
            normalised: normalised.to_string(),
            trimmed,
            canonical,
        }
    }
}

/// Every heading pattern of a pack, compiled together: one pass over each form of a heading
/// tells which patterns match it, where asking each pattern in turn takes a search per pattern
/// (an annual report's rules hold about a hundred patterns).
#[derive(Debug, Clone)]
pub struct HeadingPatternSet {
    written: RegexSet,
    canonical: RegexSet,
}

/// The patterns of a [`HeadingPatternSet`] one heading matches, by index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatternMatches(Vec<u64>);

impl PatternMatches {
    fn insert(&mut self, i: usize) {
        let (word, bit) = (i / 64, i % 64);
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << bit;
    }

    /// Whether pattern `i` matches.
    pub fn contains(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

impl HeadingPatternSet {
    /// Compiles `patterns` (in order: pattern `i` of the set is `patterns[i]`).
    pub fn new<'a>(patterns: impl Iterator<Item = &'a HeadingPattern>) -> Result<Self, String> {
        let sources: Vec<&str> = patterns.map(|p| p.source.as_str()).collect();
        let canonical: Vec<String> = sources.iter().map(|s| singular_pattern_words(s)).collect();
        let set = |sources: &[&str]| {
            RegexSetBuilder::new(sources)
                .case_insensitive(true)
                .build()
                .map_err(|e| format!("heading patterns do not compile together: {e}"))
        };
        let canonical: Vec<&str> = canonical.iter().map(String::as_str).collect();
        Ok(HeadingPatternSet {
            written: set(&sources)?,
            canonical: set(&canonical)?,
        })
    }

    /// The patterns a heading, given in its three forms, matches: pattern `i` matches exactly
    /// when `HeadingPattern::matches_forms` says so.
    pub fn matching(&self, forms: &HeadingForms) -> PatternMatches {
        let mut found = PatternMatches::default();
        for (set, text) in [
            (&self.written, &forms.normalised),
            (&self.written, &forms.trimmed),
            (&self.canonical, &forms.canonical),
        ] {
            for i in set.matches(text).iter() {
                found.insert(i);
            }
        }
        found
    }
}

fn build(source: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(source).case_insensitive(true).build()
}

/// Drops a leading "the", a trailing year or financial year and trailing punctuation.
fn trim_heading(normalised: &str) -> String {
    static YEAR: OnceLock<Regex> = OnceLock::new();
    let year = YEAR.get_or_init(|| {
        Regex::new(
            r"(?:\s+|^)(?:(?:for|in|of)\s+)?[(\[]?(?:19|20)[0-9]{2}(?:\s*(?:/|-|to)\s*(?:19|20)?[0-9]{2})?[)\]]?$",
        )
        .expect("valid constant pattern")
    });
    let mut s = normalised
        .trim()
        .trim_end_matches([':', '.', ';', ','])
        .trim();
    if let Some(rest) = s.strip_prefix("the ") {
        s = rest;
    }
    let without_year = year.replace(s, "");
    let out = without_year.trim();
    if out.is_empty() {
        s.to_string()
    } else {
        out.to_string()
    }
}

/// A word made singular by simple English rules (used on both sides, so only consistency
/// matters): `strategies` -> `strategy`, `boxes` -> `box`, `boards` -> `board`; short words and
/// words ending in `ss`, `us`, `is` are kept.
pub fn singular(word: &str) -> String {
    let w = word;
    if w.len() <= 3 || !w.is_ascii() {
        return w.to_string();
    }
    if let Some(stem) = w.strip_suffix("ies") {
        if stem.len() >= 2 {
            return format!("{stem}y");
        }
    }
    for suffix in ["sses", "shes", "ches", "xes"] {
        if w.ends_with(suffix) {
            return w[..w.len() - 2].to_string();
        }
    }
    if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

/// The pattern with its literal words made singular (words followed by a quantifier, inside a
/// character class, or after a backslash are left alone).
pub fn canonical_pattern(source: &str) -> Result<Regex, String> {
    let rewritten = singular_pattern_words(source);
    build(&rewritten).map_err(|e| format!("canonical form `{rewritten}` does not compile: {e}"))
}

fn singular_pattern_words(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            out.push(c);
            if let Some(&n) = chars.get(i + 1) {
                out.push(n);
            }
            i += 2;
            continue;
        }
        if in_class {
            in_class = c != ']';
            out.push(c);
            i += 1;
            continue;
        }
        if c == '[' {
            in_class = true;
            out.push(c);
            i += 1;
            continue;
        }
        if c == '(' && chars.get(i + 1) == Some(&'?') {
            // A group flag such as (?: or (?i): copy through to its ':' or ')'.
            while i < chars.len() && chars[i] != ':' && chars[i] != ')' {
                out.push(chars[i]);
                i += 1;
            }
            continue;
        }
        if c == '{' {
            while i < chars.len() && chars[i] != '}' {
                out.push(chars[i]);
                i += 1;
            }
            continue;
        }
        if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let quantified = matches!(chars.get(i), Some('?' | '*' | '+' | '{'));
            if quantified {
                out.push_str(&word);
            } else {
                out.push_str(&singular(&word));
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown::normalise_heading;

    fn matches(pattern: &str, heading: &str) -> bool {
        HeadingPattern::new(pattern)
            .unwrap()
            .matches(&normalise_heading(heading))
    }

    #[test]
    fn plurals_possessives_years_and_the() {
        let hwb = r"^health and wellbeing board.?s? (opinion|statement|response)$";
        assert!(matches(hwb, "Health and Wellbeing Boards’ opinion"));
        assert!(matches(hwb, "Health and Wellbeing Board's opinions"));
        assert!(matches(hwb, "11. Health & Wellbeing Board statement"));
        let apm = r"^annual (general|public) meeting$";
        assert!(matches(apm, "Annual public meeting 2024"));
        assert!(matches(apm, "Annual Public Meeting (2021/22)"));
        assert!(matches(apm, "The annual general meeting"));
        assert!(matches(r"^(our )?member practices$", "Member practice"));
        assert!(matches(
            r"^(our )?member practices$",
            "Our member practices:"
        ));
        assert!(matches(
            r"^financ(e|ial plan|ial duties|ial position)$",
            "Financial duty"
        ));
        assert!(matches(
            r"^(joint )?health and wellbeing strateg(y|ies)$",
            "Joint Health and Wellbeing Strategies"
        ));
        assert!(matches(r"^members.? report$", "Members’ Report"));
        assert!(matches(r"^members.? report$", "Member's report"));
    }

    #[test]
    fn near_misses_do_not_match() {
        let quality = r"^quality( and safety| improvement| of services)?$";
        assert!(!matches(quality, "Quality accounts"));
        assert!(!matches(quality, "Improving quality of life"));
        assert!(!matches(
            r"^audit( and (risk|governance|assurance))? committee$",
            "Audit"
        ));
        assert!(!matches(
            r"^annual (general|public) meeting$",
            "Annual report 2024"
        ));
        assert!(!matches(
            r"^(reducing|tackling) (health )?inequalit(y|ies)$",
            "Health"
        ));
    }

    #[test]
    fn a_pack_set_matches_what_each_pattern_matches() {
        for pack in crate::compliance::pack::packs().unwrap() {
            let set = pack
                .headings
                .as_ref()
                .expect("the patterns compile together");
            let patterns: Vec<&HeadingPattern> =
                pack.rules.iter().flat_map(|r| &r.headings).collect();
            let mut headings: Vec<String> = pack
                .rules
                .iter()
                .flat_map(|r| r.def.aliases.iter().cloned())
                .collect();
            let variants: Vec<String> = headings
                .iter()
                .flat_map(|h| {
                    [
                        format!("The {h}s 2024/25"),
                        format!("3.1 {}", h.to_uppercase()),
                        h.replace(" and ", " & "),
                        format!("{h} report"),
                    ]
                })
                .collect();
            headings.extend(variants);
            let mut matched = 0;
            for heading in &headings {
                let forms = HeadingForms::new(&normalise_heading(heading));
                let found = set.matching(&forms);
                for (i, p) in patterns.iter().enumerate() {
                    assert_eq!(
                        found.contains(i),
                        p.matches_forms(&forms),
                        "{heading} / {}",
                        p.source
                    );
                    matched += usize::from(found.contains(i));
                }
            }
            assert!(
                matched > headings.len() / 2,
                "the headings mostly match something"
            );
        }
    }

    #[test]
    fn singular_rules() {
        assert_eq!(singular("strategies"), "strategy");
        assert_eq!(singular("boards"), "board");
        assert_eq!(singular("processes"), "process");
        assert_eq!(singular("status"), "status");
        assert_eq!(singular("its"), "its");
        assert_eq!(
            singular_pattern_words(r"^(our )?member practices$"),
            r"^(our )?member practice$"
        );
        assert_eq!(
            singular_pattern_words(r"^boards?\b[a-z]{2}$"),
            r"^boards?\b[a-z]{2}$"
        );
    }
}
