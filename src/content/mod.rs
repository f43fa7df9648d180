//! Loading a site: `site.toml` and every Markdown document under `content/`.
//!
//! Each file is read and parsed once (front matter, outline and HTML in one pass), in parallel.
//! Every broken document is reported, not only the first.

pub mod compliance_urls;
pub mod fields;
pub mod front_matter;
pub mod kind;
pub mod markdown;
pub mod period;
pub mod plain_text;
pub mod regime;
mod toml_subset;

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use time::Date;

use crate::config::{load_config, LoadedConfig, RawHtmlPolicy, Regime};
use crate::error::{line_col, Error, ErrorKind, Result, SiteError};
pub use fields::{Field, FieldTable, FieldValue};
pub use kind::Kind;
pub use markdown::{BodyHtml, Heading, RenderedBody};

/// The folder documents live in.
pub const CONTENT_DIR: &str = "content";

/// One document: a Markdown file with its front matter, outline and rendered body.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file, relative to the site folder (`content/annual-reports/2023-24.md`).
    pub path: PathBuf,
    /// Where it is published (`/annual-reports/2023-24/`).
    pub url: String,
    /// What it is.
    pub kind: Kind,
    /// Its title.
    pub title: String,
    /// One-sentence summary, possibly empty.
    pub summary: String,
    /// When it was published.
    pub published: Option<Date>,
    /// When it was last updated.
    pub updated: Option<Date>,
    /// Drafts are left out of builds unless asked for.
    pub draft: bool,
    /// The regime the document itself names (archived predecessor documents), if any.
    pub regime: Option<String>,
    /// All front matter, with lines.
    pub fields: FieldTable,
    /// Body HTML, outline, text, links, images and tables.
    pub body: RenderedBody,
}

impl Document {
    /// The output file of this document, relative to the output folder.
    pub fn output_path(&self) -> String {
        output_path_for_url(&self.url)
    }

    /// For register kinds, the URL of the CSV download of its rows
    /// (`/register-of-interests/register-of-interests.csv`); `None` for other kinds.
    pub fn csv_url(&self) -> Option<String> {
        if !self.kind.has_csv() {
            return None;
        }
        let last = self
            .url
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or("register");
        Some(format!("{}{}.csv", self.url, last))
    }

    /// The field at a dotted path.
    pub fn field(&self, path: &str) -> Option<&Field> {
        self.fields.path(path)
    }
}

/// A loaded site.
#[derive(Debug, Clone)]
pub struct Site {
    /// The site folder.
    pub root: PathBuf,
    /// `site.toml`.
    pub config: LoadedConfig,
    /// Documents sorted by path; drafts only when loaded with `drafts`.
    pub documents: Vec<Document>,
}

impl Site {
    /// Documents of one kind.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Document> {
        self.documents.iter().filter(move |d| d.kind == kind)
    }

    /// The document published at `url`.
    pub fn by_url(&self, url: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.url == url)
    }

    /// Frees what only the check reads (each body's plain text, links, images and tables:
    /// about 100 MB at 10,000 documents), keeping what pages show (HTML, outline, word count,
    /// front matter). `build` calls it once the site is checked; `serve`, which checks again
    /// after each edit, must not.
    pub fn drop_check_data(&mut self) {
        self.documents
            .par_iter_mut()
            .for_each(|doc| doc.body.drop_check_data());
    }
}

/// How to load a site.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Include documents marked `draft = true`.
    pub drafts: bool,
    /// Whether to render each body's HTML (`check` needs only outlines and text).
    pub html: BodyHtml,
}

/// What reading a document needs from `site.toml`.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// What happens to raw HTML in the Markdown.
    pub raw_html: RawHtmlPolicy,
    /// The site's regime: the kinds and fields a document may use unless it names its own.
    pub regime: Regime,
}

impl ReadOptions {
    /// The options `site.toml` sets.
    pub fn of(config: &LoadedConfig) -> Self {
        ReadOptions {
            raw_html: config.config.markdown.raw_html,
            regime: config.config.compliance.site_regime(),
        }
    }
}

/// Loads `site.toml` and every document under `content/`.
pub fn load_site(root: &Path, options: LoadOptions) -> Result<Site> {
    let config = load_config(root)?;
    let files = find_documents(root)?;
    let read = ReadOptions::of(&config);
    let results: Vec<std::result::Result<Document, Vec<SiteError>>> = files
        .par_iter()
        .map(|rel| read_document_as(root, rel, read, options.html))
        .collect();
    let mut documents = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(d) => documents.push(d),
            Err(mut e) => problems.append(&mut e),
        }
    }
    if !options.drafts {
        documents.retain(|d| !d.draft);
    }
    problems.extend(check_urls(&documents));
    if !problems.is_empty() {
        return Err(Error::from_problems(problems));
    }
    documents.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Site {
        root: root.to_path_buf(),
        config,
        documents,
    })
}

