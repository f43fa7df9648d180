//! The icb-2022 regime end to end, through the real binary: `init --regime icb-2022` gives a site
//! that checks clean and builds; an archived CCG report on it is judged wholly under ccg-2013 and
//! does not count for the ICB's site rules; a document may name a regime only for a date under
//! that law; kinds and fields follow the document's regime; `site.toml` entries naming a
//! superseded ccg-2013 id carry over to the new rules (or are refused); `new` and `explain` know
//! the ICB kinds and ids.

mod common;

use std::path::Path;

use common::*;

const REPORT: &str = "content/annual-reports/2025-26.md";
const ARCHIVED: &str = "content/annual-reports/2021-22.md";
const PLAN: &str = "content/joint-forward-plans/2026-27.md";

/// A new ICB site written by `init --regime icb-2022`.
fn icb_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    let run = ccg_site(&[
        "init",
        "--regime",
        "icb-2022",
        site.to_str().expect("utf-8"),
    ]);
    assert_eq!(run.code, 0, "{}", run.all());
    // Keep the temp dir's own path as the site: move the files up one level.
    for entry in std::fs::read_dir(&site).expect("read") {
        let entry = entry.expect("entry");
        std::fs::rename(entry.path(), dir.path().join(entry.file_name())).expect("move");
    }
    std::fs::remove_dir(&site).expect("remove");
    dir
}

