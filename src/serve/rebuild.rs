//! Rebuilding the preview: the same stages as `build` (load, check, render), kept in memory and
//! applied incrementally.
//!
//! An edit to a document reloads only that document and re-renders only the pages that show it:
//! its own page, its kind's listing, the home page, the compliance summary and the compliance
//! page that lists it (plus the sitemap, feed and CSVs, which are cheap), and publishes them.
//! Browsers are told which pages changed, so only those reload. Adding, removing or moving a
//! document, or changing its kind or regime,
//! re-renders every page from memory (the menu counts documents of each kind) without reading
//! the other documents again. A change to `site.toml` or a theme reloads everything.
//!
//! A failed rebuild keeps the last good files; its problems travel with the snapshot to the
//! browser overlay.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use time::Date;

use super::classify::RebuildPlan;
use super::store::{SiteFiles, Snapshot};
use crate::compliance::{CheckCache, Diagnostic, Report};
use crate::config::load_config;
use crate::content::{
    check_urls, find_documents, read_document, Document, Kind, ReadOptions, Site,
};
use crate::error::{Error, SiteError};
use crate::output::{site_static_files, OutputFile};
use crate::render::{render_pages, render_site, CompliancePlan, PageJob, SiteContext, Theme};

/// How the preview loads a site.
#[derive(Debug, Clone)]
pub struct RebuildOptions {
    /// The site folder.
    pub root: PathBuf,
    /// Include drafts.
    pub drafts: bool,
    /// The date rules and pages are judged against.
    pub today: Date,
}

/// What one rebuild did, for the terminal.
#[derive(Debug, Clone)]
pub struct RebuildSummary {
    /// The version it published.
    pub version: u64,
    /// What changed, in words (`content/a.md`, `site.toml`, `start`).
    pub trigger: String,
    /// Whether everything was reloaded and rendered.
    pub full: bool,
    /// Files rendered (pages and generated files).
    pub rendered: usize,
    /// Documents in the site.
    pub documents: usize,
    /// How long it took.
    pub elapsed: Duration,
    /// Compliance findings of error severity.
    pub errors: usize,
    /// Compliance findings of warning severity.
    pub warnings: usize,
    /// Why the site did not build; empty when it did.
    pub problems: Vec<SiteError>,
}

/// The loaded state of a site: configuration, theme and documents.
struct Loaded {
    site: Site,
    theme: Theme,
    /// Documents that failed to load, by path.
    broken: BTreeMap<PathBuf, Vec<SiteError>>,
    /// Every document file found, loaded or broken, drafts included.
    known: BTreeSet<PathBuf>,
    site_static: Vec<OutputFile>,
}

/// What the pages of the site depend on beyond each document itself: which documents exist,
/// where, of which kind and under which regime (which decide the compliance page that lists
/// each).
type Shape = Vec<(PathBuf, String, Kind, Option<String>)>;

fn shape_of(site: &Site) -> Shape {
    site.documents
        .iter()
        .map(|d| (d.path.clone(), d.url.clone(), d.kind, d.regime.clone()))
        .collect()
}

/// Keeps the loaded site between rebuilds and turns change plans into snapshots.
pub struct Rebuilder {
    options: RebuildOptions,
    loaded: Option<Loaded>,
    /// The shape of the site the current files were rendered from.
    rendered_shape: Option<Shape>,
    files: Arc<SiteFiles>,
    findings: Arc<HashMap<String, Vec<Diagnostic>>>,
    version: u64,
    /// The findings the current files were rendered with.
    report: Report,
    /// Each document's last check, so that an edit re-checks only what it changed.
    checks: CheckCache,
    /// The last rebuild failed.
    failed: bool,
}

/// What a render did: how many files, and which pages changed (`None`: all of them).
struct Rendered {
    files: usize,
    changed: Option<Vec<String>>,
}

impl Rebuilder {
    /// A rebuilder with nothing loaded yet; the first [`Rebuilder::rebuild`] loads everything.
    pub fn new(options: RebuildOptions) -> Self {
        Rebuilder {
            options,
            loaded: None,
            rendered_shape: None,
            files: Arc::new(SiteFiles::new()),
            findings: Arc::new(HashMap::new()),
            version: 0,
            report: Report::default(),
            checks: CheckCache::new(),
            failed: false,
        }
    }

