//! `ccg-site init DIR`: a new site that checks clean and builds at once.
//!
//! The starter site is the demo site of this repository (a fictional CCG), embedded in the
//! binary at compile time, so `init` always writes documents that meet every rule.

use std::path::{Path, PathBuf};

use crate::error::{ErrorKind, Result, SiteError};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

pub use embedded::{STARTER_SITE_FILES, THEME_FILES};

/// Writes a new site into `dir`, which must not exist or be empty. Returns the files written.
pub fn init_site(dir: &Path) -> Result<Vec<PathBuf>> {
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
    for (rel, bytes) in STARTER_SITE_FILES {
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
