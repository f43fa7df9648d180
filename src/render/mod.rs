//! Rendering: documents to HTML pages with Tera and the theme.
//!
//! The default theme is embedded in the binary; a site's `themes/NAME/templates/x.html` replaces
//! the default `x.html`. Templates are compiled once per build; pages render in parallel. The
//! context each template receives is documented in `docs/templates.md`.

pub mod compliance_pages;
pub mod context;
pub mod filters;
pub mod retention;

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use tera::Tera;
use time::Date;

use crate::compliance::Report;
use crate::content::{Document, Kind, Site};
use crate::error::{Error, ErrorKind, Result, SiteError};
use crate::init::THEME_FILES;
use crate::output::OutputFile;

pub use compliance_pages::CompliancePlan;
pub use context::SiteContext;

/// The compiled templates and static files of the theme in use.
pub struct Theme {
    tera: Tera,
    /// Each template's name, text and where it came from, to locate render errors.
    sources: Vec<(String, (String, String))>,
    /// Static files: output path and bytes.
    pub static_files: Vec<(String, Vec<u8>)>,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("static_files", &self.static_files.len())
            .finish()
    }
}

/// The name of the embedded default theme.
pub const DEFAULT_THEME: &str = "nhs";

impl Theme {
    /// Loads the embedded theme, then the site's overrides in `themes/NAME/`.
    pub fn load(site_root: &Path, name: Option<&str>) -> Result<Theme> {
        let mut templates: HashMap<String, (String, String)> = HashMap::new();
        let mut static_files: HashMap<String, Vec<u8>> = HashMap::new();
        for (rel, bytes) in THEME_FILES {
            if let Some(t) = rel.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(bytes).into_owned();
                templates.insert(
                    t.to_string(),
                    (text, format!("(default theme) templates/{t}")),
                );
            } else if let Some(s) = rel.strip_prefix("static/") {
                static_files.insert(s.to_string(), bytes.to_vec());
            }
        }
        if let Some(name) = name {
            let dir = site_root.join("themes").join(name);
            if !dir.is_dir() && name != DEFAULT_THEME {
                return Err(SiteError::new(ErrorKind::Config, format!("theme `{name}` not found"))
                    .in_file(crate::config::CONFIG_FILE)
                    .with_help(format!(
                        "create themes/{name}/templates/ or remove `theme` from site.toml to use the default theme"
                    ))
                    .into());
            }
            read_overrides(site_root, &dir, &mut templates, &mut static_files)?;
        }
        let mut sorted: Vec<_> = templates.into_iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        let mut tera = new_tera();
        tera.add_raw_templates(sorted.iter().map(|(n, (t, _))| (n.as_str(), t.as_str())))
            .map_err(|e| {
                let (name, origin) = failing_template(&e, &sorted);
                template_error(&e, &name, origin)
            })?;
        for required in [
            "base.html",
            "home.html",
            "list.html",
            "page.html",
            "compliance.html",
            "compliance-section.html",
            "404.html",
        ] {
            if !sorted.iter().any(|(n, _)| n == required) {
                return Err(SiteError::new(ErrorKind::Template, format!("the theme has no {required}"))
                    .with_help("copy it from the default theme (themes/nhs/templates/ in the ccg-site repository)")
                    .into());
            }
        }
        let mut static_files: Vec<_> = static_files.into_iter().collect();
        static_files.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Theme {
            tera,
            sources: sorted,
            static_files,
        })
    }

    fn has(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, SiteError> {
        self.tera
            .render(name, ctx)
            .map_err(|e| self.render_error(&e, name))
    }

    /// A render-time error located in the template where it happened: Tera names the template
    /// but gives no line, so the line is that of the first tag using the failing name.
    fn render_error(&self, e: &tera::Error, name: &str) -> SiteError {
        let text = error_chain(e);
        let failing = quoted(&text, '\'')
            .into_iter()
            .rev()
            .find(|q| self.sources.iter().any(|(n, _)| n == q))
            .unwrap_or(name);
        let Some((_, (source, origin))) = self.sources.iter().find(|(n, _)| n == failing) else {
            return template_error(e, name, None);
        };
        let mut err = template_error(e, failing, Some(origin));
        let names = quoted(&text, '`').into_iter().chain(quoted(&text, '\''));
        if let Some(line) = names
            .filter(|n| !self.sources.iter().any(|(t, _)| t == n))
            .find_map(|n| line_of_tag_using(source, n))
        {
            // Tera gives no column; the line is enough to find the tag.
            err.line = Some(line);
        }
        err
    }
}

/// The texts between pairs of `quote` characters in `text`, in order.
fn quoted(text: &str, quote: char) -> Vec<&str> {
    text.split(quote).skip(1).step_by(2).collect()
}

