//! General content checks every document gets, whatever its kind: heading levels in order, one
//! h1, images with alt text, link text that makes sense alone, internal links and anchors that
//! resolve, and tables with a header row. Each has its own rule id (`content.*`).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::engine::Finding;
use crate::content::{Document, Kind, Site};

/// A content lint: id, what it asks and how it is checked.
#[derive(Debug, Clone, Copy)]
pub struct Lint {
    /// The rule id (`content.image-alt`).
    pub id: &'static str,
    /// What it asks, in words.
    pub explanation: &'static str,
    /// How it is checked.
    pub how: &'static str,
    /// The standard behind it.
    pub citation: &'static str,
}

/// Every content lint; all are warnings.
pub const LINTS: &[Lint] = &[
    Lint {
        id: "content.single-h1",
        explanation: "Each page has one main heading: the document's title.",
        how: "the body has no level-1 heading (`# ...`); the title is the page's h1",
        citation: "WCAG 2.2 SC 1.3.1 Info and relationships; GOV.UK content design: headings",
    },
    Lint {
        id: "content.heading-order",
        explanation: "Heading levels go down one step at a time, so screen reader users can follow the structure.",
        how: "no heading is more than one level below the heading before it (the title counts as level 1)",
        citation: "WCAG 2.2 SC 1.3.1 Info and relationships",
    },
    Lint {
        id: "content.image-alt",
        explanation: "Every image has alternative text that says what it shows.",
        how: "each Markdown image ![text](src) has text",
        citation: "WCAG 2.2 SC 1.1.1 Non-text content",
    },
    Lint {
        id: "content.link-text",
        explanation: "Link text says where the link goes, so it makes sense read on its own.",
        how: "no link text such as \"click here\", \"here\", \"read more\" or \"this link\", and no empty link text",
        citation: "WCAG 2.2 SC 2.4.4 Link purpose (in context)",
    },
    Lint {
        id: "content.internal-link",
        explanation: "Links to other pages of the site, and to sections (#anchors), lead somewhere.",
        how: "each link starting with / or # (or relative) resolves to a document, a listing, /compliance/, a heading id or a file under static/",
        citation: "WCAG 2.2 SC 2.4.4 Link purpose; good practice",
    },
    Lint {
        id: "content.table-header",
        explanation: "Every table has a header row, so each cell can be understood.",
        how: "each Markdown table's first row has text",
        citation: "WCAG 2.2 SC 1.3.1 Info and relationships",
    },
];

/// The lint with this id.
pub fn lint(id: &str) -> Option<&'static Lint> {
    LINTS.iter().find(|l| l.id == id)
}

/// Link texts that do not say where a link goes.
const VAGUE_LINK_TEXT: &[&str] = &[
    "click here",
    "here",
    "click",
    "read more",
    "more",
    "more info",
    "more information",
    "find out more",
    "learn more",
    "this link",
    "link",
    "this page",
    "this",
    "go",
    "details",
];

/// Every URL and anchor internal links may point at.
///
/// Documents' URLs and heading ids are borrowed from the site: collecting them is one serial
/// step before the parallel check, and copies of some 200,000 ids would make it the slowest.
#[derive(Debug, Default)]
pub struct LinkTargets<'a> {
    /// Page URLs (with trailing slash) to their heading ids.
    pages: HashMap<Cow<'a, str>, HashSet<&'a str, RandomState>, RandomState>,
    /// Other files by URL path (`/style.css`, `/annual-report.pdf`).
    files: HashSet<String>,
}

type RandomState = foldhash::fast::RandomState;

impl<'a> LinkTargets<'a> {
    /// Collects the targets of a loaded site: documents, listings, generated pages and files.
    pub fn of_site(site: &'a Site) -> Self {
        let mut t = LinkTargets::default();
        t.pages.reserve(site.documents.len() + Kind::ALL.len() + 2);
        for doc in &site.documents {
            let ids = doc.body.outline.iter().map(|h| h.id.as_str()).collect();
            t.pages.insert(Cow::Borrowed(doc.url.as_str()), ids);
            if let Some(csv) = csv_path(doc) {
                t.files.insert(csv);
            }
        }
        for kind in Kind::ALL {
            if site.of_kind(*kind).next().is_some() {
                if let Some(u) = kind.listing_url() {
                    t.pages.entry(Cow::Owned(u)).or_default();
                }
            }
        }
        for u in ["/", "/compliance/"] {
            t.pages.entry(Cow::Borrowed(u)).or_default();
        }
        for f in ["/atom.xml", "/sitemap.xml", "/404.html"] {
            t.files.insert(f.to_string());
        }
        for (rel, _) in crate::init::THEME_FILES {
            if let Some(s) = rel.strip_prefix("static/") {
                t.files.insert(format!("/{s}"));
            }
        }
        let mut dirs = vec![site.root.join("static")];
        if let Some(theme) = &site.config.config.theme {
            dirs.push(site.root.join("themes").join(theme).join("static"));
        }
        for dir in dirs {
            t.add_files_under(&dir);
        }
        t
    }

