//! `ccg-site check` output in every format (snapshots under tests/snapshots/, rewritten with
//! UPDATE_SNAPSHOTS=1), SARIF checked by Microsoft's SARIF validator, JUnit read by a real
//! JUnit reader, the `[compliance]` policy of site.toml, `new`, `explain`, and headings worded
//! the way real CCG documents word them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn formats_site() -> PathBuf {
    fixture("compliance/formats")
}

fn check(site: &Path, format: &str) -> Run {
    let run = ccg_site(&[
        "check",
        "--site",
        site.to_str().expect("utf-8"),
        "--format",
        format,
    ]);
    run.assert_no_panic();
    run
}

fn assert_snapshot(name: &str, actual: &str) {
    let path = repo_root().join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no snapshot {name}; run with UPDATE_SNAPSHOTS=1"));
    assert!(
        expected == actual,
        "{name} differs from its snapshot (UPDATE_SNAPSHOTS=1 rewrites it):\n{actual}"
    );
}

#[test]
fn every_format_matches_its_snapshot() {
    for (format, file) in [
        ("human", "check.human.txt"),
        ("json", "check.json"),
        ("github", "check.github.txt"),
        ("sarif", "check.sarif"),
        ("junit", "check.junit.xml"),
    ] {
        let run = check(&formats_site(), format);
        assert_eq!(run.code, 1, "{format}: {}", run.all());
        assert_snapshot(file, &run.stdout);
    }
}

#[test]
fn json_has_the_designed_shape_and_lists_waivers() {
    let run = check(&formats_site(), "json");
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let keys: Vec<&String> = v.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["version", "summary", "diagnostics", "waivers"]);
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["documents"], 2);
    let first = &v["diagnostics"][0];
    let keys: Vec<&String> = first.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        ["rule", "severity", "file", "line", "column", "message", "citation", "help"]
    );
    let errors = v["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|d| d["severity"] == "error")
        .count();
    assert_eq!(v["summary"]["errors"], errors);
    // The severity override made a warning an error; the waived rule's finding is set aside.
    let rules: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|d| d["rule"].as_str())
        .collect();
    assert!(!rules.contains(&"annual-report.public-meeting"));
    let sustainable = v["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["rule"] == "annual-report.sustainable-development")
        .expect("finding");
    assert_eq!(sustainable["severity"], "error");
    assert!(sustainable["citation"]
        .as_str()
        .is_some_and(|c| c.contains("[citation not verified]")));
    assert_eq!(v["waivers"][0]["rule"], "annual-report.public-meeting");
    assert_eq!(v["waivers"][0]["findings"], 1);
    assert_eq!(v["waivers"][1]["reason"], "no reason given");
}

#[test]
fn github_lines_are_workflow_commands() {
    let run = check(&formats_site(), "github");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines
        .iter()
        .any(|l| l.starts_with("::error file=content/annual-reports/2023-24.md,line=10,col=1,title=annual-report.discharge-of-functions::")));
    for l in lines.iter().filter(|l| l.starts_with("::")) {
        let (props, message) = l[2..].split_once("::").expect("command::message");
        assert!(!message.contains('\n') && !message.contains('\r'), "{l}");
        assert!(
            props
                .split_once(' ')
                .is_some_and(|(cmd, _)| ["error", "warning", "notice"].contains(&cmd)),
            "{l}"
        );
        // Properties escape `:` and `,` inside values.
        for prop in props
            .split_once(' ')
            .map(|(_, p)| p)
            .unwrap_or("")
            .split(',')
        {
            let (_, value) = prop.split_once('=').expect("key=value");
            assert!(!value.contains(':'), "{l}");
        }
    }
    assert!(
        run.stdout.contains("%0Alaw: "),
        "message lines are joined with %0A"
    );
    assert!(run
        .stdout
        .contains("::notice file=site.toml,title=waived annual-report.public-meeting::"));
}

fn node_modules_bin(name: &str) -> PathBuf {
    repo_root().join("node_modules/.bin").join(name)
}