    /// Applies a plan. Returns the snapshot to publish and what was done, or `None` when the plan
    /// asks for nothing.
    pub fn rebuild(
        &mut self,
        plan: &RebuildPlan,
        trigger: &str,
    ) -> Option<(Snapshot, RebuildSummary)> {
        let start = Instant::now();
        let (result, full) = match plan {
            RebuildPlan::Nothing => return None,
            RebuildPlan::Incremental { content, statics } if self.loaded.is_some() => {
                (self.incremental(content, *statics), false)
            }
            _ => (self.everything(), true),
        };
        let (rendered, changed, problems) = match result {
            Ok(r) => (r.files, r.changed, Vec::new()),
            Err(e) => (0, None, e.problems().to_vec()),
        };
        // Failing, or recovering: the overlay comes or goes on every page.
        let changed = if self.failed || !problems.is_empty() {
            None
        } else {
            changed
        };
        self.failed = !problems.is_empty();
        Some(self.publishable(trigger, full, start, rendered, changed, problems))
    }

    fn publishable(
        &mut self,
        trigger: &str,
        full: bool,
        start: Instant,
        rendered: usize,
        changed: Option<Vec<String>>,
        problems: Vec<SiteError>,
    ) -> (Snapshot, RebuildSummary) {
        self.version += 1;
        let (errors, warnings, documents) = self.counts();
        let snapshot = Snapshot {
            version: self.version,
            files: Arc::clone(&self.files),
            problems: problems.clone(),
            findings: Arc::clone(&self.findings),
            changed,
        };
        let summary = RebuildSummary {
            version: self.version,
            trigger: trigger.to_string(),
            full,
            rendered,
            documents,
            elapsed: start.elapsed(),
            errors,
            warnings,
            problems,
        };
        (snapshot, summary)
    }

    /// Puts rendered files in place; returns the URLs of the HTML pages whose bytes changed.
    fn insert_pages(&mut self, pages: Vec<OutputFile>) -> Vec<String> {
        let mut files = SiteFiles::clone(&self.files);
        let mut changed = Vec::new();
        for f in pages {
            let differs = files.get(&f.path).is_none_or(|old| **old != *f.bytes);
            if differs && f.path.ends_with(".html") {
                changed.push(url_of(&f.path));
            }
            files.insert(f.path, Arc::from(f.bytes));
        }
        self.files = Arc::new(files);
        changed
    }

    fn counts(&self) -> (usize, usize, usize) {
        let (mut errors, mut warnings) = (0, 0);
        for d in self.findings.values().flatten() {
            match d.severity {
                crate::compliance::Severity::Error => errors += 1,
                crate::compliance::Severity::Warning => warnings += 1,
            }
        }
        let documents = self.loaded.as_ref().map_or(0, |l| l.site.documents.len());
        (errors, warnings, documents)
    }

    /// Reloads the configuration, the theme and every document, then renders everything.
    fn everything(&mut self) -> Result<Rendered, Error> {
        self.loaded = None;
        let root = &self.options.root;
        let config = load_config(root)?;
        let theme = Theme::load(root, config.config.theme.as_deref())?;
        let site_static = site_static_files(root)?;
        let paths = find_documents(root)?;
        let mut loaded = Loaded {
            site: Site {
                root: root.clone(),
                config,
                documents: Vec::new(),
            },
            theme,
            broken: BTreeMap::new(),
            known: BTreeSet::new(),
            site_static,
        };
        let read = ReadOptions::of(&loaded.site.config);
        let results: Vec<_> = paths
            .par_iter()
            .map(|rel| (rel.clone(), read_document(root, rel, read)))
            .collect();
        for (rel, result) in results {
            store_document(&mut loaded, self.options.drafts, rel, result);
        }
        self.loaded = Some(loaded);
        self.render_everything()
    }

    /// Reloads the changed documents (and static files), then renders what depends on them.
    fn incremental(
        &mut self,
        content: &BTreeSet<PathBuf>,
        statics: bool,
    ) -> Result<Rendered, Error> {
        let drafts = self.options.drafts;
        let root = self.options.root.clone();
        let Some(loaded) = self.loaded.as_mut() else {
            return self.everything();
        };
        let changed = reload_documents(loaded, &root, drafts, content)?;
        if statics {
            loaded.site_static = site_static_files(&root)?;
        }
        let shape_changed = self.rendered_shape.as_ref() != Some(&shape_of(&loaded.site));
        if statics || shape_changed {
            self.render_everything()
        } else {
            self.render_affected(&changed)
        }
    }

