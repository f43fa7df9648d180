//! What `serve` adds to the HTML it serves, and only there: the live-reload script, and a panel
//! with the build errors (an overlay over the last good version) and the compliance findings of
//! the page being viewed. Never part of a built site, never in the theme.
//!
//! The panel is an `aside` landmark; build errors are announced (`role="alert"`). Its colours
//! meet WCAG AA contrast, and it sits fixed at the bottom of the window, so the page under it
//! keeps its layout (the page gets room at its end to scroll everything into view).

use crate::compliance::{Diagnostic, Severity};
use crate::error::SiteError;

/// The Server-Sent Events endpoint.
pub const EVENTS_PATH: &str = "/__ccg-site/events";
/// The live-reload script.
pub const SCRIPT_PATH: &str = "/__ccg-site/live-reload.js";
/// The panel's stylesheet.
pub const STYLE_PATH: &str = "/__ccg-site/preview.css";
/// The live-reload script's source.
pub const SCRIPT: &str = include_str!("live-reload.js");
/// The panel's stylesheet's source.
pub const STYLE: &str = include_str!("preview.css");

/// Adds the live-reload script (knowing `version`), and the panel when there are `problems` or
/// `findings`, to a page.
pub fn decorate_html(
    html: &str,
    version: u64,
    problems: &[SiteError],
    findings: &[Diagnostic],
) -> String {
    let head = format!(
        "<link rel=\"stylesheet\" href=\"{STYLE_PATH}\"><script src=\"{SCRIPT_PATH}\" data-version=\"{version}\" defer></script>"
    );
    let panel = panel(problems, findings);
    let mut out = String::with_capacity(html.len() + head.len() + panel.len());
    match find_ascii_ci(html, "</head>") {
        Some(at) => {
            out.push_str(&html[..at]);
            out.push_str(&head);
            out.push_str(&html[at..]);
        }
        None => {
            out.push_str(&head);
            out.push_str(html);
        }
    }
    if !panel.is_empty() {
        match find_ascii_ci(&out, "</body>") {
            Some(at) => out.insert_str(at, &panel),
            None => out.push_str(&panel),
        }
    }
    out
}

/// A page of its own, for when no version of the site has built yet.
pub fn error_page(problems: &[SiteError], version: u64) -> String {
    let page = "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>The site could not be built - ccg-site preview</title></head><body>\
<main><h1>The site could not be built</h1><p>Fix the problems listed below and save the file: \
this page reloads by itself.</p></main></body></html>";
    decorate_html(page, version, problems, &[])
}

