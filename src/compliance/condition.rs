//! `applies_if` conditions: `PATH == VALUE`, `PATH != VALUE` or `PATH in [VALUE, ...]`, and
//! nothing more. VALUE is a single-quoted string, `true` or `false`. An absent PATH equals no
//! value (`==` is false, `!=` is true, `in` is false).

use crate::content::{Field, FieldValue};

/// A value a condition compares with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A quoted string.
    Text(String),
    /// true or false.
    Bool(bool),
}

impl Value {
    fn equals(&self, field: &Field) -> bool {
        match (self, &field.value) {
            (Value::Text(t), FieldValue::String(s)) => t == s,
            (Value::Bool(b), FieldValue::Boolean(v)) => b == v,
            _ => false,
        }
    }
}

/// The comparison a condition makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// `==`
    Equals(Value),
    /// `!=`
    NotEquals(Value),
    /// `in [...]`
    In(Vec<Value>),
}

/// A parsed condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The field path as written (`statement.compliance`, `item.status`, `status`).
    pub path: String,
    /// What it is compared with.
    pub test: Test,
}

/// Where a condition's path points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// A field of the list item being checked (`item.NAME`, or a bare NAME on item rules).
    Item(&'a str),
    /// A dotted front-matter path of the document.
    Document(&'a str),
}

impl Condition {
    /// Parses the grammar above; the error says what is wrong.
    pub fn parse(text: &str) -> Result<Condition, String> {
        let fail = |why: &str| format!("condition `{text}`: {why}");
        let (path, rest) = text
            .trim()
            .split_once(' ')
            .ok_or_else(|| fail("expected PATH == VALUE, PATH != VALUE or PATH in [...]"))?;
        let rest = rest.trim();
        let valid_path = !path.is_empty()
            && path
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        if !valid_path {
            return Err(fail("the path may hold only letters, digits, `_` and `.`"));
        }
        let test = if let Some(v) = rest.strip_prefix("==") {
            Test::Equals(parse_value(v.trim()).map_err(|e| fail(&e))?)
        } else if let Some(v) = rest.strip_prefix("!=") {
            Test::NotEquals(parse_value(v.trim()).map_err(|e| fail(&e))?)
        } else if let Some(v) = rest.strip_prefix("in ") {
            let inner = v
                .trim()
                .strip_prefix('[')
                .and_then(|v| v.strip_suffix(']'))
                .ok_or_else(|| fail("`in` takes a list in [ ]"))?;
            let values = inner
                .split(',')
                .map(|v| parse_value(v.trim()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| fail(&e))?;
            Test::In(values)
        } else {
            return Err(fail("the operator must be ==, != or in"));
        };
        Ok(Condition {
            path: path.to_string(),
            test,
        })
    }

    /// Where the path points, for a rule about list items (`item_rule`) or a document.
    pub fn target(&self, item_rule: bool) -> Target<'_> {
        match self.path.strip_prefix("item.") {
            Some(name) => Target::Item(name),
            None if item_rule && !self.path.contains('.') => Target::Item(&self.path),
            None => Target::Document(&self.path),
        }
    }

    /// Whether the condition holds for the field found at its path (None when absent).
    pub fn holds(&self, field: Option<&Field>) -> bool {
        match (&self.test, field) {
            (Test::Equals(v), Some(f)) => v.equals(f),
            (Test::NotEquals(v), Some(f)) => !v.equals(f),
            (Test::In(vs), Some(f)) => vs.iter().any(|v| v.equals(f)),
            (Test::Equals(_) | Test::In(_), None) => false,
            (Test::NotEquals(_), None) => true,
        }
    }
}

fn parse_value(text: &str) -> Result<Value, String> {
    match text {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        t if t.len() >= 2
            && t.starts_with('\'')
            && t.ends_with('\'')
            && !t[1..t.len() - 1].contains('\'') =>
        {
            Ok(Value::Text(t[1..t.len() - 1].to_string()))
        }
        t => Err(format!("`{t}` is not a value: write 'text', true or false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Field {
        Field {
            value: FieldValue::String(s.to_string()),
            line: 1,
            column: 1,
        }
    }

    #[test]
    fn parses_the_three_forms() {
        let c = Condition::parse("statement.compliance != 'full'").unwrap();
        assert!(c.holds(Some(&text("partial"))));
        assert!(!c.holds(Some(&text("full"))));
        assert!(c.holds(None));
        let c = Condition::parse("item.status in ['not_done', 'partly_done']").unwrap();
        assert_eq!(c.target(true), Target::Item("status"));
        assert!(c.holds(Some(&text("partly_done"))));
        assert!(!c.holds(None));
        let c = Condition::parse("statement.disproportionate_burden == true").unwrap();
        let yes = Field {
            value: FieldValue::Boolean(true),
            line: 1,
            column: 1,
        };
        assert!(c.holds(Some(&yes)));
        assert_eq!(
            c.target(false),
            Target::Document("statement.disproportionate_burden")
        );
        assert_eq!(
            Condition::parse("type == 'indirect'").unwrap().target(true),
            Target::Item("type")
        );
    }

    #[test]
    fn rejects_anything_else() {
        for bad in [
            "a > 'b'",
            "a == b",
            "a",
            "a in 'b'",
            "a == 'x' and b == 'y'",
        ] {
            assert!(Condition::parse(bad).is_err(), "{bad}");
        }
    }
}
