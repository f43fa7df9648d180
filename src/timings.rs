//! Time per pipeline stage, for profiling: `CCG_SITE_TIMINGS=1 ccg-site build` (or `check`)
//! prints each stage's wall time and the peak memory at its end on stderr.

use std::time::{Duration, Instant};

/// Time per pipeline stage and the peak memory at its end, printed to stderr when
/// `CCG_SITE_TIMINGS` is set (for profiling).
#[derive(Debug)]
pub struct StageTimings {
    enabled: bool,
    last: Instant,
    laps: Vec<(&'static str, Duration, Option<u64>)>,
}

impl StageTimings {
    /// Starts timing; laps are recorded only when `CCG_SITE_TIMINGS` is set.
    pub fn new() -> Self {
        StageTimings {
            enabled: std::env::var_os("CCG_SITE_TIMINGS").is_some(),
            last: Instant::now(),
            laps: Vec::new(),
        }
    }

    /// Ends a stage called `stage`.
    pub fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        let peak = self.enabled.then(peak_memory_kb).flatten();
        self.laps.push((stage, now - self.last, peak));
        self.last = now;
    }

    /// Prints the stages on one line of stderr, when enabled.
    pub fn print(&self) {
        if self.enabled {
            let parts: Vec<String> = self
                .laps
                .iter()
                .map(|(s, d, peak)| match peak {
                    Some(kb) => format!("{s} {:.3} s (peak {} MB)", d.as_secs_f64(), kb / 1024),
                    None => format!("{s} {:.3} s", d.as_secs_f64()),
                })
                .collect();
            eprintln!("timings: {}", parts.join(", "));
        }
    }
}

/// The process's peak resident memory so far, in KB (Linux only: `VmHWM` in /proc/self/status).
pub fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

impl Default for StageTimings {
    fn default() -> Self {
        Self::new()
    }
}
