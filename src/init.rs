//! `ccg-site init [--regime REGIME] DIR`: a new site that checks clean and builds at once.
//!
//! The starter sites are embedded in the binary at compile time, so `init` always writes
//! documents that meet every rule: for ccg-2013 the demo site of this repository (a fictional
//! CCG), for icb-2022 `starters/icb-2022/` (a fictional ICB, with an archived predecessor CCG's
//! annual report).

use std::path::{Path, PathBuf};

use crate::error::{ErrorKind, Result, SiteError};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

pub use embedded::{ICB_STARTER_SITE_FILES, STARTER_SITE_FILES, THEME_FILES};

use crate::config::Regime;

/// The embedded starter site of a regime: (path, bytes).
pub fn starter_files(regime: Regime) -> &'static [(&'static str, &'static [u8])] {
    match regime {
        Regime::Ccg2013 => STARTER_SITE_FILES,
        Regime::Icb2022 => ICB_STARTER_SITE_FILES,
    }
}

/// Reads the `--regime` of `init`, with a "did you mean" for an unknown one.
pub fn parse_regime(name: &str) -> Result<Regime> {
    Regime::parse(name).ok_or_else(|| {
        let names = Regime::ALL.iter().map(|r| r.as_str());
        let list = names.clone().collect::<Vec<_>>().join(", ");
        let help = match crate::suggest::did_you_mean(name, names) {
            Some(s) => format!("did you mean `{s}`? known regimes: {list}"),
            None => format!("known regimes: {list}"),
        };
        SiteError::new(ErrorKind::Config, format!("unknown regime `{name}`"))
            .with_help(help)
            .into()
    })
}

/// Writes a new site of `regime` into `dir`, which must not exist or be empty. Returns the
/// files written.
pub fn init_site(dir: &Path, regime: Regime) -> Result<Vec<PathBuf>> {
    if dir.exists() {
        let non_empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true);
        if non_empty {
            return Err(SiteError::new(
                ErrorKind::Write,
                format!("{} already exists and is not empty", dir.display()),
            )
            .in_file(dir)
            .with_help("choose a new folder name; init never overwrites files")
            .into());
        }
    }
    let mut written = Vec::new();
    for (rel, bytes) in starter_files(regime) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| write_error(parent, &e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| write_error(&path, &e))?;
        written.push(PathBuf::from(rel));
    }
    Ok(written)
}

fn write_error(path: &Path, e: &std::io::Error) -> SiteError {
    SiteError::new(
        ErrorKind::Write,
        format!("cannot write {}: {e}", path.display()),
    )
    .in_file(path)
}
