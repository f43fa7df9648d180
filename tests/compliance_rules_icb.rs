//! Every rule of the embedded icb-2022 pack, checked both ways on the ICB starter site
//! (`starters/icb-2022/`, written by `init --regime icb-2022`): the starter meets it, and an edit
//! of the starter that breaks that duty makes `check --format json` name the rule, the file and
//! the line (exit 1 for an error).
//!
//! The case list is derived from the pack: a heading rule is broken by renaming the headings its
//! patterns match, a heading-or-field rule by that and removing its field, a keyword rule by
//! removing its keywords (and its `also_field` and hint headings), a site keyword rule by removing its keywords
//! from every document. Rules that need a particular edit (a date, a value, a list item, a
//! deleted page) are listed in `SPECIFIC`. A rule the pack adds that none of these covers fails
//! `every_rule_has_a_case`.

mod common;

use std::path::Path;

use ccg_site::compliance::check_site;
use ccg_site::compliance::pack::{pack_for, CheckKind, Rule, Scope};
use ccg_site::content::{load_site, Kind, LoadOptions};
use common::rule_edits::{
    apply, duties_not_met, finding_problems, json_check, par_map, Break, Break::*,
};
use common::*;

const CONSTITUTION: &str = "content/constitution.md";
const PLAN: &str = "content/joint-forward-plans/2026-27.md";
const CAPITAL: &str = "content/capital-resource-plans/2026-27.md";
const REPORT: &str = "content/annual-reports/2025-26.md";
const ARCHIVED_REPORT: &str = "content/annual-reports/2021-22.md";
const YSWD: &str = "content/you-said-we-did/joint-forward-plan-2026.md";
const REGISTER: &str = "content/register-of-interests.md";
const STATEMENT: &str = "content/accessibility-statement.md";
const SITE: &str = "site.toml";

/// A rule's failing case: the file edited, the edits, and the line the finding must name (in
/// that file, or in site.toml for a site rule).
struct Case {
    rule: &'static str,
    file: &'static str,
    breaks: Vec<Break>,
    line: usize,
}

const fn case(
    rule: &'static str,
    file: &'static str,
    breaks: &'static [Break],
    line: usize,
) -> (&'static str, &'static str, &'static [Break], usize) {
    (rule, file, breaks, line)
}

