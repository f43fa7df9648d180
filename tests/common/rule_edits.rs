//! Edits that break one rule of a pack on a copy of a starter site, and `check --format json`
//! on the result: shared by the per-rule tests of each regime (tests/compliance_rules*.rs).

use std::path::Path;

use ccg_site::compliance::pack::Rule;
use ccg_site::compliance::{DutyStatus, Report};
use ccg_site::content::markdown::normalise_heading;

use super::ccg_site;

/// One way of breaking a rule.
#[derive(Debug, Clone, Copy)]
pub enum Break {
    /// Rename every heading that matches the rule's own patterns (there must be one).
    Headings,
    /// Rename every heading that matches the rule's own patterns, if there is any.
    HeadingsIfAny,
    /// Remove every match of the rule's keywords from the body.
    Keywords,
    /// Remove the keyword matches from every document's body.
    KeywordsEverywhere,
    /// Remove a front-matter field (a key line, a table or every `[[item]]` of a list).
    Field(&'static str),
    /// Replace the first occurrence of a text.
    Replace(&'static str, &'static str),
    /// Delete the first line that starts with this text.
    DeleteLine(&'static str),
    /// Delete a file of the site.
    DeleteFile(&'static str),
    /// Give the site a theme whose base.html does not link to the accessibility statement.
    ThemeWithoutStatementLink,
}

use Break::*;

/// The body of a document (after the closing +++), and the front matter with its delimiters.
pub fn split_body(text: &str) -> (String, String) {
    let mut parts = text.splitn(3, "+++\n");
    let _ = parts.next();
    let fm = parts.next().unwrap_or("");
    let body = parts.next().unwrap_or("");
    (format!("+++\n{fm}+++\n"), body.to_string())
}

/// Renames every heading of the body that matches one of the rule's patterns to "Zqx topic N".
/// With `required`, fails the test when none does.
pub fn rename_headings(text: &str, rule: &Rule, required: bool) -> String {
    let (front, body) = split_body(text);
    let mut n = 0;
    let lines: Vec<String> = body
        .lines()
        .map(|line| {
            let hashes = line.chars().take_while(|&c| c == '#').count();
            if hashes == 0 || !line[hashes..].starts_with(' ') {
                return line.to_string();
            }
            let heading = normalise_heading(line[hashes..].trim());
            if rule.headings.iter().any(|p| p.matches(&heading)) {
                n += 1;
                format!("{} Zqx topic {n}", &line[..hashes])
            } else {
                line.to_string()
            }
        })
        .collect();
    assert!(
        n > 0 || !required,
        "{}: no heading of the demo matches the rule",
        rule.id()
    );
    format!("{front}{}\n", lines.join("\n"))
}

pub fn remove_keywords(text: &str, rule: &Rule) -> String {
    let (front, mut body) = split_body(text);
    // Keyword text is lower case with spaces collapsed; do the same to the body's lines.
    body = body
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("**", "");
    // The rule's compiled keywords are made for lower-case text; the body keeps its case.
    for pattern in &rule.def.keywords {
        let k = regex::RegexBuilder::new(pattern)
            .case_insensitive(true)
            .build()
            .expect("the pack's patterns compile");
        body = k.replace_all(&body, "zqx").into_owned();
    }
    format!("{front}{body}")
}

/// Removes a front-matter field: `key = ...` lines (with a multi-line array), or a `[table]` /
/// every `[[list]]` block with its sub-tables.
pub fn remove_field(text: &str, path: &str) -> String {
    let mut out = Vec::new();
    let mut table = String::new();
    let mut skipping_block = false;
    let mut skipping_array = false;
    let mut in_front = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_end() == "+++" {
            in_front = i == 0;
            skipping_block = false;
            out.push(line.to_string());
            continue;
        }
        if !in_front {
            out.push(line.to_string());
            continue;
        }
        let t = line.trim();
        if t.starts_with('[') && !skipping_array {
            let name = t.trim_matches(['[', ']']).to_string();
            skipping_block = name == path || name.starts_with(&format!("{path}."));
            table = name;
            if skipping_block {
                continue;
            }
        }
        if skipping_block {
            continue;
        }
        if skipping_array {
            skipping_array = !t.ends_with(']');
            continue;
        }
        if let Some((key, value)) = t.split_once(" = ") {
            let full = if table.is_empty() {
                key.to_string()
            } else {
                format!("{table}.{key}")
            };
            if full == path {
                skipping_array = value.trim() == "[";
                continue;
            }
        }
        out.push(line.to_string());
    }
    format!("{}\n", out.join("\n"))
}

pub fn apply(site: &Path, file: &str, b: Break, rule: &Rule) {
    let path = site.join(file);
    let edit = |f: &dyn Fn(String) -> String| {
        let text = std::fs::read_to_string(&path).expect("read the file to edit");
        let new = f(text.clone());
        assert!(new != text, "{}: the edit {b:?} changed nothing", rule.id());
        std::fs::write(&path, new).expect("write");
    };
    match b {
        Headings => edit(&|t| rename_headings(&t, rule, true)),
        HeadingsIfAny => {
            let text = std::fs::read_to_string(&path).expect("read the file to edit");
            std::fs::write(&path, rename_headings(&text, rule, false)).expect("write");
        }
        Keywords => edit(&|t| remove_keywords(&t, rule)),
        KeywordsEverywhere => {
            for entry in walkdir::WalkDir::new(site.join("content"))
                .into_iter()
                .flatten()
            {
                if entry.file_type().is_file() {
                    let text = std::fs::read_to_string(entry.path()).expect("read");
                    std::fs::write(entry.path(), remove_keywords(&text, rule)).expect("write");
                }
            }
        }
        Field(p) => edit(&|t| remove_field(&t, p)),
        Replace(from, to) => edit(&|t| t.replacen(from, to, 1)),
        DeleteLine(start) => edit(&|t| {
            let mut done = false;
            t.lines()
                .filter(|l| {
                    let hit = !done && l.starts_with(start);
                    done |= hit;
                    !hit
                })
                .map(|l| format!("{l}\n"))
                .collect()
        }),
        DeleteFile(f) => std::fs::remove_file(site.join(f)).expect("delete"),
        ThemeWithoutStatementLink => {
            let dir = site.join("themes/plain/templates");
            std::fs::create_dir_all(&dir).expect("mkdir");
            std::fs::write(
                dir.join("base.html"),
                "<!DOCTYPE html><html lang=\"en-GB\"><body>{% block content %}{% endblock content %}</body></html>\n",
            )
            .expect("write");
            let config = std::fs::read_to_string(site.join("site.toml")).expect("read");
            std::fs::write(
                site.join("site.toml"),
                format!("theme = \"plain\"\n{config}"),
            )
            .expect("write");
        }
    }
}

pub fn json_check(site: &Path) -> (i32, serde_json::Value) {
    let run = ccg_site(&[
        "check",
        "--site",
        site.to_str().expect("utf-8 path"),
        "--format",
        "json",
    ]);
    run.assert_no_panic();
    let json = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("check printed no JSON ({e}):\n{}", run.all()));
    (run.code, json)
}

/// `f` over every item, on a few threads (each case runs the binary on its own copy of a site,
/// so they are independent); results in the order of `items`.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(2, 4);
    let chunk = items.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a case thread panicked"))
            .collect()
    })
}

