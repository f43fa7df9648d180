//! `site.toml`: the site's name, address, contact details, navigation and options.
//!
//! Every table is `deny_unknown_fields`, so a typo is an error with the key, the line and a
//! "did you mean" hint rather than a silently ignored setting.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{line_col, ErrorKind, Result, SiteError};

/// The regimes ccg-site knows: the law a site's documents are judged under.
pub const KNOWN_REGIMES: &[&str] = &["ccg-2013", "icb-2022"];

/// A body of law a document is judged under: the CCG regime (2013 to 30 June 2022) or the ICB
/// regime (from 1 July 2022). It decides the rule pack, the document kinds and their fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Regime {
    /// Clinical commissioning groups: NHS Act 2006 as amended by the Health and Social Care Act 2012.
    Ccg2013,
    /// Integrated care boards: NHS Act 2006 as amended by the Health and Care Act 2022.
    Icb2022,
}

impl Regime {
    /// Every regime, oldest first.
    pub const ALL: &'static [Regime] = &[Regime::Ccg2013, Regime::Icb2022];

    /// The name used in `site.toml` and front matter (`icb-2022`).
    pub fn as_str(self) -> &'static str {
        match self {
            Regime::Ccg2013 => "ccg-2013",
            Regime::Icb2022 => "icb-2022",
        }
    }

    /// Reads a regime name.
    pub fn parse(name: &str) -> Option<Regime> {
        Regime::ALL.iter().copied().find(|r| r.as_str() == name)
    }

    /// The first day the regime's law applied.
    pub fn in_force_from(self) -> time::Date {
        match self {
            Regime::Ccg2013 => time::macros::date!(2013 - 04 - 01),
            Regime::Icb2022 => time::macros::date!(2022 - 07 - 01),
        }
    }

    /// The last day the regime's law applied, if it has ended (CCGs were abolished on
    /// 1 July 2022).
    pub fn in_force_to(self) -> Option<time::Date> {
        match self {
            Regime::Ccg2013 => Some(time::macros::date!(2022 - 06 - 30)),
            Regime::Icb2022 => None,
        }
    }

    /// Whether the regime's law applied on `date`.
    pub fn in_force_on(self, date: time::Date) -> bool {
        date >= self.in_force_from() && self.in_force_to().is_none_or(|end| date <= end)
    }
}

/// The whole of `site.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Full name of the body, e.g. "NHS Northfield Clinical Commissioning Group". Required.
    pub name: String,
    /// A shorter name for the header; defaults to `name`.
    #[serde(default)]
    pub short_name: Option<String>,
    /// Where the site is published, e.g. `https://www.example-ccg.nhs.uk/`. Required.
    pub base_url: String,
    /// Language of the pages; default `en-GB`.
    #[serde(default = "default_language")]
    pub language: String,
    /// One sentence about the body, for the home page and metadata.
    #[serde(default)]
    pub description: String,
    /// Name of a theme folder under `themes/` whose templates override the embedded default.
    #[serde(default)]
    pub theme: Option<String>,
    /// Contact details shown in the footer.
    #[serde(default)]
    pub contact: Contact,
    /// The main menu, in order.
    #[serde(default)]
    pub navigation: Vec<NavItem>,
    /// How Markdown is turned into HTML.
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// Which law the site is judged under, severities and waivers.
    #[serde(default)]
    pub compliance: ComplianceConfig,
    /// How pages are written.
    #[serde(default)]
    pub build: BuildConfig,
    /// Free-form values for custom themes.
    #[serde(default)]
    pub extra: toml::Table,
}

fn default_language() -> String {
    "en-GB".to_string()
}

/// `[contact]`: every field optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Postal address on one line.
    #[serde(default)]
    pub address: String,
    /// Telephone number as people should dial it.
    #[serde(default)]
    pub phone: String,
    /// Email address.
    #[serde(default)]
    pub email: String,
    /// URL of a contact form.
    #[serde(default)]
    pub contact_form: String,
    /// When the phone line is open.
    #[serde(default)]
    pub opening_hours: String,
}

/// One `[[navigation]]` entry.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NavItem {
    /// The link text.
    pub title: String,
    /// Where it goes, e.g. `/annual-reports/`.
    pub url: String,
}

