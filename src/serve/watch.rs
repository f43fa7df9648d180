//! Watching the site's files with `notify`, debounced into batches of changed paths.
//!
//! Watched: `site.toml` (through its folder, so that editors' save-by-rename is seen),
//! `content/`, `static/` and `themes/` (recursively; folders created later are picked up).
//! The build output and everything else in the site folder are not watched. Events for
//! editors' temporary files are dropped before they can start or prolong a batch.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use super::classify::{classify, ChangeKind};
use crate::content::CONTENT_DIR;
use crate::error::{ErrorKind, SiteError};

/// A batch ends when no relevant event has come for this long.
const QUIET: Duration = Duration::from_millis(5);
/// When a batch names a document that no longer exists, wait this much longer: editors that
/// save by renaming the old file away briefly leave no file at all.
const MISSING_FILE_GRACE: Duration = Duration::from_millis(30);
/// A batch never waits longer than this after its first event, even in a burst of saves.
const LONGEST: Duration = Duration::from_millis(250);

/// The folders watched recursively when they exist.
const WATCHED_FOLDERS: [&str; 3] = [CONTENT_DIR, "static", "themes"];

/// Watches a site folder and hands out debounced batches of changed paths.
pub struct SiteWatcher {
    watcher: RecommendedWatcher,
    events: Receiver<Vec<PathBuf>>,
    root: PathBuf,
    watched: BTreeSet<&'static str>,
}

impl std::fmt::Debug for SiteWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteWatcher")
            .field("root", &self.root)
            .field("watched", &self.watched)
            .finish()
    }
}

fn watch_error(path: &Path, e: &notify::Error) -> SiteError {
    SiteError::new(
        ErrorKind::Read,
        format!("cannot watch {}: {e}", path.display()),
    )
    .in_file(path)
    .with_help(
        "on Linux, raise fs.inotify.max_user_watches, or close other programs that watch files",
    )
}

impl SiteWatcher {
    /// Starts watching the site folder `root`.
    pub fn new(root: &Path) -> Result<Self, SiteError> {
        let root = root.canonicalize().map_err(|e| {
            SiteError::new(ErrorKind::Read, format!("cannot read the site folder: {e}"))
                .in_file(root)
        })?;
        let (tx, events) = channel();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if let Ok(event) = event {
                if !matches!(event.kind, EventKind::Access(_)) {
                    // The receiver is gone only when serving stops.
                    let _ = tx.send(event.paths);
                }
            }
        })
        .map_err(|e| watch_error(&root, &e))?;
        let mut site_watcher = SiteWatcher {
            watcher,
            events,
            root,
            watched: BTreeSet::new(),
        };
        site_watcher
            .watcher
            .watch(&site_watcher.root, RecursiveMode::NonRecursive)
            .map_err(|e| watch_error(&site_watcher.root, &e))?;
        site_watcher.refresh_folders()?;
        Ok(site_watcher)
    }

    /// Watches the site's folders that exist now and were not watched yet.
    fn refresh_folders(&mut self) -> Result<(), SiteError> {
        for name in WATCHED_FOLDERS {
            let dir = self.root.join(name);
            if !dir.is_dir() {
                self.watched.remove(name);
            } else if !self.watched.contains(name) {
                self.watcher
                    .watch(&dir, RecursiveMode::Recursive)
                    .map_err(|e| watch_error(&dir, &e))?;
                self.watched.insert(name);
            }
        }
        Ok(())
    }

    /// Relevant paths of an event, relative to the site folder.
    fn relevant(&self, paths: Vec<PathBuf>) -> Vec<PathBuf> {
        paths
            .into_iter()
            .filter_map(|p| p.strip_prefix(&self.root).ok().map(Path::to_path_buf))
            .filter(|rel| classify(rel) != ChangeKind::Ignored)
            .collect()
    }

    /// Blocks until files change, then returns the changed paths (relative to the site folder,
    /// without duplicates) once the changes have settled. `None` when watching has stopped.
    pub fn next_batch(&mut self) -> Option<BTreeSet<PathBuf>> {
        let mut batch = BTreeSet::new();
        while batch.is_empty() {
            let paths = self.events.recv().ok()?;
            batch.extend(self.relevant(paths));
        }
        let started = Instant::now();
        self.collect_until_quiet(&mut batch, started, QUIET);
        if batch.iter().any(|p| self.is_missing_document(p)) {
            self.collect_until_quiet(&mut batch, started, MISSING_FILE_GRACE);
        }
        // New folders (content/ created after start) are watched from now on.
        let _ = self.refresh_folders();
        Some(batch)
    }

    fn collect_until_quiet(
        &self,
        batch: &mut BTreeSet<PathBuf>,
        started: Instant,
        quiet: Duration,
    ) {
        let mut last_relevant = Instant::now();
        loop {
            let now = Instant::now();
            let until_quiet = quiet.saturating_sub(now - last_relevant);
            let until_longest = LONGEST.saturating_sub(now - started);
            let wait = until_quiet.min(until_longest);
            if wait.is_zero() {
                return;
            }
            match self.events.recv_timeout(wait) {
                Ok(paths) => {
                    let relevant = self.relevant(paths);
                    if !relevant.is_empty() {
                        batch.extend(relevant);
                        last_relevant = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => return,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    fn is_missing_document(&self, rel: &Path) -> bool {
        classify(rel) == ChangeKind::Content
            && rel.extension().is_some_and(|e| e == "md")
            && !self.root.join(rel).exists()
    }
}
