//! Errors that stop ccg-site from loading or building a site.
//!
//! Every error says which file (and where known, which line and column) it is about, what went
//! wrong and, where there is one, what to do about it. The CLI prints them; `serve` shows them in
//! the browser overlay. Several errors can be reported at once ([`Error::Many`]) so that a comms team
//! sees every broken document in one run.

use std::fmt;
use std::path::{Path, PathBuf};

/// What kind of problem an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// `site.toml` is missing, malformed or has a wrong key or type.
    Config,
    /// A document's front matter is malformed or breaks the schema of its kind.
    FrontMatter,
    /// A file is not valid UTF-8.
    Encoding,
    /// Two documents claim the same URL.
    DuplicateUrl,
    /// A slug or path would write outside the output folder.
    UnsafePath,
    /// A template failed to parse or render.
    Template,
    /// A file could not be read.
    Read,
    /// The output could not be written.
    Write,
    /// The site has nothing to build (for example an empty `content/`).
    Content,
}

/// One problem with a site, located in a file where possible.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SiteError {
    /// What kind of problem this is.
    pub kind: ErrorKind,
    /// The file, relative to the site folder where it is inside it.
    pub file: Option<PathBuf>,
    /// 1-based line in the whole file.
    pub line: Option<usize>,
    /// 1-based column (in characters).
    pub column: Option<usize>,
    /// What went wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl SiteError {
    /// A new error of `kind` with `message`, not yet located.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        SiteError {
            kind,
            file: None,
            line: None,
            column: None,
            message: message.into(),
            help: None,
        }
    }

    /// Locates the error in `file`.
    pub fn in_file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    /// Locates the error at a line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Adds advice on what to do.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:column`, as far as known.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?.display().to_string();
        Some(match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            (Some(l), None) => format!("{file}:{l}"),
            _ => file,
        })
    }
}

impl fmt::Display for SiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = self.location() {
            write!(f, "{loc}: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// The error type of the library: one or more located problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A single problem.
    One(Box<SiteError>),
    /// Several problems found in one pass (for example several broken documents).
    Many(Vec<SiteError>),
}

impl Error {
    /// Every problem this error carries.
    pub fn problems(&self) -> &[SiteError] {
        match self {
            Error::One(e) => std::slice::from_ref(e),
            Error::Many(v) => v,
        }
    }

    /// Wraps a list of problems; a list of one becomes [`Error::One`].
    pub fn from_problems(mut problems: Vec<SiteError>) -> Self {
        if problems.len() == 1 {
            Error::One(Box::new(problems.remove(0)))
        } else {
            Error::Many(problems)
        }
    }
}

impl From<SiteError> for Error {
    fn from(e: SiteError) -> Self {
        Error::One(Box::new(e))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems().iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Byte offset to 1-based line and column (in characters) within `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = text
        .get(line_start..offset)
        .map_or(offset - line_start, |s| s.chars().count())
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 7), (2, 4));
        assert_eq!(line_col(text, 8), (3, 1));
    }
}
