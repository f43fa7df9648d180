//! Document kinds: what a document is, and the front-matter fields each kind may hold.

use super::fields::{Field, FieldTable, FieldValue};
use crate::config::Regime;
use crate::error::{ErrorKind, SiteError};
use crate::suggest::did_you_mean;

/// What a document is. Its kind decides its rules, its fields and its template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The CCG's (or ICB's) constitution.
    Constitution,
    /// A CCG's annual commissioning plan (ccg-2013 only).
    CommissioningPlan,
    /// An ICB's five-year joint forward plan (icb-2022 only).
    JointForwardPlan,
    /// An ICB's capital resource use plan (icb-2022 only).
    CapitalResourcePlan,
    /// An annual report.
    AnnualReport,
    /// "You said, we did": how feedback changed decisions.
    YouSaidWeDid,
    /// The register of interests.
    RegisterOfInterests,
    /// The gifts and hospitality register.
    GiftsAndHospitalityRegister,
    /// The register of procurement decisions.
    ProcurementRegister,
    /// The website's accessibility statement.
    AccessibilityStatement,
    /// Any other page; no statutory rules.
    Page,
}

impl Kind {
    /// Every kind, in the order listings and menus show them.
    pub const ALL: &'static [Kind] = &[
        Kind::Constitution,
        Kind::CommissioningPlan,
        Kind::JointForwardPlan,
        Kind::CapitalResourcePlan,
        Kind::AnnualReport,
        Kind::YouSaidWeDid,
        Kind::RegisterOfInterests,
        Kind::GiftsAndHospitalityRegister,
        Kind::ProcurementRegister,
        Kind::AccessibilityStatement,
        Kind::Page,
    ];

    /// The name used in front matter (`kind = "annual-report"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Constitution => "constitution",
            Kind::CommissioningPlan => "commissioning-plan",
            Kind::JointForwardPlan => "joint-forward-plan",
            Kind::CapitalResourcePlan => "capital-resource-plan",
            Kind::AnnualReport => "annual-report",
            Kind::YouSaidWeDid => "you-said-we-did",
            Kind::RegisterOfInterests => "register-of-interests",
            Kind::GiftsAndHospitalityRegister => "gifts-and-hospitality-register",
            Kind::ProcurementRegister => "procurement-register",
            Kind::AccessibilityStatement => "accessibility-statement",
            Kind::Page => "page",
        }
    }

    /// Parses a front-matter kind name.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == name)
    }

    /// A document of this kind, in words ("Annual report").
    pub fn title(self) -> &'static str {
        match self {
            Kind::Constitution => "Constitution",
            Kind::CommissioningPlan => "Commissioning plan",
            Kind::JointForwardPlan => "Joint forward plan",
            Kind::CapitalResourcePlan => "Capital resource use plan",
            Kind::AnnualReport => "Annual report",
            Kind::YouSaidWeDid => "You said, we did",
            Kind::RegisterOfInterests => "Register of interests",
            Kind::GiftsAndHospitalityRegister => "Gifts and hospitality register",
            Kind::ProcurementRegister => "Procurement register",
            Kind::AccessibilityStatement => "Accessibility statement",
            Kind::Page => "Page",
        }
    }

    /// Title of the listing of every document of this kind ("Annual reports").
    pub fn listing_title(self) -> &'static str {
        match self {
            Kind::Constitution => "Constitutions",
            Kind::CommissioningPlan => "Commissioning plans",
            Kind::JointForwardPlan => "Joint forward plans",
            Kind::CapitalResourcePlan => "Capital resource use plans",
            Kind::AnnualReport => "Annual reports",
            Kind::YouSaidWeDid => "You said, we did",
            Kind::RegisterOfInterests => "Registers of interests",
            Kind::GiftsAndHospitalityRegister => "Gifts and hospitality registers",
            Kind::ProcurementRegister => "Procurement registers",
            Kind::AccessibilityStatement => "Accessibility statements",
            Kind::Page => "Pages",
        }
    }

    /// URL of this kind's listing page; `None` for plain pages, which have no listing.
    pub fn listing_url(self) -> Option<String> {
        match self {
            Kind::Page => None,
            Kind::YouSaidWeDid => Some("/you-said-we-did/".to_string()),
            Kind::RegisterOfInterests => Some("/registers-of-interests/".to_string()),
            k => Some(format!("/{}s/", k.as_str())),
        }
    }

    /// Whether this kind is a register published as a table with a CSV download.
    pub fn has_csv(self) -> bool {
        matches!(
            self,
            Kind::RegisterOfInterests
                | Kind::GiftsAndHospitalityRegister
                | Kind::ProcurementRegister
        )
    }

    /// The list of rows a register kind keeps (`declaration` or `entry`).
    pub fn register_rows(self) -> Option<&'static str> {
        match self {
            Kind::RegisterOfInterests => Some("declaration"),
            Kind::GiftsAndHospitalityRegister | Kind::ProcurementRegister => Some("entry"),
            _ => None,
        }
    }

    /// Whether documents of this kind exist under `regime`: `commissioning-plan` only under
    /// ccg-2013, `joint-forward-plan` and `capital-resource-plan` only under icb-2022.
    pub fn exists_in(self, regime: Regime) -> bool {
        match self {
            Kind::CommissioningPlan => regime == Regime::Ccg2013,
            Kind::JointForwardPlan | Kind::CapitalResourcePlan => regime == Regime::Icb2022,
            _ => true,
        }
    }

    /// The kinds a document may have under `regime`.
    pub fn all_in(regime: Regime) -> impl Iterator<Item = Kind> + Clone {
        Kind::ALL
            .iter()
            .copied()
            .filter(move |k| k.exists_in(regime))
    }

    /// The front-matter fields this kind may hold under `regime`, beyond the common ones
    /// (STATUTORY.md for ccg-2013, STATUTORY-ICB.md for icb-2022).
    pub fn schema_in(self, regime: Regime) -> &'static [Spec] {
        match (self, regime) {
            (Kind::Constitution, Regime::Ccg2013) => CONSTITUTION,
            (Kind::Constitution, Regime::Icb2022) => ICB_CONSTITUTION,
            (Kind::CommissioningPlan, _) => COMMISSIONING_PLAN,
            (Kind::JointForwardPlan, _) => JOINT_FORWARD_PLAN,
            (Kind::CapitalResourcePlan, _) => CAPITAL_RESOURCE_PLAN,
            (Kind::AnnualReport, Regime::Ccg2013) => ANNUAL_REPORT,
            (Kind::AnnualReport, Regime::Icb2022) => ICB_ANNUAL_REPORT,
            (Kind::YouSaidWeDid, _) => YOU_SAID_WE_DID,
            (Kind::RegisterOfInterests, Regime::Ccg2013) => REGISTER_OF_INTERESTS,
            (Kind::RegisterOfInterests, Regime::Icb2022) => ICB_REGISTER_OF_INTERESTS,
            (Kind::AccessibilityStatement, _) => ACCESSIBILITY_STATEMENT,
            (Kind::GiftsAndHospitalityRegister | Kind::ProcurementRegister, _) => FREE_REGISTER,
            (Kind::Page, _) => &[],
        }
    }
}

