//! The `ccg-site` command: parses arguments and calls the library.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Building a site allocates many small strings and JSON values on every core; mimalloc is
// markedly faster than the system allocator for that (measured in the speed issue's note).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use ccg_site::build::{build, today, BuildOptions, BuildOutcome};
use ccg_site::compliance::printer::{self, counted, Format, PrintOptions};
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
        /// The law the site is judged under: ccg-2013 (a CCG's site, the default) or icb-2022
        /// (an integrated care board's site).
        #[arg(long, default_value = "ccg-2013")]
        regime: String,
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
    /// Check the site against the rules of its regime; exit 0 when compliant, 1 on errors, 2 when it cannot run.
    Check {
        /// The site folder (default: the current folder).
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// Output format: human, json, github, sarif or junit.
        #[arg(long, default_value = "human", value_parser = Format::NAMES.to_vec())]
        format: String,
        /// Treat warnings as errors (exit 1 when there are any).
        #[arg(long)]
        deny_warnings: bool,
        /// Include documents marked draft = true.
        #[arg(long)]
        drafts: bool,
    },
    /// Write a new document of KIND with every required section headed and guidance under each.
    New {
        /// The kind of document, e.g. annual-report.
        kind: String,
        /// The file name without .md (default: the kind, or the financial year for reports and plans).
        slug: Option<String>,
        /// The site folder (default: the current folder).
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// Explain a rule: what the law asks, its citation, how it is checked and an example that passes.
    Explain {
        /// The rule id, e.g. annual-report.quality.
        rule: String,
    },
    /// Preview the site: build it in memory, serve it, and rebuild and reload the browser on
    /// every change. Build errors and compliance findings show inside the page.
    Serve(ServeArgs),
}

#[derive(clap::Args, Debug)]
struct ServeArgs {
    /// The site folder (default: the current folder).
    #[arg(long, default_value = ".")]
    site: PathBuf,
    /// The address to listen on. Anything but 127.0.0.1 or ::1 lets other computers see the preview.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// The port (default: 1111, or the next free one). 0 takes any free port.
    #[arg(long)]
    port: Option<u16>,
    /// Open the preview in the default browser.
    #[arg(long)]
    open: bool,
    /// Include documents marked draft = true.
    #[arg(long)]
    drafts: bool,
}

struct Term {
    color: bool,
    /// `--color always|never`, or None for auto.
    color_choice: Option<bool>,
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
        let color_choice = match cli.color.as_str() {
            "always" => Some(true),
            "never" => Some(false),
            _ => None,
        };
        Term {
            color,
            color_choice,
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
            let _ = writeln!(err, "{}", printer::human_diagnostic(d, self.color));
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let term = Term::new(&cli);
    let code = match &cli.command {
        Command::Init { dir, regime } => run_init(&term, dir, regime),
        Command::Build {
            site,
            output,
            drafts,
        } => run_build(&term, site, output.as_deref(), *drafts),
        Command::Check {
            site,
            format,
            deny_warnings,
            drafts,
        } => run_check(&term, site, format, *deny_warnings, *drafts),
        Command::New { kind, slug, site } => run_new(&term, site, kind, slug.as_deref()),
        Command::Explain { rule } => run_explain(&term, rule),
        Command::Serve(args) => run_serve(&term, args),
    };
    ExitCode::from(code)
}

fn run_init(term: &Term, dir: &Path, regime: &str) -> u8 {
    let written = ccg_site::init::parse_regime(regime)
        .and_then(|regime| ccg_site::init::init_site(dir, regime));
    match written {
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
                    "Built {} into {}: {}, {}, {}, in {:.2} s",
                    counted(r.documents, "document"),
                    r.output_dir.display(),
                    counted(r.pages, "page"),
                    counted(r.files, "file"),
                    counted(r.check.warnings(), "warning"),
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
                        "Not published: {}, {}. Nothing was written.",
                        counted(report.errors(), "error"),
                        counted(report.warnings(), "warning")
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

fn run_check(term: &Term, site_dir: &Path, format: &str, deny_warnings: bool, drafts: bool) -> u8 {
    let format = Format::parse(format).unwrap_or(Format::Human);
    // `check` shows no page: bodies are parsed for their outline and text, not rendered.
    let options = ccg_site::content::LoadOptions {
        drafts,
        html: ccg_site::content::BodyHtml::Skip,
    };
    let mut timings = ccg_site::timings::StageTimings::new();
    let site = match ccg_site::compliance::load_site_and_pack(site_dir, options) {
        Ok(s) => s,
        Err(e) => {
            term.print_errors(&e);
            return EXIT_FAILURE;
        }
    };
    timings.lap("load");
    let report = ccg_site::compliance::check_site(&site, today());
    timings.lap("check");
    let deny = deny_warnings || site.config.config.compliance.deny_warnings;
    let color = match term.color_choice {
        Some(c) => c,
        None => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let options = PrintOptions {
        color,
        deny_warnings: deny,
    };
    let text = printer::render(&report, format, options);
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    timings.lap("report");
    timings.print();
    let code = if report.blocks_publication(deny) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    // The process ends here: freeing every document and duty one by one would only cost time.
    std::mem::forget(site);
    std::mem::forget(report);
    code
}

fn run_new(term: &Term, site_dir: &Path, kind: &str, slug: Option<&str>) -> u8 {
    let config = match ccg_site::config::load_config(site_dir) {
        Ok(c) => c,
        Err(e) => {
            term.print_errors(&e);
            return EXIT_FAILURE;
        }
    };
    let site_regime = config.config.compliance.site_regime();
    let regime = site_regime.as_str();
    let Some(kind) = ccg_site::content::Kind::parse(kind).filter(|k| k.exists_in(site_regime))
    else {
        term.print_error(&ccg_site::content::kind::unknown_kind_in(kind, site_regime));
        return EXIT_FAILURE;
    };
    match ccg_site::compliance::scaffold::write_new_document(site_dir, kind, slug, regime, today())
    {
        Ok(rel) => {
            if !term.quiet {
                println!(
                    "Wrote {}: every required section is headed, with what the law asks in a comment under each. Fill them in, then run `ccg-site check` to see what is still missing.",
                    rel.display()
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

fn run_explain(term: &Term, rule: &str) -> u8 {
    match ccg_site::compliance::explain::explain(rule) {
        Ok(text) => {
            print!("{text}");
            EXIT_OK
        }
        Err(suggestion) => {
            let mut e = SiteError::new(
                ccg_site::ErrorKind::Content,
                format!("unknown rule `{rule}`"),
            );
            e = match suggestion {
                Some(s) => e.with_help(format!("did you mean `{s}`?")),
                None => e.with_help("rule ids are printed with each finding of `ccg-site check`"),
            };
            term.print_error(&e);
            EXIT_FAILURE
        }
    }
}

fn run_serve(term: &Term, args: &ServeArgs) -> u8 {
    let options = ccg_site::serve::ServeOptions {
        site_dir: args.site.clone(),
        bind: args.bind,
        port: args.port,
        open: args.open,
        drafts: args.drafts,
        today: today(),
        // The rebuild lines go to stdout.
        color: term.color_choice.unwrap_or_else(|| {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }),
    };
    match ccg_site::serve::serve(&options) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            term.print_errors(&e);
            EXIT_FAILURE
        }
    }
}