    fn add_files_under(&mut self, dir: &Path) {
        if !dir.is_dir() {
            return;
        }
        for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
            if entry.file_type().is_file() {
                if let Ok(rel) = entry.path().strip_prefix(dir) {
                    self.files
                        .insert(format!("/{}", rel.to_string_lossy().replace('\\', "/")));
                }
            }
        }
    }

    /// Why `href` (written in the page at `base`) does not resolve, or None when it does.
    pub fn problem(&self, base: &str, href: &str) -> Option<String> {
        let (path, fragment) = match href.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (href, None),
        };
        let path = path.split('?').next().unwrap_or("");
        let absolute = if path.is_empty() {
            base.to_string()
        } else {
            resolve(base, path)
        };
        let decoded = absolute.replace("%20", " ");
        if let Some(ids) = self
            .pages
            .get(decoded.as_str())
            .or_else(|| {
                self.pages
                    .get(format!("{}/", decoded.trim_end_matches('/')).as_str())
            })
            .or_else(|| self.pages.get(decoded.trim_end_matches("index.html")))
        {
            return match fragment {
                Some(f) if !f.is_empty() && !ids.contains(f) => {
                    Some(format!("no section with id `#{f}` on {decoded}"))
                }
                _ => None,
            };
        }
        if self.files.contains(&decoded) {
            return None;
        }
        Some(format!("no page or file at {decoded}"))
    }
}

fn csv_path(doc: &Document) -> Option<String> {
    doc.csv_url()
}

/// Resolves a relative path against a page URL, folding `.` and `..`.
fn resolve(base: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}{}", base, path)
    };
    let trailing = joined.ends_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if trailing && out != "/" {
        out.push('/');
    }
    out
}

/// Whether a link leaves the site (has a scheme such as https: or mailto:, or is `//host`).
fn is_external(href: &str) -> bool {
    if href.starts_with("//") {
        return true;
    }
    match href.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && !scheme.contains(['/', '#', '?'])
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Every lint finding in one document, as (lint id, finding).
pub fn lint_document(doc: &Document, targets: &LinkTargets) -> Vec<(&'static str, Finding)> {
    let mut out = Vec::new();
    let mut push = |id: &'static str, line: u32, column: u32, message: String, help: &str| {
        out.push((
            id,
            Finding {
                line,
                column,
                message,
                help: help.to_string(),
            },
        ));
    };
    let mut previous = 1u8;
    for h in &doc.body.outline {
        if h.level == 1 {
            push(
                "content.single-h1",
                h.line,
                1,
                format!(
                    "\"{}\" is a level-1 heading; the page title is already the h1",
                    h.text
                ),
                "use ## for the document's sections",
            );
        } else if h.level > previous + 1 {
            push(
                "content.heading-order",
                h.line,
                1,
                format!(
                    "heading \"{}\" is level {} after a level-{previous} heading",
                    h.text, h.level
                ),
                "do not skip heading levels: use one more # than the heading above",
            );
        }
        previous = h.level;
    }
    for img in &doc.body.images {
        if img.alt.trim().is_empty() {
            push(
                "content.image-alt",
                img.line,
                img.column,
                format!("image `{}` has no alternative text", img.src),
                "describe what the image shows: ![Map of the area the CCG covers](map.png)",
            );
        }
    }
    for link in &doc.body.links {
        let text = link.text.trim().trim_end_matches(['.', ':']).to_lowercase();
        if text.is_empty() || VAGUE_LINK_TEXT.contains(&text.as_str()) {
            push(
                "content.link-text",
                link.line,
                link.column,
                if text.is_empty() {
                    format!("the link to {} has no text", link.href)
                } else {
                    format!("link text \"{}\" does not say where the link goes", link.text)
                },
                "use words that name the destination, e.g. [our annual report for 2023/24](/annual-reports/2023-24/)",
            );
        }
        if !is_external(&link.href) {
            if let Some(problem) = targets.problem(&doc.url, &link.href) {
                push(
                    "content.internal-link",
                    link.line,
                    link.column,
                    format!("broken link `{}`: {problem}", link.href),
                    "link to a page's URL (e.g. /annual-reports/2023-24/), a heading's id (#section), or a file under static/",
                );
            }
        }
    }
    for table in &doc.body.tables {
        if !table.has_header {
            push(
                "content.table-header",
                table.line,
                1,
                "this table has no header row".to_string(),
                "put column names in the table's first row",
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_links() {
        assert_eq!(resolve("/a/b/", "../c/"), "/a/c/");
        assert_eq!(resolve("/a/b/", "/x"), "/x");
        assert_eq!(resolve("/a/", "./y/"), "/a/y/");
        assert!(is_external("https://x.org"));
        assert!(is_external("mailto:a@b"));
        assert!(!is_external("/a:b"));
        assert!(!is_external("#top"));
    }

    #[test]
    fn link_targets() {
        let mut t = LinkTargets::default();
        t.pages
            .insert(Cow::Borrowed("/a/"), ["intro"].into_iter().collect());
        t.files.insert("/f.pdf".to_string());
        assert_eq!(t.problem("/a/", "#intro"), None);
        assert!(t.problem("/a/", "#nope").is_some());
        assert_eq!(t.problem("/b/", "/a#intro"), None);
        assert_eq!(t.problem("/b/", "../f.pdf"), None);
        assert!(t.problem("/b/", "/missing/").is_some());
    }
}
