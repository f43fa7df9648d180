//! Front matter as a tree of values that remember where they were written.
//!
//! The compliance engine asks for fields by dotted path (`plan.consultation.summary`) and points
//! its findings at the line of the field or list item concerned, so every value keeps its line.

use serde_json::Value as Json;
use time::Date;

/// A front-matter value with its position in the whole file.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The value.
    pub value: FieldValue,
    /// 1-based line in the document file (of the key for a table entry, of the item in a list).
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// A TOML value. Dates are typed; other date-times are kept as text.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// A string.
    String(String),
    /// An integer.
    Integer(i64),
    /// A float.
    Float(f64),
    /// true or false.
    Boolean(bool),
    /// A calendar date (`2024-07-15`).
    Date(Date),
    /// A date-time or time, as written.
    DateTime(String),
    /// A list.
    Array(Vec<Field>),
    /// A table, keys in the order written.
    Table(FieldTable),
}

/// A table of fields, in the order written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldTable {
    /// Key and field pairs.
    pub entries: Vec<(String, Field)>,
}

impl FieldTable {
    /// The field under `key` in this table.
    pub fn get(&self, key: &str) -> Option<&Field> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The field at a dotted path such as `plan.consultation.summary`.
    pub fn path(&self, path: &str) -> Option<&Field> {
        let mut parts = path.split('.');
        let mut field = self.get(parts.next()?)?;
        for part in parts {
            match &field.value {
                FieldValue::Table(t) => field = t.get(part)?,
                _ => return None,
            }
        }
        Some(field)
    }

    /// The string at a dotted path, if it is one.
    pub fn str(&self, path: &str) -> Option<&str> {
        self.path(path).and_then(Field::as_str)
    }

    /// The date at a dotted path, if it is one.
    pub fn date(&self, path: &str) -> Option<Date> {
        self.path(path).and_then(Field::as_date)
    }

    /// The table as JSON for templates (dates as `YYYY-MM-DD`).
    pub fn to_json(&self) -> Json {
        Json::Object(
            self.entries
                .iter()
                .map(|(k, v)| (k.clone(), v.to_json()))
                .collect(),
        )
    }
}

impl Field {
    /// The text, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            FieldValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The date, when this is a date.
    pub fn as_date(&self) -> Option<Date> {
        match &self.value {
            FieldValue::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// The boolean, when this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            FieldValue::Boolean(b) => Some(*b),
            _ => None,
        }
    }

    /// The items, when this is a list.
    pub fn as_array(&self) -> Option<&[Field]> {
        match &self.value {
            FieldValue::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The table, when this is one.
    pub fn as_table(&self) -> Option<&FieldTable> {
        match &self.value {
            FieldValue::Table(t) => Some(t),
            _ => None,
        }
    }

    /// Present and non-empty: a non-blank string, a non-empty list or table, or any other value.
    pub fn is_filled(&self) -> bool {
        match &self.value {
            FieldValue::String(s) => !s.trim().is_empty(),
            FieldValue::Array(a) => !a.is_empty(),
            FieldValue::Table(t) => !t.entries.is_empty(),
            _ => true,
        }
    }

    /// A word for the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            FieldValue::String(_) => "a string",
            FieldValue::Integer(_) => "an integer",
            FieldValue::Float(_) => "a number",
            FieldValue::Boolean(_) => "true or false",
            FieldValue::Date(_) => "a date",
            FieldValue::DateTime(_) => "a date and time",
            FieldValue::Array(_) => "a list",
            FieldValue::Table(_) => "a table",
        }
    }

    /// The value as JSON for templates.
    pub fn to_json(&self) -> Json {
        match &self.value {
            FieldValue::String(s) => Json::String(s.clone()),
            FieldValue::Integer(i) => Json::from(*i),
            FieldValue::Float(f) => Json::from(*f),
            FieldValue::Boolean(b) => Json::Bool(*b),
            FieldValue::Date(d) => Json::String(format_date(*d)),
            FieldValue::DateTime(s) => Json::String(s.clone()),
            FieldValue::Array(a) => Json::Array(a.iter().map(Field::to_json).collect()),
            FieldValue::Table(t) => t.to_json(),
        }
    }

    /// The value as plain text (for CSV cells and messages).
    pub fn to_text(&self) -> String {
        match &self.value {
            FieldValue::String(s) => s.clone(),
            FieldValue::Integer(i) => i.to_string(),
            FieldValue::Float(f) => f.to_string(),
            FieldValue::Boolean(b) => b.to_string(),
            FieldValue::Date(d) => format_date(*d),
            FieldValue::DateTime(s) => s.clone(),
            FieldValue::Array(a) => a.iter().map(Field::to_text).collect::<Vec<_>>().join("; "),
            FieldValue::Table(_) => String::new(),
        }
    }
}

/// `YYYY-MM-DD`.
pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let mut it = s.splitn(3, '-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u8 = it.next()?.parse().ok()?;
    let d: u8 = it.next()?.parse().ok()?;
    if s.len() != 10 {
        return None;
    }
    Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}
