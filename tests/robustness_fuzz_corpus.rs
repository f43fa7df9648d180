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

/// Tokens that matter to the parsers, spliced into corpus inputs by the mutation run.
const TOKENS: &[&str] = &[
    "+++\n",
    "\n",
    ">",
    "- ",
    "1. ",
    "*",
    "_",
    "[",
    "](",
    ")",
    "<div>",
    "</div>",
    "<",
    "&#x09;",
    "|",
    "|---|\n",
    "#",
    "## ",
    "\"",
    "'''",
    "[[",
    "]]",
    "=",
    "{",
    "}",
    "`",
    "```\n",
    "[^1]",
    "\u{feff}",
    "\r",
    "\t",
    "é",
    "javascript:",
    "<script>",
    "0",
    "2024-13-45",
];

/// A poor man's fuzzer for machines without a nightly toolchain: splices [`TOKENS`] into the
/// corpus at random for `FUZZ_SECONDS` (default 60) and runs the three harness functions.
/// `cargo test --release --test robustness_fuzz_corpus -- --ignored`.
#[test]
#[ignore = "runs for FUZZ_SECONDS; the fuzz/ targets with cargo-fuzz are the real fuzzers"]
fn mutated_corpus_never_panics() {
    let seconds: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let inputs: Vec<String> = ["front_matter", "markdown", "document"]
        .iter()
        .flat_map(|t| corpus(t))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let start = std::time::Instant::now();
    let mut runs = 0u64;
    while start.elapsed().as_secs() < seconds {
        let mut text = inputs[next(inputs.len())].clone();
        for _ in 0..1 + next(8) {
            let mut at = next(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let token = TOKENS[next(TOKENS.len())].repeat(1 + next(4) * next(4));
            text.insert_str(at, &token);
        }
        let result = std::panic::catch_unwind(|| {
            harness::front_matter(&text);
            harness::markdown(&text);
            harness::document(&text);
        });
        assert!(result.is_ok(), "panicked on input:\n{text:?}");
        runs += 1;
    }
    eprintln!("{runs} mutated inputs in {seconds} s, no panic");
}
