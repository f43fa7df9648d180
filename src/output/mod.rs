//! Output: minifying pages and writing the site atomically.
//!
//! Everything is written into a temporary folder beside the target and swapped in at the end,
//! so a failed or killed build leaves the previous `public/` exactly as it was. Temporary folders
//! left by a killed build are removed by the next one.

pub mod feeds;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::error::{ErrorKind, Result, SiteError};

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the output folder, with `/` separators (`annual-reports/index.html`).
    pub path: String,
    /// Its contents.
    pub bytes: Vec<u8>,
}

/// Pages nested deeper than this are written as rendered, not minified: the minifier parses
/// recursively and would overflow the stack of a render thread on pathologically deep HTML
/// (for example a custom theme or raw HTML with `allow`).
pub const MAX_MINIFY_DEPTH: usize = 256;

/// Minifies an HTML page. Closing tags and the html/head tags are kept, which keeps the output
/// easy to read in a browser's source view and valid for the Nu checker. Pages nested deeper
/// than [`MAX_MINIFY_DEPTH`], or that the minifier cannot parse, are returned as they are.
pub fn minify(html: &[u8]) -> Vec<u8> {
    let too_deep = std::str::from_utf8(html).map_or(true, |text| {
        crate::content::markdown::html_nesting_depth(text) > MAX_MINIFY_DEPTH
    });
    if too_deep || has_misnamed_raw_text_end_tag(html) {
        return html.to_vec();
    }
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg.minify_css = true;
    cfg.minify_js = false;
    // A third-party parser on user HTML: should it panic on something not caught above, the
    // page is written as rendered instead of stopping the build.
    std::panic::catch_unwind(|| minify_html::minify(html, &cfg)).unwrap_or_else(|_| html.to_vec())
}

/// Whether `html` has an end tag that starts like a raw-text element's but names another
/// (`</scriptX`, `</style-`): minify-html 0.18 ends the element there and then asserts that
/// the names agree (found by fuzzing raw HTML allowed through with `raw_html = "allow"`).
fn has_misnamed_raw_text_end_tag(html: &[u8]) -> bool {
    const RAW_TEXT: [&[u8]; 4] = [b"script", b"style", b"textarea", b"title"];
    html.windows(2)
        .enumerate()
        .filter(|(_, pair)| pair == b"</")
        .any(|(at, _)| {
            let rest = &html[at + 2..];
            RAW_TEXT.iter().any(|name| {
                rest.len() > name.len()
                    && rest[..name.len()].eq_ignore_ascii_case(name)
                    && !matches!(
                        rest[name.len()],
                        b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c'
                    )
            })
        })
}

/// Reads the site's own `static/` folder: files copied as they are.
pub fn site_static_files(site_root: &Path) -> Result<Vec<OutputFile>> {
    let dir = site_root.join("static");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            SiteError::new(ErrorKind::Read, format!("cannot read static/: {e}")).in_file("static")
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let shown = Path::new("static").join(rel);
        let bytes = std::fs::read(entry.path()).map_err(|e| {
            SiteError::new(ErrorKind::Read, format!("cannot read: {e}")).in_file(&shown)
        })?;
        files.push(OutputFile {
            path: rel.to_string_lossy().replace('\\', "/"),
            bytes,
        });
    }
    Ok(files)
}

/// Checks that no output path can leave the output folder.
fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}

/// What writing the output did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Files in the output.
    pub files: usize,
    /// Of which HTML pages.
    pub pages: usize,
    /// Files whose bytes were the same as the previous build's: linked, not written again.
    pub unchanged: usize,
    /// Bytes in the output.
    pub bytes: u64,
}

/// Writes `files` into `out_dir` atomically: into a temporary folder beside it, then swapped in.
pub fn write_site(files: &[OutputFile], out_dir: &Path) -> Result<WriteStats> {
    if let Some(f) = files.iter().find(|f| !safe_relative(&f.path)) {
        return Err(unsafe_path(&f.path).into());
    }
    let staging = Staging::begin(out_dir)?;
    files.par_iter().try_for_each(|f| staging.put(f))?;
    staging.finish()
}

fn unsafe_path(path: &str) -> SiteError {
    SiteError::new(
        ErrorKind::UnsafePath,
        format!("refusing to write `{path}` outside the output folder"),
    )
}

fn write_error(path: &Path, e: &std::io::Error) -> SiteError {
    SiteError::new(ErrorKind::Write, format!("cannot write {}: {e}", path.display()))
        .in_file(path)
        .with_help("check that the output folder's parent exists and is writable, or choose another with --output")
}