/// Every Markdown file under `content/`, relative to the site folder, sorted.
pub fn find_documents(root: &Path) -> Result<Vec<PathBuf>> {
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        return Err(SiteError::new(ErrorKind::Content, "the site has no content/ folder")
            .in_file(CONTENT_DIR)
            .with_help("create content/ with one Markdown file per document, or start again with `ccg-site init DIR`")
            .into());
    }
    let canonical_root = root.canonicalize().map_err(|e| {
        SiteError::new(ErrorKind::Read, format!("cannot read the site folder: {e}")).in_file(root)
    })?;
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for entry in walkdir::WalkDir::new(&content).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| PathBuf::from(CONTENT_DIR));
                problems.push(
                    SiteError::new(ErrorKind::Read, format!("cannot read: {e}")).in_file(path),
                );
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') || name.ends_with('~') {
            continue; // editors' temporary and hidden files
        }
        let rel = relative(root, entry.path());
        if entry.path_is_symlink() {
            match entry.path().canonicalize() {
                Ok(target) if !target.starts_with(&canonical_root) => {
                    problems.push(
                        SiteError::new(
                            ErrorKind::UnsafePath,
                            "this symbolic link points outside the site folder",
                        )
                        .in_file(&rel)
                        .with_help("copy the file into content/ instead of linking to it"),
                    );
                    continue;
                }
                Ok(target) if target.is_dir() => {
                    problems.push(
                        SiteError::new(
                            ErrorKind::UnsafePath,
                            "symbolic links to folders are not followed",
                        )
                        .in_file(&rel)
                        .with_help("move the folder into content/ instead of linking to it"),
                    );
                    continue;
                }
                Ok(target) if !target.is_file() => {
                    problems.push(
                        SiteError::new(
                            ErrorKind::Read,
                            "this symbolic link points at something that is not a file",
                        )
                        .in_file(&rel)
                        .with_help("point the link at a Markdown file inside the site"),
                    );
                    continue;
                }
                Ok(_) => {}
                Err(e) => {
                    problems.push(
                        SiteError::new(
                            ErrorKind::Read,
                            format!("broken or looping symbolic link: {e}"),
                        )
                        .in_file(&rel)
                        .with_help("remove the link or point it at a file inside the site"),
                    );
                    continue;
                }
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        if entry.path().extension().is_some_and(|e| e == "md") {
            files.push(rel);
        }
    }
    if !problems.is_empty() {
        return Err(Error::from_problems(problems));
    }
    if files.is_empty() {
        return Err(SiteError::new(
            ErrorKind::Content,
            "content/ holds no Markdown (.md) documents",
        )
        .in_file(CONTENT_DIR)
        .with_help("add a document, e.g. `ccg-site new annual-report 2023-24`")
        .into());
    }
    Ok(files)
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Reads and parses one document. `rel` is relative to the site folder.
pub fn read_document(
    root: &Path,
    rel: &Path,
    options: ReadOptions,
) -> std::result::Result<Document, Vec<SiteError>> {
    read_document_as(root, rel, options, BodyHtml::Render)
}

/// Reads and parses one document, rendering its body's HTML or not.
pub fn read_document_as(
    root: &Path,
    rel: &Path,
    options: ReadOptions,
    html: BodyHtml,
) -> std::result::Result<Document, Vec<SiteError>> {
    let bytes = std::fs::read(root.join(rel)).map_err(|e| {
        let message = if e.kind() == std::io::ErrorKind::NotFound {
            "the file disappeared while the site was being read".to_string()
        } else {
            format!("cannot read the file: {e}")
        };
        vec![SiteError::new(ErrorKind::Read, message).in_file(rel)]
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let lossy = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let (line, column) = line_col(&lossy, valid);
        vec![SiteError::new(ErrorKind::Encoding, "the file is not valid UTF-8 text")
            .in_file(rel)
            .at(line, column)
            .with_help("save the file with UTF-8 encoding (in Word: Save As, Plain Text, Unicode (UTF-8))")]
    })?;
    parse_document_as(rel, &text, options, html)
        .map_err(|errs| errs.into_iter().map(|e| e.in_file(rel)).collect())
}

/// Parses a document's text. Errors are located by line but not yet by file.
pub fn parse_document(
    rel: &Path,
    text: &str,
    options: ReadOptions,
) -> std::result::Result<Document, Vec<SiteError>> {
    parse_document_as(rel, text, options, BodyHtml::Render)
}

/// Parses a document's text, rendering its body's HTML or not.
pub fn parse_document_as(
    rel: &Path,
    text: &str,
    options: ReadOptions,
    html: BodyHtml,
) -> std::result::Result<Document, Vec<SiteError>> {
    let split = front_matter::split(text).map_err(|e| vec![e])?;
    let fields = front_matter::parse(text, &split).map_err(|e| vec![e])?;
    let mut problems = Vec::new();

    let required_str = |key: &str, problems: &mut Vec<SiteError>| -> Option<(String, &Field)> {
        match fields.get(key) {
            Some(f) => match f.as_str() {
                Some(s) if !s.trim().is_empty() => Some((s.to_string(), f)),
                _ => {
                    problems.push(
                        SiteError::new(
                            ErrorKind::FrontMatter,
                            format!("`{key}` must be non-empty text in quotes"),
                        )
                        .at(f.line as usize, f.column as usize),
                    );
                    None
                }
            },
            None => {
                problems.push(
                    SiteError::new(ErrorKind::FrontMatter, format!("the front matter has no `{key}`"))
                        .at(1, 1)
                        .with_help(match key {
                            "kind" => "add e.g. kind = \"annual-report\" (or kind = \"page\" for an ordinary page)",
                            _ => "add e.g. title = \"Annual report 2023/24\"",
                        }),
                );
                None
            }
        }
    };
    let title = required_str("title", &mut problems);
    let kind_name = required_str("kind", &mut problems);
    let named_kind = kind_name.as_ref().and_then(|(name, _)| Kind::parse(name));
    let (regime, regime_problem) = regime::document_regime(named_kind, &fields, options.regime);
    problems.extend(regime_problem);
    let kind = kind_name.and_then(|(name, field)| match named_kind {
        Some(k) if k.exists_in(regime) => Some(k),
        _ => {
            problems.push(kind::unknown_kind(&name, regime, field));
            None
        }
    });
    if let Some(k) = kind {
        problems.extend(kind::validate_fields(k, regime, &fields));
    }
    let url = match url_for(rel, fields.get("slug")) {
        Ok(u) => Some(u),
        Err(e) => {
            problems.push(e);
            None
        }
    };
    let (Some((title, _)), Some(kind), Some(url), true) = (title, kind, url, problems.is_empty())
    else {
        return Err(problems);
    };
    let first_line = line_col(text, split.body_offset).0 as u32;
    let body = markdown::parse_body(split.body, first_line, options.raw_html, html);
    Ok(Document {
        path: rel.to_path_buf(),
        url,
        kind,
        title,
        summary: fields.str("summary").unwrap_or("").to_string(),
        published: fields.date("published"),
        updated: fields.date("updated"),
        draft: fields
            .get("draft")
            .and_then(Field::as_bool)
            .unwrap_or(false),
        regime: fields.str("regime").map(str::to_string),
        fields,
        body,
    })
}

/// The URL of a document at `rel` (relative to the site folder), with an optional `slug`.
pub fn url_for(rel: &Path, slug: Option<&Field>) -> std::result::Result<String, SiteError> {
    let inner = rel
        .strip_prefix(CONTENT_DIR)
        .unwrap_or(rel)
        .with_extension("");
    let mut segments: Vec<String> = Vec::new();
    for c in inner.components() {
        match c {
            Component::Normal(s) => segments.push(url_segment(&s.to_string_lossy())),
            _ => {
                return Err(SiteError::new(
                    ErrorKind::UnsafePath,
                    "the file's path leaves content/",
                ))
            }
        }
    }
    if segments
        .last()
        .is_some_and(|s| s == "index" || s == "_index")
    {
        segments.pop();
    }
    if let Some(field) = slug {
        let value = field.as_str().unwrap_or("");
        let at = |e: SiteError| e.at(field.line as usize, field.column as usize);
        if value.contains("..")
            || value.contains('/')
            || value.contains('\\')
            || value.starts_with('.')
        {
            return Err(at(SiteError::new(
                ErrorKind::UnsafePath,
                format!("slug `{value}` would place the page outside its folder or the output folder"),
            )
            .with_help("a slug is one word or words joined by hyphens, e.g. slug = \"annual-report-2023-24\"")));
        }
        let clean = url_segment(value);
        if clean.is_empty() {
            return Err(at(SiteError::new(
                ErrorKind::FrontMatter,
                "`slug` is empty",
            )
            .with_help("remove `slug` or give it letters or digits")));
        }
        match segments.last_mut() {
            Some(last) => *last = clean,
            None => segments.push(clean),
        }
    }
    if segments.iter().any(|s| s.is_empty()) {
        return Err(SiteError::new(
            ErrorKind::UnsafePath,
            "the file name gives an empty URL segment",
        )
        .with_help("rename the file using letters, digits and hyphens"));
    }
    Ok(if segments.is_empty() {
        "/".to_string()
    } else {
        format!("/{}/", segments.join("/"))
    })
}

/// A path segment as a URL segment: lower case, spaces as hyphens, only `a-z0-9._-`.
fn url_segment(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            'a'..='z' | '0'..='9' | '-' | '_' | '.' => Some(c),
            ' ' => Some('-'),
            _ => None,
        })
        .collect::<String>()
        .trim_matches('.')
        .to_string()
}