/// The type a front-matter field must have.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    /// Text.
    Str,
    /// A date, `2024-07-15`.
    Date,
    /// true or false.
    Bool,
    /// An integer or a decimal number.
    Number,
    /// A list of strings.
    StrList,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// A list of words, each one of these.
    ListOf(&'static [&'static str]),
    /// A table with these keys.
    Table(&'static [Spec]),
    /// A list of tables (`[[x]]`) with these keys.
    Tables(&'static [Spec]),
    /// A list of tables whose keys are free; values must be text, numbers, dates or booleans.
    FreeTables,
}

/// One allowed key.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The key.
    pub key: &'static str,
    /// Its type.
    pub ty: Ty,
}

const fn s(key: &'static str, ty: Ty) -> Spec {
    Spec { key, ty }
}

use Ty::*;

/// Keys every document may have.
pub const COMMON: &[Spec] = &[
    s("title", Str),
    s("kind", Str),
    s("summary", Str),
    s("published", Date),
    s("updated", Date),
    s("draft", Bool),
    s("slug", Str),
    s("regime", Str),
];

const MEMBERS: Spec = s(
    "members",
    Tables(&[s("practice", Str), s("address", Str), s("ods_code", Str)]),
);

const CONSTITUTION: &[Spec] = &[
    s(
        "ccg",
        Table(&[
            s("name", Str),
            s("area", Str),
            s("accountable_officer", Str),
        ]),
    ),
    MEMBERS,
    s(
        "document",
        Table(&[
            s("version", Str),
            s("effective_date", Date),
            s("approved_by", Str),
        ]),
    ),
];

