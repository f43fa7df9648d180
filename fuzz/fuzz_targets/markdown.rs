//! Markdown to outline and HTML must never panic, under every raw-HTML policy.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        harness::markdown(text);
    }
});