/// `[markdown]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// What happens to raw HTML written inside Markdown.
    #[serde(default)]
    pub raw_html: RawHtmlPolicy,
}

/// `[build]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BuildConfig {
    /// Run every page through minify-html. Off by default, as in Zola and Hugo: the theme and
    /// the Markdown renderer already write compact HTML, so minifying saved 2.3% of the bytes
    /// of a 10,000-document site (and nothing once gzipped, which every web server does) for
    /// about a third of the build's CPU time.
    #[serde(default)]
    pub minify: bool,
}

/// The policy for raw HTML in Markdown content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtmlPolicy {
    /// Keep safe markup, drop scripts, event handlers and `javascript:` URLs (the default).
    #[default]
    Sanitize,
    /// Show raw HTML as text.
    Escape,
    /// Pass raw HTML through untouched. Only for sites whose authors are all trusted.
    Allow,
}

impl RawHtmlPolicy {
    /// The name used in `site.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            RawHtmlPolicy::Sanitize => "sanitize",
            RawHtmlPolicy::Escape => "escape",
            RawHtmlPolicy::Allow => "allow",
        }
    }
}

/// `[compliance]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ComplianceConfig {
    /// `ccg-2013` (default) or `icb-2022`.
    #[serde(default = "default_regime")]
    pub regime: toml::Spanned<String>,
    /// Treat warnings as errors in `check` and `build`.
    #[serde(default)]
    pub deny_warnings: bool,
    /// Raise or lower a rule's severity: rule id to `error` or `warning`.
    #[serde(default)]
    pub severity: BTreeMap<String, toml::Spanned<String>>,
    /// Rules waived, each with a reason.
    #[serde(default)]
    pub waiver: Vec<Waiver>,
}

impl Default for ComplianceConfig {
    fn default() -> Self {
        ComplianceConfig {
            regime: default_regime(),
            deny_warnings: false,
            severity: BTreeMap::new(),
            waiver: Vec::new(),
        }
    }
}

impl ComplianceConfig {
    /// The site's regime (`regime` is validated when `site.toml` is loaded; ccg-2013 otherwise).
    pub fn site_regime(&self) -> Regime {
        Regime::parse(self.regime.get_ref()).unwrap_or(Regime::Ccg2013)
    }
}

fn default_regime() -> toml::Spanned<String> {
    toml::Spanned::new(0..0, "ccg-2013".to_string())
}

/// One `[[compliance.waiver]]`: a rule switched off for this site, with the reason why.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// The rule id waived.
    pub rule: toml::Spanned<String>,
    /// Why; required for an error-severity rule.
    #[serde(default)]
    pub reason: Option<String>,
}

/// `site.toml` as loaded: the config plus its source, for locating later errors.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    /// The typed settings.
    pub config: SiteConfig,
    /// The text of `site.toml`.
    pub source: String,
}

impl LoadedConfig {
    /// 1-based line of a byte offset in `site.toml`.
    pub fn line_of(&self, offset: usize) -> usize {
        line_col(&self.source, offset).0
    }
}

/// The name of the configuration file.
pub const CONFIG_FILE: &str = "site.toml";

/// Reads and validates `site.toml` in `site_dir`.
pub fn load_config(site_dir: &Path) -> Result<LoadedConfig> {
    let path = site_dir.join(CONFIG_FILE);
    if let Ok(meta) = std::fs::metadata(&path) {
        if !meta.is_file() {
            // A folder cannot be read, and reading a named pipe would wait forever.
            let what = if meta.is_dir() {
                "a folder"
            } else {
                "not a regular file"
            };
            return Err(SiteError::new(
                ErrorKind::Config,
                format!("{CONFIG_FILE} is {what}, so it cannot be read"),
            )
            .in_file(CONFIG_FILE)
            .with_help("site.toml must be an ordinary text file; `ccg-site init DIR` writes one")
            .into());
        }
    }
    let bytes = std::fs::read(&path).map_err(|e| {
        let (message, help) = if e.kind() == std::io::ErrorKind::NotFound {
            (
                format!("no {CONFIG_FILE} in {}", site_dir.display()),
                "run ccg-site in a site folder, pass --site DIR, or create one with `ccg-site init DIR`",
            )
        } else {
            (
                format!("cannot read {CONFIG_FILE}: {e}"),
                "check the file's permissions",
            )
        };
        SiteError::new(ErrorKind::Config, message)
            .in_file(CONFIG_FILE)
            .with_help(help)
    })?;
    let source = String::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        );
        SiteError::new(ErrorKind::Encoding, "site.toml is not valid UTF-8 text")
            .in_file(CONFIG_FILE)
            .at(line, column)
            .with_help("save the file as UTF-8")
    })?;
    let config = parse_config(&source)?;
    Ok(LoadedConfig { config, source })
}