#[test]
fn sarif_passes_microsofts_validator() {
    let run = check(&formats_site(), "sarif");
    let dir = tempfile::tempdir().expect("tmp");
    let input = dir.path().join("check.sarif");
    let output = dir.path().join("validation.sarif");
    std::fs::write(&input, &run.stdout).expect("write");
    let status = Command::new(node_modules_bin("sarif-multitool"))
        .args([
            "validate",
            input.to_str().expect("utf-8"),
            "-o",
            output.to_str().expect("utf-8"),
        ])
        .output()
        .expect("sarif-multitool runs (scripts/install-test-deps.sh installs it)");
    let log = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(status.status.success(), "validator failed:\n{log}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&output).expect("validator output"))
            .expect("json");
    let results = report["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let problems: Vec<String> = results
        .iter()
        .filter(|r| r["level"] == "error" || r["level"] == "warning")
        .map(|r| format!("{}: {}", r["ruleId"], r["message"]))
        .collect();
    assert!(
        problems.is_empty(),
        "SARIF validation findings:\n{}",
        problems.join("\n")
    );
    let sarif: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(sarif["version"], "2.1.0");
    let suppressed = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .count();
    assert_eq!(suppressed, 2, "waived findings are reported as suppressed");
}

#[test]
fn junit_is_read_by_a_junit_reader() {
    let run = check(&formats_site(), "junit");
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("check.xml");
    std::fs::write(&file, &run.stdout).expect("write");
    let out = Command::new("node")
        .arg(repo_root().join("tests/browser/junit-read.cjs"))
        .arg(&file)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let totals: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let json: serde_json::Value =
        serde_json::from_str(&check(&formats_site(), "json").stdout).expect("json");
    let errors = json["summary"]["errors"].as_u64().expect("n");
    // One failing case per document and rule with errors; several findings of one rule in one
    // document are one case.
    let mut failing: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| (d["file"].to_string(), d["rule"].to_string()))
        .collect();
    failing.dedup();
    assert!(errors > 0);
    assert_eq!(totals["failed"], failing.len() as u64, "{totals}");
    let suites: Vec<&str> = totals["suites"]
        .as_array()
        .expect("suites")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(
        suites,
        [
            "content/about.md",
            "content/annual-reports/2023-24.md",
            "site"
        ]
    );
    assert!(run
        .stdout
        .contains("<skipped message=\"waived: The 2023/24 meeting was cancelled"));
}

#[test]
fn human_output_is_plain_without_a_terminal_and_ends_with_a_summary() {
    let run = check(&formats_site(), "human");
    assert!(
        !run.stdout.contains('\x1b'),
        "no colour when not on a terminal"
    );
    let last = run.stdout.lines().last().expect("a summary line");
    assert!(
        last.starts_with("10 errors, 16 warnings in 2 documents (regime ccg-2013, raw HTML: sanitize, 2 waivers)"),
        "{last}"
    );
    let always = ccg_site(&[
        "--color",
        "always",
        "check",
        "--site",
        formats_site().to_str().expect("utf-8"),
    ]);
    assert!(
        always.stdout.contains("\x1b[1;31merror["),
        "--color always colours"
    );
}

fn site_with_config(extra: &str) -> tempfile::TempDir {
    let site = copy_demo_site();
    let config = std::fs::read_to_string(site.path().join("site.toml")).expect("read");
    std::fs::write(site.path().join("site.toml"), format!("{config}\n{extra}")).expect("write");
    site
}

#[test]
fn an_error_cannot_be_waived_without_a_reason() {
    let site = site_with_config("[[compliance.waiver]]\nrule = \"annual-report.quality\"\n");
    let run = ccg_site(&["check", "--site", site.path().to_str().expect("utf-8")]);
    assert_eq!(run.code, 2, "{}", run.all());
    let line = std::fs::read_to_string(site.path().join("site.toml"))
        .expect("read")
        .lines()
        .position(|l| l.starts_with("rule = "))
        .expect("line")
        + 1;
    assert!(
        run.stderr.contains(&format!("site.toml:{line}:")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("has no reason"), "{}", run.stderr);
}

#[test]
fn an_errors_severity_cannot_be_lowered_and_unknown_rules_are_named() {
    let site = site_with_config(
        "[compliance.severity]\n\"annual-report.quality\" = \"warning\"\n\"annual-report.qualty\" = \"error\"\n",
    );
    let run = ccg_site(&["check", "--site", site.path().to_str().expect("utf-8")]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("cannot be lowered"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `annual-report.quality`"),
        "{}",
        run.stderr
    );
}

#[test]
fn deny_warnings_fails_on_warnings() {
    let site = copy_demo_site();
    let about = site.path().join("content/about-us.md");
    let text = std::fs::read_to_string(&about).expect("read");
    std::fs::write(&about, format!("{text}\n[click here](/contact-us/)\n")).expect("write");
    let path = site.path().to_str().expect("utf-8");
    assert_eq!(ccg_site(&["check", "--site", path]).code, 0);
    let denied = ccg_site(&["check", "--site", path, "--deny-warnings"]);
    assert_eq!(denied.code, 1, "{}", denied.all());
    assert!(
        denied.stdout.contains("warning[content.link-text]"),
        "{}",
        denied.stdout
    );
}

#[test]
fn new_document_lists_exactly_what_is_still_to_write() {
    let site = copy_demo_site();
    let path = site.path().to_str().expect("utf-8");
    let run = ccg_site(&["new", "annual-report", "2025-26", "--site", path]);
    assert_eq!(run.code, 0, "{}", run.all());
    let file = site.path().join("content/annual-reports/2025-26.md");
    let text = std::fs::read_to_string(&file).expect("written");
    for heading in [
        "## Performance Report",
        "## Engaging people and communities",
        "## Annual General Meeting",
        "## Governance statement",
    ] {
        assert!(text.contains(heading), "{heading} missing in:\n{text}");
    }
    assert!(text.contains("<!-- "), "guidance comments");
    let json: serde_json::Value =
        serde_json::from_str(&ccg_site(&["check", "--site", path, "--format", "json"]).stdout)
            .expect("json");
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|d| d["file"] == "content/annual-reports/2025-26.md")
        .filter_map(|d| d["rule"].as_str())
        .collect();
    // Every heading duty is listed as still to write: the comment alone is not content.
    for rule in [
        "annual-report.discharge-of-functions",
        "annual-report.quality",
        "annual-report.inequalities",
        "annual-report.public-involvement",
        "annual-report.jhws-contribution",
        "annual-report.period",
    ] {
        assert!(rules.contains(&rule), "{rule} not listed: {rules:?}");
    }
    let again = ccg_site(&["new", "annual-report", "2025-26", "--site", path]);
    assert_eq!(again.code, 2, "new never overwrites");
    let unknown = ccg_site(&["new", "anual-report", "--site", path]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("did you mean `annual-report`"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn explain_shows_the_rule_and_suggests_on_typos() {
    let run = ccg_site(&["explain", "annual-report.public-meeting"]);
    assert_eq!(run.code, 0, "{}", run.all());
    for part in [
        "NHS Act 2006 s14Z15",
        "verified:   NO",
        "checked:",
        "example:    ## Annual General Meeting",
    ] {
        assert!(run.stdout.contains(part), "{part} missing:\n{}", run.stdout);
    }
    let lint = ccg_site(&["explain", "content.image-alt"]);
    assert_eq!(lint.code, 0);
    let typo = ccg_site(&["explain", "annual-report.publc-meeting"]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr
            .contains("did you mean `annual-report.public-meeting`"),
        "{}",
        typo.stderr
    );
}

/// Headings of the demo documents reworded as real CCG documents word them: numbered, "&",
/// curly apostrophes, plurals and singulars, a leading "The", a trailing year, capitals.
const REAL_WORDING: &[(&str, &str, &str)] = &[
    (
        "content/annual-reports/2023-24.md",
        "## Performance report",
        "## Section 1: The Performance Report",
    ),
    (
        "content/annual-reports/2023-24.md",
        "## Quality & safety",
        "## Part 2 – Quality & Safety",
    ),
    (
        "content/annual-reports/2023-24.md",
        "## Reducing health inequalities",
        "## 3) Reducing Health Inequality",
    ),
    (
        "content/annual-reports/2023-24.md",
        "## Engaging people and communities",
        "## 4. Engaging People & Communities",
    ),
    (
        "content/annual-reports/2023-24.md",
        "## Contribution to the joint health and wellbeing strategies",
        "## Contribution to the Health & Wellbeing Strategy 2023/24",
    ),
    (
        "content/annual-reports/2023-24.md",
        "## Sustainable development",
        "## Sustainability Report",
    ),
    (
        "content/annual-reports/2023-24.md",
        "## Accountability report",
        "## ACCOUNTABILITY REPORT",
    ),
    (
        "content/annual-reports/2023-24.md",
        "### Members' report",
        "### Members’ Report",
    ),
    (
        "content/annual-reports/2023-24.md",
        "### Our member practices",
        "### Our Member Practices:",
    ),
    (
        "content/annual-reports/2023-24.md",
        "### Governing body members' interests",
        "### Governing Body Members’ Interests",
    ),
    (
        "content/annual-reports/2023-24.md",
        "### Statement of the accountable officer's responsibilities",
        "### Statement of Accountable Officer’s Responsibilities",
    ),
    (
        "content/annual-reports/2023-24.md",
        "### Remuneration and staff report",
        "### Remuneration & Staffing Report",
    ),
    (
        "content/annual-reports/2023-24.md",
        "## Annual accounts 2023/24",
        "## Annual Accounts (2023-24)",
    ),
    (
        "content/annual-reports/2023-24.md",
        "## Annual public meeting",
        "## Annual Public Meeting 2024",
    ),
    (
        "content/commissioning-plans/2024-25.md",
        "## 11. Opinion of the Health and Wellbeing Boards",
        "## 11. Health and Wellbeing Boards’ opinions",
    ),
    (
        "content/commissioning-plans/2024-25.md",
        "## 5. Quality & safety",
        "## 5. Improving Quality",
    ),
    (
        "content/commissioning-plans/2024-25.md",
        "## 10. Finance & activity",
        "## 10. Finance and Activity",
    ),
    (
        "content/commissioning-plans/2024-25.md",
        "## 3. Joint health and wellbeing strategies",
        "## 3. The Joint Health & Wellbeing Strategy",
    ),
    (
        "content/commissioning-plans/2024-25.md",
        "## 8. What you told us",
        "## 8. What People Told Us",
    ),
    (
        "content/commissioning-plans/2024-25.md",
        "## 7. Communications & engagement",
        "## Section 7 - Communication and Engagement",
    ),
    (
        "content/constitution.md",
        "## 9. Standards of business conduct and managing conflicts of interest",
        "## Part 9: Standards of Business Conduct & Managing Conflicts of Interests",
    ),
    (
        "content/constitution.md",
        "### 7.4 Audit & governance committee",
        "### 7.4 The Audit and Governance Committee",
    ),
    (
        "content/constitution.md",
        "### 5.2 Principles of participation",
        "### 5.2 Our Engagement Principles",
    ),
    (
        "content/constitution.md",
        "## 2. Area covered",
        "## 2. Areas Covered",
    ),
];

#[test]
fn real_wording_of_headings_is_recognised() {
    let site = copy_demo_site();
    for (file, from, to) in REAL_WORDING {
        let path = site.path().join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(
            text.contains(&format!("{from}\n")),
            "{file}: no heading {from}"
        );
        std::fs::write(
            &path,
            text.replacen(&format!("{from}\n"), &format!("{to}\n"), 1),
        )
        .expect("write");
    }
    let run = check(site.path(), "json");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let found: Vec<String> = json["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| format!("{} {}:{} {}", d["rule"], d["file"], d["line"], d["message"]))
        .collect();
    assert!(found.is_empty(), "not recognised:\n{}", found.join("\n"));
    assert_eq!(run.code, 0);
}

#[test]
fn near_misses_are_not_taken_for_required_sections() {
    let site = copy_demo_site();
    let path = site.path().join("content/annual-reports/2023-24.md");
    let text = std::fs::read_to_string(&path).expect("read");
    let text = text
        .replacen(
            "## Annual public meeting\n",
            "## Annual report meeting of the board\n",
            1,
        )
        .replacen(
            "## Sustainable development\n",
            "## Sustainable transport\n",
            1,
        );
    std::fs::write(&path, text).expect("write");
    let json: serde_json::Value =
        serde_json::from_str(&check(site.path(), "json").stdout).expect("json");
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|d| d["rule"].as_str())
        .collect();
    assert!(
        rules.contains(&"annual-report.sustainable-development"),
        "{rules:?}"
    );
    // The public meeting is also given in front matter, so only the heading changed nothing.
    assert!(
        !rules.contains(&"annual-report.public-meeting"),
        "{rules:?}"
    );
}

#[test]
fn build_prints_the_same_findings_and_writes_nothing_on_errors() {
    let site = copy_demo_site();
    let plan = site.path().join("content/commissioning-plans/2024-25.md");
    let text = std::fs::read_to_string(&plan).expect("read");
    std::fs::write(
        &plan,
        text.replacen(
            "## 6. Reducing health inequalities\n",
            "## 6. Other matters\n",
            1,
        ),
    )
    .expect("write");
    let out = site.path().join("public");
    let run = ccg_site(&[
        "build",
        "--site",
        site.path().to_str().expect("utf-8"),
        "--output",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(run.code, 1, "{}", run.all());
    let check = ccg_site(&["check", "--site", site.path().to_str().expect("utf-8")]);
    let finding = check
        .stdout
        .split("\n\n")
        .find(|b| b.contains("error[commissioning-plan.inequalities]"))
        .expect("check reports the missing section");
    assert!(
        run.stderr.contains(finding),
        "build prints the finding as check does:\n{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("Not published: 1 error, 0 warnings. Nothing was written."),
        "{}",
        run.stderr
    );
    assert!(!out.exists(), "nothing may be written");
}
