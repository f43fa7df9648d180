//! Splitting a document into TOML front matter and Markdown body, and parsing the front matter
//! into a [`FieldTable`] whose lines are lines of the whole file.

use std::borrow::Cow;
use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::fields::{Field, FieldTable, FieldValue};
use crate::error::{line_col, ErrorKind, SiteError};

/// The delimiter line around front matter.
pub const DELIMITER: &str = "+++";

/// A document split in two, with byte offsets into the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The TOML between the `+++` lines.
    pub front_matter: &'a str,
    /// Byte offset of the front matter in the file.
    pub front_matter_offset: usize,
    /// The Markdown after the closing `+++` line.
    pub body: &'a str,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
}

/// Splits `text` at its `+++` lines. Errors are located in the whole file.
pub fn split(text: &str) -> Result<Split<'_>, SiteError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_line_end = memchr::memchr(b'\n', rest.as_bytes()).map_or(rest.len(), |i| i + 1);
    if rest[..first_line_end].trim_end() != DELIMITER {
        return Err(SiteError::new(
            ErrorKind::FrontMatter,
            "the document does not start with front matter",
        )
        .at(1, 1)
        .with_help(
            "start the file with a line `+++`, then TOML such as `title = \"...\"` and `kind = \"page\"`, then a closing `+++` line",
        ));
    }
    let fm_start = start + first_line_end;
    let mut pos = fm_start;
    while pos < text.len() {
        let line_end =
            memchr::memchr(b'\n', &text.as_bytes()[pos..]).map_or(text.len(), |i| pos + i + 1);
        if text[pos..line_end].trim_end() == DELIMITER {
            return Ok(Split {
                front_matter: &text[fm_start..pos],
                front_matter_offset: fm_start,
                body: &text[line_end..],
                body_offset: line_end,
            });
        }
        pos = line_end;
    }
    Err(SiteError::new(
        ErrorKind::FrontMatter,
        "the front matter opened by `+++` on line 1 is never closed",
    )
    .at(1, 1)
    .with_help("add a line `+++` after the last front-matter line, before the Markdown text"))
}

/// Parses the front matter of a split document. Lines and columns refer to the whole `file_text`.
pub fn parse(file_text: &str, split: &Split<'_>) -> Result<FieldTable, SiteError> {
    // Most front matter is in a subset of TOML that a single pass parses several times faster.
    if let Some(table) = super::toml_subset::parse(file_text, split) {
        return Ok(table);
    }
    parse_full(file_text, split)
}

/// [`parse`] with the full TOML parser alone, which also reports every error.
pub(super) fn parse_full(file_text: &str, split: &Split<'_>) -> Result<FieldTable, SiteError> {
    let offset = split.front_matter_offset;
    let table = DeTable::parse(split.front_matter).map_err(|e| {
        let at = e.span().map_or(offset, |s| offset + s.start);
        let (line, column) = line_col(file_text, at);
        let message = e
            .message()
            .lines()
            .next()
            .unwrap_or("invalid TOML")
            .to_string();
        let help = toml_help(&message);
        let message = if message.contains("recursion") {
            "lists or tables are nested too deeply".to_string()
        } else {
            message
        };
        let mut err = SiteError::new(
            ErrorKind::FrontMatter,
            format!("invalid front matter: {message}"),
        )
        .at(line, column);
        if let Some(h) = help {
            err = err.with_help(h);
        }
        err
    })?;
    let front_matter_end = offset + split.front_matter.len();
    let converter = Converter {
        text: file_text,
        offset,
        line_starts: line_starts(&file_text[..front_matter_end.min(file_text.len())]),
    };
    converter.table(table.get_ref(), file_text)
}

fn toml_help(message: &str) -> Option<&'static str> {
    if message.contains("recursion") {
        Some("front matter holds a few levels of tables and lists; move deeply structured data into the Markdown text")
    } else if message.contains("duplicate key") {
        Some("each key may appear once in a table; remove or rename the repeated one")
    } else if message.contains("invalid basic string") || message.contains("unclosed") {
        Some("close the string with a matching quote on the same line, or use ''' for text over several lines")
    } else if message.contains("invalid date") {
        // Checked before "expected": toml says "invalid date, expected day between 01 and 30".
        Some("use a date that exists, written YEAR-MONTH-DAY, e.g. 2023-06-30")
    } else if message.contains("string values must be quoted") || message.contains("expected") {
        Some("text values need quotes, e.g. title = \"Annual report 2023/24\"; dates are written 2024-07-15")
    } else {
        None
    }
}

