//! Printers: one [`Report`] shown as rustc-style text, JSON, GitHub workflow commands,
//! SARIF 2.1.0 or JUnit XML. Every format lists the waivers and marks unverified citations.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{json, Value};

use super::lints::LINTS;
use super::{Diagnostic, DutyStatus, Report, Severity, SITE_FILE};

/// An output format of `ccg-site check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Text in the style of rustc.
    Human,
    /// One JSON object.
    Json,
    /// GitHub Actions workflow commands (`::error file=...::message`).
    Github,
    /// SARIF 2.1.0.
    Sarif,
    /// JUnit XML.
    Junit,
}

impl Format {
    /// Every format name.
    pub const NAMES: &'static [&'static str] = &["human", "json", "github", "sarif", "junit"];

    /// Parses a format name.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "human" => Some(Format::Human),
            "json" => Some(Format::Json),
            "github" => Some(Format::Github),
            "sarif" => Some(Format::Sarif),
            "junit" => Some(Format::Junit),
            _ => None,
        }
    }
}

/// How to print.
#[derive(Debug, Clone, Copy, Default)]
pub struct PrintOptions {
    /// ANSI colour (human format only).
    pub color: bool,
    /// Warnings count as failures.
    pub deny_warnings: bool,
}

/// The report in a format.
pub fn render(report: &Report, format: Format, options: PrintOptions) -> String {
    match format {
        Format::Human => human(report, options),
        Format::Json => json_report(report),
        Format::Github => github(report),
        Format::Sarif => sarif(report),
        Format::Junit => junit(report, options),
    }
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// One finding in rustc style (without the trailing blank line).
pub fn human_diagnostic(d: &Diagnostic, color: bool) -> String {
    let (label, code) = match d.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
    };
    let mut out = format!(
        "{}: {}\n  {} {}:{}:{}\n",
        paint(color, code, &format!("{label}[{}]", d.rule)),
        paint(color, "1", &d.message),
        paint(color, "1;34", "-->"),
        d.file.display(),
        d.line,
        d.column
    );
    if let Some(regime) = &d.regime {
        let _ = writeln!(
            out,
            "   {} judged under {regime} (a predecessor body's document)",
            paint(color, "1;34", "= note:")
        );
    }
    if !d.citation.is_empty() {
        let _ = writeln!(out, "   {} {}", paint(color, "1;34", "= law:"), d.citation);
    }
    let _ = writeln!(out, "   {} {}", paint(color, "1;34", "= help:"), d.help);
    out
}

/// `n` and the noun, plural unless `n` is 1: "1 error", "2 errors".
pub fn counted(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// The closing summary line.
pub fn summary_line(report: &Report) -> String {
    let plural = counted;
    let waivers = if report.waivers.is_empty() {
        String::new()
    } else {
        format!(", {}", plural(report.waivers.len(), "waiver"))
    };
    let raw_html = if report.raw_html.is_empty() {
        String::new()
    } else {
        format!(", raw HTML: {}", report.raw_html)
    };
    format!(
        "{}, {} in {} (regime {}{raw_html}{waivers})",
        plural(report.errors(), "error"),
        plural(report.warnings(), "warning"),
        plural(report.documents, "document"),
        report.regime
    )
}

fn human(report: &Report, options: PrintOptions) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(&human_diagnostic(d, options.color));
        out.push('\n');
    }
    for w in &report.waivers {
        let n = report.waived.iter().filter(|d| d.rule == w.rule).count();
        let _ = writeln!(
            out,
            "{}: {} ({} set aside)",
            paint(options.color, "1;36", &format!("waived[{}]", w.rule)),
            w.reason,
            match n {
                1 => "1 finding".to_string(),
                n => format!("{n} findings"),
            }
        );
    }
    let code = if report.errors() > 0 {
        "1;31"
    } else if report.warnings() > 0 {
        "1;33"
    } else {
        "1;32"
    };
    let _ = writeln!(out, "{}", paint(options.color, code, &summary_line(report)));
    out
}

fn diagnostic_json(d: &Diagnostic) -> Value {
    let mut v = json!({
        "rule": d.rule,
        "severity": d.severity.as_str(),
        "file": d.file.to_string_lossy().replace('\\', "/"),
        "line": d.line,
        "column": d.column,
        "message": d.message,
        "citation": d.citation,
        "help": d.help,
    });
    if let (Some(regime), Some(obj)) = (&d.regime, v.as_object_mut()) {
        obj.insert("regime".to_string(), json!(regime));
    }
    v
}

fn json_report(report: &Report) -> String {
    let waivers: Vec<Value> = report
        .waivers
        .iter()
        .map(|w| {
            json!({
                "rule": w.rule,
                "reason": w.reason,
                "findings": report.waived.iter().filter(|d| d.rule == w.rule).count(),
            })
        })
        .collect();
    let value = json!({
        "version": 1,
        "summary": {
            "errors": report.errors(),
            "warnings": report.warnings(),
            "documents": report.documents,
            "raw_html": report.raw_html,
        },
        "diagnostics": report.diagnostics.iter().map(diagnostic_json).collect::<Vec<_>>(),
        "waivers": waivers,
    });
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
    s.push('\n');
    s
}