    /// The problems that stop the loaded site from building, if any.
    fn blocking_problems(loaded: &Loaded) -> Result<(), Error> {
        let mut problems: Vec<SiteError> = loaded.broken.values().flatten().cloned().collect();
        problems.extend(check_urls(&loaded.site.documents));
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::from_problems(problems))
        }
    }

    fn render_everything(&mut self) -> Result<Rendered, Error> {
        let Some(loaded) = self.loaded.as_ref() else {
            return Ok(Rendered {
                files: 0,
                changed: None,
            });
        };
        Self::blocking_problems(loaded)?;
        // Which pages, files and anchors exist may have changed: check every document again.
        self.checks.clear();
        let report = self
            .checks
            .check(&loaded.site, &BTreeSet::new(), self.options.today);
        let pages = render_site(&loaded.site, &report, &loaded.theme, self.options.today)?;
        let files_rendered = pages.len();
        let mut files = SiteFiles::with_capacity(pages.len() + loaded.site_static.len());
        for f in pages.into_iter().chain(loaded.site_static.iter().cloned()) {
            files.insert(f.path, Arc::from(f.bytes));
        }
        self.files = Arc::new(files);
        self.findings = Arc::new(findings_by_page(&loaded.site, &report));
        self.rendered_shape = Some(shape_of(&loaded.site));
        self.report = report;
        Ok(Rendered {
            files: files_rendered,
            changed: None,
        })
    }

    /// Renders the pages that show the `changed` documents, their compliance pages included.
    fn render_affected(&mut self, changed: &BTreeSet<PathBuf>) -> Result<Rendered, Error> {
        let Some(loaded) = self.loaded.as_ref() else {
            return Ok(Rendered {
                files: 0,
                changed: None,
            });
        };
        Self::blocking_problems(loaded)?;
        let site = &loaded.site;
        let report = self.checks.check(site, changed, self.options.today);
        let compliance = CompliancePlan::of(&report);
        let jobs = affected_jobs(site, &report, &compliance, changed);
        let ctx = SiteContext::new(site, self.options.today);
        let mut pages = render_pages(&jobs, site, &report, &loaded.theme, &ctx)?;
        pages.extend(crate::output::feeds::generated_files_of(
            site,
            &ctx,
            &compliance.section_page_urls(),
            |d| changed.contains(&d.path),
        ));
        let files_rendered = pages.len();
        let findings = findings_by_page(site, &report);
        let mut changed_pages = findings_changed(&self.findings, &findings);
        changed_pages.extend(self.insert_pages(pages));
        changed_pages.sort();
        changed_pages.dedup();
        self.findings = Arc::new(findings);
        self.report = report;
        Ok(Rendered {
            files: files_rendered,
            changed: Some(changed_pages),
        })
    }
}

/// The URL of an output page: `index.html` is `/`, `a/index.html` is `/a/`.
pub fn url_of(path: &str) -> String {
    match path.strip_suffix("index.html") {
        Some(folder) => format!("/{folder}"),
        None => format!("/{path}"),
    }
}

/// The URLs of the pages whose findings differ.
fn findings_changed(
    old: &HashMap<String, Vec<Diagnostic>>,
    new: &HashMap<String, Vec<Diagnostic>>,
) -> Vec<String> {
    old.keys()
        .chain(new.keys())
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| url_of(k))
        .collect()
}

/// The pages that show something of the `changed` documents: their own pages, their kinds'
/// listings, the home page, the compliance summary and the compliance pages that list them.
/// (Only the changed documents' duties can have changed: a document's duties depend on nothing
/// but itself and `site.toml`, whose change rebuilds everything.)
pub fn affected_jobs<'a>(
    site: &'a Site,
    report: &Report,
    compliance: &'a CompliancePlan,
    changed: &BTreeSet<PathBuf>,
) -> Vec<PageJob<'a>> {
    let mut jobs = compliance.jobs_showing(report, changed);
    jobs.push(PageJob::Home);
    let mut kinds = BTreeSet::new();
    for doc in site.documents.iter().filter(|d| changed.contains(&d.path)) {
        jobs.push(PageJob::Document(doc));
        kinds.insert(doc.kind);
    }
    for kind in kinds {
        if kind.listing_url().is_some() {
            jobs.push(PageJob::Listing(kind));
        }
    }
    jobs
}