/// Byte offsets where each line of `text` starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

struct Converter<'a> {
    text: &'a str,
    offset: usize,
    /// Where each line of the file starts, up to the end of the front matter: every key's
    /// line is found by a binary search, not by counting from the start of the file.
    line_starts: Vec<usize>,
}

impl Converter<'_> {
    fn pos(&self, span: Range<usize>) -> (u32, u32) {
        let at = (self.offset + span.start).min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= at).max(1);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..at)
            .map_or(at - start, |s| s.chars().count())
            + 1;
        (line as u32, column as u32)
    }

    fn table(&self, table: &DeTable<'_>, file_text: &str) -> Result<FieldTable, SiteError> {
        let mut entries = Vec::with_capacity(table.len());
        for (key, value) in table.iter() {
            let (line, column) = self.pos(key.span());
            let field = self.value(value, line, column, file_text)?;
            entries.push((key.get_ref().to_string(), field));
        }
        Ok(FieldTable { entries })
    }

    fn value(
        &self,
        value: &Spanned<DeValue<'_>>,
        line: u32,
        column: u32,
        file_text: &str,
    ) -> Result<Field, SiteError> {
        let value = match value.get_ref() {
            DeValue::String(s) => FieldValue::String(Cow::to_string(s)),
            DeValue::Integer(i) => match i.to_string().replace('_', "").parse::<i64>() {
                Ok(n) => FieldValue::Integer(n),
                Err(_) => FieldValue::String(i.to_string()),
            },
            DeValue::Float(f) => {
                FieldValue::Float(f.to_string().replace('_', "").parse().unwrap_or(f64::NAN))
            }
            DeValue::Boolean(b) => FieldValue::Boolean(*b),
            DeValue::Datetime(dt) => match (dt.date, dt.time) {
                // A plain date, the common case, without going through its text.
                (Some(d), None) => time::Month::try_from(d.month)
                    .ok()
                    .and_then(|m| time::Date::from_calendar_date(i32::from(d.year), m, d.day).ok())
                    .map_or_else(|| FieldValue::DateTime(dt.to_string()), FieldValue::Date),
                _ => FieldValue::DateTime(dt.to_string()),
            },
            DeValue::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    let (l, c) = self.pos(item.span());
                    out.push(self.value(item, l, c, file_text)?);
                }
                FieldValue::Array(out)
            }
            DeValue::Table(t) => FieldValue::Table(self.table(t, file_text)?),
        };
        Ok(Field {
            value,
            line,
            column,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_keeps_offsets() {
        let text = "+++\ntitle = \"A\"\n+++\n\n## Body\n";
        let s = split(text).unwrap();
        assert_eq!(s.front_matter, "title = \"A\"\n");
        assert_eq!(s.body, "\n## Body\n");
        assert_eq!(&text[s.body_offset..], s.body);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = split("+++\ntitle = \"A\"\n## Body\n").unwrap_err();
        assert!(e.message.contains("never closed"));
    }

    #[test]
    fn toml_errors_are_located_in_the_whole_file() {
        let text = "+++\ntitle = \"A\"\nkind = \"page\npublished = 2024-01-01\n+++\n";
        let s = split(text).unwrap();
        let e = parse(text, &s).unwrap_err();
        assert_eq!(e.line, Some(3), "{e:?}");
    }

    #[test]
    fn fields_keep_their_lines() {
        let text = "+++\ntitle = \"A\"\n\n[[feedback]]\nyou_said = \"x\"\n\n[[feedback]]\nyou_said = \"y\"\n+++\n";
        let s = split(text).unwrap();
        let t = parse(text, &s).unwrap();
        let items = t.path("feedback").unwrap().as_array().unwrap();
        assert_eq!(items.len(), 2);
        let second = items[1].as_table().unwrap().get("you_said").unwrap();
        assert_eq!(second.line, 8);
        assert_eq!(t.path("title").unwrap().line, 2);
    }

    #[test]
    fn an_impossible_date_gets_help_about_dates() {
        let text = "+++\ntitle = \"A\"\npublished = 2023-06-31\n+++\n";
        let s = split(text).unwrap();
        let e = parse(text, &s).unwrap_err();
        assert_eq!(e.line, Some(3), "{e:?}");
        let help = e.help.unwrap_or_default();
        assert!(help.contains("a date that exists"), "{help}");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let text = "+++\ntitle = \"A\"\ntitle = \"B\"\n+++\n";
        let s = split(text).unwrap();
        let e = parse(text, &s).unwrap_err();
        assert_eq!(e.line, Some(3), "{e:?}");
    }
}