/// Escapes a workflow-command message: `%`, CR and LF.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property: as data, plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let message = format!("{}\nlaw: {}\nhelp: {}", d.message, d.citation, d.help);
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},title={}::{}",
            escape_property(&d.file.to_string_lossy()),
            d.line,
            d.column,
            escape_property(&d.rule),
            escape_data(&message)
        );
    }
    for w in &report.waivers {
        let _ = writeln!(
            out,
            "::notice file={},title={}::{}",
            SITE_FILE,
            escape_property(&format!("waived {}", w.rule)),
            escape_data(&w.reason)
        );
    }
    let _ = writeln!(out, "{}", summary_line(report));
    out
}

/// A rule's description for SARIF and JUnit: explanation and citation.
fn rule_text(id: &str) -> (String, String, bool) {
    if let Some(l) = LINTS.iter().find(|l| l.id == id) {
        return (l.explanation.to_string(), l.citation.to_string(), true);
    }
    if id == super::policy::SUPERSEDED_ID_RULE {
        return (
            super::policy::SUPERSEDED_ID_EXPLANATION.to_string(),
            super::policy::SUPERSEDED_ID_CITATION.to_string(),
            true,
        );
    }
    super::pack::packs()
        .ok()
        .and_then(|ps| ps.into_iter().find_map(|p| p.rule(id)))
        .map(|r| {
            (
                r.def.explanation.clone(),
                r.def.citation.clone(),
                r.verified,
            )
        })
        .unwrap_or_default()
}

fn sentence(s: &str) -> String {
    let t = s.trim();
    if t.ends_with(['.', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn sarif(report: &Report) -> String {
    let all: Vec<(&Diagnostic, Option<&str>)> = report
        .diagnostics
        .iter()
        .map(|d| (d, None))
        .chain(report.waived.iter().map(|d| {
            let reason = report
                .waivers
                .iter()
                .find(|w| w.rule == d.rule)
                .map(|w| w.reason.as_str());
            (d, reason.or(Some("waived")))
        }))
        .collect();
    let mut index: BTreeMap<&str, (usize, Severity)> = BTreeMap::new();
    for (d, _) in &all {
        let n = index.len();
        index.entry(d.rule.as_str()).or_insert((n, d.severity));
    }
    let mut rules: Vec<(usize, Value)> = index
        .iter()
        .map(|(id, (i, severity))| {
            let (explanation, citation, verified) = rule_text(id);
            let law = if verified {
                citation.clone()
            } else {
                format!("{citation} [citation not verified]")
            };
            (
                *i,
                json!({
                    "id": id,
                    "name": rule_name(id),
                    "shortDescription": {"text": sentence(&explanation)},
                    "fullDescription": {"text": sentence(&format!("{explanation} Law: {law}"))},
                    "help": {"text": sentence(&format!("{explanation} Run `ccg-site explain {id}` for how it is checked and an example that passes"))},
                    "defaultConfiguration": {"level": sarif_level(*severity)},
                    "properties": {"citation": citation, "citationVerified": verified},
                }),
            )
        })
        .collect();
    rules.sort_by_key(|(i, _)| *i);
    let results: Vec<Value> = all
        .iter()
        .map(|(d, waived)| {
            let mut r = json!({
                "ruleId": d.rule,
                "ruleIndex": index.get(d.rule.as_str()).map(|(i, _)| *i).unwrap_or(0),
                "level": sarif_level(d.severity),
                "message": {"text": sentence(&format!("{} Law: {}. Help: {}", d.message, d.citation.trim_end_matches('.'), d.help))},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": d.file.to_string_lossy().replace('\\', "/"), "uriBaseId": "SITEROOT"},
                        "region": {"startLine": d.line, "startColumn": d.column},
                    }
                }],
            });
            if let (Some(reason), Some(obj)) = (waived, r.as_object_mut()) {
                obj.insert(
                    "suppressions".to_string(),
                    json!([{"kind": "external", "status": "accepted", "justification": reason}]),
                );
            }
            if let (Some(regime), Some(obj)) = (&d.regime, r.as_object_mut()) {
                obj.insert("properties".to_string(), json!({"regime": regime}));
            }
            r
        })
        .collect();
    let value = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ccg-site",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://www.nhs.uk/",
                "rules": rules.into_iter().map(|(_, r)| r).collect::<Vec<_>>(),
            }},
            "originalUriBaseIds": {"SITEROOT": {"description": {"text": "The site folder (holding site.toml)."}}},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {
                "regime": report.regime,
                "documents": report.documents,
                "waivers": report.waivers,
            },
        }],
    });
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
    s.push('\n');
    s
}

