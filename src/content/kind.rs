//! Document kinds: what a document is, and the front-matter fields each kind may hold.

use super::fields::{Field, FieldTable, FieldValue};
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

    /// The front-matter fields this kind may hold, beyond the common ones.
    pub fn schema(self) -> &'static [Spec] {
        match self {
            Kind::Constitution => CONSTITUTION,
            Kind::CommissioningPlan => COMMISSIONING_PLAN,
            Kind::AnnualReport => ANNUAL_REPORT,
            Kind::YouSaidWeDid => YOU_SAID_WE_DID,
            Kind::RegisterOfInterests => REGISTER_OF_INTERESTS,
            Kind::AccessibilityStatement => ACCESSIBILITY_STATEMENT,
            Kind::GiftsAndHospitalityRegister | Kind::ProcurementRegister => FREE_REGISTER,
            Kind::JointForwardPlan | Kind::CapitalResourcePlan | Kind::Page => &[],
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
            s(
                "hwb_consultations",
                Tables(&[s("board", Str), s("date", Date), s("response", Str)]),
            ),
            s(
                "public_meeting",
                Table(&[s("date", Date), s("location_or_url", Str)]),
            ),
        ]),
    ),
    MEMBERS,
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

const REGISTER_OF_INTERESTS: &[Spec] = &[
    s(
        "register",
        Table(&[s("covers", StrList), s("last_reviewed", Date)]),
    ),
    s(
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
    ),
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

/// Checks a document's front matter against the common keys and its kind's schema.
/// Returns every problem found, each located at its line.
pub fn validate_fields(kind: Kind, fields: &FieldTable) -> Vec<SiteError> {
    let mut problems = Vec::new();
    for (key, field) in &fields.entries {
        let spec = COMMON.iter().chain(kind.schema()).find(|s| s.key == key);
        match spec {
            Some(spec) => check_type(key, spec.ty, field, &mut problems),
            None => problems.push(unknown_key(
                key,
                field,
                COMMON.iter().chain(kind.schema()),
                Some(kind),
            )),
        }
    }
    problems
}

fn unknown_key<'a>(
    path: &str,
    field: &Field,
    allowed: impl Iterator<Item = &'a Spec> + Clone,
    kind: Option<Kind>,
) -> SiteError {
    let last = path.rsplit('.').next().unwrap_or(path);
    let names: Vec<&str> = allowed.map(|s| s.key).collect();
    let mut help = match did_you_mean(last, names.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? "),
        None => String::new(),
    };
    help.push_str(&format!("allowed here: {}", names.join(", ")));
    let place = match kind {
        Some(k) => format!(" for a document of kind `{}`", k.as_str()),
        None => String::new(),
    };
    SiteError::new(
        ErrorKind::FrontMatter,
        format!("unknown field `{path}`{place}"),
    )
    .at(field.line as usize, field.column as usize)
    .with_help(help)
}

fn wrong_type(path: &str, want: &str, field: &Field) -> SiteError {
    SiteError::new(
        ErrorKind::FrontMatter,
        format!("`{path}` must be {want}, not {}", field.type_name()),
    )
    .at(field.line as usize, field.column as usize)
}

fn check_type(path: &str, ty: Ty, field: &Field, problems: &mut Vec<SiteError>) {
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
        (Table(specs), FieldValue::Table(t)) => check_table(path, specs, t, problems),
        (Tables(specs), FieldValue::Array(items)) => {
            for item in items {
                match &item.value {
                    FieldValue::Table(t) => check_table(path, specs, t, problems),
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
                StrList => "a list of strings",
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
    problems: &mut Vec<SiteError>,
) {
    for (key, field) in &table.entries {
        let full = format!("{path}.{key}");
        match specs.iter().find(|s| s.key == key) {
            Some(spec) => check_type(&full, spec.ty, field, problems),
            None => problems.push(unknown_key(&full, field, specs.iter(), None)),
        }
    }
}

/// The error for a `kind` that is not known, with a suggestion.
pub fn unknown_kind(name: &str, field: &Field) -> SiteError {
    let names = Kind::ALL.iter().map(|k| k.as_str());
    let mut help = match did_you_mean(name, names.clone()) {
        Some(s) => format!("did you mean `{s}`? "),
        None => String::new(),
    };
    help.push_str(&format!(
        "known kinds: {}",
        names.collect::<Vec<_>>().join(", ")
    ));
    SiteError::new(
        ErrorKind::FrontMatter,
        format!("unknown document kind `{name}`"),
    )
    .at(field.line as usize, field.column as usize)
    .with_help(help)
}
