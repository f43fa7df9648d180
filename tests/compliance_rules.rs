//! Every rule of the embedded ccg-2013 pack, checked both ways on the demo site: the demo meets
//! it (its duty is met, and `check --format json` names no finding for it), and a small edit
//! that breaks exactly that duty makes `check` exit 1 with a finding that names the rule, the
//! file and the line. The list of rules comes from the embedded pack, so a rule added without a
//! case here fails `every_rule_has_a_case`.

mod common;
use ccg_site::compliance::check_site;
use ccg_site::compliance::pack::{pack_for, Rule};
use ccg_site::content::{load_site, LoadOptions};
use common::rule_edits::{
    apply, duties_not_met, finding_problems, json_check, par_map, Break, Break::*,
};
use common::*;

/// A rule's failing case: the file edited, the edits, and the line the finding must name.
struct Case {
    rule: &'static str,
    file: &'static str,
    breaks: &'static [Break],
    line: usize,
}

const CONSTITUTION: &str = "content/constitution.md";
const PLAN: &str = "content/commissioning-plans/2024-25.md";
const REPORT: &str = "content/annual-reports/2023-24.md";
const YSWD: &str = "content/you-said-we-did/urgent-care-review.md";
const REGISTER: &str = "content/register-of-interests.md";
const STATEMENT: &str = "content/accessibility-statement.md";
const SITE: &str = "site.toml";

const fn case(
    rule: &'static str,
    file: &'static str,
    breaks: &'static [Break],
    line: usize,
) -> Case {
    Case {
        rule,
        file,
        breaks,
        line,
    }
}