/// Rules broken by an edit of their own: (rule, file, edits, line of the finding).
const SPECIFIC: &[(&str, &str, &[Break], usize)] = &[
    // constitution
    case(
        "constitution.name-format",
        CONSTITUTION,
        &[Replace(
            "name = \"NHS Wessex Vale Integrated Care Board\"",
            "name = \"Wessex Vale ICB\"",
        )],
        8,
    ),
    case(
        "constitution.effective-date",
        CONSTITUTION,
        &[Field("document.effective_date")],
        75,
    ),
    // joint forward plan
    case(
        "joint-forward-plan.period",
        PLAN,
        &[Replace(
            "period = \"2026/27 to 2030/31\"",
            "period = \"2026/27 to 2030/32\"",
        )],
        8,
    ),
    case(
        "joint-forward-plan.five-year-horizon",
        PLAN,
        &[Replace(
            "period = \"2026/27 to 2030/31\"",
            "period = \"2026/27 to 2029/30\"",
        )],
        8,
    ),
    case(
        "joint-forward-plan.prepared-before-period",
        PLAN,
        &[Replace(
            "prepared_date = 2026-03-19",
            "prepared_date = 2026-04-19",
        )],
        10,
    ),
    case(
        "joint-forward-plan.hwb-involved",
        PLAN,
        &[DeleteLine("consulted_on = 2026-01-22")],
        25,
    ),
    case(
        "joint-forward-plan.copies-sent",
        PLAN,
        &[Field("plan.copies_sent")],
        7,
    ),
    case(
        "joint-forward-plan.revision",
        PLAN,
        &[Replace("revised = false", "revised = true")],
        41,
    ),
    // annual report
    case(
        "annual-report.period",
        REPORT,
        &[Replace(
            "financial_year = \"2025/26\"",
            "financial_year = \"2025-27\"",
        )],
        8,
    ),
    case(
        "annual-report.hwb-consulted",
        REPORT,
        &[Field("report.hwb_consultations")],
        7,
    ),
    // capital resource use plan
    case(
        "capital-resource-plan.period",
        CAPITAL,
        &[Replace(
            "financial_year = \"2026/27\"",
            "financial_year = \"2026/28\"",
        )],
        8,
    ),
    case(
        "capital-resource-plan.prepared-before-period",
        CAPITAL,
        &[Replace(
            "prepared_date = 2026-03-19",
            "prepared_date = 2026-04-19",
        )],
        10,
    ),
    case(
        "capital-resource-plan.copies-sent",
        CAPITAL,
        &[Field("plan.copies_sent")],
        7,
    ),
    case(
        "capital-resource-plan.revision",
        CAPITAL,
        &[Replace(
            "revised = false",
            "revised = true\nsignificant = false\ndate = 2026-09-01",
        )],
        50,
    ),
    // you said, we did
    case("you-said-we-did.purpose", YSWD, &[Field("page.intro")], 8),
    case(
        "you-said-we-did.item.you-said",
        YSWD,
        &[DeleteLine("you_said = \"It is hard to get")],
        11,
    ),
    case(
        "you-said-we-did.item.we-did",
        YSWD,
        &[DeleteLine("we_did = \"We added a commitment")],
        11,
    ),
    case(
        "you-said-we-did.item.reason",
        YSWD,
        &[DeleteLine("reason = \"We have not reopened")],
        21,
    ),
    case(
        "you-said-we-did.item.status",
        YSWD,
        &[Replace("status = \"done\"", "status = \"finished\"")],
        15,
    ),
    case(
        "you-said-we-did.item.date",
        YSWD,
        &[
            DeleteLine("date_said = 2026-01-16"),
            DeleteLine("date_responded = 2026-10-12"),
        ],
        11,
    ),
    case(
        "you-said-we-did.item.source-link",
        YSWD,
        &[
            DeleteLine("source = \"Joint forward plan survey and community"),
            DeleteLine("consultation_url = \"/joint-forward-plans/2026-27/\""),
        ],
        11,
    ),
    case(
        "you-said-we-did.item.topic",
        YSWD,
        &[DeleteLine("topic = \"GP appointments\"")],
        11,
    ),
    // register of interests
    case(
        "register-of-interests.scope",
        REGISTER,
        &[Replace("[\"board\", \"committees\"", "[\"committees\"")],
        8,
    ),
    case(
        "register-of-interests.entry.name",
        REGISTER,
        &[DeleteLine("name = \"Dame Helen Okonjo\"")],
        11,
    ),
    case(
        "register-of-interests.entry.description",
        REGISTER,
        &[DeleteLine("description = \"Trustee of Hamford")],
        11,
    ),
    case(
        "register-of-interests.entry.position",
        REGISTER,
        &[DeleteLine("position = \"Chair of the ICB\"")],
        11,
    ),
    case(
        "register-of-interests.entry.type",
        REGISTER,
        &[Replace(
            "type = \"non_financial_personal\"",
            "type = \"personal\"",
        )],
        14,
    ),
    case(
        "register-of-interests.entry.dates",
        REGISTER,
        &[DeleteLine("date_from = 2019-05-01")],
        11,
    ),
    case(
        "register-of-interests.entry.action",
        REGISTER,
        &[DeleteLine(
            "action = \"Takes no part in decisions about the benefits",
        )],
        11,
    ),
    case(
        "register-of-interests.entry.declared-within-28-days",
        REGISTER,
        &[Replace(
            "date_declared = 2022-07-04",
            "date_declared = 2022-09-04",
        )],
        18,
    ),
    case(
        "register-of-interests.reviewed",
        REGISTER,
        &[Replace(
            "last_reviewed = 2026-10-01",
            "last_reviewed = 2025-10-01",
        )],
        9,
    ),
    // accessibility statement
    case(
        "accessibility-statement.disproportionate-burden",
        STATEMENT,
        &[
            Replace(
                "disproportionate_burden = false",
                "disproportionate_burden = true",
            ),
            Headings,
        ],
        1,
    ),
    case(
        "accessibility-statement.regular-review",
        STATEMENT,
        &[Replace(
            "last_reviewed = 2026-09-15",
            "last_reviewed = 2025-09-15",
        )],
        19,
    ),
    // the whole site
    case(
        "register-of-interests.published-or-on-request",
        SITE,
        &[DeleteFile(REGISTER)],
        1,
    ),
    case(
        "register-of-interests.gifts-hospitality",
        SITE,
        &[DeleteFile("content/gifts-and-hospitality-register.md")],
        1,
    ),
    case(
        "register-of-interests.procurement-register",
        SITE,
        &[DeleteFile("content/procurement-register.md")],
        1,
    ),
    case(
        "accessibility-statement.published",
        SITE,
        &[DeleteFile(STATEMENT)],
        1,
    ),
    case(
        "accessibility-statement.linked-prominently",
        SITE,
        &[ThemeWithoutStatementLink],
        1,
    ),
    case(
        "site.constitution-published",
        SITE,
        &[DeleteFile(CONSTITUTION)],
        1,
    ),
    case(
        "site.joint-forward-plan-published",
        SITE,
        &[DeleteFile(PLAN)],
        1,
    ),
    case(
        "site.joint-forward-plan-current",
        PLAN,
        &[
            Replace(
                "period = \"2026/27 to 2030/31\"",
                "period = \"2025/26 to 2029/30\"",
            ),
            Replace("period_start = 2026-04-01", "period_start = 2025-04-01"),
            Replace("prepared_date = 2026-03-19", "prepared_date = 2025-03-19"),
        ],
        1,
    ),
    // The archived CCG report stays: it does not count for the ICB's duty.
    case(
        "site.annual-report-published",
        SITE,
        &[DeleteFile(REPORT)],
        1,
    ),
    case(
        "site.capital-resource-plan-published",
        SITE,
        &[DeleteFile(CAPITAL)],
        1,
    ),
    case(
        "site.you-said-we-did-published",
        SITE,
        &[DeleteFile(YSWD)],
        1,
    ),
];

