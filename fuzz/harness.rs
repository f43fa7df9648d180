//! What the fuzz targets do with one input, shared with the regression test that replays the
//! committed corpus in the normal test suite (tests/robustness_fuzz_corpus.rs). Each function
//! must return normally for every input: an `Err` is fine, a panic or a hang is a bug.

// Each fuzz target uses one of these functions; the corpus replay test uses all of them.
#![allow(dead_code)]

use std::path::Path;

use ccg_site::config::{parse_config, LoadedConfig, RawHtmlPolicy};
use ccg_site::content::{front_matter, markdown, parse_document, ReadOptions, Site};

const POLICIES: [RawHtmlPolicy; 3] = [
    RawHtmlPolicy::Sanitize,
    RawHtmlPolicy::Escape,
    RawHtmlPolicy::Allow,
];

const SITE_TOML: &str = "name = \"NHS Fuzzshire Clinical Commissioning Group\"\n\
base_url = \"https://www.fuzzshire-ccg.example.nhs.uk/\"\n";

/// Splits and parses the front matter of `text`.
pub fn front_matter(text: &str) {
    if let Ok(split) = front_matter::split(text) {
        assert!(split.body_offset <= text.len());
        assert_eq!(&text[split.body_offset..], split.body);
        let _ = front_matter::parse(text, &split);
    }
}

/// Renders `text` as a document body under every raw-HTML policy.
pub fn markdown(text: &str) {
    for policy in POLICIES {
        let body = markdown::render(text, 1, policy);
        if policy == RawHtmlPolicy::Sanitize || policy == RawHtmlPolicy::Escape {
            assert!(
                !body.html.to_ascii_lowercase().contains("<script"),
                "a script survived the {policy:?} policy"
            );
        }
        let _ = ccg_site::output::minify(body.html.as_bytes());
    }
}

/// Parses `text` as `content/fuzz.md`, checks the one-document site and renders every page.
pub fn document(text: &str) {
    let Ok(config) = parse_config(SITE_TOML) else {
        panic!("the fuzz site.toml is valid");
    };
    let read = ReadOptions {
        raw_html: RawHtmlPolicy::Sanitize,
        regime: config.compliance.site_regime(),
    };
    let Ok(doc) = parse_document(Path::new("content/fuzz.md"), text, read) else {
        return;
    };
    let site = Site {
        root: std::env::temp_dir().join("ccg-site-fuzz-no-such-site"),
        config: LoadedConfig {
            config,
            source: SITE_TOML.to_string(),
        },
        documents: vec![doc],
    };
    let today =
        time::Date::from_calendar_date(2026, time::Month::November, 30).unwrap_or(time::Date::MIN);
    let report = ccg_site::compliance::check_site(&site, today);
    let _ = ccg_site::build::render_in_memory(&site, &report, today);
}