const CASES: &[Case] = &[
    // constitution
    case(
        "constitution.name",
        CONSTITUTION,
        &[Field("ccg.name"), Headings],
        1,
    ),
    case(
        "constitution.name-format",
        CONSTITUTION,
        &[Replace(
            "name = \"NHS Northfield Clinical Commissioning Group\"",
            "name = \"Northfield CCG\"",
        )],
        8,
    ),
    case(
        "constitution.member-practices",
        CONSTITUTION,
        &[Field("members"), Headings],
        1,
    ),
    case(
        "constitution.area",
        CONSTITUTION,
        &[Field("ccg.area"), Headings],
        1,
    ),
    case(
        "constitution.discharge-of-functions",
        CONSTITUTION,
        &[Headings],
        1,
    ),
    case("constitution.employee-terms", CONSTITUTION, &[Keywords], 1),
    case("constitution.governing-body", CONSTITUTION, &[Headings], 1),
    case("constitution.audit-committee", CONSTITUTION, &[Headings], 1),
    case(
        "constitution.remuneration-committee",
        CONSTITUTION,
        &[Headings],
        1,
    ),
    case(
        "constitution.gb-decision-procedure",
        CONSTITUTION,
        &[Headings],
        1,
    ),
    case(
        "constitution.decision-procedure",
        CONSTITUTION,
        &[Headings],
        1,
    ),
    case("constitution.transparency", CONSTITUTION, &[Headings], 1),
    case(
        "constitution.meetings-in-public",
        CONSTITUTION,
        &[Keywords],
        1,
    ),
    case(
        "constitution.conflicts-of-interest",
        CONSTITUTION,
        &[Headings],
        1,
    ),
    case(
        "constitution.registers-of-interests",
        CONSTITUTION,
        &[Keywords],
        1,
    ),
    case(
        "constitution.effective-participation",
        CONSTITUTION,
        &[Headings],
        1,
    ),
    case(
        "constitution.public-involvement-arrangements",
        CONSTITUTION,
        &[Headings],
        1,
    ),
    case(
        "constitution.public-involvement-principles",
        CONSTITUTION,
        &[Headings],
        1,
    ),
    case(
        "constitution.accountable-officer",
        CONSTITUTION,
        &[Field("ccg.accountable_officer"), Headings],
        1,
    ),
    case("constitution.lay-members", CONSTITUTION, &[Keywords], 1),
    case("constitution.amendment", CONSTITUTION, &[Headings], 1),
    case(
        "constitution.effective-date",
        CONSTITUTION,
        &[Field("document.effective_date")],
        72,
    ),
    case(
        "constitution.standing-orders-sofs",
        CONSTITUTION,
        &[Headings],
        1,
    ),
    // commissioning plan
    case(
        "commissioning-plan.period",
        PLAN,
        &[Replace("period = \"2024/25\"", "period = \"2024/26\"")],
        8,
    ),
    case(
        "commissioning-plan.prepared-before-period",
        PLAN,
        &[Replace(
            "published_date = 2024-03-21",
            "published_date = 2024-04-21",
        )],
        10,
    ),
    case("commissioning-plan.quality", PLAN, &[Headings], 1),
    case("commissioning-plan.inequalities", PLAN, &[Headings], 1),
    case(
        "commissioning-plan.public-involvement",
        PLAN,
        &[Headings],
        1,
    ),
    case("commissioning-plan.financial-duties", PLAN, &[Headings], 1),
    case(
        "commissioning-plan.consultation-summary",
        PLAN,
        &[Field("plan.consultation.summary"), Headings],
        1,
    ),
    case(
        "commissioning-plan.consultation-response",
        PLAN,
        &[Field("plan.consultation.response"), Headings],
        1,
    ),
    case(
        "commissioning-plan.hwb-final-opinion",
        PLAN,
        &[Field("plan.hwb_opinions"), Headings],
        1,
    ),
    case(
        "commissioning-plan.hwb-involved",
        PLAN,
        &[DeleteLine("consulted_on = 2024-01-18")],
        16,
    ),
    case("commissioning-plan.jhws-regard", PLAN, &[Headings], 1),
    case(
        "commissioning-plan.engagement-influence-and-budget",
        PLAN,
        &[Keywords],
        1,
    ),
    case(
        "commissioning-plan.revision",
        PLAN,
        &[Replace("revised = false", "revised = true")],
        28,
    ),
    case(
        "commissioning-plan.hwb-copy",
        PLAN,
        &[Field("plan.copies_sent")],
        7,
    ),
    // annual report
    case(
        "annual-report.period",
        REPORT,
        &[Replace(
            "financial_year = \"2023/24\"",
            "financial_year = \"2023-25\"",
        )],
        8,
    ),
    case(
        "annual-report.discharge-of-functions",
        REPORT,
        &[Headings],
        1,
    ),
    case("annual-report.quality", REPORT, &[Headings], 1),
    case("annual-report.inequalities", REPORT, &[Headings], 1),
    case("annual-report.public-involvement", REPORT, &[Headings], 1),
    case("annual-report.jhws-contribution", REPORT, &[Headings], 1),
    case(
        "annual-report.hwb-consulted",
        REPORT,
        &[Field("report.hwb_consultations")],
        7,
    ),
    case(
        "annual-report.public-meeting",
        REPORT,
        &[Field("report.public_meeting"), Headings],
        1,
    ),
    case("annual-report.involvement-impact", REPORT, &[Keywords], 1),
    case("annual-report.involvement-equality", REPORT, &[Keywords], 1),
    case(
        "annual-report.involvement-governance",
        REPORT,
        &[Keywords],
        1,
    ),
    case("annual-report.involvement-future", REPORT, &[Keywords], 1),
    case("annual-report.performance-report", REPORT, &[Headings], 1),
    case(
        "annual-report.accountability-report",
        REPORT,
        &[Headings],
        1,
    ),
    case("annual-report.member-practices", REPORT, &[Headings], 1),
    case("annual-report.gb-interests", REPORT, &[Headings], 1),
    case("annual-report.annual-accounts", REPORT, &[Headings], 1),
    case(
        "annual-report.sustainable-development",
        REPORT,
        &[Headings],
        1,
    ),
    // you said, we did
    case("you-said-we-did.purpose", YSWD, &[Field("page.intro")], 8),
    case(
        "you-said-we-did.item.you-said",
        YSWD,
        &[DeleteLine("you_said = \"It is confusing")],
        11,
    ),
    case(
        "you-said-we-did.item.we-did",
        YSWD,
        &[DeleteLine("we_did = \"We launched")],
        11,
    ),
    case(
        "you-said-we-did.item.reason",
        YSWD,
        &[DeleteLine("reason = \"You also asked")],
        20,
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
            DeleteLine("date_said = 2023-09-15"),
            DeleteLine("date_responded = 2024-04-02"),
        ],
        11,
    ),
    case(
        "you-said-we-did.item.source-link",
        YSWD,
        &[DeleteLine(
            "source = \"Urgent care review survey and community",
        )],
        11,
    ),
    case(
        "you-said-we-did.item.topic",
        YSWD,
        &[DeleteLine("topic = \"Where to go")],
        11,
    ),
    // register of interests
    case(
        "register-of-interests.scope",
        REGISTER,
        &[Replace("\"members\", \"employees\"", "\"members\"")],
        8,
    ),
    case(
        "register-of-interests.entry.name",
        REGISTER,
        &[DeleteLine("name = \"Dr Priya Raman\"")],
        11,
    ),
    case(
        "register-of-interests.entry.description",
        REGISTER,
        &[DeleteLine("description = \"GP partner at Castlegate")],
        11,
    ),
    case(
        "register-of-interests.entry.position",
        REGISTER,
        &[DeleteLine("position = \"Clinical Chair")],
        11,
    ),
    case(
        "register-of-interests.entry.type",
        REGISTER,
        &[Replace("type = \"financial\"", "type = \"money\"")],
        14,
    ),
    case(
        "register-of-interests.entry.dates",
        REGISTER,
        &[DeleteLine("date_from = 2011-09-01")],
        11,
    ),
    case(
        "register-of-interests.entry.action",
        REGISTER,
        &[DeleteLine("action = \"Declares this interest")],
        11,
    ),
    case(
        "register-of-interests.entry.declared-within-28-days",
        REGISTER,
        &[Replace(
            "date_declared = 2021-04-09",
            "date_declared = 2021-06-09",
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
        "accessibility-statement.scope",
        STATEMENT,
        &[Field("statement.scope"), Keywords],
        1,
    ),
    case(
        "accessibility-statement.compliance-status",
        STATEMENT,
        &[Field("statement.compliance"), Headings],
        1,
    ),
    case(
        "accessibility-statement.non-accessible-content",
        STATEMENT,
        &[Field("statement.non_accessible"), Headings],
        1,
    ),
    case(
        "accessibility-statement.alternatives",
        STATEMENT,
        &[Keywords],
        1,
    ),
    case(
        "accessibility-statement.feedback-contact",
        STATEMENT,
        &[Headings],
        1,
    ),
    case(
        "accessibility-statement.enforcement",
        STATEMENT,
        &[Headings],
        1,
    ),
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
        "accessibility-statement.prepared-date",
        STATEMENT,
        &[Field("statement.prepared"), Headings],
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
    case(
        "accessibility-statement.technical-info",
        STATEMENT,
        &[Headings],
        1,
    ),
    case("accessibility-statement.testing", STATEMENT, &[Keywords], 1),
    case(
        "accessibility-statement.improvement-plan",
        STATEMENT,
        &[Headings],
        1,
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
        "register-of-interests.breaches",
        SITE,
        &[KeywordsEverywhere],
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
        "site.commissioning-plan-published",
        SITE,
        &[DeleteFile(PLAN)],
        1,
    ),
    case(
        "site.annual-report-published",
        SITE,
        &[
            DeleteFile(REPORT),
            DeleteFile("content/annual-reports/2022-23.md"),
        ],
        1,
    ),
    case(
        "site.you-said-we-did-published",
        SITE,
        &[DeleteFile(YSWD)],
        1,
    ),
];

/// Rules that no document content can break, with the reason.
const NO_FAILING_CASE: &[(&str, &str)] = &[(
    "register-of-interests.expired-retention",
    "a duty of the renderer (retain_ended_days): the register page and CSV keep every declaration; `check` reports nothing",
)];

/// Edits that make a rule apply on the demo site, where it otherwise does not (to show it met).
const MAKE_APPLICABLE: &[(&str, &str, &str, &str)] = &[
    (
        "accessibility-statement.disproportionate-burden",
        STATEMENT,
        "disproportionate_burden = false",
        "disproportionate_burden = true",
    ),
    (
        "commissioning-plan.revision",
        PLAN,
        "revised = false",
        "revised = true\ndate = 2024-09-02",
    ),
];

fn ccg_rules() -> Vec<&'static Rule> {
    pack_for("ccg-2013")
        .expect("the embedded ccg-2013 pack loads")
        .rules
        .iter()
        .collect()
}