/// Rules that no edit of a document can make fail, with the reason; each has a test of another
/// shape below.
const NO_FAILING_CASE: &[(&str, &str)] = &[(
    "register-of-interests.expired-retention",
    "a duty of the renderer (retain_ended_days = 183): the register page and CSV keep ended declarations; `check` reports nothing (see ended_declarations_are_kept_for_183_days)",
)];

/// Edits that make a rule apply on the starter, where it otherwise does not (to show it met).
const MAKE_APPLICABLE: &[(&str, &str, &str)] = &[
    (
        STATEMENT,
        "disproportionate_burden = false",
        "disproportionate_burden = true",
    ),
    (
        PLAN,
        "revised = false",
        "revised = true\nsignificant = false\ndate = 2026-09-02",
    ),
    (
        CAPITAL,
        "revised = false",
        "revised = true\nsignificant = false\ndate = 2026-09-02\nchanges_url = \"/capital-resource-plans/2026-27/#4-changes-during-the-year\"",
    ),
];

fn icb_rules() -> Vec<&'static Rule> {
    pack_for("icb-2022")
        .expect("the embedded icb-2022 pack loads")
        .rules
        .iter()
        .collect()
}

/// The starter's document of a kind.
fn file_of(kind: Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Constitution => CONSTITUTION,
        Kind::JointForwardPlan => PLAN,
        Kind::CapitalResourcePlan => CAPITAL,
        Kind::AnnualReport => REPORT,
        Kind::YouSaidWeDid => YSWD,
        Kind::RegisterOfInterests => REGISTER,
        Kind::AccessibilityStatement => STATEMENT,
        _ => return None,
    })
}

/// The case derived from the rule's check, when its kind of check has a general way to break.
fn derived(rule: &'static Rule) -> Option<Case> {
    let id = rule.id();
    if rule.scope == Scope::Site {
        return (rule.check == CheckKind::Keyword).then(|| Case {
            rule: id,
            file: SITE,
            breaks: vec![KeywordsEverywhere],
            line: 1,
        });
    }
    let Scope::Document(kind) = rule.scope else {
        return None;
    };
    let file = file_of(kind)?;
    let breaks = match rule.check {
        CheckKind::Heading => vec![Headings],
        CheckKind::HeadingOrField => {
            let field = rule.def.field.as_deref()?;
            vec![Field(field), HeadingsIfAny]
        }
        CheckKind::Keyword => {
            // A heading named like the topic joins the text after it in the keyword text, so
            // it goes too.
            let also = rule.def.also_field.as_deref().map(Field);
            also.into_iter().chain([HeadingsIfAny, Keywords]).collect()
        }
        _ => return None,
    };
    Some(Case {
        rule: id,
        file,
        breaks,
        line: 1,
    })
}

/// Every case: the specific ones, then those derived from the pack for the other rules.
fn cases() -> Vec<Case> {
    let mut all: Vec<Case> = SPECIFIC
        .iter()
        .map(|(rule, file, breaks, line)| Case {
            rule,
            file,
            breaks: breaks.to_vec(),
            line: *line,
        })
        .collect();
    for rule in icb_rules() {
        if !all.iter().any(|c| c.rule == rule.id()) {
            all.extend(derived(rule));
        }
    }
    all
}