/// Byte position of `needle` (ASCII) in `haystack`, ignoring ASCII case; the last occurrence.
fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let hay = haystack.as_bytes();
    let n = needle.as_bytes();
    (0..=hay.len().checked_sub(n.len())?)
        .rev()
        .find(|&i| hay[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// The panel, or "" when there is nothing to show.
pub fn panel(problems: &[SiteError], findings: &[Diagnostic]) -> String {
    if problems.is_empty() && findings.is_empty() {
        return String::new();
    }
    let mut html = String::from(
        "<aside class=\"ccg-preview\" aria-label=\"ccg-site preview messages\" tabindex=\"0\">",
    );
    if !problems.is_empty() {
        html.push_str(&error_section(problems));
    }
    if !findings.is_empty() {
        html.push_str(&findings_section(findings));
    }
    html.push_str("</aside>");
    html
}

fn error_section(problems: &[SiteError]) -> String {
    let count = problems.len();
    let mut html = format!(
        "<section class=\"ccg-preview__section\" role=\"alert\" aria-labelledby=\"ccg-preview-errors\">\
<h2 class=\"ccg-preview__heading\" id=\"ccg-preview-errors\"><span class=\"ccg-preview__tag\">Build error</span>\
The site could not be rebuilt ({count} problem{})</h2>\
<p class=\"ccg-preview__intro\">You are seeing the last version that built. Fix the problem and save: \
the page reloads by itself.</p><ul class=\"ccg-preview__list\">",
        plural(count)
    );
    for p in problems {
        html.push_str("<li class=\"ccg-preview__item\">");
        if let Some(location) = p.location() {
            html.push_str(&format!(
                "<p class=\"ccg-preview__where\">{}</p>",
                escape(&location)
            ));
        }
        html.push_str(&format!("<p>{}</p>", escape(&p.message)));
        if let Some(help) = &p.help {
            html.push_str(&format!("<p><strong>Help:</strong> {}</p>", escape(help)));
        }
        html.push_str("</li>");
    }
    html.push_str("</ul></section>");
    html
}

fn findings_section(findings: &[Diagnostic]) -> String {
    let count = findings.len();
    let mut html = format!(
        "<section class=\"ccg-preview__section\" aria-labelledby=\"ccg-preview-findings\">\
<h2 class=\"ccg-preview__heading\" id=\"ccg-preview-findings\">{count} compliance finding{} on this page</h2>\
<p class=\"ccg-preview__intro\">Shown only in this preview. `ccg-site build` refuses to publish \
while any finding is an error.</p><ul class=\"ccg-preview__list\">",
        plural(count)
    );
    for d in findings {
        let (label, modifier) = match d.severity {
            Severity::Error => ("Error", ""),
            Severity::Warning => ("Warning", " ccg-preview__item--warning"),
        };
        let tag_modifier = if modifier.is_empty() {
            ""
        } else {
            " ccg-preview__tag--warning"
        };
        html.push_str(&format!(
            "<li class=\"ccg-preview__item{modifier}\"><p><span class=\"ccg-preview__tag{tag_modifier}\">{label}</span>\
{message}</p><p class=\"ccg-preview__where\">{rule} at {file}:{line}:{column}</p>\
<p><strong>Law:</strong> {citation}</p><p><strong>Help:</strong> {help}</p></li>",
            message = escape(&d.message),
            rule = escape(&d.rule),
            file = escape(&d.file.display().to_string()),
            line = d.line,
            column = d.column,
            citation = escape(&d.citation),
            help = escape(&d.help),
        ));
    }
    html.push_str("</ul></section>");
    html
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use std::path::PathBuf;

    const PAGE: &str = "<!DOCTYPE html><html><head><title>t</title></head><body><main><h1>Plan</h1></main></body></html>";

    fn finding(severity: Severity) -> Diagnostic {
        Diagnostic {
            rule: "annual-report.reducing-inequalities".into(),
            severity,
            file: PathBuf::from("content/annual-reports/2023-24.md"),
            line: 1,
            column: 1,
            message: "missing required section \"Reducing inequalities\"".into(),
            citation: "National Health Service Act 2006, s.14Z15(2)(b)".into(),
            help: "add a section <e.g. ## Reducing health inequalities>".into(),
            regime: None,
        }
    }

    #[test]
    fn adds_only_the_script_to_a_clean_page() {
        let html = decorate_html(PAGE, 7, &[], &[]);
        let script =
            format!("<script src=\"{SCRIPT_PATH}\" data-version=\"7\" defer></script></head>");
        assert!(html.contains(&script), "{html}");
        assert!(!html.contains("ccg-preview\""), "{html}");
        assert!(html.ends_with("<main><h1>Plan</h1></main></body></html>"));
    }

    #[test]
    fn shows_build_errors_as_an_alert_with_location_and_help() {
        let problem = SiteError::new(ErrorKind::FrontMatter, "expected `=` after a key <here>")
            .in_file("content/about-us.md")
            .at(3, 7)
            .with_help("write key = \"value\"");
        let html = decorate_html(PAGE, 2, &[problem], &[]);
        let panel_at = html.find("<aside class=\"ccg-preview\"").expect("panel");
        assert!(panel_at > html.find("</main>").unwrap());
        assert!(html[panel_at..].contains("role=\"alert\""));
        assert!(html.contains("content/about-us.md:3:7"));
        assert!(html.contains("expected `=` after a key &lt;here&gt;"));
        assert!(html.contains("<strong>Help:</strong> write key = &quot;value&quot;"));
        assert!(
            html.contains("<main><h1>Plan</h1></main>"),
            "the page stays"
        );
    }

    #[test]
    fn shows_compliance_findings_with_rule_message_and_law() {
        let html = decorate_html(
            PAGE,
            2,
            &[],
            &[finding(Severity::Error), finding(Severity::Warning)],
        );
        assert!(html.contains("2 compliance findings on this page"));
        assert!(html.contains(
            "annual-report.reducing-inequalities at content/annual-reports/2023-24.md:1:1"
        ));
        assert!(
            html.contains("<strong>Law:</strong> National Health Service Act 2006, s.14Z15(2)(b)")
        );
        assert!(html.contains("&lt;e.g. ## Reducing health inequalities&gt;"));
        assert!(html.contains(">Error</span>") && html.contains(">Warning</span>"));
        assert!(
            !html.contains("role=\"alert\""),
            "findings are not an alert"
        );
    }

    #[test]
    fn copes_with_pages_without_head_or_body() {
        let html = decorate_html(
            "<p>bare</p>",
            1,
            &[SiteError::new(ErrorKind::Config, "x")],
            &[],
        );
        assert!(html.starts_with("<link rel=\"stylesheet\""));
        assert!(html.ends_with("</aside>"));
        let page = error_page(&[SiteError::new(ErrorKind::Config, "bad <toml>")], 4);
        assert!(page.contains("bad &lt;toml&gt;") && page.contains("data-version=\"4\""));
    }
}
