//! Shared helpers for integration tests: run the real binary, copy sites into temp folders.
#![allow(dead_code)]

pub mod browser;
pub mod rule_edits;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The outcome of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout and stderr together, for assertions that do not care which.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// Fails the test if the output shows a panic.
    pub fn assert_no_panic(&self) {
        assert!(
            !self.stderr.contains("panicked"),
            "the binary panicked:\n{}",
            self.stderr
        );
    }
}

/// The repository root: also the demo site.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture site under tests/fixtures/.
pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(name)
}

/// Runs `ccg-site ARGS` with a fixed date and no colour.
pub fn ccg_site(args: &[&str]) -> Run {
    ccg_site_in(args, None)
}

/// Runs `ccg-site ARGS` in `dir`.
pub fn ccg_site_in(args: &[&str], dir: Option<&Path>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ccg-site"));
    cmd.args(args)
        .env("CCG_SITE_TODAY", "2026-11-30")
        .env("NO_COLOR", "1");
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let out = cmd.output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Copies the demo site (site.toml, content/, static/) into a new temp folder.
pub fn copy_demo_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = repo_root();
    std::fs::copy(root.join("site.toml"), dir.path().join("site.toml")).expect("copy site.toml");
    copy_tree(&root.join("content"), &dir.path().join("content"));
    if root.join("static").is_dir() {
        copy_tree(&root.join("static"), &dir.path().join("static"));
    }
    dir
}

/// Copies the ICB starter site (`starters/icb-2022/`, written by `init --regime icb-2022`) into a
/// new temp folder.
pub fn copy_icb_starter() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = repo_root().join("starters/icb-2022");
    std::fs::copy(root.join("site.toml"), dir.path().join("site.toml")).expect("copy site.toml");
    copy_tree(&root.join("content"), &dir.path().join("content"));
    dir
}

/// Copies a folder recursively.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("inside");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every file under `dir` with its bytes, sorted by path.
pub fn snapshot_tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside").to_path_buf();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect();
    files.sort();
    files
}
