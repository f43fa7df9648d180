//! The site store: the latest built version of the site, in memory, and what it is served from.
//!
//! Each rebuild publishes a new immutable [`Snapshot`]; requests read whichever snapshot is
//! current. When a rebuild fails the snapshot keeps the last good files and carries the problems,
//! so the browser shows an overlay over the last good version. A URL path is looked up only among
//! the snapshot's files ([`resolve`]), so nothing outside the built site can ever be served.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use percent_encoding::percent_decode_str;
use tokio::sync::broadcast;

use crate::compliance::Diagnostic;
use crate::error::SiteError;

/// The files of a built site: output path (`annual-reports/index.html`) to bytes.
pub type SiteFiles = HashMap<String, Arc<[u8]>>;

/// One published version of the preview.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Counts up with every rebuild, good or bad.
    pub version: u64,
    /// The files of the last good build (empty when no build has succeeded yet).
    pub files: Arc<SiteFiles>,
    /// Why the latest rebuild failed; empty when it succeeded.
    pub problems: Vec<SiteError>,
    /// Compliance findings, by the output path of the page they concern.
    pub findings: Arc<HashMap<String, Vec<Diagnostic>>>,
    /// The URLs of the pages that differ from the previous version; `None`: every page.
    pub changed: Option<Vec<String>>,
}

impl Snapshot {
    /// Whether at least one build has succeeded.
    pub fn has_site(&self) -> bool {
        !self.files.is_empty()
    }
}

/// The current snapshot, shared by the rebuild thread and the HTTP server, and the channel that
/// tells browsers a new version is in place.
#[derive(Debug)]
pub struct SiteStore {
    current: RwLock<Arc<Snapshot>>,
    versions: broadcast::Sender<Reload>,
}

/// What browsers are told after a rebuild: the new version, and which pages changed
/// (`None`: every page; a browser on another page need not reload).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reload {
    /// The version now in place.
    pub version: u64,
    /// The URLs of the changed pages, or `None` for all.
    pub pages: Option<Vec<String>>,
}

impl Reload {
    /// The event's data: the version, then the changed pages' URLs, separated by spaces.
    pub fn to_data(&self) -> String {
        match &self.pages {
            None => self.version.to_string(),
            Some(pages) => format!("{} {}", self.version, pages.join(" ")),
        }
    }
}

impl Default for SiteStore {
    fn default() -> Self {
        Self::new()
    }
}

impl SiteStore {
    /// An empty store (version 0, no files).
    pub fn new() -> Self {
        let (versions, _) = broadcast::channel(16);
        SiteStore {
            current: RwLock::new(Arc::new(Snapshot::default())),
            versions,
        }
    }

    /// The current snapshot.
    pub fn current(&self) -> Arc<Snapshot> {
        match self.current.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Puts `snapshot` in place, then tells every subscriber its version: a browser told to
    /// reload always gets the new version.
    pub fn publish(&self, snapshot: Snapshot) {
        let reload = Reload {
            version: snapshot.version,
            pages: snapshot.changed.clone(),
        };
        match self.current.write() {
            Ok(mut guard) => *guard = Arc::new(snapshot),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(snapshot),
        }
        // No subscribers is fine: nobody is watching yet.
        let _ = self.versions.send(reload);
    }

    /// A receiver of the versions published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Reload> {
        self.versions.subscribe()
    }
}

/// What a request path refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A file of the site, by its output path.
    File(String),
    /// A folder of the site without its trailing slash: redirect here.
    Redirect(String),
    /// Nothing of the site.
    NotFound,
}

/// Looks a request path (as sent, possibly percent-encoded, without the query) up among `files`.
///
/// Paths that are not plainly inside the site are refused before the lookup: encoded or literal
/// `..` and `.` segments, backslashes, empty segments (`//`), NUL bytes, and anything that does
/// not start with a single `/`.
pub fn resolve(files: &SiteFiles, raw_path: &str) -> Resolved {
    let Some(path) = clean_path(raw_path) else {
        return Resolved::NotFound;
    };
    if path.is_empty() || path.ends_with('/') {
        let index = format!("{path}index.html");
        return if files.contains_key(&index) {
            Resolved::File(index)
        } else {
            Resolved::NotFound
        };
    }
    if files.contains_key(&path) {
        return Resolved::File(path);
    }
    if files.contains_key(&format!("{path}/index.html")) {
        return Resolved::Redirect(format!("/{path}/"));
    }
    Resolved::NotFound
}

/// The decoded path without its leading `/`, or `None` when it could leave the site.
fn clean_path(raw_path: &str) -> Option<String> {
    let rest = raw_path.strip_prefix('/')?;
    let decoded = percent_decode_str(rest).decode_utf8().ok()?;
    if decoded.starts_with('/') || decoded.contains(['\\', '\0', ':']) {
        return None;
    }
    let body = decoded.strip_suffix('/').unwrap_or(&decoded);
    if !body.is_empty()
        && body
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return None;
    }
    Some(decoded.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> SiteFiles {
        [
            "index.html",
            "style.css",
            "about/index.html",
            "reports/a b.pdf",
        ]
        .iter()
        .map(|p| (p.to_string(), Arc::from(&b"x"[..])))
        .collect()
    }

    #[test]
    fn resolves_pages_files_and_folders() {
        let f = files();
        assert_eq!(resolve(&f, "/"), Resolved::File("index.html".into()));
        assert_eq!(
            resolve(&f, "/about/"),
            Resolved::File("about/index.html".into())
        );
        assert_eq!(resolve(&f, "/about"), Resolved::Redirect("/about/".into()));
        assert_eq!(
            resolve(&f, "/style.css"),
            Resolved::File("style.css".into())
        );
        assert_eq!(
            resolve(&f, "/reports/a%20b.pdf"),
            Resolved::File("reports/a b.pdf".into())
        );
        assert_eq!(resolve(&f, "/missing/"), Resolved::NotFound);
        assert_eq!(resolve(&f, "/reports/"), Resolved::NotFound);
    }

    #[test]
    fn refuses_paths_that_leave_the_site() {
        let f = files();
        for p in [
            "/../style.css",
            "/about/../style.css",
            "/%2e%2e/style.css",
            "/%2E%2E%2Fstyle.css",
            "/about/%2e%2e%2fstyle.css",
            "/./style.css",
            "//style.css",
            "/%2fstyle.css",
            "/about//index.html",
            "/..%5cstyle.css",
            "/about\\..\\style.css",
            "/%5cstyle.css",
            "/style.css%00",
            "/C:/style.css",
            "style.css",
            "http://example.org/style.css",
            "/%ff",
            "",
        ] {
            assert_eq!(resolve(&f, p), Resolved::NotFound, "{p}");
        }
    }

    #[test]
    fn publishing_puts_the_snapshot_in_place_before_telling() {
        let store = SiteStore::new();
        let mut rx = store.subscribe();
        store.publish(Snapshot {
            version: 3,
            ..Snapshot::default()
        });
        assert_eq!(
            rx.try_recv().ok().map(|r| r.to_data()),
            Some("3".to_string())
        );
        store.publish(Snapshot {
            version: 4,
            changed: Some(vec!["/".into(), "/about/".into()]),
            ..Snapshot::default()
        });
        assert_eq!(
            rx.try_recv().ok().map(|r| r.to_data()),
            Some("4 / /about/".to_string())
        );
        assert_eq!(store.current().version, 4);
    }
}