/// What is wrong with `rule`'s finding in a `check --format json` result (`json`, exit `code`):
/// it must be there, at `file:line`, make an error exit 1, and have a message, a citation and help.
pub fn finding_problems(
    json: &serde_json::Value,
    code: i32,
    rule: &str,
    file: &str,
    line: usize,
) -> Vec<String> {
    let diagnostics = json["diagnostics"].as_array().cloned().unwrap_or_default();
    let Some(d) = diagnostics.iter().find(|d| d["rule"] == rule) else {
        let got: Vec<_> = diagnostics.iter().map(|d| d["rule"].clone()).collect();
        return vec![format!("no finding; got {got:?}")];
    };
    let mut problems = Vec::new();
    if d["file"] != file || d["line"] != line {
        problems.push(format!(
            "finding at {}:{}, expected {file}:{line}",
            d["file"], d["line"]
        ));
    }
    if d["severity"] == "error" && code != 1 {
        problems.push(format!("exit {code}, expected 1"));
    }
    for key in ["message", "citation", "help"] {
        if d[key].as_str().is_none_or(str::is_empty) {
            problems.push(format!("empty {key}"));
        }
    }
    problems
}

/// The rules among `rules` whose duty `report` does not show met on some document (or the site)
/// and missing on none, counting only documents checked under `regime` when one is given.
pub fn duties_not_met<'a>(
    report: &Report,
    rules: impl IntoIterator<Item = &'a str>,
    regime: Option<&str>,
) -> Vec<String> {
    let mut not_met = Vec::new();
    for rule in rules {
        let statuses: Vec<DutyStatus> = report
            .outcomes
            .iter()
            .filter(|o| regime.is_none_or(|r| o.regime == r))
            .flat_map(|o| o.duties.iter())
            .chain(report.site_duties.iter())
            .filter(|d| d.rule == rule)
            .map(|d| d.status)
            .collect();
        if !statuses.contains(&DutyStatus::Met) || statuses.contains(&DutyStatus::Missing) {
            not_met.push(format!("{rule}: {statuses:?}"));
        }
    }
    not_met
}
