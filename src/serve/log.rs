//! The terminal side of the preview: the URL, and one line per rebuild saying what changed, how
//! long it took and how many compliance findings there are (coloured only when asked to).

use std::io::Write;

use time::{OffsetDateTime, UtcOffset};

use super::rebuild::RebuildSummary;

/// Writes the preview's lines to stdout (problems to stderr).
#[derive(Debug)]
pub struct RebuildLog {
    color: bool,
    offset: UtcOffset,
}

impl RebuildLog {
    /// A log; call it before starting threads, so that the local time offset can be read.
    pub fn new(color: bool) -> Self {
        RebuildLog {
            color,
            offset: UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC),
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn clock(&self) -> String {
        let now = OffsetDateTime::now_utc().to_offset(self.offset);
        format!("{:02}:{:02}:{:02}", now.hour(), now.minute(), now.second())
    }

    /// Says where the preview is.
    pub fn serving(&self, url: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "Serving the preview at {} (press Ctrl-C to stop)",
            self.paint("1", url)
        );
        let _ = out.flush();
    }

    /// A note, such as the port actually used.
    pub fn note(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{} {text}", self.paint("1;33", "note:"));
        let _ = out.flush();
    }

    /// One rebuild: a line on stdout, and any problems on stderr.
    pub fn rebuilt(&self, summary: &RebuildSummary) {
        let line = format!("{} {}", self.clock(), self.describe(summary));
        {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        }
        let mut err = std::io::stderr().lock();
        for p in &summary.problems {
            let _ = writeln!(err, "  {}: {}", self.paint("1;31", "error"), p.message);
            if let Some(location) = p.location() {
                let _ = writeln!(err, "    {} {location}", self.paint("1;34", "-->"));
            }
            if let Some(help) = &p.help {
                let _ = writeln!(err, "     {} {help}", self.paint("1;34", "= help:"));
            }
        }
    }

    /// The rebuild line without the clock.
    pub fn describe(&self, s: &RebuildSummary) -> String {
        let ms = s.elapsed.as_secs_f64() * 1000.0;
        if !s.problems.is_empty() {
            let n = s.problems.len();
            return format!(
                "{}: {} ({n} problem{}; still showing the last good version) in {ms:.0} ms",
                s.trigger,
                self.paint("1;31", "build failed"),
                plural(n)
            );
        }
        let what = if s.full {
            format!("rebuilt all {} documents", s.documents)
        } else {
            "updated".to_string()
        };
        let findings = format!(
            "{} error{}, {} warning{}",
            s.errors,
            plural(s.errors),
            s.warnings,
            plural(s.warnings)
        );
        let findings = match (s.errors, s.warnings) {
            (0, 0) => self.paint("32", &findings),
            (0, _) => self.paint("33", &findings),
            _ => self.paint("31", &findings),
        };
        format!(
            "{}: {what}, {} file{} rendered in {ms:.0} ms; {findings}",
            s.trigger,
            s.rendered,
            plural(s.rendered)
        )
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ErrorKind, SiteError};
    use std::time::Duration;

    fn summary() -> RebuildSummary {
        RebuildSummary {
            version: 2,
            trigger: "content/about-us.md".into(),
            full: false,
            rendered: 6,
            documents: 12,
            elapsed: Duration::from_millis(12),
            errors: 0,
            warnings: 1,
            problems: Vec::new(),
        }
    }

    #[test]
    fn plain_lines_say_what_changed_how_long_and_findings() {
        let log = RebuildLog::new(false);
        assert_eq!(
            log.describe(&summary()),
            "content/about-us.md: updated, 6 files rendered in 12 ms; 0 errors, 1 warning"
        );
        let failed = RebuildSummary {
            problems: vec![SiteError::new(ErrorKind::Config, "bad")],
            ..summary()
        };
        assert!(log.describe(&failed).contains("build failed (1 problem;"));
        assert!(!log.describe(&failed).contains('\x1b'));
    }

    #[test]
    fn colour_only_when_asked() {
        assert!(RebuildLog::new(true)
            .describe(&summary())
            .contains("\x1b[33m"));
    }
}
