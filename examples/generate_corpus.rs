//! Writes a deterministic benchmark site of N documents of every kind, built from the demo
//! site's documents (which meet every rule), so that `check` and `build` do their full work.
//!
//! Usage: `cargo run --release --example generate_corpus -- [--regime icb-2022] N DIR`
//!
//! With `--regime icb-2022` the site is built from the ICB starter (`starters/icb-2022/`) and
//! its documents of every ICB kind instead (the archived CCG report is copied once, not cycled).
//!
//! DIR receives `site.toml`, the demo `content/` unchanged (so every internal link resolves and
//! the site rules pass) and `content/generated/...`: N more documents, cycling through the
//! demo's documents of every kind, each with a unique title and URL and a paragraph of its own.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Documents copied, with how many of every 20 generated documents take that shape.
const SHAPES: &[(&str, &str, usize)] = &[
    ("content/annual-reports/2023-24.md", "annual-reports", 5),
    ("content/annual-reports/2022-23.md", "annual-reports", 2),
    (
        "content/commissioning-plans/2024-25.md",
        "commissioning-plans",
        4,
    ),
    (
        "content/you-said-we-did/urgent-care-review.md",
        "you-said-we-did",
        3,
    ),
    ("content/constitution.md", "constitutions", 1),
    ("content/register-of-interests.md", "registers", 1),
    ("content/gifts-and-hospitality-register.md", "registers", 1),
    ("content/procurement-register.md", "registers", 1),
    ("content/about-us.md", "pages", 2),
];

/// The ICB starter's documents, as `SHAPES` for `--regime icb-2022`.
const ICB_SHAPES: &[(&str, &str, usize)] = &[
    ("content/annual-reports/2025-26.md", "annual-reports", 5),
    (
        "content/joint-forward-plans/2026-27.md",
        "joint-forward-plans",
        3,
    ),
    (
        "content/capital-resource-plans/2026-27.md",
        "capital-resource-plans",
        2,
    ),
    (
        "content/you-said-we-did/joint-forward-plan-2026.md",
        "you-said-we-did",
        3,
    ),
    ("content/constitution.md", "constitutions", 2),
    ("content/register-of-interests.md", "registers", 1),
    ("content/gifts-and-hospitality-register.md", "registers", 1),
    ("content/procurement-register.md", "registers", 1),
    ("content/about-us.md", "pages", 2),
];

const WORDS: &[&str] = &[
    "patients",
    "practice",
    "hospital",
    "community",
    "waiting",
    "services",
    "carers",
    "pharmacy",
    "mental",
    "health",
    "children",
    "discharge",
    "urgent",
    "care",
    "diabetes",
    "screening",
    "transport",
    "evening",
    "weekend",
    "appointments",
    "nurses",
    "budget",
    "outcomes",
    "review",
];

/// A small deterministic pseudo-random sequence (xorshift), so every run writes the same site.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).peekable();
    let usage = "usage: generate_corpus [--regime icb-2022] N DIR";
    let regime = match args.peek().map(String::as_str) {
        Some("--regime") => args.nth(1).ok_or(usage)?,
        _ => "ccg-2013".to_string(),
    };
    let n: usize = args.next().ok_or(usage)?.parse()?;
    let dir = PathBuf::from(args.next().ok_or(usage)?);
    let (repo, shapes) = match regime.as_str() {
        "ccg-2013" => (PathBuf::from(env!("CARGO_MANIFEST_DIR")), SHAPES),
        "icb-2022" => (
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("starters/icb-2022"),
            ICB_SHAPES,
        ),
        _ => return Err(format!("unknown regime {regime}; {usage}").into()),
    };
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    copy_tree(&repo.join("content"), &dir.join("content"))?;
    std::fs::copy(repo.join("site.toml"), dir.join("site.toml"))?;

    let sources: Vec<(String, &str, usize)> = shapes
        .iter()
        .map(|(p, folder, w)| Ok((std::fs::read_to_string(repo.join(p))?, *folder, *w)))
        .collect::<Result<_, std::io::Error>>()?;
    let cycle: Vec<usize> = sources
        .iter()
        .enumerate()
        .flat_map(|(i, (_, _, w))| std::iter::repeat_n(i, *w))
        .collect();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for i in 0..n {
        let (text, folder, _) = &sources[cycle[i % cycle.len()]];
        let out = dir
            .join("content/generated")
            .join(folder)
            .join(format!("doc-{i:06}.md"));
        std::fs::create_dir_all(out.parent().ok_or("no parent")?)?;
        std::fs::write(&out, vary(text, i, &mut rng))?;
    }
    println!(
        "wrote {n} generated documents (+ the {regime} starter site) into {}",
        dir.display()
    );
    Ok(())
}

/// Gives a copy a unique title and slug-free URL, and a paragraph of its own after the front matter.
fn vary(text: &str, i: usize, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(text.len() + 400);
    let mut fences = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            fences += 1;
            out.push_str(line);
            if fences == 2 {
                out.push_str("\nThis copy is number ");
                let _ = write!(out, "{i}");
                out.push_str(" of the benchmark corpus. ");
                for _ in 0..40 {
                    out.push_str(WORDS[(rng.next() % WORDS.len() as u64) as usize]);
                    out.push(' ');
                }
                out.push_str("\n\n");
            }
            continue;
        }
        if fences == 1 && line.starts_with("title = \"") {
            let title = line
                .trim_end()
                .trim_start_matches("title = \"")
                .trim_end_matches('"');
            let _ = writeln!(out, "title = \"{title} (copy {i})\"");
            continue;
        }
        out.push_str(line);
    }
    out
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
