//! The engine: evaluates one rule of a pack against one document (or the whole site) and says
//! whether the duty is met, not applicable, or which findings show it is not.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};

use time::Date;

use super::condition::{Condition, Target};
use super::matching::{HeadingForms, HeadingPatternSet, PatternMatches};
use super::pack::{CheckKind, Pack, Rule};
use super::period::{has_period_field, period_start, FinancialYear, YearRange};
use crate::content::markdown::{count_words, normalise_heading};
use crate::content::{Document, Field, FieldTable, FieldValue, Kind};

/// Words that fill a field without saying anything.
const PLACEHOLDERS: &[&str] = &["tbc", "tba", "tbd", "todo", "n/a", "-", "...", "xxx"];

/// One reason a rule is not met, located in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
}

/// The result of one rule on one document (or the site).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Met; where a heading meets it, its index in the outline.
    Met(Option<usize>),
    /// The rule does not apply.
    NotApplicable,
    /// Not met, for these reasons.
    Failed(Vec<Finding>),
}

/// A document prepared for checking: its headings in matching forms and its plain text.
pub struct DocView<'a> {
    /// The document.
    pub doc: &'a Document,
    /// Each heading in the forms patterns match, made when a pattern is asked on its own.
    forms: OnceCell<Vec<HeadingForms>>,
    /// The pack whose heading patterns each heading was matched against at once, and what
    /// each heading matched.
    matched: Option<(&'a Pack, Vec<Rc<PatternMatches>>)>,
    /// The body's plain text, lower case, blocks joined by one space.
    pub text: &'a str,
}

/// Heading texts remembered per thread and pack before the memory is cleared.
const REMEMBERED_HEADINGS: usize = 50_000;

thread_local! {
    /// What each heading text matched, per pack (by [`Pack::serial`]), on this thread. A site's
    /// documents repeat their headings (every annual report has its "Quality" section) and
    /// matching one heading takes thousands of instructions: its three forms, three searches.
    static MATCHED: RefCell<HashMap<usize, RememberedHeadings>> = RefCell::new(HashMap::new());
}

/// Heading texts and what they matched. Hashed with foldhash: SipHash's resistance to chosen
/// keys is not needed for a site's own headings, and it cost 2% of `check`.
type RememberedHeadings = HashMap<String, Rc<PatternMatches>, foldhash::fast::RandomState>;

/// The patterns of `pack`'s set that a heading's text matches, remembered on this thread.
fn remembered_matching(pack: &Pack, set: &HeadingPatternSet, text: &str) -> Rc<PatternMatches> {
    MATCHED.with_borrow_mut(|packs| {
        let seen = packs.entry(pack.serial()).or_default();
        if let Some(found) = seen.get(text) {
            return Rc::clone(found);
        }
        if seen.len() >= REMEMBERED_HEADINGS {
            seen.clear();
        }
        let found = Rc::new(set.matching(&heading_forms(text)));
        seen.insert(text.to_string(), Rc::clone(&found));
        found
    })
}

/// A heading's text in the forms patterns match.
fn heading_forms(text: &str) -> HeadingForms {
    HeadingForms::new(&normalise_heading(text))
}

impl<'a> DocView<'a> {
    /// Prepares a document; its headings are matched against each rule's patterns when asked.
    pub fn new(doc: &'a Document) -> Self {
        DocView {
            doc,
            forms: OnceCell::new(),
            matched: None,
            text: doc.body.text.as_str(),
        }
    }

    /// Prepares a document to be checked against `pack`: each heading is matched against all
    /// of the pack's heading patterns at once (or found among the headings already matched).
    pub fn for_pack(doc: &'a Document, pack: &'a Pack) -> Self {
        let mut view = DocView::new(doc);
        if let Some(set) = &pack.headings {
            let outline = &doc.body.outline;
            let matched = outline
                .iter()
                .map(|h| remembered_matching(pack, set, &h.text))
                .collect();
            view.matched = Some((pack, matched));
        }
        view
    }

    fn forms(&self) -> &[HeadingForms] {
        self.forms.get_or_init(|| {
            let outline = &self.doc.body.outline;
            outline.iter().map(|h| heading_forms(&h.text)).collect()
        })
    }

    /// Whether heading `i` matches pattern `p` of `rule`.
    fn heading_matches(&self, rule: &Rule, p: usize, i: usize) -> bool {
        match &self.matched {
            Some((pack, matched)) if pack.holds(rule) => {
                matched[i].contains(rule.first_heading + p)
            }
            _ => rule.headings[p].matches_forms(&self.forms()[i]),
        }
    }

    /// Indexes of the outline entries a section spans: the heading and its sub-sections.
    fn section_span(&self, i: usize) -> std::ops::Range<usize> {
        let outline = &self.doc.body.outline;
        let level = outline[i].level;
        let end = outline[i + 1..]
            .iter()
            .position(|h| h.level <= level)
            .map_or(outline.len(), |p| i + 1 + p);
        i..end
    }

    /// The last line of a section (exclusive bound: the next heading's line, or u32::MAX).
    fn section_end_line(&self, i: usize) -> u32 {
        let span = self.section_span(i);
        self.doc
            .body
            .outline
            .get(span.end)
            .map_or(u32::MAX, |h| h.line)
    }