/// `annual-report.public-meeting` -> `AnnualReportPublicMeeting`.
fn rule_name(id: &str) -> String {
    id.split(['.', '-'])
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// Escapes text for XML content and attributes.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

struct Case {
    name: String,
    body: String,
    failed: bool,
    skipped: bool,
}

fn junit_case(
    rule: &str,
    status: DutyStatus,
    findings: &[&Diagnostic],
    waiver: Option<&str>,
    options: PrintOptions,
) -> Case {
    let failing: Vec<&&Diagnostic> = findings
        .iter()
        .filter(|d| d.severity == Severity::Error || options.deny_warnings)
        .collect();
    let detail = |d: &Diagnostic| {
        format!(
            "{}:{}:{}: {}\nlaw: {}\nhelp: {}",
            d.file.display(),
            d.line,
            d.column,
            d.message,
            d.citation,
            d.help
        )
    };
    let mut body = String::new();
    let (failed, skipped) = if let Some(first) = failing.first() {
        let text = failing
            .iter()
            .map(|d| detail(d))
            .collect::<Vec<_>>()
            .join("\n\n");
        let _ = write!(
            body,
            "<failure type=\"{}\" message=\"{}\">{}</failure>",
            first.severity.as_str(),
            xml_escape(&first.message),
            xml_escape(&text)
        );
        (true, false)
    } else if status == DutyStatus::Waived || waiver.is_some() && !findings.is_empty() {
        let _ = write!(
            body,
            "<skipped message=\"{}\"/>",
            xml_escape(&format!("waived: {}", waiver.unwrap_or("waived")))
        );
        (false, true)
    } else if status == DutyStatus::NotApplicable {
        body.push_str("<skipped message=\"not applicable\"/>");
        (false, true)
    } else {
        if !findings.is_empty() {
            let text = findings
                .iter()
                .map(|d| format!("warning: {}", detail(d)))
                .collect::<Vec<_>>()
                .join("\n\n");
            let _ = write!(body, "<system-out>{}</system-out>", xml_escape(&text));
        }
        (false, false)
    };
    Case {
        name: rule.to_string(),
        body,
        failed,
        skipped,
    }
}

fn junit_suite(out: &mut String, name: &str, file: &str, cases: &[Case]) {
    let failures = cases.iter().filter(|c| c.failed).count();
    let skipped = cases.iter().filter(|c| c.skipped).count();
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
        xml_escape(name),
        cases.len()
    );
    for c in cases {
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\">",
            xml_escape(name),
            xml_escape(&c.name),
            xml_escape(file)
        );
        out.push_str(&c.body);
        out.push_str("</testcase>\n");
    }
    out.push_str("  </testsuite>\n");
}

fn junit(report: &Report, options: PrintOptions) -> String {
    let waiver = |id: &str| {
        report
            .waivers
            .iter()
            .find(|w| w.rule == id)
            .map(|w| w.reason.as_str())
    };
    let findings_in = |list: &'_ [Diagnostic], file: &str, rule: &str| -> usize {
        list.iter()
            .filter(|d| d.rule == rule && d.file.to_string_lossy().replace('\\', "/") == file)
            .count()
    };
    let active = |file: &str, rule: &str| -> Vec<&Diagnostic> {
        report
            .diagnostics
            .iter()
            .filter(|d| d.rule == rule && d.file.to_string_lossy().replace('\\', "/") == file)
            .collect()
    };
    let mut suites: Vec<(String, String, Vec<Case>)> = Vec::new();
    for o in &report.outcomes {
        let file = o.file.to_string_lossy().replace('\\', "/");
        let mut cases: Vec<Case> = o
            .duties
            .iter()
            .map(|duty| {
                let f = active(&file, duty.rule);
                junit_case(duty.rule, duty.status, &f, waiver(duty.rule), options)
            })
            .collect();
        for lint in LINTS {
            let f = active(&file, lint.id);
            let status = if f.is_empty() && findings_in(&report.waived, &file, lint.id) > 0 {
                DutyStatus::Waived
            } else {
                DutyStatus::Met
            };
            cases.push(junit_case(lint.id, status, &f, waiver(lint.id), options));
        }
        let name = if o.regime == report.regime {
            file.clone()
        } else {
            format!("{file} ({})", o.regime)
        };
        suites.push((name, file, cases));
    }
    let site_cases: Vec<Case> = report
        .site_duties
        .iter()
        .map(|duty| {
            let f = active(SITE_FILE, duty.rule);
            junit_case(duty.rule, duty.status, &f, waiver(duty.rule), options)
        })
        .collect();
    suites.push(("site".to_string(), SITE_FILE.to_string(), site_cases));
    let tests: usize = suites.iter().map(|s| s.2.len()).sum();
    let failures: usize = suites
        .iter()
        .map(|s| s.2.iter().filter(|c| c.failed).count())
        .sum();
    let skipped: usize = suites
        .iter()
        .map(|s| s.2.iter().filter(|c| c.skipped).count())
        .sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"ccg-site check ({})\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
        xml_escape(&report.regime)
    );
    for (name, file, cases) in &suites {
        junit_suite(&mut out, name, file, cases);
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn xml_escaping() {
        assert_eq!(xml_escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
        assert_eq!(xml_escape("x\u{1}y"), "xy");
    }

    #[test]
    fn rule_names() {
        assert_eq!(
            rule_name("annual-report.public-meeting"),
            "AnnualReportPublicMeeting"
        );
    }
}