fn edit(site: &Path, file: &str, from: &str, to: &str) {
    let path = site.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

fn check_json(site: &Path) -> (i32, serde_json::Value, String) {
    let run = ccg_site(&[
        "check",
        "--site",
        site.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    run.assert_no_panic();
    let json = serde_json::from_str(&run.stdout).unwrap_or(serde_json::Value::Null);
    (run.code, json, run.all())
}

fn findings(json: &serde_json::Value, rule: &str) -> Vec<serde_json::Value> {
    json["diagnostics"]
        .as_array()
        .map(|d| d.iter().filter(|d| d["rule"] == rule).cloned().collect())
        .unwrap_or_default()
}

#[test]
fn the_icb_starter_checks_clean_and_builds() {
    let site = icb_site();
    let (code, json, all) = check_json(site.path());
    assert_eq!(code, 0, "{all}");
    assert_eq!(json["summary"]["errors"], 0, "{json:#}");
    assert_eq!(json["summary"]["warnings"], 0, "{json:#}");
    let config = std::fs::read_to_string(site.path().join("site.toml")).expect("read");
    assert!(config.contains("regime = \"icb-2022\""), "{config}");
    let out = site.path().join("public");
    let run = ccg_site(&[
        "build",
        "--site",
        site.path().to_str().expect("utf-8"),
        "--output",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(run.code, 0, "{}", run.all());
    for page in [
        "joint-forward-plans/2026-27/index.html",
        "capital-resource-plans/2026-27/index.html",
        "annual-reports/2021-22/index.html",
        "constitution/index.html",
    ] {
        assert!(out.join(page).is_file(), "{page} not built");
    }
}

#[test]
fn init_without_regime_writes_the_ccg_demo_and_an_unknown_regime_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ccg = dir.path().join("ccg");
    let run = ccg_site(&["init", ccg.to_str().expect("utf-8")]);
    assert_eq!(run.code, 0, "{}", run.all());
    let config = std::fs::read_to_string(ccg.join("site.toml")).expect("read");
    assert!(config.contains("regime = \"ccg-2013\""), "{config}");
    assert!(ccg.join("content/commissioning-plans/2024-25.md").is_file());

    let bad = dir.path().join("bad");
    let run = ccg_site(&["init", "--regime", "icb-2021", bad.to_str().expect("utf-8")]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("unknown regime `icb-2021`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `icb-2022`?"),
        "{}",
        run.stderr
    );
    assert!(!bad.exists(), "nothing is written for an unknown regime");
}

#[test]
fn an_archived_ccg_report_is_judged_under_ccg_2013() {
    let site = icb_site();
    // "Improving quality" is the archived report's only heading for the ccg-2013 quality duty.
    edit(
        site.path(),
        ARCHIVED,
        "## 2. Improving quality",
        "## 2. Zqx topic",
    );
    let (code, json, all) = check_json(site.path());
    assert_eq!(code, 1, "{all}");
    let found = findings(&json, "annual-report.quality");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(found[0]["file"], ARCHIVED);
    assert_eq!(found[0]["regime"], "ccg-2013");
    assert!(
        found[0]["citation"].as_str().unwrap_or("").contains("14Z"),
        "{json:#}"
    );
    let human = ccg_site(&["check", "--site", site.path().to_str().expect("utf-8")]);
    assert!(
        human.all().contains("judged under ccg-2013"),
        "{}",
        human.all()
    );
}

#[test]
fn an_archived_ccg_report_does_not_count_for_the_icb_site_rules() {
    let site = icb_site();
    std::fs::remove_file(site.path().join(REPORT)).expect("delete");
    let (code, json, all) = check_json(site.path());
    assert_eq!(code, 1, "{all}");
    let found = findings(&json, "site.annual-report-published");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(found[0]["file"], "site.toml");
    assert!(
        site.path().join(ARCHIVED).is_file(),
        "the archived CCG report is still there"
    );
}

#[test]
fn a_document_after_june_2022_cannot_name_ccg_2013() {
    let site = icb_site();
    edit(
        site.path(),
        ARCHIVED,
        "financial_year = \"2021/22\"",
        "financial_year = \"2022/23\"",
    );
    // 2022/23 starts on 1 April 2022, under the CCG law: still allowed.
    let (code, _, all) = check_json(site.path());
    assert_eq!(code, 0, "{all}");
    edit(
        site.path(),
        ARCHIVED,
        "financial_year = \"2022/23\"",
        "financial_year = \"2023/24\"",
    );
    let run = ccg_site(&["check", "--site", site.path().to_str().expect("utf-8")]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("content/annual-reports/2021-22.md:4:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("`regime = \"ccg-2013\"` is only for documents dated before 1 July 2022"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("2023-04-01"), "{}", run.stderr);
    assert!(run.stderr.contains("CCGs were abolished"), "{}", run.stderr);
}

#[test]
fn an_undated_document_or_unknown_regime_is_an_error() {
    let site = icb_site();
    edit(
        site.path(),
        "content/about-us.md",
        "published = 2024-04-02\n",
        "regime = \"ccg-2013\"\n",
    );
    edit(
        site.path(),
        "content/contact-us.md",
        "published = 2024-04-02\n",
        "published = 2021-04-02\nregime = \"cgg-2013\"\n",
    );
    let run = ccg_site(&["check", "--site", site.path().to_str().expect("utf-8")]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("content/about-us.md:5:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("(published)"), "{}", run.stderr);
    assert!(
        run.stderr.contains("content/contact-us.md:6:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `ccg-2013`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn kinds_and_fields_follow_the_documents_regime() {
    let site = icb_site();
    std::fs::create_dir_all(site.path().join("content/commissioning-plans")).expect("mkdir");
    std::fs::write(
        site.path().join("content/commissioning-plans/2024-25.md"),
        "+++\ntitle = \"Plan\"\nkind = \"commissioning-plan\"\n+++\n\nText.\n",
    )
    .expect("write");
    edit(site.path(), "content/constitution.md", "[icb]", "[ccg]");
    let run = ccg_site(&["check", "--site", site.path().to_str().expect("utf-8")]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr
            .contains("content/commissioning-plans/2024-25.md:3:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `joint-forward-plan`, or `regime = \"ccg-2013\"` for a CCG plan dated before 1 July 2022?"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("unknown field `ccg`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("content/constitution.md:7:"),
        "{}",
        run.stderr
    );
    // The same plan, archived and dated, is read under ccg-2013.
    std::fs::write(
        site.path().join("content/commissioning-plans/2024-25.md"),
        "+++\ntitle = \"Plan\"\nkind = \"commissioning-plan\"\nregime = \"ccg-2013\"\n[plan]\nperiod = \"2021/22\"\n+++\n\nText.\n",
    )
    .expect("write");
    edit(site.path(), "content/constitution.md", "[ccg]", "[icb]");
    let (code, json, all) = check_json(site.path());
    assert_eq!(code, 1, "{all}");
    let quality = findings(&json, "commissioning-plan.quality");
    assert_eq!(quality.len(), 1, "{json:#}");
    assert_eq!(quality[0]["regime"], "ccg-2013");
}

fn append_config(site: &Path, text: &str) {
    let path = site.join("site.toml");
    let config = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, format!("{config}{text}")).expect("write");
}

#[test]
fn a_waiver_of_a_superseded_id_carries_over_with_a_warning() {
    let site = icb_site();
    // Break joint-forward-plan.hwb-opinion: no opinions in front matter, no heading.
    let text = std::fs::read_to_string(site.path().join(PLAN)).expect("read");
    let text = text
        .split("[[plan.hwb_opinions]]")
        .enumerate()
        .map(|(i, part)| match i {
            0 => part.to_string(),
            _ => part
                .split_once("\n\n")
                .map(|(_, rest)| rest.to_string())
                .unwrap_or_default(),
        })
        .collect::<String>()
        .replace(
            "## Appendix 2 – Statements from the Health and Wellbeing Boards",
            "## Appendix 2 – Zqx",
        );
    std::fs::write(site.path().join(PLAN), text).expect("write");
    let (code, json, all) = check_json(site.path());
    assert_eq!(code, 1, "{all}");
    assert_eq!(
        findings(&json, "joint-forward-plan.hwb-opinion").len(),
        1,
        "{json:#}"
    );

    append_config(
        site.path(),
        "\n[[compliance.waiver]]\nrule = \"commissioning-plan.hwb-final-opinion\"\nreason = \"Both Boards gave their opinion at a joint meeting; the minutes are linked instead.\"\n",
    );
    let (code, json, all) = check_json(site.path());
    assert_eq!(code, 0, "{all}");
    assert!(
        findings(&json, "joint-forward-plan.hwb-opinion").is_empty(),
        "{json:#}"
    );
    let warned = findings(&json, "config.superseded-rule-id");
    assert_eq!(warned.len(), 1, "{json:#}");
    assert_eq!(warned[0]["file"], "site.toml");
    assert_eq!(warned[0]["severity"], "warning");
    assert!(
        warned[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("`joint-forward-plan.hwb-opinion`"),
        "{json:#}"
    );
    let lines = std::fs::read_to_string(site.path().join("site.toml"))
        .expect("read")
        .lines()
        .count();
    assert_eq!(warned[0]["line"], lines - 1, "{json:#}");
    let sarif = ccg_site(&[
        "check",
        "--site",
        site.path().to_str().expect("utf-8"),
        "--format",
        "sarif",
    ]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("SARIF is JSON");
    let described = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .and_then(|rules| {
            rules
                .iter()
                .find(|r| r["id"] == "config.superseded-rule-id")
        })
        .map(|r| {
            r["shortDescription"]["text"]
                .as_str()
                .unwrap_or("")
                .to_string()
        });
    assert!(
        described.is_some_and(|d| d.starts_with("Name the rule ids")),
        "{sarif:#}"
    );
}

#[test]
fn a_severity_entry_of_a_superseded_id_raises_the_new_warning() {
    let site = icb_site();
    edit(
        site.path(),
        PLAN,
        "### 1.2 Our integrated care strategy",
        "### 1.2 Zqx",
    );
    let (_, json, _) = check_json(site.path());
    let found = findings(&json, "joint-forward-plan.integrated-care-strategy");
    assert_eq!(found[0]["severity"], "warning", "{json:#}");
    append_config(
        site.path(),
        "\n[compliance.severity]\n\"commissioning-plan.jhws-regard\" = \"error\"\n",
    );
    let (code, json, all) = check_json(site.path());
    assert_eq!(code, 1, "{all}");
    let found = findings(&json, "joint-forward-plan.integrated-care-strategy");
    assert_eq!(found[0]["severity"], "error", "{json:#}");
    let warned = findings(&json, "config.superseded-rule-id");
    assert!(
        warned[0]["message"].as_str().unwrap_or("").contains(
            "`joint-forward-plan.jhws-steps` and `joint-forward-plan.integrated-care-strategy`"
        ),
        "{json:#}"
    );
}

#[test]
fn a_carried_entry_that_would_be_invalid_is_a_config_error() {
    let site = icb_site();
    // constitution.accountable-officer was a warning; its successor chief-executive is an error,
    // which can only be waived with a reason.
    append_config(
        site.path(),
        "\n[[compliance.waiver]]\nrule = \"constitution.accountable-officer\"\n",
    );
    let run = ccg_site(&["check", "--site", site.path().to_str().expect("utf-8")]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("site.toml:"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`constitution.chief-executive`, a statutory error"),
        "{}",
        run.stderr
    );

    let site = icb_site();
    // jhws-regard was a warning; lowering it to "warning" would lower jhws-steps, an error.
    append_config(
        site.path(),
        "\n[compliance.severity]\n\"commissioning-plan.jhws-regard\" = \"warning\"\n",
    );
    let run = ccg_site(&["check", "--site", site.path().to_str().expect("utf-8")]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr
            .contains("superseded by `joint-forward-plan.jhws-steps`, a statutory error"),
        "{}",
        run.stderr
    );
}

#[test]
fn new_and_explain_know_the_icb_kinds_and_ids() {
    let site = icb_site();
    let dir = site.path().to_str().expect("utf-8");
    let run = ccg_site(&["new", "joint-forward-plan", "2027-28", "--site", dir]);
    assert_eq!(run.code, 0, "{}", run.all());
    let text = std::fs::read_to_string(site.path().join("content/joint-forward-plans/2027-28.md"))
        .expect("written");
    assert!(text.contains("kind = \"joint-forward-plan\""), "{text}");
    assert!(text.contains("# [[plan.hwb_opinions]]"), "{text}");
    assert!(text.contains("s14Z52"), "{text}");
    let run = ccg_site(&["new", "commissioning-plan", "--site", dir]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("did you mean `joint-forward-plan`"),
        "{}",
        run.stderr
    );

    let run = ccg_site(&["explain", "joint-forward-plan.hwb-opinion"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stdout.contains("regime:     icb-2022"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("verified:   NO"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("replaces:   commissioning-plan.hwb-final-opinion"),
        "{}",
        run.stdout
    );
    // An id kept from ccg-2013 is shown under both regimes.
    let run = ccg_site(&["explain", "annual-report.quality"]);
    assert!(
        run.stdout.contains("regime:     ccg-2013"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("regime:     icb-2022"),
        "{}",
        run.stdout
    );
}
