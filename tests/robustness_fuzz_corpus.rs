//! Replays the committed fuzz corpus (fuzz/corpus/TARGET/*: seeds plus the inputs libFuzzer
//! found interesting, minimised) through the same functions the fuzz targets call, so that a
//! crash found once by fuzzing stays fixed in the normal test suite.

use std::path::{Path, PathBuf};

#[path = "../fuzz/harness.rs"]
mod harness;

/// Every file of `fuzz/corpus/TARGET/`, sorted.
fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(files.len() >= 8, "the {target} corpus is missing");
    files
}

/// Runs `run` on every corpus file of `target` that is UTF-8 (as the fuzz targets do).
fn replay(target: &str, run: fn(&str)) {
    for path in corpus(target) {
        let bytes = std::fs::read(&path).expect("read corpus file");
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let result = std::panic::catch_unwind(|| run(text));
            assert!(result.is_ok(), "{} panicked", path.display());
        }
    }
}

#[test]
fn front_matter_corpus_never_panics() {
    replay("front_matter", harness::front_matter);
}

#[test]
fn markdown_corpus_never_panics() {
    replay("markdown", harness::markdown);
}

#[test]
fn document_corpus_never_panics() {
    replay("document", harness::document);
}