const HWB_OPINIONS: Spec = s(
    "hwb_opinions",
    Tables(&[
        s("board", Str),
        s("date", Date),
        s("opinion", Str),
        s("consulted_on", Date),
    ]),
);
const CONSULTATION: Spec = s(
    "consultation",
    Table(&[s("summary", Str), s("response", Str)]),
);
const REVISION: Spec = s(
    "revision",
    Table(&[
        s("revised", Bool),
        s("significant", Bool),
        s("date", Date),
        s("changes_url", Str),
    ]),
);
const COPIES_SENT: Spec = s("copies_sent", Tables(&[s("to", Str), s("date", Date)]));

const COMMISSIONING_PLAN: &[Spec] = &[s(
    "plan",
    Table(&[
        s("period", Str),
        s("period_start", Date),
        s("published_date", Date),
        CONSULTATION,
        HWB_OPINIONS,
        REVISION,
        COPIES_SENT,
    ]),
)];

const ANNUAL_REPORT: &[Spec] = &[
    s(
        "report",
        Table(&[
            s("financial_year", Str),
            s("published_date", Date),
            HWB_CONSULTATIONS,
            PUBLIC_MEETING,
        ]),
    ),
    MEMBERS,
];

/// The categories of an ICB board member (NHS Act 2006 Sch 1B para 3).
pub const BOARD_MEMBER_CATEGORIES: &[&str] = &[
    "chair",
    "chief_executive",
    "partner_trust",
    "partner_primary_medical",
    "partner_local_authority",
    "executive",
    "non_executive",
    "other",
];

const BOARD_MEMBERS: Spec = s(
    "board_members",
    Tables(&[
        s("name", Str),
        s("role", Str),
        s("category", OneOf(BOARD_MEMBER_CATEGORIES)),
    ]),
);

const PARTNERS: &[Spec] = &[s("name", Str), s("ods_code", Str)];

const ICB_CONSTITUTION: &[Spec] = &[
    s(
        "icb",
        Table(&[
            s("name", Str),
            s("area", Str),
            s("chair", Str),
            s("chief_executive", Str),
        ]),
    ),
    BOARD_MEMBERS,
    s("partner_trusts", Tables(PARTNERS)),
    s(
        "document",
        Table(&[
            s("version", Str),
            s("effective_date", Date),
            s("approved_by", Str),
        ]),
    ),
];

const JOINT_FORWARD_PLAN: &[Spec] = &[s(
    "plan",
    Table(&[
        s("period", Str),
        s("period_start", Date),
        s("prepared_date", Date),
        s("published_date", Date),
        s("partners", Tables(PARTNERS)),
        HWB_OPINIONS,
        CONSULTATION,
        REVISION,
        COPIES_SENT,
    ]),
)];

const CAPITAL_RESOURCE_PLAN: &[Spec] = &[s(
    "plan",
    Table(&[
        s("financial_year", Str),
        s("period_start", Date),
        s("prepared_date", Date),
        s("published_date", Date),
        s("partners", Tables(PARTNERS)),
        s(
            "capital",
            Tables(&[
                s("organisation", Str),
                s("category", Str),
                s("amount_gbp_000", Number),
            ]),
        ),
        REVISION,
        COPIES_SENT,
    ]),
)];