/// The 1-based line of the first `{{ }}` or `{% %}` tag of `template` using `name` as a word.
fn line_of_tag_using(template: &str, name: &str) -> Option<usize> {
    let name = name.trim();
    if name.is_empty() || name.len() > 200 {
        return None;
    }
    let word = regex::Regex::new(&format!(r"(^|[^\w.]){}($|[^\w])", regex::escape(name))).ok()?;
    let tags = regex::Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}").ok()?;
    let tag = tags
        .find_iter(template)
        .find(|t| word.is_match(t.as_str()))?;
    let within = word.find(tag.as_str())?.start();
    Some(template[..tag.start() + within].matches('\n').count() + 1)
}

fn new_tera() -> Tera {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    filters::register(&mut tera);
    tera
}

/// Escapes text for HTML text and quoted attribute values: `&`, `<`, `>`, `"` and `'`.
/// Unlike Tera's default it leaves `/` alone (escaping it protects nothing in a quoted value
/// and made every URL in a page three times longer), and it copies runs of plain text whole.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    push_escaped_html(&mut out, input);
    out
}

/// Appends `input` to `out`, escaped as [`escape_html`] does.
pub fn push_escaped_html(out: &mut String, input: &str) {
    let mut plain = 0;
    for (at, byte) in input.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[plain..at]);
        out.push_str(entity);
        plain = at + 1;
    }
    out.push_str(&input[plain..]);
}

fn read_overrides(
    site_root: &Path,
    dir: &Path,
    templates: &mut HashMap<String, (String, String)>,
    static_files: &mut HashMap<String, Vec<u8>>,
) -> Result<()> {
    for sub in ["templates", "static"] {
        let base = dir.join(sub);
        if !base.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                SiteError::new(ErrorKind::Read, format!("cannot read the theme: {e}"))
                    .in_file(&base)
            })?;
            if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.')
            {
                continue;
            }
            let rel = entry.path().strip_prefix(&base).unwrap_or(entry.path());
            let key = rel.to_string_lossy().replace('\\', "/");
            let shown = entry
                .path()
                .strip_prefix(site_root)
                .unwrap_or(entry.path())
                .to_path_buf();
            let bytes = std::fs::read(entry.path()).map_err(|e| {
                SiteError::new(ErrorKind::Read, format!("cannot read: {e}")).in_file(&shown)
            })?;
            if sub == "templates" {
                let text = String::from_utf8(bytes).map_err(|_| {
                    SiteError::new(ErrorKind::Encoding, "the template is not valid UTF-8")
                        .in_file(&shown)
                })?;
                templates.insert(key, (text, shown.display().to_string()));
            } else {
                static_files.insert(key, bytes);
            }
        }
    }
    Ok(())
}

fn failing_template<'a>(
    e: &tera::Error,
    sorted: &'a [(String, (String, String))],
) -> (String, Option<&'a str>) {
    let text = error_chain(e);
    for (name, (_, origin)) in sorted {
        if text.contains(&format!("'{name}'")) {
            return (name.clone(), Some(origin.as_str()));
        }
    }
    ("a template".to_string(), None)
}

