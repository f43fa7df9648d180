//! Change classification: what a changed path means for the preview, decided from the path
//! alone (no file system), so that it can be tested on its own.
//!
//! Editors' temporary files, hidden files and the build output are filtered out here, before
//! they can trigger a rebuild. A batch of changes becomes one [`RebuildPlan`].

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use crate::config::CONFIG_FILE;
use crate::content::CONTENT_DIR;

/// What one changed path is, for the preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// A document, or a folder under `content/`.
    Content,
    /// A template or a static file of a theme under `themes/`.
    Theme,
    /// A file under the site's own `static/`.
    Static,
    /// `site.toml`.
    Config,
    /// Anything else: editors' temporary files, hidden files, the build output, other files.
    Ignored,
}

/// Classifies a path relative to the site folder.
pub fn classify(rel: &Path) -> ChangeKind {
    let names: Vec<String> = match normal_names(rel) {
        Some(n) if !n.is_empty() => n,
        _ => return ChangeKind::Ignored,
    };
    if names.iter().any(|n| is_temporary_or_hidden(n)) {
        return ChangeKind::Ignored;
    }
    match (names[0].as_str(), names.len()) {
        (CONFIG_FILE, 1) => ChangeKind::Config,
        (CONTENT_DIR, _) => ChangeKind::Content,
        ("themes", _) => ChangeKind::Theme,
        ("static", _) => ChangeKind::Static,
        _ => ChangeKind::Ignored,
    }
}

/// The path's components as text, or `None` when it is absolute or has `..`.
fn normal_names(rel: &Path) -> Option<Vec<String>> {
    rel.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

/// Whether a file name is an editor's temporary or backup file, or hidden.
///
/// Covers vim (`.x.swp`, `4913`, `x~`), emacs (`#x#`, `.#x`), JetBrains (`x___jb_tmp___`),
/// Kate (`x.kate-swp`), gedit/GIO (`.goutputstream-*`), `sed -i` (`sedXXXXXX`) and generic
/// `*.tmp` files.
pub fn is_temporary_or_hidden(name: &str) -> bool {
    name.starts_with('.')
        || is_sed_in_place_file(name)
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || [
            ".swp",
            ".swx",
            ".swo",
            ".tmp",
            ".kate-swp",
            "___jb_tmp___",
            "___jb_old___",
        ]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

/// `sed -i` writes the new text to `sed` plus six random letters or digits beside the file, then
/// renames it over the original (GNU sed's `ck_mkstemp("sedXXXXXX")`).
fn is_sed_in_place_file(name: &str) -> bool {
    name.len() == 9
        && name.starts_with("sed")
        && name[3..].bytes().all(|b| b.is_ascii_alphanumeric())
}

/// What to do about a batch of changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RebuildPlan {
    /// Nothing that the site is built from changed.
    Nothing,
    /// Reload the configuration, the theme and every document, and render everything.
    Everything,
    /// Reload only these paths under `content/` (files or folders) and, when `statics` is set,
    /// re-read the static files; render only the pages that depend on them.
    Incremental {
        /// Changed paths under `content/`, relative to the site folder.
        content: BTreeSet<PathBuf>,
        /// Whether the site's `static/` changed.
        statics: bool,
    },
}

/// Turns a batch of changed paths (relative to the site folder) into one plan.
pub fn plan<'a>(changed: impl IntoIterator<Item = &'a Path>) -> RebuildPlan {
    let mut content = BTreeSet::new();
    let mut statics = false;
    for rel in changed {
        match classify(rel) {
            ChangeKind::Config | ChangeKind::Theme => return RebuildPlan::Everything,
            ChangeKind::Content => {
                content.insert(rel.to_path_buf());
            }
            ChangeKind::Static => statics = true,
            ChangeKind::Ignored => {}
        }
    }
    if content.is_empty() && !statics {
        RebuildPlan::Nothing
    } else {
        RebuildPlan::Incremental { content, statics }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(p: &str) -> ChangeKind {
        classify(Path::new(p))
    }

    #[test]
    fn classifies_each_part_of_a_site() {
        assert_eq!(kind("site.toml"), ChangeKind::Config);
        assert_eq!(kind("./site.toml"), ChangeKind::Config);
        assert_eq!(
            kind("content/annual-reports/2023-24.md"),
            ChangeKind::Content
        );
        assert_eq!(kind("content/new-folder"), ChangeKind::Content);
        assert_eq!(kind("content"), ChangeKind::Content);
        assert_eq!(kind("themes/mine/templates/page.html"), ChangeKind::Theme);
        assert_eq!(kind("themes/mine/static/style.css"), ChangeKind::Theme);
        assert_eq!(kind("static/reports/2023-24.pdf"), ChangeKind::Static);
    }

    #[test]
    fn ignores_output_and_other_files() {
        assert_eq!(kind("public/index.html"), ChangeKind::Ignored);
        assert_eq!(kind("target/debug/ccg-site"), ChangeKind::Ignored);
        assert_eq!(kind("README.md"), ChangeKind::Ignored);
        assert_eq!(kind("site.toml/x"), ChangeKind::Ignored);
        assert_eq!(kind(""), ChangeKind::Ignored);
        assert_eq!(kind("/etc/passwd"), ChangeKind::Ignored);
        assert_eq!(kind("../content/a.md"), ChangeKind::Ignored);
    }

    #[test]
    fn ignores_editor_temporary_files() {
        for p in [
            "content/.about.md.swp",
            "content/about.md~",
            "content/#about.md#",
            "content/.#about.md",
            "content/4913",
            "content/about.md.tmp",
            "content/about.md___jb_tmp___",
            "content/about.md.kate-swp",
            "content/.goutputstream-X1Y2",
            ".site.toml.swp",
            "site.toml~",
            "content/.git/index",
            "themes/.DS_Store",
            "content/sedAb3xZ9",
            "content/annual-reports/sed000000",
        ] {
            assert_eq!(kind(p), ChangeKind::Ignored, "{p}");
        }
        for p in [
            "content/sedation.md",
            "content/sed.md",
            "content/sedAb3xZ9.md",
        ] {
            assert_eq!(kind(p), ChangeKind::Content, "{p}");
        }
    }

    #[test]
    fn plans_a_batch() {
        let p = |paths: &[&str]| plan(paths.iter().map(Path::new));
        assert_eq!(p(&[]), RebuildPlan::Nothing);
        assert_eq!(
            p(&["content/.a.md.swp", "public/x.html"]),
            RebuildPlan::Nothing
        );
        assert_eq!(
            p(&["content/a.md", "content/.a.md.swp", "content/a.md"]),
            RebuildPlan::Incremental {
                content: [PathBuf::from("content/a.md")].into(),
                statics: false
            }
        );
        assert_eq!(
            p(&["static/logo.png"]),
            RebuildPlan::Incremental {
                content: BTreeSet::new(),
                statics: true
            }
        );
        assert_eq!(p(&["content/a.md", "site.toml"]), RebuildPlan::Everything);
        assert_eq!(
            p(&["themes/x/templates/page.html", "content/a.md"]),
            RebuildPlan::Everything
        );
    }
}
