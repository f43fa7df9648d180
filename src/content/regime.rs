//! The regime a document is judged under: the site's, or its own `regime` in front matter.
//!
//! An ICB site keeps its predecessor CCGs' last constitutions, plans and reports; such a document
//! sets `regime = "ccg-2013"` and is judged wholly under the CCG law. A document may name a
//! regime only if that regime's law applied on the document's date (STATUTORY-ICB.md): its
//! period start for a plan or report, `document.effective_date` for a constitution, `published`
//! otherwise. Anything else is an error that says why.

use time::Date;

use super::fields::{format_date, FieldTable};
use super::kind::Kind;
use super::period::period_start_of;
use crate::config::Regime;
use crate::error::{ErrorKind, SiteError};
use crate::suggest::did_you_mean;

/// The date that decides which law a document was written under, and where it comes from.
struct DocumentDate {
    /// The date, if the document gives one that can be read.
    date: Option<Date>,
    /// What the date is, in words ("period start").
    what: &'static str,
    /// The front-matter field to give it in.
    field: &'static str,
}

fn has_period(kind: Option<Kind>) -> bool {
    matches!(
        kind,
        Some(
            Kind::AnnualReport
                | Kind::CommissioningPlan
                | Kind::JointForwardPlan
                | Kind::CapitalResourcePlan
        )
    )
}

fn document_date(kind: Option<Kind>, fields: &FieldTable) -> DocumentDate {
    if has_period(kind) {
        let field = if kind == Some(Kind::AnnualReport) {
            "report.financial_year"
        } else {
            "plan.period_start"
        };
        return DocumentDate {
            date: period_start_of(fields),
            what: "period start",
            field,
        };
    }
    if kind == Some(Kind::Constitution) {
        return DocumentDate {
            date: fields.date("document.effective_date"),
            what: "effective date",
            field: "document.effective_date",
        };
    }
    DocumentDate {
        date: fields.date("published"),
        what: "publication date",
        field: "published",
    }
}

/// "1 July 2022".
fn in_words(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

/// The regime to judge a document's kind and fields under, and the error when its own `regime`
/// is unknown or does not fit its date. With an unknown regime the site's is used; with a known
/// one that does not fit, that one (it is what the author meant), so that one mistake gives one
/// error.
pub fn document_regime(
    kind: Option<Kind>,
    fields: &FieldTable,
    site: Regime,
) -> (Regime, Option<SiteError>) {
    let Some(field) = fields.get("regime") else {
        return (site, None);
    };
    let Some(name) = field.as_str() else {
        return (site, None); // the schema reports the wrong type
    };
    let at = |e: SiteError| e.at(field.line as usize, field.column as usize);
    let Some(regime) = Regime::parse(name) else {
        return (site, Some(at(unknown_regime(name))));
    };
    let dated = document_date(kind, fields);
    let problem = match dated.date {
        None => Some(undated(regime, &dated)),
        Some(date) if !regime.in_force_on(date) => Some(out_of_force(regime, site, &dated, date)),
        Some(_) => None,
    };
    (regime, problem.map(at))
}

fn unknown_regime(name: &str) -> SiteError {
    let names = Regime::ALL.iter().map(|r| r.as_str());
    let list = names.clone().collect::<Vec<_>>().join(", ");
    let help = match did_you_mean(name, names) {
        Some(s) => format!("did you mean `{s}`? known regimes: {list}"),
        None => format!(
            "known regimes: {list}; leave `regime` out to judge the document under the site's"
        ),
    };
    SiteError::new(ErrorKind::FrontMatter, format!("unknown regime `{name}`")).with_help(help)
}

fn when_in_force(regime: Regime) -> String {
    match regime.in_force_to() {
        Some(end) => format!(
            "documents dated before {}",
            in_words(end.next_day().unwrap_or(end))
        ),
        None => format!("documents dated from {}", in_words(regime.in_force_from())),
    }
}

fn why(regime: Regime) -> &'static str {
    match regime {
        Regime::Ccg2013 => {
            "CCGs were abolished and integrated care boards took over on 1 July 2022"
        }
        Regime::Icb2022 => "integrated care boards were established on 1 July 2022",
    }
}

fn undated(regime: Regime, dated: &DocumentDate) -> SiteError {
    SiteError::new(
        ErrorKind::FrontMatter,
        format!(
            "`regime = \"{}\"` needs the document's {} ({}), to show it was written under that law",
            regime.as_str(),
            dated.what,
            dated.field
        ),
    )
    .with_help(format!(
        "`regime` is only for {} ({}); give `{}`, or remove `regime` to judge the document under the site's regime",
        when_in_force(regime),
        why(regime),
        dated.field
    ))
}

fn out_of_force(regime: Regime, site: Regime, dated: &DocumentDate, date: Date) -> SiteError {
    SiteError::new(
        ErrorKind::FrontMatter,
        format!(
            "`regime = \"{}\"` is only for {}, but this document's {} is {}: {}",
            regime.as_str(),
            when_in_force(regime),
            dated.what,
            format_date(date),
            why(regime)
        ),
    )
    .with_help(format!(
        "remove `regime` to judge the document under the site's regime ({}), or correct `{}` if it is wrong",
        site.as_str(),
        dated.field
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter;

    fn fields(toml: &str) -> FieldTable {
        let text = format!("+++\n{toml}\n+++\n");
        let split = front_matter::split(&text).unwrap();
        front_matter::parse(&text, &split).unwrap()
    }

    #[test]
    fn a_ccg_report_before_july_2022_keeps_its_regime() {
        let f = fields("regime = \"ccg-2013\"\n[report]\nfinancial_year = \"2021/22\"");
        let (r, e) = document_regime(Some(Kind::AnnualReport), &f, Regime::Icb2022);
        assert_eq!(r, Regime::Ccg2013);
        assert!(e.is_none(), "{e:?}");
    }

    #[test]
    fn a_later_or_undated_document_cannot_name_ccg_2013() {
        let f = fields("regime = \"ccg-2013\"\n[report]\nfinancial_year = \"2023/24\"");
        let (_, e) = document_regime(Some(Kind::AnnualReport), &f, Regime::Icb2022);
        let e = e.unwrap();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("2023-04-01"), "{e:?}");
        assert!(e.message.contains("dated before 1 July 2022"), "{e:?}");
        // 2022/23 starts on 1 April 2022, before 1 July 2022: allowed for a CCG's last report.
        let f = fields("regime = \"ccg-2013\"\n[report]\nfinancial_year = \"2022/23\"");
        let (_, e) = document_regime(Some(Kind::AnnualReport), &f, Regime::Icb2022);
        assert!(e.is_none(), "{e:?}");
        let f = fields("regime = \"ccg-2013\"\n[document]\neffective_date = 2022-07-01");
        let (_, e) = document_regime(Some(Kind::Constitution), &f, Regime::Icb2022);
        assert!(e.unwrap().message.contains("2022-07-01"));
        let f = fields("regime = \"ccg-2013\"");
        let (_, e) = document_regime(Some(Kind::Page), &f, Regime::Icb2022);
        assert!(e.unwrap().message.contains("published"));
    }

    #[test]
    fn an_unknown_regime_suggests() {
        let f = fields("regime = \"ccg-2012\"\npublished = 2020-01-01");
        let (r, e) = document_regime(Some(Kind::Page), &f, Regime::Icb2022);
        assert_eq!(r, Regime::Icb2022);
        assert!(e.unwrap().help.unwrap().contains("`ccg-2013`"));
    }
}