    fn section_has_link(&self, i: usize) -> bool {
        let start = self.doc.body.outline[i].line;
        let end = self.section_end_line(i);
        let in_section = |line: u32| line >= start && line < end;
        self.doc.body.links.iter().any(|l| in_section(l.line))
            || self
                .doc
                .body
                .text
                .blocks()
                .any(|b| in_section(b.line) && b.has_web_address)
    }

    /// Headings matching any of a rule's patterns.
    fn matching_headings<'r>(&'r self, rule: &'r Rule) -> impl Iterator<Item = usize> + 'r {
        (0..self.doc.body.outline.len())
            .filter(move |&i| (0..rule.headings.len()).any(|p| self.heading_matches(rule, p, i)))
    }

    /// Plain text of the sections matching `rule`'s headings.
    fn text_within(&self, rule: &Rule) -> Option<String> {
        let spans: Vec<_> = self
            .matching_headings(rule)
            .map(|i| self.section_span(i))
            .collect();
        if spans.is_empty() {
            return None;
        }
        Some(
            self.doc.body.text.joined_where(|section| {
                section.is_some_and(|s| spans.iter().any(|r| r.contains(&s)))
            }),
        )
    }
}

/// What a rule is evaluated against.
pub struct Context<'a> {
    /// The pack of the document's regime.
    pub pack: &'a Pack,
    /// The build date.
    pub today: Date,
}

/// Evaluates a document rule.
pub fn evaluate(rule: &Rule, view: &DocView<'_>, cx: &Context<'_>) -> Outcome {
    let doc = view.doc;
    if let Some(cond) = &rule.applies_if {
        if rule.check != CheckKind::ItemFields && !cond.holds(doc.field(&cond.path)) {
            return Outcome::NotApplicable;
        }
    }
    if let Some(from) = rule.applies_from {
        if has_period_field(doc) && period_start(doc).is_some_and(|start| start < from) {
            return Outcome::NotApplicable;
        }
    }
    match rule.check {
        CheckKind::Heading => heading_check(rule, view),
        CheckKind::HeadingOrField => heading_or_field(rule, view),
        CheckKind::Field => field_check(rule, doc),
        CheckKind::Keyword => keyword_check(rule, view, cx),
        CheckKind::ItemFields => item_check(rule, doc),
        CheckKind::Freshness => freshness(rule, doc, cx.today),
        CheckKind::DateOrder => date_order(rule, doc),
        CheckKind::Revision => revision(rule, view, cx),
        CheckKind::SitePage | CheckKind::SiteLink => Outcome::NotApplicable,
    }
}

fn fail(line: u32, column: u32, message: String, help: String) -> Outcome {
    Outcome::Failed(vec![Finding {
        line,
        column,
        message,
        help,
    }])
}

/// An example heading for help text: the rule's first alias, or one made from its first pattern.
pub fn example_heading(rule: &Rule) -> Option<String> {
    if let Some(a) = rule.example_heading() {
        return Some(a.to_string());
    }
    let pattern = rule.headings.first()?;
    let example = super::explain::pattern_example(&pattern.source);
    pattern
        .matches(&crate::content::markdown::normalise_heading(&example))
        .then_some(example)
}

