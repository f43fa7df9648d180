//! The whole pipeline, as `build` runs it: load, check, render, write.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use time::Date;

use crate::compliance::{check_site, load_site_and_pack, Report};
use crate::content::{LoadOptions, Site};
use crate::error::{ErrorKind, Result, SiteError};
use crate::output::{site_static_files, OutputFile, Staging};
use crate::render::{render_site, render_site_to, Theme};

/// What `build` is asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder (holding `site.toml`).
    pub site_dir: PathBuf,
    /// Where to write; default `public/` in the site folder.
    pub output_dir: Option<PathBuf>,
    /// Include drafts.
    pub drafts: bool,
    /// The date rules and pages are judged against.
    pub today: Date,
}

/// What a finished build did.
#[derive(Debug)]
pub struct BuildReport {
    /// The compliance findings (none of error severity, or the build would have stopped).
    pub check: Report,
    /// Documents built.
    pub documents: usize,
    /// HTML pages written.
    pub pages: usize,
    /// All files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Where.
    pub output_dir: PathBuf,
    /// How long it took.
    pub elapsed: Duration,
}

/// How a build ended.
#[derive(Debug)]
pub enum BuildOutcome {
    /// The site was written.
    Built(BuildReport),
    /// Compliance errors: nothing was written.
    Refused(Report),
}

/// Today's date, or `CCG_SITE_TODAY` (`YYYY-MM-DD`) when set, for reproducible runs.
pub fn today() -> Date {
    if let Some(d) = std::env::var("CCG_SITE_TODAY")
        .ok()
        .and_then(|s| crate::content::fields::parse_date(&s))
    {
        return d;
    }
    time::OffsetDateTime::now_utc().date()
}

/// The output folder for a site: `--output` or `public/` in the site folder.
pub fn output_dir(site_dir: &Path, output: Option<&Path>) -> PathBuf {
    output.map_or_else(|| site_dir.join("public"), Path::to_path_buf)
}

/// Renders a loaded, checked site in memory: every page, feed, CSV and static file.
pub fn render_in_memory(site: &Site, report: &Report, today: Date) -> Result<Vec<OutputFile>> {
    let theme = Theme::load(&site.root, site.config.config.theme.as_deref())?;
    let mut files = render_site(site, report, &theme, today)?;
    files.extend(site_static_files(&site.root)?);
    Ok(files)
}

/// Loads, checks, renders and writes a site. Writes nothing when the check finds errors (or
/// warnings with `deny_warnings`).
pub fn build(options: &BuildOptions) -> Result<BuildOutcome> {
    let start = Instant::now();
    let mut timings = crate::timings::StageTimings::new();
    let mut site = load_site_and_pack(
        &options.site_dir,
        LoadOptions {
            drafts: options.drafts,
            ..LoadOptions::default()
        },
    )?;
    timings.lap("load");
    let report = check_site(&site, options.today);
    timings.lap("check");
    if report.blocks_publication(site.config.config.compliance.deny_warnings) {
        return Ok(BuildOutcome::Refused(report));
    }
    // Rendering does not read the plain text, links or tables: free them before the pages
    // take their memory.
    site.drop_check_data();
    let theme = Theme::load(&site.root, site.config.config.theme.as_deref())?;
    let site_static = site_static_files(&site.root)?;
    let out = output_dir(&options.site_dir, options.output_dir.as_deref());
    let site_inside_output = match (out.canonicalize(), options.site_dir.canonicalize()) {
        (Ok(out), Ok(site)) => site.starts_with(out),
        _ => false,
    };
    if site_inside_output {
        // Replacing it would delete the site's own files.
        return Err(SiteError::new(
            ErrorKind::Write,
            format!(
                "the output folder {} holds the site folder itself",
                out.display()
            ),
        )
        .with_help("choose an output folder inside or beside the site, e.g. --output public")
        .into());
    }
    // Each file is written as soon as it is rendered: the build holds the site's documents
    // and a page per core, not every page of the site at once.
    let staging = Staging::begin(&out)?;
    render_site_to(&site, &report, &theme, options.today, &|f| staging.put(&f))?;
    site_static.iter().try_for_each(|f| staging.put(f))?;
    timings.lap("render and write");
    let stats = staging.finish()?;
    timings.lap("swap");
    timings.print();
    let report = BuildReport {
        documents: site.documents.len(),
        pages: stats.pages,
        files: stats.files,
        bytes: stats.bytes,
        check: report,
        output_dir: out,
        elapsed: start.elapsed(),
    };
    Ok(BuildOutcome::Built(report))
}