#[test]
fn every_rule_has_a_case() {
    let missing: Vec<&str> = ccg_rules()
        .iter()
        .map(|r| r.id())
        .filter(|id| {
            !CASES.iter().any(|c| c.rule == *id) && !NO_FAILING_CASE.iter().any(|(r, _)| r == id)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a failing case: {missing:?}"
    );
    let unknown: Vec<&str> = CASES
        .iter()
        .map(|c| c.rule)
        .filter(|id| !ccg_rules().iter().any(|r| r.id() == *id))
        .collect();
    assert!(
        unknown.is_empty(),
        "cases for rules not in the pack: {unknown:?}"
    );
}

#[test]
fn each_rule_fails_with_its_id_file_and_line() {
    let rules = ccg_rules();
    let problems: Vec<String> = par_map(CASES, |c| {
        let rule = rules.iter().find(|r| r.id() == c.rule)?;
        let site = copy_demo_site();
        for b in c.breaks {
            apply(site.path(), c.file, *b, rule);
        }
        let (code, json) = json_check(site.path());
        let problems = finding_problems(&json, code, c.rule, c.file, c.line);
        (!problems.is_empty()).then(|| format!("{}: {}", c.rule, problems.join("; ")))
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
fn the_demo_site_meets_every_rule() {
    let site = copy_demo_site();
    for (_, file, from, to) in MAKE_APPLICABLE {
        let path = site.path().join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
    }
    let (code, json) = json_check(site.path());
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(
        json["diagnostics"],
        serde_json::json!([]),
        "the demo site must check clean"
    );
    let loaded = load_site(site.path(), LoadOptions::default()).expect("the demo loads");
    let today = time::Date::from_calendar_date(2026, time::Month::November, 30).expect("date");
    let report = check_site(&loaded, today);
    let not_met = duties_not_met(&report, ccg_rules().iter().map(|r| r.id()), None);
    assert!(
        not_met.is_empty(),
        "duties not met on the demo site:\n{}",
        not_met.join("\n")
    );
}