fn lower_first(s: &str) -> String {
    let s = s.trim_end_matches('.');
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn heading_help(rule: &Rule) -> String {
    match example_heading(rule) {
        Some(h) => format!(
            "add a section, e.g. \"## {h}\", that does this: {}",
            lower_first(&rule.def.explanation)
        ),
        None => format!(
            "add a section that does this: {}",
            lower_first(&rule.def.explanation)
        ),
    }
}

fn missing_section_message(rule: &Rule) -> String {
    match example_heading(rule) {
        Some(h) => format!("missing required section \"{h}\""),
        None => format!(
            "missing required section: {}",
            lower_first(&rule.def.explanation)
        ),
    }
}

/// A hint line when a hint keyword appears in the body: "mentioned at line N".
fn mention_hint(rule: &Rule, view: &DocView<'_>) -> Option<String> {
    if rule.check == CheckKind::Keyword || rule.keywords.is_empty() {
        return None;
    }
    let block = view
        .doc
        .body
        .text
        .blocks()
        .find(|b| rule.keywords.iter().any(|k| k.is_match(b.text)))?;
    Some(format!(
        "; the topic is mentioned at line {} but has no heading of its own",
        block.line
    ))
}

fn heading_check(rule: &Rule, view: &DocView<'_>) -> Outcome {
    if rule.def.all_of {
        return heading_all_of(rule, view);
    }
    let outline = &view.doc.body.outline;
    let candidates: Vec<usize> = view.matching_headings(rule).collect();
    if candidates.is_empty() {
        let help = heading_help(rule) + &mention_hint(rule, view).unwrap_or_default();
        return fail(1, 1, missing_section_message(rule), help);
    }
    let mut findings = Vec::new();
    for &i in &candidates {
        let h = &outline[i];
        let has_link = view.section_has_link(i);
        let needed = match rule.def.min_words_with_link {
            Some(n) if has_link => n,
            _ => rule.def.min_words,
        }
        .max(1);
        if h.words < needed {
            findings.push(Finding {
                line: h.line,
                column: 1,
                message: format!(
                    "section \"{}\" has {} word{}; at least {needed} are needed",
                    h.text,
                    h.words,
                    if h.words == 1 { "" } else { "s" }
                ),
                help: format!(
                    "write the section: {}{}",
                    lower_first(&rule.def.explanation),
                    match rule.def.min_words_with_link {
                        Some(n) if !has_link => format!(
                            " (or give a short synopsis of at least {n} words with a link to the full report)"
                        ),
                        _ => String::new(),
                    }
                ),
            });
        } else if rule.def.requires_link && !has_link {
            findings.push(Finding {
                line: h.line,
                column: 1,
                message: format!("section \"{}\" has no link", h.text),
                help: format!(
                    "add a link in this section: {}",
                    lower_first(&rule.def.explanation)
                ),
            });
        } else {
            return Outcome::Met(Some(i));
        }
    }
    findings.truncate(1);
    Outcome::Failed(findings)
}

fn heading_all_of(rule: &Rule, view: &DocView<'_>) -> Outcome {
    let missing: Vec<String> = rule
        .headings
        .iter()
        .enumerate()
        .filter(|(p, _)| {
            !(0..view.doc.body.outline.len()).any(|i| {
                view.heading_matches(rule, *p, i)
                    && view.doc.body.outline[i].words >= rule.def.min_words.max(1)
            })
        })
        .map(|(_, p)| super::explain::pattern_example(&p.source))
        .collect();
    if missing.is_empty() {
        let first = view.matching_headings(rule).next();
        return Outcome::Met(first);
    }
    fail(
        1,
        1,
        format!(
            "missing required section{} {}",
            if missing.len() == 1 { "" } else { "s" },
            missing
                .iter()
                .map(|m| format!("\"{m}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!(
            "add a section for each, e.g. \"## {}\": {}",
            missing[0],
            lower_first(&rule.def.explanation)
        ),
    )
}

/// Whether a field has content: not blank, not a placeholder such as "TBC".
fn filled(field: &Field) -> bool {
    match &field.value {
        FieldValue::String(s) => {
            let t = s.trim().to_lowercase();
            !t.is_empty() && !PLACEHOLDERS.contains(&t.as_str())
        }
        _ => field.is_filled(),
    }
}

/// Where to point a finding about a missing field: its parent table's line, or line 1.
fn missing_field_location(doc: &Document, path: &str) -> (u32, u32) {
    let mut parent = path;
    while let Some((p, _)) = parent.rsplit_once('.') {
        if let Some(f) = doc.field(p) {
            return (f.line, f.column);
        }
        parent = p;
    }
    (1, 1)
}

fn field_example(path: &str) -> String {
    match path.rsplit_once('.') {
        Some((table, key)) => format!("add `{key} = ...` under [{table}] in the front matter"),
        None => format!("add `{path}` to the front matter"),
    }
}

fn missing_field(rule: &Rule, doc: &Document, path: &str) -> Finding {
    let (line, column) = missing_field_location(doc, path);
    Finding {
        line,
        column,
        message: format!("missing front-matter field `{path}`"),
        help: format!(
            "{}: {}",
            field_example(path),
            lower_first(&rule.def.explanation)
        ),
    }
}

fn at(field: &Field, message: String, help: String) -> Finding {
    Finding {
        line: field.line,
        column: field.column,
        message,
        help,
    }
}

fn words_in(field: &Field) -> Option<u32> {
    match &field.value {
        FieldValue::String(s) => Some(count_words(s)),
        FieldValue::Array(items) if items.iter().all(|i| i.as_str().is_some()) => Some(
            items
                .iter()
                .filter_map(Field::as_str)
                .map(count_words)
                .sum(),
        ),
        _ => None,
    }
}

/// Checks the front-matter side of a heading_or_field rule. None means met.
fn field_side(rule: &Rule, doc: &Document, path: &str) -> Option<Vec<Finding>> {
    let Some(field) = doc.field(path).filter(|f| filled(f)) else {
        return Some(vec![missing_field(rule, doc, path)]);
    };
    let mut findings = Vec::new();
    if let Some(n) = words_in(field) {
        if n < rule.def.min_words {
            findings.push(at(
                field,
                format!(
                    "`{path}` has {n} words; at least {} are needed",
                    rule.def.min_words
                ),
                format!("write it out: {}", lower_first(&rule.def.explanation)),
            ));
        }
    }
    if let (Some(min), Some(items)) = (rule.def.min_items, field.as_array()) {
        if items.len() < min {
            findings.push(at(
                field,
                format!(
                    "`{path}` has {} entries; at least {min} are needed",
                    items.len()
                ),
                lower_first(&rule.def.explanation),
            ));
        }
    }
    findings.extend(allowed_value_findings(rule, field, path));
    let tables: Vec<(&Field, &FieldTable)> = match &field.value {
        FieldValue::Table(t) => vec![(field, t)],
        FieldValue::Array(items) => items
            .iter()
            .filter_map(|i| i.as_table().map(|t| (i, t)))
            .collect(),
        _ => Vec::new(),
    };
    for (item, table) in tables {
        for name in &rule.def.item_fields {
            if !table.get(name).is_some_and(filled) {
                findings.push(at(
                    item,
                    format!("`{path}` entry has no `{name}`"),
                    format!("add `{name} = ...` to this entry"),
                ));
            }
        }
    }
    (!findings.is_empty()).then_some(findings)
}

fn allowed_value_findings(rule: &Rule, field: &Field, path: &str) -> Vec<Finding> {
    if rule.def.allowed_values.is_empty() {
        return Vec::new();
    }
    let values: Vec<&Field> = match &field.value {
        FieldValue::Array(items) => items.iter().collect(),
        _ => vec![field],
    };
    values
        .into_iter()
        .filter(|v| {
            !v.as_str()
                .is_some_and(|s| rule.def.allowed_values.iter().any(|a| a == s))
        })
        .map(|v| {
            at(
                v,
                format!(
                    "`{path}` is `{}`, not one of the allowed values",
                    v.to_text()
                ),
                format!("use one of: {}", rule.def.allowed_values.join(", ")),
            )
        })
        .collect()
}

fn heading_or_field(rule: &Rule, view: &DocView<'_>) -> Outcome {
    let path = rule.def.field.as_deref().unwrap_or_default();
    let field_findings = match field_side(rule, view.doc, path) {
        None => return Outcome::Met(None),
        Some(f) => f,
    };
    if !rule.headings.is_empty() {
        match heading_check(rule, view) {
            Outcome::Met(i) => return Outcome::Met(i),
            Outcome::Failed(heading_findings) if view.doc.field(path).is_none() => {
                let mut f = heading_findings;
                for finding in &mut f {
                    finding
                        .help
                        .push_str(&format!(" (or {})", field_example(path)));
                }
                return Outcome::Failed(f);
            }
            _ => {}
        }
    }
    Outcome::Failed(field_findings)
}

fn field_check(rule: &Rule, doc: &Document) -> Outcome {
    let path = rule.def.field.as_deref().unwrap_or_default();
    let Some(field) = doc.field(path).filter(|f| filled(f)) else {
        let mut finding = missing_field(rule, doc, path);
        let also: Vec<&str> = rule.also_fields().collect();
        if !also.is_empty() {
            finding
                .help
                .push_str(&format!(" (and also {})", also.join(", ")));
        }
        return Outcome::Failed(vec![finding]);
    };
    let mut findings = allowed_value_findings(rule, field, path);
    if let Some(text) = field.as_str() {
        if let Some(p) = &rule.field_pattern {
            if !p.is_match(text.trim()) {
                findings.push(at(
                    field,
                    format!("`{path}` is \"{text}\", which is not in the expected form"),
                    format!("{} (expected form: {})", rule.def.explanation, p.as_str()),
                ));
            }
        }
        let range = YearRange::parse(text);
        if rule.def.financial_year && findings.is_empty() && range.is_none() {
            findings.push(at(
                field,
                format!("`{path}` is \"{text}\", which is not a financial year"),
                "write a financial year such as \"2024/25\" (the second year follows the first)"
                    .to_string(),
            ));
        }
        if let (Some(min), Some(r)) = (rule.def.min_financial_years, range) {
            if r.years() < min {
                findings.push(at(
                    field,
                    format!(
                        "`{path}` covers {} financial years; at least {min} are needed",
                        r.years()
                    ),
                    format!("{} e.g. \"2026/27 to 2030/31\"", rule.def.explanation),
                ));
            }
        } else if rule.def.min_financial_years.is_some() && range.is_none() {
            findings.push(at(
                field,
                format!("`{path}` is not a range of financial years"),
                "write it as e.g. \"2026/27 to 2030/31\"".to_string(),
            ));
        }
    }
    if !rule.def.required_values_any.is_empty() {
        let values: Vec<&str> = field
            .as_array()
            .map(|a| a.iter().filter_map(Field::as_str).collect())
            .unwrap_or_default();
        let covered = rule
            .def
            .required_values_any
            .iter()
            .any(|set| set.iter().all(|v| values.contains(&v.as_str())));
        if !covered {
            let first = &rule.def.required_values_any[0];
            let missing: Vec<&str> = first
                .iter()
                .filter(|v| !values.contains(&v.as_str()))
                .map(String::as_str)
                .collect();
            findings.push(at(
                field,
                format!("`{path}` does not cover {}", missing.join(", ")),
                format!(
                    "{} e.g. {path} = [{}]",
                    rule.def.explanation,
                    first
                        .iter()
                        .map(|v| format!("\"{v}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    if findings.is_empty() {
        Outcome::Met(None)
    } else {
        Outcome::Failed(findings)
    }
}

fn keyword_check(rule: &Rule, view: &DocView<'_>, cx: &Context<'_>) -> Outcome {
    if rule
        .also_fields()
        .any(|p| view.doc.field(p).is_some_and(filled))
    {
        return Outcome::Met(None);
    }
    let within = rule.def.within.as_deref().and_then(|id| cx.pack.rule(id));
    let scoped;
    let text = match within {
        Some(target) => match view.text_within(target) {
            Some(t) => {
                scoped = t;
                &scoped
            }
            None => "",
        },
        None => view.text,
    };
    if keywords_match(rule, text) {
        return Outcome::Met(None);
    }
    let mut help = keyword_help(rule);
    if let Some(target) = within {
        help.push_str(&format!(
            " (in the section that meets {}{})",
            target.id(),
            example_heading(target)
                .map(|h| format!(", e.g. \"{h}\""))
                .unwrap_or_default()
        ));
    }
    fail(
        1,
        1,
        format!("not found: {}", lower_first(&rule.def.explanation)),
        help,
    )
}

/// Whether the rule's keywords match (all of them with `all_of`, else one).
pub fn keywords_match(rule: &Rule, text: &str) -> bool {
    if rule.def.all_of {
        rule.keywords.iter().all(|k| k.is_match(text))
    } else {
        rule.keywords.iter().any(|k| k.is_match(text))
    }
}

fn keyword_help(rule: &Rule) -> String {
    if let Some(example) = &rule.def.example {
        return format!("say so in the text, for example: \"{example}\"");
    }
    if let Some(h) = example_heading(rule) {
        return format!(
            "add a section, e.g. \"## {h}\", that does this: {}",
            lower_first(&rule.def.explanation)
        );
    }
    format!(
        "say so in the text: {} (checked by the wording /{}/)",
        lower_first(&rule.def.explanation),
        rule.def.keywords.first().map(String::as_str).unwrap_or("")
    )
}

fn item_field<'a>(item: &'a FieldTable, doc: &'a Document, cond: &Condition) -> Option<&'a Field> {
    match cond.target(true) {
        Target::Item(name) => item.get(name),
        Target::Document(path) => doc.field(path),
    }
}

fn item_check(rule: &Rule, doc: &Document) -> Outcome {
    if rule.def.retain_ended_days.is_some() {
        // A duty of the renderer (the register page and CSV keep ended declarations).
        return Outcome::Met(None);
    }
    let path = rule.def.items.as_deref().unwrap_or_default();
    let Some(items) = doc.field(path).and_then(Field::as_array) else {
        return Outcome::NotApplicable;
    };
    let mut findings = Vec::new();
    let mut checked = 0;
    for (n, item) in items.iter().enumerate() {
        let Some(table) = item.as_table() else {
            continue;
        };
        if let Some(cond) = &rule.applies_if {
            if !cond.holds(item_field(table, doc, cond)) {
                continue;
            }
        }
        checked += 1;
        findings.extend(item_findings(rule, doc, path, n + 1, item, table));
    }
    if checked == 0 {
        Outcome::NotApplicable
    } else if findings.is_empty() {
        Outcome::Met(None)
    } else {
        Outcome::Failed(findings)
    }
}

fn item_findings(
    rule: &Rule,
    doc: &Document,
    path: &str,
    number: usize,
    item: &Field,
    table: &FieldTable,
) -> Vec<Finding> {
    let mut out = Vec::new();
    // Made only for a finding: most entries of a register have none.
    let what = || lower_first(&rule.def.explanation);
    let entry = || format!("[[{path}]] entry {number}");
    for name in &rule.def.item_fields {
        match table.get(name).filter(|f| filled(f)) {
            None => out.push(at(
                item,
                format!("{entry} has no `{name}`", entry = entry()),
                format!("add `{name} = ...` to this entry: {what}", what = what()),
            )),
            Some(f) => out.extend(allowed_value_findings(rule, f, name)),
        }
    }
    if !rule.def.any_of_fields.is_empty()
        && !rule
            .def
            .any_of_fields
            .iter()
            .any(|n| table.get(n).is_some_and(filled))
    {
        out.push(at(
            item,
            format!(
                "{entry} has none of {}",
                rule.def.any_of_fields.join(", "),
                entry = entry()
            ),
            format!("add one of them: {what}", what = what()),
        ));
    }
    for (cond, fields) in &rule.conditional_fields {
        if cond.holds(item_field(table, doc, cond)) {
            for name in fields {
                if !table.get(name).is_some_and(filled) {
                    out.push(at(
                        item,
                        format!(
                            "{entry} has no `{name}` (needed when {})",
                            cond.path,
                            entry = entry()
                        ),
                        format!("add `{name} = ...`: {what}", what = what()),
                    ));
                }
            }
        }
    }
    if let [a, b] = rule.def.date_order_fields.as_slice() {
        if let (Some(da), Some(fb)) = (table.get(a).and_then(Field::as_date), table.get(b)) {
            if fb.as_date().is_some_and(|db| db < da) {
                out.push(at(
                    fb,
                    format!("{entry}: `{b}` is before `{a}`", entry = entry()),
                    format!("check the dates: {what}", what = what()),
                ));
            }
        }
    }
    if let Some(w) = &rule.def.within_days {
        let from: Option<Vec<Date>> = w
            .from_latest_of
            .iter()
            .map(|n| table.get(n).and_then(Field::as_date))
            .collect();
        if let (Some(field), Some(from)) = (table.get(&w.field), from) {
            let latest = from.into_iter().max();
            if let (Some(date), Some(latest)) = (field.as_date(), latest) {
                let days = (date - latest).whole_days();
                if days > w.days {
                    out.push(at(
                        field,
                        format!(
                            "{entry}: `{}` is {days} days after the latest of {}; at most {} are allowed",
                            w.field,
                            w.from_latest_of.join(", "),
                            w.days,
                            entry = entry()
                        ),
                        format!("record interests promptly: {what}", what = what()),
                    ));
                }
            }
        }
    }
    out
}

fn freshness(rule: &Rule, doc: &Document, today: Date) -> Outcome {
    let path = rule.def.field.as_deref().unwrap_or_default();
    let Some(field) = doc.field(path) else {
        return Outcome::Failed(vec![missing_field(rule, doc, path)]);
    };
    let Some(date) = field.as_date() else {
        return fail(
            field.line,
            field.column,
            format!("`{path}` is not a date"),
            "write it as YEAR-MONTH-DAY without quotes".to_string(),
        );
    };
    let max = rule.def.max_age_days.unwrap_or(365);
    let age = (today - date).whole_days();
    if age > max {
        return fail(
            field.line,
            field.column,
            format!(
                "`{path}` is {} ({age} days ago); at most {max} days are allowed",
                crate::content::fields::format_date(date)
            ),
            format!("{} Then update `{path}`.", rule.def.explanation),
        );
    }
    Outcome::Met(None)
}

fn date_order(rule: &Rule, doc: &Document) -> Outcome {
    let first = rule.def.field.as_deref().unwrap_or_default();
    let second = rule.def.before_field.as_deref().unwrap_or_default();
    let mut findings = Vec::new();
    let a = doc.field(first);
    let b = doc.field(second);
    for (path, f) in [(first, a), (second, b)] {
        if f.and_then(Field::as_date).is_none() {
            findings.push(missing_field(rule, doc, path));
        }
    }
    if let (Some(fa), Some(db)) = (a, b.and_then(Field::as_date)) {
        if fa.as_date().is_some_and(|da| da >= db) {
            findings.push(at(
                fa,
                format!("`{first}` is not before `{second}`"),
                lower_first(&rule.def.explanation),
            ));
        }
    }
    if findings.is_empty() {
        Outcome::Met(None)
    } else {
        Outcome::Failed(findings)
    }
}

fn revision(rule: &Rule, view: &DocView<'_>, cx: &Context<'_>) -> Outcome {
    let path = rule.def.field.as_deref().unwrap_or_default();
    let Some((field, record)) = view
        .doc
        .field(path)
        .and_then(|f| f.as_table().map(|t| (f, t)))
    else {
        return Outcome::NotApplicable;
    };
    let flag = |k: &str| record.get(k).and_then(Field::as_bool);
    if flag("revised") != Some(true) && flag("significant") != Some(true) {
        return Outcome::NotApplicable;
    }
    let mut findings = Vec::new();
    if record.get("date").and_then(Field::as_date).is_none() {
        findings.push(at(
            field,
            format!("`{path}` has no `date`"),
            "add `date = YEAR-MONTH-DAY`: when the plan was revised".to_string(),
        ));
    }
    match flag("significant") {
        None => findings.push(at(
            field,
            format!("`{path}` does not say whether the revision is significant"),
            "add `significant = true` or `significant = false`".to_string(),
        )),
        Some(true) => {
            for id in &rule.def.significant_requires_rules {
                let Some(required) = cx.pack.rule(id) else {
                    continue;
                };
                if let Outcome::Failed(_) = evaluate(required, view, cx) {
                    findings.push(at(
                        field,
                        format!("a significant revision needs {id}, which is not met"),
                        format!("{} (see {id})", required.def.explanation),
                    ));
                }
            }
        }
        Some(false) => {
            for key in &rule.def.minor_requires_fields {
                if !record.get(key).is_some_and(filled) {
                    findings.push(at(
                        field,
                        format!("`{path}` has no `{key}`"),
                        format!("add `{key} = ...` to the revision record"),
                    ));
                }
            }
        }
    }
    if findings.is_empty() {
        Outcome::Met(None)
    } else {
        Outcome::Failed(findings)
    }
}

/// Which of a pack's site rules a document's text speaks to: found while each document's text
/// is at hand, so that the texts of the whole site are never held at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteKeywordHits {
    /// Ids of site rules whose `keywords` the text matches.
    pub keywords: Vec<String>,
    /// Ids of site rules whose `alternative_keywords` the text matches.
    pub alternatives: Vec<String>,
}

impl SiteKeywordHits {
    /// The site rules of `pack` that `text` (plain, lower case) speaks to: all of them, or,
    /// with `open`, only those still open; with `settles` (the text counts for the site
    /// rules) what it finds settles them for the rest.
    pub fn of_text(pack: &Pack, text: &str, open: Option<(&SiteSearches, bool)>) -> Self {
        let (searches, settles) = match open {
            Some((searches, settles)) => (Some(searches), settles),
            None => (None, false),
        };
        let mut hits = SiteKeywordHits::default();
        for (i, (_, rule)) in pack.site_rules().enumerate() {
            if rule.check == CheckKind::Keyword
                && searches.is_none_or(|s| !s.keyword_found(i))
                && keywords_match(rule, text)
            {
                hits.keywords.push(rule.id().to_string());
                if let (Some(s), true) = (searches, settles) {
                    s.settle_keyword(i);
                }
            }
            if searches.is_none_or(|s| s.alternatives_needed(i))
                && rule.alternative_keywords.iter().any(|k| k.is_match(text))
            {
                hits.alternatives.push(rule.id().to_string());
            }
        }
        hits
    }

    /// Adds another document's hits (each rule once).
    pub fn extend(&mut self, other: SiteKeywordHits) {
        for (mine, theirs) in [
            (&mut self.keywords, other.keywords),
            (&mut self.alternatives, other.alternatives),
        ] {
            for id in theirs {
                if !mine.contains(&id) {
                    mine.push(id);
                }
            }
        }
    }
}

/// What the documents checked so far have settled about the site rules' searches, so that a
/// one-shot check (`check`, `build`) searches each text only for what is still open: once one
/// document has a site rule's keywords, the others need not be searched for them (the site
/// rule asks whether any document has them), and alternative wording for a published page
/// is not needed when the site has the page. Every text was searched three times over for
/// this, 5% of `check`. `serve` keeps each document's own hits instead, as edits can take
/// them away.
#[derive(Debug)]
pub struct SiteSearches {
    /// Per site rule (in [`Pack::site_rules`] order): whether a counted text had its keywords.
    keywords_found: Vec<AtomicBool>,
    /// Per site rule: whether its alternative wording can still change its outcome.
    alternatives_needed: Vec<bool>,
}

impl SiteSearches {
    /// Nothing settled yet for `pack`'s site rules, given the documents that count for them
    /// (non-draft, under the pack's regime).
    pub fn new<'a>(pack: &Pack, counted: impl Iterator<Item = &'a Document> + Clone) -> Self {
        let alternatives_needed = pack
            .site_rules()
            .map(|(_, rule)| {
                let kind = rule.page_kind.unwrap_or(Kind::Page);
                // A page of the kind makes the alternative moot, unless only a page of the
                // current period counts (then leave the search to evaluate_site).
                rule.def.current_period || !counted.clone().any(|d| d.kind == kind)
            })
            .collect();
        SiteSearches {
            keywords_found: pack.site_rules().map(|_| AtomicBool::new(false)).collect(),
            alternatives_needed,
        }
    }

    fn keyword_found(&self, i: usize) -> bool {
        self.keywords_found
            .get(i)
            .is_some_and(|f| f.load(Ordering::Relaxed))
    }

    fn settle_keyword(&self, i: usize) {
        if let Some(found) = self.keywords_found.get(i) {
            found.store(true, Ordering::Relaxed);
        }
    }

    fn alternatives_needed(&self, i: usize) -> bool {
        self.alternatives_needed.get(i).copied().unwrap_or(true)
    }
}

/// What site rules see: the documents judged under the site's regime, and the build date.
pub struct SiteView<'a> {
    /// Non-draft documents under the site's regime.
    pub documents: Vec<&'a Document>,
    /// The site rules their texts speak to.
    pub hits: SiteKeywordHits,
    /// The build date.
    pub today: Date,
    /// Whether the site's theme links every page to the accessibility statement.
    pub theme_links_statement: bool,
}

/// Evaluates a site rule.
pub fn evaluate_site(rule: &Rule, site: &SiteView<'_>) -> Outcome {
    if rule.applies_from.is_some_and(|from| site.today < from) {
        return Outcome::NotApplicable;
    }
    let of_kind = |k: Kind| site.documents.iter().filter(move |d| d.kind == k);
    match rule.check {
        CheckKind::SitePage => {
            let kind = rule.page_kind.unwrap_or(Kind::Page);
            let found = if rule.def.current_period {
                let year = FinancialYear::containing(site.today).start();
                of_kind(kind).any(|d| period_start(d).is_some() && period_start(d) == year)
            } else {
                of_kind(kind).next().is_some()
            };
            let alternative = site.hits.alternatives.iter().any(|id| id == rule.id());
            if found || alternative {
                Outcome::Met(None)
            } else {
                let message = if rule.def.current_period {
                    format!(
                        "no document of kind `{}` covers the current financial year",
                        kind.as_str()
                    )
                } else {
                    format!(
                        "no document of kind `{}` ({}) is published",
                        kind.as_str(),
                        kind.title()
                    )
                };
                fail(
                    1,
                    1,
                    message,
                    format!(
                        "{} Add a document with kind = \"{}\" (ccg-site new {})",
                        rule.def.explanation,
                        kind.as_str(),
                        kind.as_str()
                    ),
                )
            }
        }
        CheckKind::SiteLink => {
            if of_kind(rule.page_kind.unwrap_or(Kind::Page))
                .next()
                .is_none()
            {
                Outcome::NotApplicable
            } else if site.theme_links_statement {
                Outcome::Met(None)
            } else {
                fail(
                    1,
                    1,
                    "the theme's base.html does not link to the accessibility statement"
                        .to_string(),
                    format!(
                        "{} Use {{{{ site.accessibility_url }}}} in the footer of base.html",
                        rule.def.explanation
                    ),
                )
            }
        }
        CheckKind::Keyword => {
            if site.hits.keywords.iter().any(|id| id == rule.id()) {
                Outcome::Met(None)
            } else {
                fail(
                    1,
                    1,
                    format!(
                        "not found on any page: {}",
                        lower_first(&rule.def.explanation)
                    ),
                    keyword_help(rule),
                )
            }
        }
        _ => Outcome::NotApplicable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compliance::pack::pack_for;
    use crate::config::{RawHtmlPolicy, Regime};
    use crate::content::{parse_document, ReadOptions};

    /// Parses a document under the ICB regime, or the CCG one if its kind or fields need it.
    fn doc(text: &str) -> Document {
        let path = std::path::Path::new("content/x.md");
        let read = |regime| ReadOptions {
            raw_html: RawHtmlPolicy::Sanitize,
            regime,
        };
        parse_document(path, text, read(Regime::Icb2022))
            .or_else(|_| parse_document(path, text, read(Regime::Ccg2013)))
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn outcome(regime: &str, id: &str, d: &Document) -> Outcome {
        let pack = pack_for(regime).unwrap();
        let today = Date::from_calendar_date(2026, time::Month::November, 30).unwrap();
        let cx = Context { pack, today };
        evaluate(pack.rule(id).unwrap(), &DocView::new(d), &cx)
    }

    fn report(year: &str, body: &str) -> Document {
        doc(&format!(
            "+++\ntitle = \"R\"\nkind = \"annual-report\"\n[report]\nfinancial_year = \"{year}\"\n+++\n{body}"
        ))
    }

    #[test]
    fn applies_from_reads_typed_financial_years() {
        let rule = "annual-report.jfp-review";
        assert_eq!(
            outcome("icb-2022", rule, &report("2022/23", "")),
            Outcome::NotApplicable
        );
        for year in ["2023/24", "2023-24", "2023/2024"] {
            assert!(
                matches!(
                    outcome("icb-2022", rule, &report(year, "")),
                    Outcome::Failed(_)
                ),
                "{year}"
            );
        }
        let met = report(
            "2024/25",
            "We reviewed our joint forward plan with partners.\n",
        );
        assert_eq!(outcome("icb-2022", rule, &met), Outcome::Met(None));
    }

    #[test]
    fn min_words_with_link_accepts_a_synopsis_with_a_link() {
        let words = "word ".repeat(35);
        let with_link = report(
            "2024/25",
            &format!(
                "## Working with people and communities\n\n{words} [full report](/involvement/)\n"
            ),
        );
        assert_eq!(
            outcome("icb-2022", "annual-report.public-involvement", &with_link),
            Outcome::Met(Some(0))
        );
        let without = report(
            "2024/25",
            &format!("## Working with people and communities\n\n{words}\n"),
        );
        let Outcome::Failed(f) = outcome("icb-2022", "annual-report.public-involvement", &without)
        else {
            panic!("a 35-word section without a link needs 100 words");
        };
        assert!(f[0].message.contains("at least 100"), "{}", f[0].message);
        assert_eq!(f[0].line, 7);
    }

    #[test]
    fn a_heading_over_tbc_does_not_meet_a_duty() {
        let d = report("2023/24", "## Reducing health inequalities\n\nTBC\n");
        let Outcome::Failed(f) = outcome("ccg-2013", "annual-report.inequalities", &d) else {
            panic!("TBC is not a section");
        };
        assert!(f[0].message.contains("1 word"), "{}", f[0].message);
        let sub = format!(
            "## Reducing health inequalities\n\n### Blood pressure\n\n{}\n",
            "word ".repeat(30)
        );
        assert_eq!(
            outcome(
                "ccg-2013",
                "annual-report.inequalities",
                &report("2023/24", &sub)
            ),
            Outcome::Met(Some(0)),
            "sub-sections' words count"
        );
    }

    fn plan(revision: &str, body: &str) -> Document {
        doc(&format!(
            "+++\ntitle = \"P\"\nkind = \"commissioning-plan\"\n[plan]\nperiod = \"2024/25\"\n[plan.revision]\n{revision}\n+++\n{body}"
        ))
    }

    #[test]
    fn a_significant_revision_needs_its_required_rules() {
        let rule = "commissioning-plan.revision";
        assert_eq!(
            outcome(
                "ccg-2013",
                rule,
                &plan("revised = false\nsignificant = false", "")
            ),
            Outcome::NotApplicable
        );
        let Outcome::Failed(f) = outcome(
            "ccg-2013",
            rule,
            &plan("revised = true\nsignificant = true\ndate = 2024-09-01", ""),
        ) else {
            panic!("the consultation and HWB opinion are missing");
        };
        let named: Vec<&str> = f.iter().map(|x| x.message.as_str()).collect();
        assert!(
            named
                .iter()
                .any(|m| m.contains("commissioning-plan.hwb-final-opinion")),
            "{named:?}"
        );
        assert_eq!(f[0].line, 6, "at the revision record");
        assert_eq!(
            outcome(
                "ccg-2013",
                rule,
                &plan("revised = true\nsignificant = false\ndate = 2024-09-01", "")
            ),
            Outcome::Met(None)
        );
    }

    #[test]
    fn five_year_horizon_counts_financial_years() {
        let rule = pack_for("icb-2022")
            .unwrap()
            .rule("joint-forward-plan.five-year-horizon")
            .unwrap();
        let mut d = report("2024/25", "");
        let field = |v: &str| crate::content::Field {
            value: FieldValue::String(v.to_string()),
            line: 3,
            column: 1,
        };
        let set = |d: &mut Document, v: &str| {
            d.fields.entries.push((
                "plan".to_string(),
                crate::content::Field {
                    value: FieldValue::Table(FieldTable {
                        entries: vec![("period".to_string(), field(v))],
                    }),
                    line: 2,
                    column: 1,
                },
            ));
        };
        set(&mut d, "2026/27 to 2030/31");
        assert_eq!(field_check(rule, &d), Outcome::Met(None));
        d.fields.entries.pop();
        set(&mut d, "2026/27 to 2029/30");
        assert!(matches!(field_check(rule, &d), Outcome::Failed(_)));
    }
}