/// A build's output while it is written: files go into a temporary folder beside the output
/// folder as soon as each is made, and [`Staging::finish`] swaps the folder in. A file whose
/// bytes equal the previous build's is hard-linked from it instead of written again, so an
/// unchanged page keeps its inode and modification time. Dropped unfinished (an error, a failed
/// page), the temporary folder is removed and the previous output stays as it was.
#[derive(Debug)]
pub struct Staging {
    tmp: PathBuf,
    out_dir: PathBuf,
    old: PathBuf,
    /// The previous build, to compare with, if there is one.
    previous: Option<PathBuf>,
    files: AtomicUsize,
    pages: AtomicUsize,
    unchanged: AtomicUsize,
    bytes: AtomicU64,
    finished: bool,
}

impl Staging {
    /// Prepares to write into `out_dir`: cleans up after killed builds, refuses a folder that is
    /// not a built site, and creates the temporary folder.
    pub fn begin(out_dir: &Path) -> Result<Staging> {
        if out_dir.exists() && !out_dir.is_dir() {
            return Err(SiteError::new(
                ErrorKind::Write,
                format!("{} exists and is not a folder", out_dir.display()),
            )
            .in_file(out_dir)
            .with_help("remove it or choose another output folder with --output")
            .into());
        }
        let name = out_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                SiteError::new(ErrorKind::Write, "the output folder has no name").in_file(out_dir)
            })?;
        let parent = match out_dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| write_error(&parent, &e))?;
        recover_interrupted(&parent, &name, out_dir);
        refuse_foreign_folder(out_dir)?;
        let pid = std::process::id();
        let tmp = parent.join(format!(".{name}.tmp-{pid}"));
        std::fs::create_dir(&tmp).map_err(|e| write_error(&tmp, &e))?;
        Ok(Staging {
            old: parent.join(format!(".{name}.old-{pid}")),
            previous: out_dir.is_dir().then(|| out_dir.to_path_buf()),
            out_dir: out_dir.to_path_buf(),
            tmp,
            files: AtomicUsize::new(0),
            pages: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            finished: false,
        })
    }

    /// Writes one file (or links the previous build's, when its bytes are the same). Safe to
    /// call from many threads at once.
    pub fn put(&self, file: &OutputFile) -> Result<(), SiteError> {
        if !safe_relative(&file.path) {
            return Err(unsafe_path(&file.path));
        }
        let target = self.tmp.join(&file.path);
        let linked = self.previous.as_ref().is_some_and(|previous| {
            let before = previous.join(&file.path);
            same_bytes(&before, &file.bytes)
                && creating_folders(&target, |t| std::fs::hard_link(&before, t)).is_ok()
        });
        if linked {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        } else {
            creating_folders(&target, |t| std::fs::write(t, &file.bytes))
                .map_err(|e| write_error(&target, &e))?;
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        if file.path.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
        self.bytes
            .fetch_add(file.bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Swaps the finished output in for the previous one.
    pub fn finish(mut self) -> Result<WriteStats> {
        swap_in(&self.tmp, &self.out_dir, &self.old).map_err(|e| write_error(&self.out_dir, &e))?;
        self.finished = true;
        Ok(WriteStats {
            files: self.files.load(Ordering::Relaxed),
            pages: self.pages.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Runs `make` on `path`, creating its folder first if it is missing (each page has its own
/// folder, so most files need one; trying first saves a call for the others).
fn creating_folders(
    path: &Path,
    make: impl Fn(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    match make(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(folder) = path.parent() {
                std::fs::create_dir_all(folder)?;
            }
            make(path)
        }
        done => done,
    }
}

/// Whether `path` is a regular file (not a link) holding exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    let same_size =
        std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    if !same_size {
        return false;
    }
    let mut old = Vec::with_capacity(bytes.len());
    std::fs::File::open(path).is_ok_and(|mut f| f.read_to_end(&mut old).is_ok()) && old == bytes
}

/// Refuses to replace an existing folder that holds files but not a built site (`index.html`
/// and `sitemap.xml`, which every build writes): `--output ~/Documents` must not delete the
/// user's documents.
fn refuse_foreign_folder(out_dir: &Path) -> Result<()> {
    let Ok(mut entries) = std::fs::read_dir(out_dir) else {
        return Ok(()); // missing: nothing to lose
    };
    let empty = entries.next().is_none();
    if empty || (out_dir.join("index.html").is_file() && out_dir.join("sitemap.xml").is_file()) {
        return Ok(());
    }
    Err(SiteError::new(
        ErrorKind::Write,
        format!(
            "{} is not empty and does not look like a site built by ccg-site; refusing to replace it",
            out_dir.display()
        ),
    )
    .in_file(out_dir)
    .with_help("choose a new or empty folder with --output, or move the folder's files away yourself")
    .into())
}

/// Replaces `out_dir` by the finished `tmp`. On Linux both are swapped in one atomic step, so
/// `out_dir` never goes missing; elsewhere (or where the file system cannot swap) the old folder
/// is moved aside first and put back if the second rename fails.
fn swap_in(tmp: &Path, out_dir: &Path, old: &Path) -> std::io::Result<()> {
    if !out_dir.exists() {
        return std::fs::rename(tmp, out_dir);
    }
    #[cfg(target_os = "linux")]
    if exchange(tmp, out_dir).is_ok() {
        // `tmp` now holds the previous site.
        let _ = std::fs::remove_dir_all(tmp);
        return Ok(());
    }
    std::fs::rename(out_dir, old)?;
    if let Err(e) = std::fs::rename(tmp, out_dir) {
        let _ = std::fs::rename(old, out_dir);
        return Err(e);
    }
    let _ = std::fs::remove_dir_all(old);
    Ok(())
}

/// Swaps two paths atomically (`renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let a = std::ffi::CString::new(a.as_os_str().as_bytes())?;
    let b = std::ffi::CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: `a` and `b` are NUL-terminated and outlive the call, which only reads them.
    let status = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if status == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Cleans up after builds that were killed: removes their temporary folders and, if one was
/// killed between moving the previous site aside and moving the new one in (possible only
/// where the atomic swap is not), puts the previous site back. Folders of builds still running
/// (their process id is alive) are left alone.
fn recover_interrupted(parent: &Path, name: &str, out_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let tmp_prefix = format!(".{name}.tmp-");
    let old_prefix = format!(".{name}.old-");
    let mut stale: Vec<(bool, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let n = entry.file_name().to_string_lossy().into_owned();
        let (is_old, pid) = if let Some(pid) = n.strip_prefix(&old_prefix) {
            (true, pid.to_string())
        } else if let Some(pid) = n.strip_prefix(&tmp_prefix) {
            (false, pid.to_string())
        } else {
            continue;
        };
        if !build_is_running(&pid) {
            stale.push((is_old, entry.path()));
        }
    }
    if !out_dir.exists() {
        if let Some((_, previous)) = stale.iter().find(|(is_old, _)| *is_old) {
            let _ = std::fs::rename(previous, out_dir);
        }
    }
    for (_, path) in stale {
        if path.exists() {
            let _ = std::fs::remove_dir_all(path);
        }
    }
}

/// Whether the process that made a temporary folder is another build still running.
fn build_is_running(pid: &str) -> bool {
    let ours = std::process::id().to_string();
    !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && pid != ours
        && Path::new("/proc").join(pid).is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misnamed_raw_text_end_tags_are_not_given_to_the_minifier() {
        for html in [
            "<script>x(1)</scriptG a>",
            "<SCRIPT>x</Script-\n>",
            "<style>p{}</stylex>",
            "<textarea></textarea2>",
        ] {
            assert!(has_misnamed_raw_text_end_tag(html.as_bytes()), "{html}");
            assert_eq!(minify(html.as_bytes()), html.as_bytes(), "{html}");
        }
        for html in [
            "<script>x(1)</script>",
            "<script>x</SCRIPT >",
            "<p>a</p></sc",
            "<title>t</title\n>",
            "</scrip",
        ] {
            assert!(!has_misnamed_raw_text_end_tag(html.as_bytes()), "{html}");
        }
        assert_eq!(
            minify(b"<p>a  b</p>  <script>x</script>"),
            b"<p>a b</p><script>x</script>"
        );
    }

    #[test]
    fn deep_pages_are_written_unminified_without_overflowing() {
        let depth = 100_000;
        let html = format!(
            "<!DOCTYPE html><html><body>{}x{}</body></html>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        // Render threads have rayon's 2 MiB stacks: prove it there, not on the big main stack.
        let out = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || minify(html.as_bytes()).len())
            .unwrap()
            .join()
            .unwrap();
        assert!(out > depth * 11);
        let depth = MAX_MINIFY_DEPTH - 8;
        let html = format!(
            "<!DOCTYPE html><html><body>{}x{}</body></html>",
            "<div>  ".repeat(depth),
            "</div>  ".repeat(depth)
        );
        let out = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || minify(html.as_bytes()))
            .unwrap()
            .join()
            .unwrap();
        assert!(
            !String::from_utf8(out).unwrap().contains("  "),
            "still minified"
        );
    }

    #[test]
    fn a_swap_interrupted_half_way_is_undone_by_the_next_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        // A build killed after moving public/ aside and before moving its new site in.
        let old = dir.path().join(".public.old-999999999");
        std::fs::create_dir_all(old.join("a")).unwrap();
        std::fs::write(old.join("a/index.html"), "previous").unwrap();
        std::fs::create_dir_all(dir.path().join(".public.tmp-999999999")).unwrap();
        recover_interrupted(dir.path(), "public", &out);
        assert_eq!(
            std::fs::read(out.join("a/index.html")).unwrap(),
            b"previous"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn temporary_folders_of_running_builds_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        // Process 1 (init) is always running; this process's own id counts as stale.
        let running = dir.path().join(".public.tmp-1");
        let ours = dir
            .path()
            .join(format!(".public.tmp-{}", std::process::id()));
        std::fs::create_dir(&running).unwrap();
        std::fs::create_dir(&ours).unwrap();
        recover_interrupted(dir.path(), "public", &dir.path().join("public"));
        assert!(running.exists());
        assert!(!ours.exists());
    }

    #[test]
    fn a_folder_that_is_not_a_built_site_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("documents");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("letter.docx"), "precious").unwrap();
        let files = vec![OutputFile {
            path: "index.html".into(),
            bytes: b"site".to_vec(),
        }];
        let err = write_site(&files, &out).unwrap_err();
        assert!(err.to_string().contains("refusing to replace"), "{err}");
        assert_eq!(std::fs::read(out.join("letter.docx")).unwrap(), b"precious");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp left"
        );
        // An empty folder, or a site built before, is replaced.
        std::fs::remove_file(out.join("letter.docx")).unwrap();
        write_site(&files, &out).unwrap();
        std::fs::write(out.join("sitemap.xml"), "x").unwrap();
        write_site(&files, &out).unwrap();
    }

    #[test]
    fn refuses_paths_that_escape() {
        assert!(safe_relative("a/index.html"));
        assert!(!safe_relative("../x"));
        assert!(!safe_relative("/etc/passwd"));
        assert!(!safe_relative("a//b"));
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_not_written_again() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let page = |path: &str, bytes: &[u8]| OutputFile {
            path: path.into(),
            bytes: bytes.to_vec(),
        };
        let first = vec![
            page("index.html", b"home"),
            page("sitemap.xml", b"map"),
            page("a/index.html", b"one"),
        ];
        let stats = write_site(&first, &out).unwrap();
        assert_eq!((stats.files, stats.pages, stats.unchanged), (3, 2, 0));
        let inode = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
        let (home, a) = (inode("index.html"), inode("a/index.html"));
        let second = vec![
            page("index.html", b"home"),
            page("sitemap.xml", b"map"),
            page("a/index.html", b"two"),
        ];
        let stats = write_site(&second, &out).unwrap();
        assert_eq!(stats.unchanged, 2);
        assert_eq!(inode("index.html"), home, "same bytes: the same file");
        assert_ne!(inode("a/index.html"), a, "new bytes: a new file");
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_staging_leaves_the_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let page = |path: &str, bytes: &[u8]| OutputFile {
            path: path.into(),
            bytes: bytes.to_vec(),
        };
        write_site(
            &[page("index.html", b"home"), page("sitemap.xml", b"m")],
            &out,
        )
        .unwrap();
        let staging = Staging::begin(&out).unwrap();
        staging.put(&page("index.html", b"new")).unwrap();
        assert!(staging.put(&page("../escape.html", b"x")).is_err());
        drop(staging);
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"home");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp left"
        );
    }

    #[test]
    fn swaps_in_and_cleans_stale_folders() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(dir.path().join(".public.tmp-999999999")).unwrap();
        let page = |path: &str, bytes: &[u8]| OutputFile {
            path: path.into(),
            bytes: bytes.to_vec(),
        };
        let files = vec![
            page("a/index.html", b"one"),
            page("index.html", b"home"),
            page("sitemap.xml", b"map"),
        ];
        write_site(&files, &out).unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");
        let files = vec![OutputFile {
            path: "b.html".into(),
            bytes: b"two".to_vec(),
        }];
        write_site(&files, &out).unwrap();
        assert!(!out.join("a").exists());
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 1, "{left:?}");
    }
}