/// Reloads the documents named by `content` (files or folders), returning the paths of the
/// documents that were read again.
fn reload_documents(
    loaded: &mut Loaded,
    root: &Path,
    drafts: bool,
    content: &BTreeSet<PathBuf>,
) -> Result<BTreeSet<PathBuf>, Error> {
    let mut to_read: BTreeSet<PathBuf> = BTreeSet::new();
    let mut gone: BTreeSet<PathBuf> = BTreeSet::new();
    let mut rescan = false;
    for rel in content {
        match std::fs::symlink_metadata(root.join(rel)) {
            Ok(m) if m.is_file() && rel.extension().is_some_and(|e| e == "md") => {
                to_read.insert(rel.clone());
            }
            Err(_) if loaded.known.contains(rel) => {
                gone.insert(rel.clone());
            }
            // Folders, symbolic links (which find_documents vets) and anything unexpected.
            _ => rescan = true,
        }
    }
    if rescan {
        let found: BTreeSet<PathBuf> = find_documents(root)?.into_iter().collect();
        gone.extend(loaded.known.difference(&found).cloned());
        to_read.extend(found.difference(&loaded.known).cloned());
    }
    for rel in &gone {
        forget_document(loaded, rel);
    }
    let read = ReadOptions::of(&loaded.site.config);
    let results: Vec<_> = to_read
        .par_iter()
        .map(|rel| (rel.clone(), read_document(root, rel, read)))
        .collect();
    for (rel, result) in results {
        store_document(loaded, drafts, rel, result);
    }
    Ok(to_read)
}

fn forget_document(loaded: &mut Loaded, rel: &Path) {
    loaded.known.remove(rel);
    loaded.broken.remove(rel);
    loaded.site.documents.retain(|d| d.path != rel);
}

/// Puts a freshly read document in its place (sorted by path), or records why it failed.
fn store_document(
    loaded: &mut Loaded,
    drafts: bool,
    rel: PathBuf,
    result: Result<Document, Vec<SiteError>>,
) {
    forget_document(loaded, &rel);
    loaded.known.insert(rel.clone());
    match result {
        Ok(doc) if doc.draft && !drafts => {}
        Ok(doc) => {
            let docs = &mut loaded.site.documents;
            let at = docs.partition_point(|d| d.path < doc.path);
            docs.insert(at, doc);
        }
        Err(problems) => {
            loaded.broken.insert(rel, problems);
        }
    }
}

/// Compliance findings by the output path of the page they concern. Findings about files that
/// are not documents (`site.toml`) go on the home page and the compliance page.
pub fn findings_by_page(site: &Site, report: &Report) -> HashMap<String, Vec<Diagnostic>> {
    let pages: HashMap<&Path, String> = site
        .documents
        .iter()
        .map(|d| (d.path.as_path(), d.output_path()))
        .collect();
    let mut by_page: HashMap<String, Vec<Diagnostic>> = HashMap::new();
    for d in &report.diagnostics {
        match pages.get(d.file.as_path()) {
            Some(page) => by_page.entry(page.clone()).or_default().push(d.clone()),
            None => {
                for page in ["index.html", "compliance/index.html"] {
                    by_page.entry(page.to_string()).or_default().push(d.clone());
                }
            }
        }
    }
    by_page
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compliance::Severity;

    #[test]
    fn output_paths_become_urls() {
        assert_eq!(url_of("index.html"), "/");
        assert_eq!(
            url_of("annual-reports/2023-24/index.html"),
            "/annual-reports/2023-24/"
        );
        assert_eq!(url_of("404.html"), "/404.html");
    }

    #[test]
    fn pages_whose_findings_changed() {
        let finding = Diagnostic {
            rule: "annual-report.inequalities".into(),
            severity: Severity::Error,
            file: PathBuf::from("content/a.md"),
            line: 1,
            column: 1,
            message: "missing".into(),
            citation: "law".into(),
            help: "help".into(),
            regime: None,
        };
        let old: HashMap<String, Vec<Diagnostic>> =
            [("a/index.html".to_string(), vec![finding.clone()])].into();
        let new: HashMap<String, Vec<Diagnostic>> =
            [("b/index.html".to_string(), vec![finding])].into();
        let mut changed = findings_changed(&old, &new);
        changed.sort();
        assert_eq!(changed, ["/a/", "/b/"]);
        assert!(findings_changed(&old, &old).is_empty());
    }
}
