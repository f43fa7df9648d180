//! How long a register keeps an ended entry in view.
//!
//! A rule pack may give a register's items a `retain_ended_days` (the register of interests keeps
//! a declaration for six months, 183 days, after its `date_to`). That is a duty of the renderer,
//! not a finding: the register's page and its CSV show current entries and entries that ended at
//! most that many days before the build date, and leave older ones out. Both read the rows from
//! here, so they always agree.

use serde_json::{json, Value};
use time::Date;

use crate::compliance::pack::{pack_for, Scope};
use crate::content::fields::{Field, FieldTable};
use crate::content::{Document, Kind};

/// The field holding the date an entry ended.
const ENDED_FIELD: &str = "date_to";

/// One retention rule: the entries of `items` in documents of `kind` stay `days` after ending.
#[derive(Debug, Clone)]
struct KeepEnded {
    kind: Kind,
    items: String,
    days: u32,
}

/// The retention rules of the site's pack and the build date they are measured from.
#[derive(Debug, Clone)]
pub struct Retention {
    rules: Vec<KeepEnded>,
    today: Date,
}

/// A register's rows after retention: those kept, and how many ended too long ago.
#[derive(Debug)]
pub struct KeptRows<'a> {
    /// The rows shown, in the order written.
    pub rows: Vec<&'a FieldTable>,
    /// Ended rows left out.
    pub left_out: usize,
    /// The retention period applied, if the pack has one for these rows.
    pub days: Option<u32>,
}

impl Retention {
    /// The retention rules of `regime`'s pack (none if the pack cannot be loaded: the check
    /// stage has already reported that), measured from `today`.
    pub fn for_regime(regime: &str, today: Date) -> Retention {
        let rules = pack_for(regime)
            .map(|pack| {
                pack.rules
                    .iter()
                    .filter_map(|rule| {
                        let days = rule.def.retain_ended_days?;
                        let Scope::Document(kind) = rule.scope else {
                            return None;
                        };
                        let items = rule.def.items.clone()?;
                        Some(KeepEnded { kind, items, days })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Retention { rules, today }
    }

    /// The rows of `doc`'s list `items` that stay in view.
    pub fn rows<'a>(&self, doc: &'a Document, items: &str) -> KeptRows<'a> {
        let all: Vec<&FieldTable> = doc
            .fields
            .path(items)
            .and_then(Field::as_array)
            .map(|list| list.iter().filter_map(Field::as_table).collect())
            .unwrap_or_default();
        let Some(days) = self.days_for(doc.kind, items) else {
            return KeptRows {
                rows: all,
                left_out: 0,
                days: None,
            };
        };
        let total = all.len();
        let rows: Vec<&FieldTable> = all
            .into_iter()
            .filter(|row| self.keeps(row, days))
            .collect();
        KeptRows {
            left_out: total - rows.len(),
            rows,
            days: Some(days),
        }
    }

    /// `doc`'s front matter as JSON for its page, with retained lists cut down to the rows kept,
    /// and the page's `retention` value (`{days, left_out}`) when a rule applies.
    pub fn page_fields(&self, doc: &Document) -> (Value, Option<Value>) {
        let mut fields = doc.fields.to_json();
        let mut retention = None;
        for rule in self.rules.iter().filter(|r| r.kind == doc.kind) {
            if doc.fields.path(&rule.items).is_none() || rule.items.contains('.') {
                continue;
            }
            let kept = self.rows(doc, &rule.items);
            if let Some(obj) = fields.as_object_mut() {
                let rows = kept.rows.iter().map(|r| r.to_json()).collect();
                obj.insert(rule.items.clone(), Value::Array(rows));
            }
            retention = Some(json!({"days": rule.days, "left_out": kept.left_out}));
        }
        (fields, retention)
    }

    fn days_for(&self, kind: Kind, items: &str) -> Option<u32> {
        self.rules
            .iter()
            .find(|r| r.kind == kind && r.items == items)
            .map(|r| r.days)
    }

    /// An entry stays unless its end date is more than `days` before the build date. An entry
    /// without a readable end date stays (the check reports a bad date).
    fn keeps(&self, row: &FieldTable, days: u32) -> bool {
        match row.get(ENDED_FIELD).and_then(Field::as_date) {
            Some(ended) => (self.today - ended).whole_days() <= i64::from(days),
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn both_packs_keep_ended_declarations_for_six_months() {
        for regime in ["ccg-2013", "icb-2022"] {
            let r = Retention::for_regime(regime, date!(2026 - 11 - 30));
            assert_eq!(
                r.days_for(Kind::RegisterOfInterests, "declaration"),
                Some(183),
                "{regime}"
            );
            assert_eq!(r.days_for(Kind::ProcurementRegister, "entry"), None);
        }
    }

    #[test]
    fn an_unknown_regime_keeps_everything() {
        let r = Retention::for_regime("nhs-1948", date!(2026 - 11 - 30));
        assert!(r.rules.is_empty());
    }
}
