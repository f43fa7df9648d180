//! Tera filters of the default theme, registered on every template set (see docs/templates.md).
//!
//! Amounts in NHS financial tables are written in thousands of pounds (`amount_gbp_000`):
//! `thousands` groups such a number's digits for a £000 column, `pounds_000` writes it out in
//! pounds for a sentence.

use std::collections::HashMap;

use tera::{Tera, Value};

/// Registers `long_date`, `thousands` and `pounds_000` on `tera`.
pub fn register(tera: &mut Tera) {
    tera.register_filter("long_date", super::long_date_filter);
    tera.register_filter("thousands", thousands_filter);
    tera.register_filter("pounds_000", pounds_000_filter);
}

/// `12345` gives `12,345`; `-1234.5` gives `-1,234.5`. Text that is not a number is kept.
fn thousands_filter(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(match number_of(value) {
        Some(n) => Value::String(group_digits(n)),
        None => value.clone(),
    })
}

/// An amount in thousands of pounds, written in pounds: `45200` gives `£45,200,000`.
fn pounds_000_filter(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(match number_of(value) {
        Some(n) => {
            let pounds = group_digits(n * 1000.0);
            Value::String(match pounds.strip_prefix('-') {
                Some(positive) => format!("-£{positive}"),
                None => format!("£{pounds}"),
            })
        }
        None => value.clone(),
    })
}

/// A JSON number, or a string holding one (`"1250"`), as a finite float.
fn number_of(value: &Value) -> Option<f64> {
    let n = match value {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().replace(',', "").parse::<f64>().ok()?,
        _ => return None,
    };
    n.is_finite().then_some(n)
}

/// The number with its whole part grouped in threes by commas and at most two decimals, with
/// trailing zeros dropped.
pub fn group_digits(n: f64) -> String {
    let rounded = format!("{:.2}", n.abs());
    let (whole, fraction) = rounded.split_once('.').unwrap_or((&rounded, ""));
    let fraction = fraction.trim_end_matches('0');
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3 + 4);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if n < 0.0 && !rounded.trim_matches(['0', '.']).is_empty() {
        "-"
    } else {
        ""
    };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_in_threes() {
        assert_eq!(group_digits(0.0), "0");
        assert_eq!(group_digits(999.0), "999");
        assert_eq!(group_digits(1000.0), "1,000");
        assert_eq!(group_digits(1_234_567.0), "1,234,567");
        assert_eq!(group_digits(-1234.5), "-1,234.5");
        assert_eq!(group_digits(12.345), "12.35");
        assert_eq!(group_digits(-0.001), "0");
    }

    #[test]
    fn filters_keep_what_is_not_a_number() {
        let none = HashMap::new();
        let text = Value::String("to be confirmed".into());
        assert_eq!(thousands_filter(&text, &none).unwrap(), text);
        assert_eq!(
            thousands_filter(&serde_json::json!(12500), &none).unwrap(),
            Value::String("12,500".into())
        );
        assert_eq!(
            pounds_000_filter(&serde_json::json!(45200), &none).unwrap(),
            Value::String("£45,200,000".into())
        );
        assert_eq!(
            pounds_000_filter(&serde_json::json!(-1.5), &none).unwrap(),
            Value::String("-£1,500".into())
        );
    }
}