const HWB_CONSULTATIONS: Spec = s(
    "hwb_consultations",
    Tables(&[s("board", Str), s("date", Date), s("response", Str)]),
);
const PUBLIC_MEETING: Spec = s(
    "public_meeting",
    Table(&[s("date", Date), s("location_or_url", Str)]),
);

const ICB_ANNUAL_REPORT: &[Spec] = &[
    s(
        "report",
        Table(&[
            s("financial_year", Str),
            s("published_date", Date),
            HWB_CONSULTATIONS,
            PUBLIC_MEETING,
            s("mental_health_spend", Table(&[s("amount_gbp_000", Number)])),
        ]),
    ),
    BOARD_MEMBERS,
];

const YOU_SAID_WE_DID: &[Spec] = &[
    s("page", Table(&[s("intro", Str)])),
    s(
        "feedback",
        Tables(&[
            s("topic", Str),
            s("you_said", Str),
            s("we_did", Str),
            s("status", Str),
            s("reason", Str),
            s("date_said", Date),
            s("date_responded", Date),
            s("consultation_url", Str),
            s("source", Str),
        ]),
    ),
];

/// Who a CCG's register of interests covers (ccg-2013).
pub const CCG_REGISTER_COVERS: &[&str] = &[
    "governing_body",
    "committees",
    "members",
    "employees",
    "decision_making_staff",
];

/// Who an ICB's register of interests covers (icb-2022).
pub const ICB_REGISTER_COVERS: &[&str] =
    &["board", "committees", "employees", "decision_making_staff"];

const DECLARATION: Spec = s(
    "declaration",
    Tables(&[
        s("name", Str),
        s("position", Str),
        s("type", Str),
        s("description", Str),
        s("relationship", Str),
        s("date_from", Date),
        s("date_to", Date),
        s("date_declared", Date),
        s("date_appointed", Date),
        s("action", Str),
    ]),
);

const REGISTER_OF_INTERESTS: &[Spec] = &[
    s(
        "register",
        Table(&[
            s("covers", ListOf(CCG_REGISTER_COVERS)),
            s("last_reviewed", Date),
        ]),
    ),
    DECLARATION,
];

const ICB_REGISTER_OF_INTERESTS: &[Spec] = &[
    s(
        "register",
        Table(&[
            s("covers", ListOf(ICB_REGISTER_COVERS)),
            s("last_reviewed", Date),
        ]),
    ),
    DECLARATION,
];

const ACCESSIBILITY_STATEMENT: &[Spec] = &[s(
    "statement",
    Table(&[
        s("scope", Str),
        s("compliance", Str),
        s("non_accessible", StrList),
        s("disproportionate_burden", Bool),
        s("prepared", Date),
        s("last_reviewed", Date),
    ]),
)];

const FREE_REGISTER: &[Spec] = &[s("entry", FreeTables)];

/// Checks a document's front matter against the common keys and its kind's schema under
/// `regime` (the document's own, else the site's). Returns every problem found, each located at
/// its line.
pub fn validate_fields(kind: Kind, regime: Regime, fields: &FieldTable) -> Vec<SiteError> {
    let judge = Judge { kind, regime };
    let mut problems = Vec::new();
    let schema = kind.schema_in(regime);
    for (key, field) in &fields.entries {
        match COMMON.iter().chain(schema).find(|s| s.key == key) {
            Some(spec) => check_type(key, spec.ty, field, &judge, &mut problems),
            None => problems.push(judge.unknown_key(key, field, COMMON.iter().chain(schema))),
        }
    }
    problems
}

/// What a document's fields are judged against: its kind under its regime.
struct Judge {
    kind: Kind,
    regime: Regime,
}

impl Judge {
    /// The other regime, whose schema explains a key or value that is unknown here.
    fn other_regime(&self) -> Regime {
        match self.regime {
            Regime::Ccg2013 => Regime::Icb2022,
            Regime::Icb2022 => Regime::Ccg2013,
        }
    }

