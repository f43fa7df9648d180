//! Edit-to-reload latency of `ccg-site serve` on a site of 1,000 documents.
//!
//!     cargo bench --bench serve_latency
//!
//! Builds a site of 1,000 documents (the demo site's 11 documents, copied under
//! `content/corpus/` until there are 1,000), starts the release binary's preview server on an
//! ephemeral port, subscribes to its event stream, then 50 times: writes one annual report with
//! a new paragraph and measures the time from just before the write to the `reload` event (by
//! which time the new page is in place). Prints the median and the 95th percentile. The target
//! is a median under 30 ms and a 95th percentile under 60 ms on a 2-core machine; the exit
//! status is 1 when it is missed.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/serve_support/mod.rs"]
mod serve_support;

use std::path::Path;
use std::time::Duration;

use serve_support::Server;

const DOCUMENTS: usize = 1_000;
const EDITS: usize = 50;
const WARM_UP: usize = 3;
/// Between edits, as between a person's saves (each edit renders its page, its listing, the
/// home page and its compliance pages before the reload event).
const PAUSE: Duration = Duration::from_millis(1000);
const TARGET_MEDIAN_MS: f64 = 30.0;
const TARGET_P95_MS: f64 = 60.0;

/// Copies the demo documents under `content/corpus/` until the site has `DOCUMENTS` documents.
fn grow_to(site: &Path, documents: usize) {
    let demo: Vec<_> = walkdir::WalkDir::new(site.join("content"))
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| {
            let stem = e.path().file_stem().unwrap().to_string_lossy().into_owned();
            (stem, std::fs::read_to_string(e.path()).expect("read"))
        })
        .collect();
    let corpus = site.join("content/corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    for i in 0..documents.saturating_sub(demo.len()) {
        let (stem, text) = &demo[i % demo.len()];
        std::fs::write(corpus.join(format!("{stem}-{i:04}.md")), text).expect("write");
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("serve_latency: run it with `cargo bench --bench serve_latency`");
        return;
    }
    let site = common::copy_demo_site();
    grow_to(site.path(), DOCUMENTS);
    let server = Server::start_within(site.path(), &[], Duration::from_secs(600));
    println!("{}", server.stdout_lines().join("\n"));
    let mut events = server.events();

    let target = site.path().join("content/annual-reports/2023-24.md");
    let original = std::fs::read_to_string(&target).expect("read");
    let mut samples = Vec::with_capacity(EDITS);
    for i in 0..WARM_UP + EDITS {
        let text = original.replacen("+++\n\n", &format!("+++\n\nBenchmark edit {i}.\n\n"), 1);
        let start = std::time::Instant::now();
        std::fs::write(&target, text).expect("write");
        if events.next("reload", serve_support::WAIT).is_none() {
            panic!("no reload event after edit {i}\n{}", server.output());
        }
        let elapsed = start.elapsed().as_secs_f64() * 1000.0;
        if i >= WARM_UP {
            samples.push(elapsed);
        }
        std::thread::sleep(PAUSE);
    }
    let page = server.get("/annual-reports/2023-24/");
    assert!(
        page.body
            .contains(&format!("Benchmark edit {}.", WARM_UP + EDITS - 1)),
        "the last edit is served"
    );
    let lines = server.stdout_lines();
    println!("last rebuild: {}", lines.last().map_or("", String::as_str));

    samples.sort_by(f64::total_cmp);
    let median = percentile(&samples, 50.0);
    let p95 = percentile(&samples, 95.0);
    println!(
        "serve_latency: {DOCUMENTS} documents, {EDITS} edits: median {median:.1} ms, p95 {p95:.1} ms, min {:.1} ms, max {:.1} ms (target: median < {TARGET_MEDIAN_MS} ms, p95 < {TARGET_P95_MS} ms)",
        samples[0],
        samples[samples.len() - 1]
    );
    // `exit` skips destructors: stop the server first.
    drop(events);
    drop(server);
    if median >= TARGET_MEDIAN_MS || p95 >= TARGET_P95_MS {
        println!("serve_latency: target missed");
        std::process::exit(1);
    }
}
