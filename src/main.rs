//! The `ccg-site` command: parses arguments and calls the library.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use ccg_site::build::{build, today, BuildOptions, BuildOutcome};
use ccg_site::compliance::Report;
use ccg_site::{Error, SiteError};

/// Exit status: everything fine.
const EXIT_OK: u8 = 0;
/// Exit status: compliance findings of error severity.
const EXIT_FINDINGS: u8 = 1;
/// Exit status: could not run (bad configuration, unreadable files, write failure).
const EXIT_FAILURE: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "ccg-site",
    version,
    about = "Publish a CCG's or ICB's statutory documents as an accessible website, and refuse to publish one that lacks a section the law requires."
)]
struct Cli {
    /// Print only errors (no summary line).
    #[arg(long, short, global = true)]
    quiet: bool,
    /// When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, default_value = "auto", value_parser = ["auto", "always", "never"])]
    color: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write a new site (site.toml and one compliant example of each document) into DIR.
    Init {
        /// The folder to create.
        dir: PathBuf,
    },
    /// Check the site, then render it into public/ (nothing is written if the check finds errors).
    Build {
        /// The site folder (default: the current folder).
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// Where to write the site (default: public/ in the site folder).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Include documents marked draft = true.
        #[arg(long)]
        drafts: bool,
    },
}

struct Term {
    color: bool,
    quiet: bool,
}

impl Term {
    fn new(cli: &Cli) -> Self {
        let color = match cli.color.as_str() {
            "always" => true,
            "never" => false,
            _ => {
                std::io::stderr().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        Term {
            color,
            quiet: cli.quiet,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn print_error(&self, e: &SiteError) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{}: {}", self.paint("1;31", "error"), e.message);
        if let Some(loc) = e.location() {
            let _ = writeln!(err, "  {} {loc}", self.paint("1;34", "-->"));
        }
        if let Some(help) = &e.help {
            let _ = writeln!(err, "   {} {help}", self.paint("1;34", "= help:"));
        }
    }

    fn print_errors(&self, e: &Error) {
        for p in e.problems() {
            self.print_error(p);
        }
        let n = e.problems().len();
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            self.paint(
                "1;31",
                &format!(
                    "{n} problem{} stopped ccg-site",
                    if n == 1 { "" } else { "s" }
                )
            )
        );
    }

    fn print_findings(&self, report: &Report) {
        let mut err = std::io::stderr().lock();
        for d in &report.diagnostics {
            let (label, code) = match d.severity {
                ccg_site::compliance::Severity::Error => ("error", "1;31"),
                ccg_site::compliance::Severity::Warning => ("warning", "1;33"),
            };
            let _ = writeln!(
                err,
                "{}: {}",
                self.paint(code, &format!("{label}[{}]", d.rule)),
                d.message
            );
            let _ = writeln!(
                err,
                "  {} {}:{}:{}",
                self.paint("1;34", "-->"),
                d.file.display(),
                d.line,
                d.column
            );
            let _ = writeln!(err, "   = law: {}", d.citation);
            let _ = writeln!(err, "   = help: {}", d.help);
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let term = Term::new(&cli);
    let code = match &cli.command {
        Command::Init { dir } => run_init(&term, dir),
        Command::Build {
            site,
            output,
            drafts,
        } => run_build(&term, site, output.as_deref(), *drafts),
    };
    ExitCode::from(code)
}

fn run_init(term: &Term, dir: &Path) -> u8 {
    match ccg_site::init::init_site(dir) {
        Ok(files) => {
            if !term.quiet {
                println!(
                    "Created a new site in {} ({} files). Next: cd {} && ccg-site build",
                    dir.display(),
                    files.len(),
                    dir.display()
                );
            }
            EXIT_OK
        }
        Err(e) => {
            term.print_errors(&e);
            EXIT_FAILURE
        }
    }
}

fn run_build(term: &Term, site: &Path, output: Option<&Path>, drafts: bool) -> u8 {
    let options = BuildOptions {
        site_dir: site.to_path_buf(),
        output_dir: output.map(Path::to_path_buf),
        drafts,
        today: today(),
    };
    match build(&options) {
        Ok(BuildOutcome::Built(r)) => {
            term.print_findings(&r.check);
            if !term.quiet {
                println!(
                    "Built {} documents into {}: {} pages, {} files, {} warnings, in {:.2} s",
                    r.documents,
                    r.output_dir.display(),
                    r.pages,
                    r.files,
                    r.check.warnings(),
                    r.elapsed.as_secs_f64()
                );
            }
            EXIT_OK
        }
        Ok(BuildOutcome::Refused(report)) => {
            term.print_findings(&report);
            let _ = writeln!(
                std::io::stderr(),
                "{}",
                term.paint(
                    "1;31",
                    &format!(
                        "Not published: {} errors, {} warnings. Nothing was written.",
                        report.errors(),
                        report.warnings()
                    )
                )
            );
            EXIT_FINDINGS
        }
        Err(e) => {
            term.print_errors(&e);
            EXIT_FAILURE
        }
    }
}