    fn unknown_key<'a>(
        &self,
        path: &str,
        field: &Field,
        allowed: impl Iterator<Item = &'a Spec>,
    ) -> SiteError {
        let last = path.rsplit('.').next().unwrap_or(path);
        let names: Vec<&str> = allowed.map(|s| s.key).collect();
        let mut help = match did_you_mean(last, names.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? "),
            None => String::new(),
        };
        let other = self.other_regime();
        if self.kind.exists_in(other) && spec_at(self.kind.schema_in(other), path).is_some() {
            help.push_str(&format!(
                "`{path}` is a field of {} documents, not {} ones; {}. ",
                other.as_str(),
                self.regime.as_str(),
                switch_hint(other)
            ));
        }
        help.push_str(&format!("allowed here: {}", names.join(", ")));
        SiteError::new(
            ErrorKind::FrontMatter,
            format!(
                "unknown field `{path}` for a document of kind `{}` under {}",
                self.kind.as_str(),
                self.regime.as_str()
            ),
        )
        .at(field.line as usize, field.column as usize)
        .with_help(help)
    }

    fn unknown_word(&self, path: &str, word: &str, allowed: &[&str], field: &Field) -> SiteError {
        let mut help = match did_you_mean(word, allowed.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? "),
            None => String::new(),
        };
        if self.regime == Regime::Icb2022 && word == "governing_body" {
            help.push_str("an ICB has a board, not a governing body: use `board`. ");
        } else if self.regime == Regime::Icb2022 && word == "members" {
            help.push_str("ICBs have no member practices. ");
        }
        help.push_str(&format!(
            "allowed under {}: {}",
            self.regime.as_str(),
            allowed.join(", ")
        ));
        SiteError::new(
            ErrorKind::FrontMatter,
            format!("`{word}` is not a value `{path}` may take"),
        )
        .at(field.line as usize, field.column as usize)
        .with_help(help)
    }
}

/// How to judge a document under `regime` instead.
fn switch_hint(regime: Regime) -> &'static str {
    match regime {
        Regime::Ccg2013 => "for a predecessor CCG's document dated before 1 July 2022, set regime = \"ccg-2013\" in its front matter",
        Regime::Icb2022 => "an ICB's site sets [compliance] regime = \"icb-2022\" in site.toml",
    }
}