/// `index.html` inside the URL's folder, relative to the output folder.
pub fn output_path_for_url(url: &str) -> String {
    let inner = url.trim_matches('/');
    if inner.is_empty() {
        "index.html".to_string()
    } else {
        format!("{inner}/index.html")
    }
}

/// URLs generated by ccg-site itself, which documents may not take.
pub fn reserved_urls() -> Vec<(String, &'static str)> {
    let mut v = vec![
        ("/".to_string(), "the home page"),
        ("/compliance/".to_string(), "the compliance page"),
    ];
    for k in Kind::ALL {
        if let Some(u) = k.listing_url() {
            v.push((u, "a listing page"));
        }
    }
    v
}

/// Problems with the documents' URLs: two documents at one URL, or a document at a URL that
/// ccg-site generates itself. `serve` calls it after reloading single documents.
pub fn check_urls(documents: &[Document]) -> Vec<SiteError> {
    let mut problems = Vec::new();
    let mut seen: HashMap<&str, &Document, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(documents.len(), Default::default());
    let reserved = reserved_urls();
    for d in documents {
        let generated = reserved
            .iter()
            .find(|(u, _)| *u == d.url)
            .map(|(_, what)| *what)
            .or_else(|| {
                compliance_urls::is_compliance_section_url(&d.url)
                    .then_some("among the compliance pages")
            });
        if let Some(what) = generated {
            problems.push(
                SiteError::new(
                    ErrorKind::DuplicateUrl,
                    format!(
                        "{} is {what} that ccg-site generates; this document cannot use it",
                        d.url
                    ),
                )
                .in_file(&d.path)
                .with_help("rename the file or set a different `slug`"),
            );
            continue;
        }
        if let Some(first) = seen.insert(&d.url, d) {
            problems.push(
                SiteError::new(
                    ErrorKind::DuplicateUrl,
                    format!(
                        "{} and {} would both be published at {}",
                        first.path.display(),
                        d.path.display(),
                        d.url
                    ),
                )
                .in_file(&d.path)
                .with_help("rename one of the files, or give one a different `slug`"),
            );
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const CCG: ReadOptions = ReadOptions {
        raw_html: RawHtmlPolicy::Sanitize,
        regime: Regime::Ccg2013,
    };
    const ICB: ReadOptions = ReadOptions {
        raw_html: RawHtmlPolicy::Sanitize,
        regime: Regime::Icb2022,
    };

    #[test]
    fn kinds_and_fields_follow_the_regime() {
        let plan = "+++\ntitle = \"P\"\nkind = \"commissioning-plan\"\n+++\n";
        let errs = parse_document(Path::new("content/p.md"), plan, ICB).unwrap_err();
        assert_eq!(errs[0].line, Some(3));
        assert_eq!(
            errs[0].help.as_deref(),
            Some("did you mean `joint-forward-plan`, or `regime = \"ccg-2013\"` for a CCG plan dated before 1 July 2022?")
        );
        assert!(parse_document(Path::new("content/p.md"), plan, CCG).is_ok());
        let archived = "+++\ntitle = \"P\"\nkind = \"commissioning-plan\"\nregime = \"ccg-2013\"\n[plan]\nperiod = \"2021/22\"\n+++\n";
        let d = parse_document(Path::new("content/p.md"), archived, ICB).unwrap();
        assert_eq!(d.regime.as_deref(), Some("ccg-2013"));
        let jfp = "+++\ntitle = \"P\"\nkind = \"joint-forward-plan\"\n+++\n";
        let errs = parse_document(Path::new("content/p.md"), jfp, CCG).unwrap_err();
        assert!(errs[0]
            .help
            .as_deref()
            .unwrap()
            .contains("regime = \"icb-2022\""));
        let ccg_table = "+++\ntitle = \"C\"\nkind = \"constitution\"\n[ccg]\nname = \"x\"\n+++\n";
        let errs = parse_document(Path::new("content/c.md"), ccg_table, ICB).unwrap_err();
        assert_eq!(errs[0].line, Some(4));
        assert!(
            errs[0]
                .help
                .as_deref()
                .unwrap()
                .contains("regime = \"ccg-2013\""),
            "{errs:?}"
        );
        let covers = "+++\ntitle = \"R\"\nkind = \"register-of-interests\"\n[register]\ncovers = [\"governing_body\", \"board\"]\n+++\n";
        let errs = parse_document(Path::new("content/r.md"), covers, ICB).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].help.as_deref().unwrap().contains("use `board`"));
        let errs = parse_document(Path::new("content/r.md"), covers, CCG).unwrap_err();
        assert!(errs[0].message.contains("`board`"), "{errs:?}");
        let member = "+++\ntitle = \"C\"\nkind = \"constitution\"\n[[board_members]]\nname = \"A\"\ncategory = \"non-executive\"\n+++\n";
        let errs = parse_document(Path::new("content/c.md"), member, ICB).unwrap_err();
        assert_eq!(errs[0].line, Some(6));
        assert!(
            errs[0].help.as_deref().unwrap().contains("`non_executive`"),
            "{errs:?}"
        );
    }

    #[test]
    fn pages_do_not_need_what_only_the_check_reads() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let today = time::macros::date!(2026 - 11 - 30);
        let mut site = load_site(root, LoadOptions::default()).expect("the demo site loads");
        let report = crate::compliance::check_site(&site, today);
        let pages = |site: &Site| {
            let mut files = crate::build::render_in_memory(site, &report, today).expect("renders");
            files.sort_by(|a, b| a.path.cmp(&b.path));
            files
                .into_iter()
                .map(|f| (f.path, f.bytes))
                .collect::<Vec<_>>()
        };
        let before = pages(&site);
        assert!(site.documents.iter().any(|d| !d.body.text.is_empty()));
        site.drop_check_data();
        assert!(site
            .documents
            .iter()
            .all(|d| d.body.text.is_empty() && d.body.links.is_empty()));
        assert_eq!(pages(&site), before);
    }

    #[test]
    fn urls_from_paths() {
        let u = url_for(Path::new("content/annual-reports/2023-24.md"), None).unwrap();
        assert_eq!(u, "/annual-reports/2023-24/");
        assert_eq!(
            url_for(Path::new("content/about/index.md"), None).unwrap(),
            "/about/"
        );
        assert_eq!(
            url_for(Path::new("content/Annual Report.md"), None).unwrap(),
            "/annual-report/"
        );
    }

    #[test]
    fn escaping_slugs_are_refused() {
        let f = Field {
            value: FieldValue::String("../../etc".into()),
            line: 4,
            column: 8,
        };
        let e = url_for(Path::new("content/a.md"), Some(&f)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnsafePath);
        assert_eq!(e.line, Some(4));
    }

    #[test]
    fn parses_a_document() {
        let text = "+++\ntitle = \"Plan\"\nkind = \"page\"\npublished = 2024-01-02\n+++\n\n## Hello\n\nWorld.\n";
        let d = parse_document(Path::new("content/plan.md"), text, CCG).unwrap();
        assert_eq!(d.url, "/plan/");
        assert_eq!(d.kind, Kind::Page);
        assert_eq!(d.body.outline[0].line, 7);
        assert_eq!(
            d.published.map(fields::format_date).as_deref(),
            Some("2024-01-02")
        );
    }

    #[test]
    fn reports_every_front_matter_problem() {
        let text = "+++\ntitle = \"R\"\nkind = \"annual-report\"\n[report]\nfinancial_yaer = \"2023/24\"\npublished_date = \"July\"\n+++\n";
        let errs = parse_document(Path::new("content/r.md"), text, CCG).unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!(errs[0].line, Some(5));
        assert!(errs[0].help.as_deref().unwrap().contains("financial_year"));
        assert_eq!(errs[1].line, Some(6));
    }

    #[test]
    fn unknown_kind_suggests() {
        let text = "+++\ntitle = \"R\"\nkind = \"anual-report\"\n+++\n";
        let errs = parse_document(Path::new("content/r.md"), text, CCG).unwrap_err();
        assert!(
            errs[0].help.as_deref().unwrap().contains("`annual-report`"),
            "{errs:?}"
        );
        assert_eq!(errs[0].line, Some(3));
    }
}