#[test]
fn every_rule_has_a_case() {
    let cases = cases();
    let missing: Vec<&str> = icb_rules()
        .iter()
        .map(|r| r.id())
        .filter(|id| {
            !cases.iter().any(|c| c.rule == *id) && !NO_FAILING_CASE.iter().any(|(r, _)| r == id)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a failing case: {missing:?}"
    );
    let unknown: Vec<&str> = SPECIFIC
        .iter()
        .map(|c| c.0)
        .chain(NO_FAILING_CASE.iter().map(|c| c.0))
        .filter(|id| !icb_rules().iter().any(|r| r.id() == *id))
        .collect();
    assert!(
        unknown.is_empty(),
        "cases for rules not in the pack: {unknown:?}"
    );
    assert_eq!(
        cases.len() + NO_FAILING_CASE.len(),
        122,
        "one case per rule"
    );
}

/// What went wrong with one case, if anything.
fn run_case(c: &Case, rule: &Rule) -> Option<String> {
    let site = copy_icb_starter();
    for b in &c.breaks {
        apply(site.path(), c.file, *b, rule);
    }
    let (code, json) = json_check(site.path());
    // Site rules point at site.toml, whichever file the edit was in.
    let file = if rule.scope == Scope::Site {
        SITE
    } else {
        c.file
    };
    let mut problems = finding_problems(&json, code, c.rule, file, c.line);
    let names_a_regime = json["diagnostics"]
        .as_array()
        .and_then(|all| all.iter().find(|d| d["rule"] == c.rule))
        .is_some_and(|d| d.get("regime").is_some());
    if names_a_regime {
        problems.push("a finding on an ICB document names another regime".to_string());
    }
    (!problems.is_empty()).then(|| format!("{}: {}", c.rule, problems.join("; ")))
}

#[test]
fn each_rule_fails_with_its_id_file_and_line() {
    let rules = icb_rules();
    let problems: Vec<String> = par_map(&cases(), |c| {
        let rule = rules.iter().find(|r| r.id() == c.rule)?;
        run_case(c, rule)
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_icb_starter_meets_every_rule() {
    let site = copy_icb_starter();
    for (file, from, to) in MAKE_APPLICABLE {
        let path = site.path().join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains(from), "{file}: {from}");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
    }
    let (code, json) = json_check(site.path());
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(
        json["diagnostics"],
        serde_json::json!([]),
        "the ICB starter must check clean"
    );
    let loaded = load_site(site.path(), LoadOptions::default()).expect("the starter loads");
    let today = time::Date::from_calendar_date(2026, time::Month::November, 30).expect("date");
    let report = check_site(&loaded, today);
    let checked = icb_rules()
        .into_iter()
        .map(|r| r.id())
        .filter(|id| !NO_FAILING_CASE.iter().any(|(r, _)| r == id));
    let not_met = duties_not_met(&report, checked, Some("icb-2022"));
    assert!(
        not_met.is_empty(),
        "duties not met on the ICB starter:\n{}",
        not_met.join("\n")
    );
    let archived = report
        .outcomes
        .iter()
        .find(|o| o.file == Path::new(ARCHIVED_REPORT))
        .expect("the archived report is checked");
    assert_eq!(archived.regime, "ccg-2013");
}

/// `register-of-interests.expired-retention` is a duty of the renderer: on the ICB starter the
/// Deputy Chair's interest that ended on 2026-08-31 (91 days before the build date) is still in
/// the register's CSV; ended 2026-05-30 (184 days before) it is not.
#[test]
fn ended_declarations_are_kept_for_183_days() {
    let csv_after_build = |date_to: &str| {
        let site = copy_icb_starter();
        let path = site.path().join(REGISTER);
        let text = std::fs::read_to_string(&path).expect("read");
        std::fs::write(&path, text.replace("date_to = 2026-08-31", date_to)).expect("write");
        let out = site.path().join("public");
        let run = ccg_site(&[
            "build",
            "--site",
            site.path().to_str().expect("utf-8"),
            "--output",
            out.to_str().expect("utf-8"),
        ]);
        assert_eq!(run.code, 0, "{}", run.all());
        std::fs::read_to_string(out.join("register-of-interests/register-of-interests.csv"))
            .expect("the register CSV is written")
    };
    let kept = csv_after_build("date_to = 2026-08-31");
    assert!(kept.contains("Peter Hollis"), "{kept}");
    let dropped = csv_after_build("date_to = 2026-05-30");
    assert!(!dropped.contains("Peter Hollis"), "{dropped}");
    assert!(dropped.contains("Dame Helen Okonjo"), "{dropped}");
}