/// The spec of a dotted path in a schema (tables and lists of tables are walked into).
fn spec_at(specs: &'static [Spec], path: &str) -> Option<&'static Spec> {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    let spec = specs.iter().find(|s| s.key == head)?;
    match (rest, spec.ty) {
        (None, _) => Some(spec),
        (Some(r), Table(inner) | Tables(inner)) => spec_at(inner, r),
        _ => None,
    }
}

fn wrong_type(path: &str, want: &str, field: &Field) -> SiteError {
    SiteError::new(
        ErrorKind::FrontMatter,
        format!("`{path}` must be {want}, not {}", field.type_name()),
    )
    .at(field.line as usize, field.column as usize)
}

fn check_type(path: &str, ty: Ty, field: &Field, judge: &Judge, problems: &mut Vec<SiteError>) {
    match (ty, &field.value) {
        (Str, FieldValue::String(_))
        | (Bool, FieldValue::Boolean(_))
        | (Number, FieldValue::Integer(_) | FieldValue::Float(_))
        | (Date, FieldValue::Date(_)) => {}
        (Date, FieldValue::String(text)) => problems.push(
            wrong_type(path, "a date", field).with_help(format!(
                "write dates without quotes as YEAR-MONTH-DAY, e.g. {path} = 2024-07-15 (not \"{text}\")"
            )),
        ),
        (Date, FieldValue::DateTime(text)) => problems.push(
            wrong_type(path, "a date", field)
                .with_help(format!("give the date only, without a time: not {text}")),
        ),
        (StrList, FieldValue::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                if item.as_str().is_none() {
                    problems.push(wrong_type(&format!("{path}[{}]", i + 1), "a string", item));
                }
            }
        }
        (OneOf(words), FieldValue::String(word)) => {
            if !words.contains(&word.as_str()) {
                problems.push(judge.unknown_word(path, word, words, field));
            }
        }
        (ListOf(words), FieldValue::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                match item.as_str() {
                    Some(word) if words.contains(&word) => {}
                    Some(word) => problems.push(judge.unknown_word(path, word, words, item)),
                    None => {
                        problems.push(wrong_type(&format!("{path}[{}]", i + 1), "a string", item))
                    }
                }
            }
        }
        (Table(specs), FieldValue::Table(t)) => check_table(path, specs, t, judge, problems),
        (Tables(specs), FieldValue::Array(items)) => {
            for item in items {
                match &item.value {
                    FieldValue::Table(t) => check_table(path, specs, t, judge, problems),
                    _ => problems.push(wrong_type(path, "a list of tables ([[...]])", item)),
                }
            }
        }
        (FreeTables, FieldValue::Array(items)) => {
            for item in items {
                match &item.value {
                    FieldValue::Table(t) => {
                        for (k, v) in &t.entries {
                            if matches!(v.value, FieldValue::Table(_) | FieldValue::Array(_)) {
                                problems.push(wrong_type(
                                    &format!("{path}.{k}"),
                                    "text, a number, a date or true/false",
                                    v,
                                ));
                            }
                        }
                    }
                    _ => problems.push(wrong_type(path, "a list of tables ([[...]])", item)),
                }
            }
        }
        (ty, _) => {
            let want = match ty {
                Str => "a string (in quotes)",
                Date => "a date",
                Bool => "true or false",
                Number => "a number",
                StrList | ListOf(_) => "a list of strings",
                OneOf(_) => "a string (in quotes)",
                Table(_) => "a table",
                Tables(_) | FreeTables => "a list of tables ([[...]])",
            };
            problems.push(wrong_type(path, want, field));
        }
    }
}

fn check_table(
    path: &str,
    specs: &'static [Spec],
    table: &FieldTable,
    judge: &Judge,
    problems: &mut Vec<SiteError>,
) {
    // One buffer for every key's dotted path: a register has thousands of fields, and a
    // format! each was 2% of `check`.
    let mut full = String::with_capacity(path.len() + 32);
    for (key, field) in &table.entries {
        full.clear();
        full.push_str(path);
        full.push('.');
        full.push_str(key);
        match specs.iter().find(|s| s.key == key) {
            Some(spec) => check_type(&full, spec.ty, field, judge, problems),
            None => problems.push(judge.unknown_key(&full, field, specs.iter())),
        }
    }
}

/// The error for a `kind` that is not known under `regime` (the document's own, else the
/// site's), with a suggestion: a kind of the other regime says how to use it.
pub fn unknown_kind(name: &str, regime: Regime, field: &Field) -> SiteError {
    unknown_kind_in(name, regime).at(field.line as usize, field.column as usize)
}

/// [`unknown_kind`] without a location (for `ccg-site new KIND`).
pub fn unknown_kind_in(name: &str, regime: Regime) -> SiteError {
    let known = Kind::all_in(regime).map(|k| k.as_str());
    let list = known.clone().collect::<Vec<_>>().join(", ");
    let help = match (Kind::parse(name), regime) {
        (Some(Kind::CommissioningPlan), Regime::Icb2022) => "did you mean `joint-forward-plan`, or `regime = \"ccg-2013\"` for a CCG plan dated before 1 July 2022?".to_string(),
        (Some(k), Regime::Ccg2013) => format!(
            "`{}` is a document of integrated care boards (icb-2022); {}",
            k.as_str(),
            switch_hint(Regime::Icb2022)
        ),
        _ => match did_you_mean(name, known) {
            Some(s) => format!("did you mean `{s}`? known kinds: {list}"),
            None => format!("known kinds: {list}"),
        },
    };
    SiteError::new(
        ErrorKind::FrontMatter,
        format!("unknown document kind `{name}` under {}", regime.as_str()),
    )
    .with_help(help)
}
