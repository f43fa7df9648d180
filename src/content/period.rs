//! Financial years as typed values: "2023/24", "2023-24" and "2023/2024" all read as the year
//! from 1 April 2023; ranges join two of them with "to", "-" or an en dash.

use std::sync::OnceLock;

use regex::Regex;
use time::{Date, Month};

use crate::content::{Document, FieldTable};

/// An NHS financial year, named by the calendar year it starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FinancialYear(pub i32);

impl FinancialYear {
    /// Reads "2023/24", "2023-24" or "2023/2024"; the second year must follow the first.
    pub fn parse(text: &str) -> Option<FinancialYear> {
        let t = text.trim();
        let (first, second) = t.split_once(['/', '-'])?;
        if first.len() != 4 || !(second.len() == 2 || second.len() == 4) {
            return None;
        }
        let start: i32 = first.parse().ok()?;
        let end: i32 = second.parse().ok()?;
        let expected = if second.len() == 2 {
            (start + 1) % 100
        } else {
            start + 1
        };
        (end == expected && start >= 1900).then_some(FinancialYear(start))
    }

    /// 1 April of the year.
    pub fn start(self) -> Option<Date> {
        Date::from_calendar_date(self.0, Month::April, 1).ok()
    }

    /// The financial year containing a date.
    pub fn containing(date: Date) -> FinancialYear {
        if date.month() >= Month::April {
            FinancialYear(date.year())
        } else {
            FinancialYear(date.year() - 1)
        }
    }
}

/// A range of financial years, both ends counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearRange {
    /// The first year.
    pub first: FinancialYear,
    /// The last year.
    pub last: FinancialYear,
}

impl YearRange {
    /// Reads one financial year, or two joined by "to", "-" or an en dash.
    pub fn parse(text: &str) -> Option<YearRange> {
        static RANGE: OnceLock<Regex> = OnceLock::new();
        let re = RANGE.get_or_init(|| {
            Regex::new(
                r"^\s*([0-9]{4}[/-][0-9]{2,4})\s*(?:to|-|–|—)\s*([0-9]{4}[/-][0-9]{2,4})\s*$",
            )
            .expect("valid constant pattern")
        });
        if let Some(one) = FinancialYear::parse(text) {
            return Some(YearRange {
                first: one,
                last: one,
            });
        }
        let caps = re.captures(text)?;
        let first = FinancialYear::parse(caps.get(1)?.as_str())?;
        let last = FinancialYear::parse(caps.get(2)?.as_str())?;
        (last >= first).then_some(YearRange { first, last })
    }

    /// How many financial years the range covers.
    pub fn years(self) -> u32 {
        (self.last.0 - self.first.0 + 1).max(0) as u32
    }
}

/// The start of the period a document covers: `plan.period_start`, else 1 April of the first
/// financial year of `report.financial_year`, `plan.financial_year` or `plan.period`.
pub fn period_start(doc: &Document) -> Option<Date> {
    period_start_of(&doc.fields)
}

/// [`period_start`] of front matter not yet made into a document.
pub fn period_start_of(fields: &FieldTable) -> Option<Date> {
    if let Some(d) = fields.date("plan.period_start") {
        return Some(d);
    }
    PERIOD_TEXT_FIELDS
        .iter()
        .find_map(|p| fields.str(p))
        .and_then(YearRange::parse)
        .and_then(|r| r.first.start())
}

const PERIOD_TEXT_FIELDS: &[&str] = &[
    "report.financial_year",
    "plan.financial_year",
    "plan.period",
];

/// Whether the document has a period field at all (kinds without one are always checked).
pub fn has_period_field(doc: &Document) -> bool {
    doc.field("plan.period_start").is_some()
        || PERIOD_TEXT_FIELDS.iter().any(|p| doc.field(p).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_spellings() {
        for s in ["2023/24", "2023-24", "2023/2024"] {
            assert_eq!(FinancialYear::parse(s), Some(FinancialYear(2023)), "{s}");
        }
        for s in ["2023/25", "2023", "23/24", "2023/2025", "2099-00x"] {
            assert_eq!(FinancialYear::parse(s), None, "{s}");
        }
        assert_eq!(FinancialYear::parse("2099/00"), Some(FinancialYear(2099)));
    }

    #[test]
    fn ranges_count_both_ends() {
        assert_eq!(YearRange::parse("2026/27 to 2030/31").unwrap().years(), 5);
        assert_eq!(YearRange::parse("2026-27 – 2030-31").unwrap().years(), 5);
        assert_eq!(YearRange::parse("2024/25").unwrap().years(), 1);
        assert_eq!(YearRange::parse("2030/31 to 2026/27"), None);
    }

    #[test]
    fn year_containing_a_date() {
        let d = Date::from_calendar_date(2026, Month::November, 30).unwrap();
        assert_eq!(FinancialYear::containing(d), FinancialYear(2026));
        let d = Date::from_calendar_date(2027, Month::March, 31).unwrap();
        assert_eq!(FinancialYear::containing(d), FinancialYear(2026));
    }
}