fn error_chain(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

/// A located error for a Tera failure: the template's file and, where Tera gives it, the line.
fn template_error(e: &tera::Error, name: &str, origin: Option<&str>) -> SiteError {
    let text = error_chain(e);
    let mut err = SiteError::new(
        ErrorKind::Template,
        format!("template {name}: {}", text.replace('\n', " ")),
    )
    .in_file(origin.unwrap_or(name));
    // Tera's parse errors contain "--> LINE:COL".
    if let Some(pos) = text.find("--> ") {
        let rest = &text[pos + 4..];
        let mut nums = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        if let (Some(l), Some(c)) = (nums.next(), nums.next()) {
            if let (Ok(l), Ok(c)) = (l.parse(), c.parse()) {
                err = err.at(l, c);
            }
        }
    }
    err.with_help("fix the template, or delete it from themes/ to use the default theme's version")
}

fn long_date_filter(
    value: &tera::Value,
    _: &HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let Some(s) = value.as_str() else {
        return Ok(value.clone());
    };
    Ok(tera::Value::String(
        match crate::content::fields::parse_date(s) {
            Some(d) => long_date(d),
            None => s.to_string(),
        },
    ))
}

/// `15 July 2024`.
pub fn long_date(d: Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}

/// Renders every page of the site (see [`render_job`]), plus the theme's static files.
pub fn render_site(
    site: &Site,
    report: &Report,
    theme: &Theme,
    today: Date,
) -> Result<Vec<OutputFile>> {
    let files = std::sync::Mutex::new(Vec::with_capacity(site.documents.len() + 32));
    render_site_to(site, report, theme, today, &|file| {
        files.lock().map_or(Ok(()), |mut files| {
            files.push(file);
            Ok(())
        })
    })?;
    Ok(files.into_inner().unwrap_or_default())
}

/// Where rendered files go, one at a time, from many threads (`build` writes each at once).
pub type FileSink<'a> = dyn Fn(OutputFile) -> Result<(), SiteError> + Sync + 'a;

/// Renders every page, feed, CSV and theme static file of the site, handing each to `sink` as
/// soon as it is made, so that no more than a page per core is held at once.
pub fn render_site_to(
    site: &Site,
    report: &Report,
    theme: &Theme,
    today: Date,
    sink: &FileSink<'_>,
) -> Result<()> {
    let ctx = SiteContext::new(site, today);
    let compliance = CompliancePlan::of(report);
    let generated = || {
        let files =
            crate::output::feeds::generated_files(site, &ctx, &compliance.section_page_urls());
        let statics = theme.static_files.iter().map(|(path, bytes)| OutputFile {
            path: path.clone(),
            bytes: bytes.clone(),
        });
        files
            .into_iter()
            .chain(statics)
            .try_for_each(sink)
            .map_err(Error::from)
    };
    let (pages, generated) = rayon::join(
        || {
            render_pages_to(
                &page_jobs(site, &compliance),
                site,
                report,
                theme,
                &ctx,
                sink,
            )
        },
        generated,
    );
    pages.and(generated)
}

/// Every page of a site: home, 404, one listing per kind present, each document, and the
/// compliance pages of `compliance`.
pub fn page_jobs<'a>(site: &'a Site, compliance: &'a CompliancePlan) -> Vec<PageJob<'a>> {
    let mut jobs: Vec<PageJob<'_>> = vec![PageJob::Home, PageJob::NotFound];
    jobs.extend(compliance.jobs());
    for kind in Kind::ALL {
        if kind.listing_url().is_some() && site.of_kind(*kind).next().is_some() {
            jobs.push(PageJob::Listing(*kind));
        }
    }
    jobs.extend(site.documents.iter().map(PageJob::Document));
    jobs
}

/// Renders `jobs` in parallel; every failing page is reported.
pub fn render_pages(
    jobs: &[PageJob<'_>],
    site: &Site,
    report: &Report,
    theme: &Theme,
    ctx: &SiteContext,
) -> Result<Vec<OutputFile>> {
    let files = std::sync::Mutex::new(Vec::with_capacity(jobs.len()));
    render_pages_to(jobs, site, report, theme, ctx, &|file| {
        files.lock().map_or(Ok(()), |mut files| {
            files.push(file);
            Ok(())
        })
    })?;
    Ok(files.into_inner().unwrap_or_default())
}

/// Renders `jobs` in parallel, handing each page to `sink`; every failing page is reported.
pub fn render_pages_to(
    jobs: &[PageJob<'_>],
    site: &Site,
    report: &Report,
    theme: &Theme,
    ctx: &SiteContext,
    sink: &FileSink<'_>,
) -> Result<()> {
    let mut problems: Vec<SiteError> = jobs
        .par_iter()
        .with_max_len(16)
        .filter_map(|job| {
            render_job(job, site, report, theme, ctx)
                .and_then(sink)
                .err()
        })
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    problems.dedup_by(|a, b| a.message == b.message);
    Err(Error::from_problems(problems))
}

/// One page to render.
#[derive(Debug, Clone, Copy)]
pub enum PageJob<'a> {
    /// `/`.
    Home,
    /// `/compliance/`: the compliance summary.
    ComplianceSummary(&'a CompliancePlan),
    /// Page `page` (1-based) of a compliance section.
    ComplianceSection {
        /// The section.
        section: &'a compliance_pages::Section,
        /// Which of its pages.
        page: usize,
    },
    /// `/404.html`.
    NotFound,
    /// A kind's listing.
    Listing(Kind),
    /// A document's page.
    Document(&'a Document),
}

/// Renders one page, minified when `site.toml` asks for it (`[build] minify = true`).
pub fn render_job(
    job: &PageJob<'_>,
    site: &Site,
    report: &Report,
    theme: &Theme,
    ctx: &SiteContext,
) -> Result<OutputFile, SiteError> {
    let (path, template, context) = match job {
        PageJob::Home => (
            "index.html".to_string(),
            "home.html".to_string(),
            ctx.home(site),
        ),
        PageJob::ComplianceSummary(plan) => (
            crate::content::output_path_for_url(crate::content::compliance_urls::COMPLIANCE_URL),
            "compliance.html".to_string(),
            compliance_pages::summary_context(ctx, plan, report),
        ),
        PageJob::ComplianceSection { section, page } => {
            let minify = site.config.config.build.minify;
            return compliance_pages::render_section_page(
                theme, ctx, section, *page, report, minify,
            );
        }
        PageJob::NotFound => (
            "404.html".to_string(),
            "404.html".to_string(),
            ctx.not_found(),
        ),
        PageJob::Listing(kind) => {
            let url = kind.listing_url().unwrap_or_default();
            (
                crate::content::output_path_for_url(&url),
                "list.html".to_string(),
                ctx.listing(site, *kind),
            )
        }
        PageJob::Document(doc) => {
            let kind_template = format!("kinds/{}.html", doc.kind.as_str());
            let template = if theme.has(&kind_template) {
                kind_template
            } else {
                "page.html".to_string()
            };
            (doc.output_path(), template, ctx.document(doc))
        }
    };
    let html = theme.render(&template, &context).map_err(|e| match job {
        PageJob::Document(d) => SiteError {
            message: format!("{} (while rendering {})", e.message, d.path.display()),
            ..e
        },
        _ => e,
    })?;
    let bytes = match job {
        _ if !site.config.config.build.minify => html.into_bytes(),
        PageJob::Document(doc) => minify_around_body(&html, &doc.body.html),
        _ => crate::output::minify(html.as_bytes()),
    };
    Ok(OutputFile { path, bytes })
}

/// Stands for the body while the rest of a page is minified.
const BODY_MARK: &str = "ccgsitebodyd7e1f0c3a9";

/// Minifies a document's page around its body. The body, written by the Markdown renderer (and
/// the sanitiser), is already compact, and it is most of the page: minifying only the page
/// around it (with the body replaced by a mark) and putting the body back where the mark is
/// gives the same page for a fraction of the work. When the body is not found as it was
/// written (a template that changed it), or the mark is already in the page, the whole page is
/// minified.
fn minify_around_body(html: &str, body: &str) -> Vec<u8> {
    let found = (!body.is_empty() && !html.contains(BODY_MARK))
        .then(|| find_body(html, body))
        .flatten();
    let Some(at) = found else {
        return crate::output::minify(html.as_bytes());
    };
    let shell = [&html[..at], BODY_MARK, &html[at + body.len()..]].concat();
    let minified = crate::output::minify(shell.as_bytes());
    let Some(mark) = find_bytes(&minified, BODY_MARK.as_bytes()) else {
        return crate::output::minify(html.as_bytes());
    };
    [
        &minified[..mark],
        body.as_bytes(),
        &minified[mark + BODY_MARK.len()..],
    ]
    .concat()
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// Where `body` is in `html`: candidates are found by the body's first bytes, then compared
/// whole. `str::find` with the whole body as the needle spends more time preparing its search
/// (the body is most of the page) than searching.
fn find_body(html: &str, body: &str) -> Option<usize> {
    let head = &body.as_bytes()[..body.len().min(64)];
    memchr::memmem::find_iter(html.as_bytes(), head)
        .find(|&at| html.as_bytes()[at..].starts_with(body.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_the_five_html_characters_and_leaves_slashes() {
        assert_eq!(
            escape_html(r#"<a href="/x?a=1&b='2'">/é</a>"#),
            "&lt;a href=&quot;/x?a=1&amp;b=&#39;2&#39;&quot;&gt;/é&lt;/a&gt;"
        );
        assert_eq!(escape_html("plain"), "plain");
        assert_eq!(escape_html(""), "");
    }

    #[test]
    fn minifying_around_the_body_keeps_the_body_and_minifies_the_rest() {
        let body = "<h2 id=\"a\">A</h2>\n<p>One  two</p>\n";
        let page = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<title>T</title>\n</head>\n<body>\n<div class=\"prose\">\n{body}\n</div>\n</body>\n</html>\n"
        );
        let out = String::from_utf8(minify_around_body(&page, body)).unwrap();
        assert!(out.contains(body), "{out}");
        assert!(
            out.contains("<div class=prose>"),
            "the shell is minified: {out}"
        );
        assert!(!out.contains(BODY_MARK));
        let whole = String::from_utf8(crate::output::minify(page.as_bytes())).unwrap();
        let strip = |s: &str| s.split_whitespace().collect::<String>().replace('"', "");
        assert_eq!(
            strip(&out),
            strip(&whole),
            "the same page, give or take spaces and quotes"
        );
    }

    #[test]
    fn a_body_the_template_changed_is_minified_with_the_page() {
        let page = "<html><body><p>ONE  TWO</p></body></html>";
        let out = String::from_utf8(minify_around_body(page, "<p>one  two</p>")).unwrap();
        assert!(out.contains("<p>ONE TWO</p>"), "{out}");
        let marked = format!("<html><body><p>x</p>{BODY_MARK}</body></html>");
        let out = String::from_utf8(minify_around_body(&marked, "<p>x</p>")).unwrap();
        assert!(
            out.contains(BODY_MARK),
            "a page holding the mark is left whole: {out}"
        );
    }
}