/// Parses the text of a `site.toml`.
pub fn parse_config(source: &str) -> Result<SiteConfig> {
    let config: SiteConfig = toml::from_str(source).map_err(|e| toml_error(source, &e))?;
    validate(&config, source)?;
    Ok(config)
}

fn validate(config: &SiteConfig, source: &str) -> Result<()> {
    let regime = &config.compliance.regime;
    if !KNOWN_REGIMES.contains(&regime.get_ref().as_str()) {
        let (line, column) = line_col(source, regime.span().start);
        let mut help = format!("known regimes: {}", KNOWN_REGIMES.join(", "));
        if let Some(s) =
            crate::suggest::did_you_mean(regime.get_ref(), KNOWN_REGIMES.iter().copied())
        {
            help = format!("did you mean `{s}`? {help}");
        }
        return Err(SiteError::new(
            ErrorKind::Config,
            format!("unknown regime `{}`", regime.get_ref()),
        )
        .in_file(CONFIG_FILE)
        .at(line, column)
        .with_help(help)
        .into());
    }
    crate::compliance::policy::validate(&config.compliance, source)?;
    if config.name.trim().is_empty() {
        return Err(SiteError::new(ErrorKind::Config, "`name` is empty")
            .in_file(CONFIG_FILE)
            .with_help("set name = \"NHS Example Clinical Commissioning Group\"")
            .into());
    }
    if !(config.base_url.starts_with("https://") || config.base_url.starts_with("http://")) {
        return Err(SiteError::new(
            ErrorKind::Config,
            format!(
                "`base_url` must be an absolute http(s) URL, not `{}`",
                config.base_url
            ),
        )
        .in_file(CONFIG_FILE)
        .with_help("for example base_url = \"https://www.example-ccg.nhs.uk/\"")
        .into());
    }
    Ok(())
}

/// Turns a TOML error from `site.toml` into a located error with a hint.
fn toml_error(source: &str, e: &toml::de::Error) -> SiteError {
    let mut err = SiteError::new(ErrorKind::Config, first_line(e.message())).in_file(CONFIG_FILE);
    if let Some(span) = e.span() {
        let (line, column) = line_col(source, span.start);
        err = err.at(line, column);
    }
    if let Some(help) = crate::suggest::unknown_field_hint(e.message()) {
        err = err.with_help(help);
    } else if e.message().contains("missing field") {
        err = err.with_help("site.toml needs at least `name` and `base_url`");
    }
    err
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_config_gets_defaults() {
        let c = parse_config("name = \"NHS X CCG\"\nbase_url = \"https://x.nhs.uk/\"\n").unwrap();
        assert_eq!(c.language, "en-GB");
        assert_eq!(c.compliance.regime.get_ref(), "ccg-2013");
        assert_eq!(c.markdown.raw_html, RawHtmlPolicy::Sanitize);
    }

    #[test]
    fn unknown_key_names_line_and_suggests() {
        let err = parse_config("name = \"X\"\nbase_url = \"https://x/\"\ndescripton = \"y\"\n")
            .unwrap_err();
        let p = &err.problems()[0];
        assert_eq!(p.line, Some(3));
        assert!(
            p.help.as_deref().unwrap_or("").contains("description"),
            "{p:?}"
        );
    }

    #[test]
    fn unknown_regime_is_an_error_with_hint() {
        let err = parse_config(
            "name = \"X\"\nbase_url = \"https://x/\"\n[compliance]\nregime = \"icb-2021\"\n",
        )
        .unwrap_err();
        let p = &err.problems()[0];
        assert_eq!(p.line, Some(4));
        assert!(p.help.as_deref().unwrap_or("").contains("icb-2022"));
    }
}
