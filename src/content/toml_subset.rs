//! A fast path for the front matter most documents have: a hand-written parser for a small
//! subset of TOML that builds the same [`FieldTable`] as the full parser in
//! [`super::front_matter`], same entries, order, values, lines and columns.
//!
//! Why: the full parser (`toml`'s `DeTable`, then a conversion) costs about 10 ns a byte, some
//! 15% of `check` at 10,000 documents; this single pass over the bytes costs about 3 ns a byte
//! (release, one thread, the 23.7 MB of front matter of the 10,000-document corpus: 71 ms
//! against 240 ms; the ignored test `matches_the_full_parser_on_a_corpus` measures it).
//!
//! The subset, everything else makes [`parse`] return `None` so the full parser runs and
//! reports any error exactly as before (this path never reports errors):
//! - blank lines, whole-line and trailing `#` comments, LF or CRLF line ends;
//! - `key = value` with a bare key (`[A-Za-z0-9_-]+`, no quoted or dotted keys);
//! - values: basic strings with the escapes `\" \\ \n \t \r \b \f`, literal strings (neither
//!   over several lines), `true`, `false`, decimal integers that fit an `i64` (no `+`, no `_`),
//!   valid calendar dates `YYYY-MM-DD`, and arrays of those, over one line or several;
//! - headers `[a.b]` and `[[a.b]]` of bare keys without spaces. A header naming a key that
//!   exists is only accepted for `[[x]]` after `[[x]]`; TOML allows a little more (reopening a
//!   table made implicitly by `[x.y]`), which falls back.

use time::{Date, Month};

use super::fields::{Field, FieldTable, FieldValue};
use super::front_matter::Split;

/// Parses the front matter of `split` (a split of `file_text`) if it stays within the subset;
/// `None` otherwise, including for every input the full parser would reject.
pub fn parse(file_text: &str, split: &Split<'_>) -> Option<FieldTable> {
    let first_line = file_text
        .as_bytes()
        .get(..split.front_matter_offset)?
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    let mut scanner = Scanner {
        text: split.front_matter,
        bytes: split.front_matter.as_bytes(),
        pos: 0,
        line: u32::try_from(first_line).ok()?,
        line_start: 0,
    };
    scanner.document()
}

/// Headers deeper than this fall back (the corpus uses two levels).
const MAX_HEADER_DEPTH: usize = 8;

struct Scanner<'a> {
    /// The front matter alone: it starts at the start of a line of the file.
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// The line of the file at `pos`.
    line: u32,
    /// Where that line starts in `text`.
    line_start: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    /// Line and 1-based column (in characters, as the full path counts them) of `pos`.
    fn position(&self) -> Option<(u32, u32)> {
        let before = self.text.get(self.line_start..self.pos)?;
        let chars = before.bytes().filter(|&b| (b as i8) >= -0x40).count();
        Some((self.line, u32::try_from(chars + 1).ok()?))
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Consumes a line end (`\n` or `\r\n`); `None` if there is none here.
    fn newline(&mut self) -> Option<()> {
        match self.peek()? {
            b'\n' => self.pos += 1,
            b'\r' if self.peek_at(1) == Some(b'\n') => self.pos += 2,
            _ => return None,
        }
        self.line += 1;
        self.line_start = self.pos;
        Some(())
    }

    /// Skips a `#` comment up to (not including) its line end. Control characters other than
    /// tab fall back, whatever the TOML version says about them.
    fn comment(&mut self) -> Option<()> {
        debug_assert_eq!(self.peek(), Some(b'#'));
        self.pos += 1;
        while let Some(b) = self.peek() {
            match b {
                b'\n' => break,
                b'\r' if self.peek_at(1) == Some(b'\n') => break,
                b'\t' => {}
                0..=0x1f | 0x7f => return None,
                _ => {}
            }
            self.pos += 1;
        }
        Some(())
    }

    /// After a header or value: spaces, an optional comment, then a line end or the end.
    fn end_of_line(&mut self) -> Option<()> {
        self.skip_spaces();
        if self.peek() == Some(b'#') {
            self.comment()?;
        }
        if self.peek().is_none() {
            return Some(());
        }
        self.newline()
    }

    /// Spaces, comments and line ends, as allowed between array items.
    fn skip_blank_lines(&mut self) -> Option<()> {
        loop {
            self.skip_spaces();
            match self.peek() {
                Some(b'#') => self.comment()?,
                Some(b'\n' | b'\r') => self.newline()?,
                _ => return Some(()),
            }
        }
    }

    fn document(&mut self) -> Option<FieldTable> {
        let mut root = FieldTable::default();
        // The table key/value lines go to: entry indices from the root, taking the last item
        // of an array of tables.
        let mut current: Vec<usize> = Vec::new();
        loop {
            self.skip_spaces();
            match self.peek() {
                None => {
                    shrink(&mut root);
                    return Some(root);
                }
                Some(b'\n' | b'\r') => self.newline()?,
                Some(b'#') => {
                    self.comment()?;
                    self.end_of_line()?;
                }
                Some(b'[') => {
                    current = self.header(&mut root)?;
                    self.end_of_line()?;
                }
                Some(b) if is_bare_key_byte(b) => {
                    let (key, field) = self.key_value()?;
                    let table = table_at(&mut root, &current)?;
                    if table.get(&key).is_some() {
                        return None; // a duplicate key
                    }
                    table.entries.push((key, field));
                    self.end_of_line()?;
                }
                Some(_) => return None,
            }
        }
    }

    fn bare_key(&mut self) -> Option<&str> {
        let start = self.pos;
        while self.peek().is_some_and(is_bare_key_byte) {
            self.pos += 1;
        }
        if self.pos == start {
            return None;
        }
        self.text.get(start..self.pos)
    }

    /// `key = value`, the field placed at the key as the full path places it.
    fn key_value(&mut self) -> Option<(String, Field)> {
        let (line, column) = self.position()?;
        let key = self.bare_key()?.to_string();
        self.skip_spaces();
        if self.peek() != Some(b'=') {
            return None; // dotted keys among others
        }
        self.pos += 1;
        self.skip_spaces();
        let value = self.value(false)?;
        Some((
            key,
            Field {
                value,
                line,
                column,
            },
        ))
    }

    /// A `[a.b]` or `[[a.b]]` header: adds its table to `root` and returns the path to it.
    fn header(&mut self, root: &mut FieldTable) -> Option<Vec<usize>> {
        let (header_line, header_column) = self.position()?;
        self.pos += 1;
        let is_array = self.peek() == Some(b'[');
        if is_array {
            self.pos += 1;
        }
        let mut keys: Vec<(String, u32, u32)> = Vec::new();
        loop {
            let (line, column) = self.position()?;
            let key = self.bare_key()?.to_string();
            keys.push((key, line, column));
            if keys.len() > MAX_HEADER_DEPTH {
                return None;
            }
            match self.peek()? {
                b'.' => self.pos += 1,
                b']' => break,
                _ => return None, // spaces, quotes, anything unexpected
            }
        }
        self.pos += 1;
        if is_array {
            if self.peek() != Some(b']') {
                return None;
            }
            self.pos += 1;
        }
        let (last_key, last_line, last_column) = keys.pop()?;
        let mut path = Vec::with_capacity(keys.len() + 1);
        let mut table = root;
        for (key, line, column) in keys {
            let index = match table.entries.iter().position(|(k, _)| *k == key) {
                Some(index) => index,
                None => {
                    // A table made implicitly, placed at this key of the header.
                    table.entries.push((key, table_field(line, column)));
                    table.entries.len() - 1
                }
            };
            path.push(index);
            table = child_table(&mut table.entries[index].1)?;
        }
        let existing = table.entries.iter().position(|(k, _)| *k == last_key);
        match (is_array, existing) {
            (false, None) => {
                table
                    .entries
                    .push((last_key, table_field(last_line, last_column)));
                path.push(table.entries.len() - 1);
            }
            (true, None) => {
                // The array sits at the key; each of its tables at its `[[`.
                let item = table_field(header_line, header_column);
                table.entries.push((
                    last_key,
                    Field {
                        value: FieldValue::Array(vec![item]),
                        line: last_line,
                        column: last_column,
                    },
                ));
                path.push(table.entries.len() - 1);
            }
            (true, Some(index)) => {
                let FieldValue::Array(items) = &mut table.entries[index].1.value else {
                    return None;
                };
                if !is_array_of_tables(items) {
                    return None;
                }
                items.push(table_field(header_line, header_column));
                path.push(index);
            }
            (false, Some(_)) => return None, // a table defined twice, or over a value
        }
        Some(path)
    }

    /// A value; `in_array` refuses nested arrays.
    fn value(&mut self, in_array: bool) -> Option<FieldValue> {
        match self.peek()? {
            b'"' => self.basic_string().map(FieldValue::String),
            b'\'' => self.literal_string().map(FieldValue::String),
            b't' => self.word(b"true").map(|()| FieldValue::Boolean(true)),
            b'f' => self.word(b"false").map(|()| FieldValue::Boolean(false)),
            b'0'..=b'9' | b'-' => self.date_or_integer(),
            b'[' if !in_array => self.array(),
            _ => None,
        }
    }

    /// Whether the byte at `pos` may follow a scalar written without quotes.
    fn at_scalar_end(&self) -> bool {
        matches!(
            self.peek(),
            None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'#' | b',' | b']')
        )
    }

    fn word(&mut self, word: &[u8]) -> Option<()> {
        if !self.bytes.get(self.pos..)?.starts_with(word) {
            return None;
        }
        self.pos += word.len();
        self.at_scalar_end().then_some(())
    }

    fn basic_string(&mut self) -> Option<String> {
        self.pos += 1;
        if self.peek() == Some(b'"') && self.peek_at(1) == Some(b'"') {
            return None; // a multi-line string
        }
        // Built only once an escape is met: most strings are copied whole, at their exact size.
        let mut unescaped: Option<String> = None;
        let mut run_start = self.pos;
        loop {
            match self.peek()? {
                b'"' => {
                    let run = self.text.get(run_start..self.pos)?;
                    self.pos += 1;
                    return Some(match unescaped {
                        None => run.to_string(),
                        Some(mut out) => {
                            out.push_str(run);
                            out
                        }
                    });
                }
                b'\\' => {
                    let out = unescaped.get_or_insert_with(String::new);
                    out.push_str(self.text.get(run_start..self.pos)?);
                    out.push(match self.peek_at(1)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        _ => return None, // \u, \U, \x, \e and invalid escapes
                    });
                    self.pos += 2;
                    run_start = self.pos;
                }
                b'\t' => self.pos += 1,
                0..=0x1f | 0x7f => return None,
                _ => self.pos += 1,
            }
        }
    }

    fn literal_string(&mut self) -> Option<String> {
        self.pos += 1;
        if self.peek() == Some(b'\'') && self.peek_at(1) == Some(b'\'') {
            return None; // a multi-line string
        }
        let start = self.pos;
        loop {
            match self.peek()? {
                b'\'' => {
                    let text = self.text.get(start..self.pos)?.to_string();
                    self.pos += 1;
                    return Some(text);
                }
                b'\t' => self.pos += 1,
                0..=0x1f | 0x7f => return None,
                _ => self.pos += 1,
            }
        }
    }

    /// `YYYY-MM-DD` (a valid date) or a decimal integer; other numbers and times fall back.
    fn date_or_integer(&mut self) -> Option<FieldValue> {
        let rest = self.bytes.get(self.pos..)?;
        if let Some(date) = rest.get(..10) {
            let digits_at = |range: std::ops::Range<usize>| {
                date.get(range).filter(|d| d.iter().all(u8::is_ascii_digit))
            };
            if let (Some(year), Some(b'-'), Some(month), Some(b'-'), Some(day)) = (
                digits_at(0..4),
                date.get(4),
                digits_at(5..7),
                date.get(7),
                digits_at(8..10),
            ) {
                self.pos += 10;
                if !self.at_scalar_end() {
                    return None; // a date-time, among others
                }
                let month = Month::try_from(u8::try_from(decimal(month)).ok()?).ok()?;
                let day = u8::try_from(decimal(day)).ok()?;
                let year = i32::try_from(decimal(year)).ok()?;
                return Date::from_calendar_date(year, month, day)
                    .ok()
                    .map(FieldValue::Date);
            }
        }
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits_start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        let digits = self.bytes.get(digits_start..self.pos)?;
        if digits.is_empty() || (digits.len() > 1 && digits[0] == b'0') || !self.at_scalar_end() {
            return None;
        }
        self.text
            .get(start..self.pos)?
            .parse::<i64>()
            .ok()
            .map(FieldValue::Integer)
    }

    /// `[a, b, ...]` of scalars, over one line or several, each item placed at its start.
    fn array(&mut self) -> Option<FieldValue> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_blank_lines()?;
            if self.peek()? == b']' {
                self.pos += 1;
                return Some(FieldValue::Array(items));
            }
            let (line, column) = self.position()?;
            let value = self.value(true)?;
            items.push(Field {
                value,
                line,
                column,
            });
            self.skip_blank_lines()?;
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(FieldValue::Array(items));
                }
                _ => return None,
            }
        }
    }
}

fn is_bare_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// The value of ASCII digits (at most four here, so no overflow).
fn decimal(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'))
}

/// Drops the spare capacity that growing tables and arrays one entry at a time leaves: the
/// full path sizes them exactly, and the tables of 10,000 documents stay in memory.
fn shrink(table: &mut FieldTable) {
    exact_size(&mut table.entries);
    for (_, field) in &mut table.entries {
        match &mut field.value {
            FieldValue::Table(inner) => shrink(inner),
            FieldValue::Array(items) => {
                exact_size(items);
                for item in items {
                    if let FieldValue::Table(inner) = &mut item.value {
                        shrink(inner);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Moves the items into an allocation of their exact size. Not `shrink_to_fit`: mimalloc's
/// realloc keeps a block that is at most half empty, so that would keep most of the spare room.
fn exact_size<T>(items: &mut Vec<T>) {
    if items.capacity() > items.len() {
        let mut exact = Vec::with_capacity(items.len());
        exact.append(items);
        *items = exact;
    }
}

fn table_field(line: u32, column: u32) -> Field {
    Field {
        value: FieldValue::Table(FieldTable::default()),
        line,
        column,
    }
}

/// Tables only come from headers here (inline tables fall back), so an array whose items are
/// tables was made by `[[x]]`; an empty one was written `x = []`.
fn is_array_of_tables(items: &[Field]) -> bool {
    items
        .last()
        .is_some_and(|item| matches!(item.value, FieldValue::Table(_)))
}

/// The table a header path goes through: the field's table, or the last table of an array of
/// tables; `None` for any other value (the full parser reports it).
fn child_table(field: &mut Field) -> Option<&mut FieldTable> {
    match &mut field.value {
        FieldValue::Table(table) => Some(table),
        FieldValue::Array(items) if is_array_of_tables(items) => match &mut items.last_mut()?.value
        {
            FieldValue::Table(table) => Some(table),
            _ => None,
        },
        _ => None,
    }
}

/// The table at `path` (entry indices from `root`).
fn table_at<'t>(root: &'t mut FieldTable, path: &[usize]) -> Option<&'t mut FieldTable> {
    let mut table = root;
    for &index in path {
        table = child_table(&mut table.entries.get_mut(index)?.1)?;
    }
    Some(table)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::content::front_matter::{parse_full, split};

    /// Runs both paths over a whole document; when the fast one answers, it must answer as the
    /// full one does. Returns whether it answered.
    fn fast_path_agrees(text: &str) -> bool {
        let Ok(parts) = split(text) else {
            return false;
        };
        let Some(fast) = parse(text, &parts) else {
            return false;
        };
        match parse_full(text, &parts) {
            Ok(full) => assert_eq!(fast, full, "fast and full paths differ on:\n{text}"),
            Err(e) => panic!("the fast path accepted what the full one rejects ({e:?}):\n{text}"),
        }
        true
    }

    fn document(front_matter: &str) -> String {
        format!("+++\n{front_matter}+++\nBody.\n")
    }

    #[test]
    fn the_subset_matches_the_full_parser() {
        let cases = [
            "",
            "title = \"A\"\nkind = \"page\"\n",
            "title = \"A\"\r\nkind = \"page\"\r\n\r\n[page]\r\nx = 1\r\n",
            "# a comment\n\n  title = 'literal \"quoted\"' # trailing\n\tdraft = false\n",
            "a=\"x\"\nb\t=\ttrue   \nc = -42\nd = 0\ne = -0\nf = 9223372036854775807\ng = -9223372036854775808\n",
            "published = 2024-02-29\nupdated = 2023-12-31 # a comment\n1234 = 1\n-_- = 2\n",
            "s = \"tab\\there \\\"q\\\" back\\\\slash \\n \\r \\b \\f\"\ne = \"\"\nl = ''\n",
            "s = \"é ünïcode — “quotes” 😀\"\na = [\"é\", \"😀\", 3, 2024-01-01, true, 'x']\n",
            "a = []\nb = [ ]\nc = [1,]\nd = [ 1 , 2 ,3 ]\n",
            "a = [\n  \"x\", # one\n  # a comment line\n  \"y\",\n\n]\nb = [ # open\n1\n,\n2\n]\nc = 1\n",
            "a = [\r\n  \"x\",\r\n  \"y\"\r\n]\r\n",
            "[[entry]]\nx = 1\n\n[[entry]]\nx = 2\n  [[entry]] # indented\n",
            "title = \"T\"\n[plan]\np = 1\n[plan.consultation]\ns = \"x\"\n[[plan.hwb]]\nb = 1\n[[plan.hwb]]\nb = 2\n[plan.revision]\nr = false\n",
            "[report.public_meeting]\ndate = 2023-09-21\n[[report.hwb]]\nx = 1\n[report.other]\n",
            "[[a]]\n[a.b]\nx = 1\n[[a]]\n[a.b]\nx = 2\n[[a.c]]\n[[a.c]]\n",
            "[a.b.c]\n[a.b.d]\n[a.e]\n",
            "x = 1 # comment with \t tab and é\n[t] # comment\n",
        ];
        for front_matter in cases {
            assert!(
                fast_path_agrees(&document(front_matter)),
                "the fast path refused:\n{front_matter}"
            );
        }
        // Lines count from the whole file, after a byte order mark too.
        let text = "\u{feff}+++\ntitle = \"A\"\nlist = [\"é\", \"b\"]\n[[x]]\n+++\n";
        assert!(fast_path_agrees(text));
        let table = parse(text, &split(text).unwrap()).unwrap();
        let list = table.get("list").unwrap();
        assert_eq!((list.line, list.column), (3, 1));
        let items = list.as_array().unwrap();
        assert_eq!((items[1].line, items[1].column), (3, 14));
    }

    #[test]
    fn anything_else_falls_back() {
        let cases = [
            "a = 1\na = 2\n",                // a duplicate key
            "[a]\n[a]\n",                    // a table defined twice
            "[a]\nb = 1\n[a.b]\n",           // a header over a value
            "[[x]]\n[x]\n",                  // a table over an array of tables
            "[x]\n[[x]]\n",                  // an array of tables over a table
            "x = []\n[[x]]\n",               // an array of tables over an array
            "x = [1]\n[x.y]\n",              // a table inside an array
            "[a.b]\n[a]\n",                  // valid TOML, but outside the subset
            "a.b = 1\n",                     // a dotted key
            "\"a\" = 1\n",                   // a quoted key
            "['a']\n",                       // a quoted header
            "[ a ]\n",                       // spaces in a header
            "s = \"\\u00e9\"\n",             // an escape outside the subset
            "s = \"\\q\"\n",                 // an invalid escape
            "s = \"a\u{1}b\"\n",             // a control character
            "s = 'a\u{7f}'\n",               // DEL
            "# a\u{1}b\n",                   // a control character in a comment
            "x = 1.5\n",                     // a float
            "x = 1e3\n",                     // a float
            "x = inf\n",                     // a float
            "x = 1_000\n",                   // underscores
            "x = 007\n",                     // leading zeros
            "x = +1\n",                      // a sign outside the subset
            "x = 0x1f\n",                    // another radix
            "x = 9223372036854775808\n",     // beyond i64
            "d = 2023-06-31\n",              // not a date
            "d = 2023-02-29\n",              // not a date
            "d = 2023-6-30\n",               // not a date
            "d = 2024-01-01T10:00:00Z\n",    // a date-time
            "d = 2024-01-01 10:00:00\n",     // a date-time
            "d = [2024-01-01 10:00:00]\n",   // a date-time
            "t = 10:00:00\n",                // a time
            "s = \"\"\"multi\nline\"\"\"\n", // a multi-line string
            "s = '''multi\nline'''\n",       // a multi-line string
            "s = \"unclosed\n",              // an unclosed string
            "s = 'unclosed\n",               // an unclosed string
            "a = [1, 2\n",                   // an unclosed array
            "a = [1 2]\n",                   // a missing comma
            "a = [,]\n",                     // a lone comma
            "a = [1,,2]\n",                  // two commas
            "a = [[1]]\n",                   // a nested array
            "t = { a = 1 }\n",               // an inline table
            "a = \"x\" b\n",                 // text after a value
            "a = truely\n",                  // not a boolean
            "a =\n1\n",                      // a value on the next line
            "a\n",                           // a key alone
            "a = 1\rb = 2\n",                // a lone carriage return
            "[a]]\n",                        // a stray bracket
            "[[a]\n",                        // an unclosed header
            "[a] b = 1\n",                   // text after a header
        ];
        for front_matter in cases {
            let text = document(front_matter);
            let parts = split(&text).unwrap();
            assert_eq!(
                parse(&text, &parts),
                None,
                "the fast path accepted:\n{front_matter}"
            );
        }
    }

    /// Corners where either answer is right, as long as an answer matches the full parser.
    #[test]
    fn corner_cases_match_when_taken() {
        let cases = [
            "d = 0000-01-01\n",
            "d = 9999-12-31\n",
            "true = 1\nfalse = true\n",
            "a = true#c\nb = 1#c\nc = \"x\"#c\n[t]#c\n",
            "a = [1,2]#c\n",
            "# comment with DEL \u{7f}\n",
            "a = \"nbsp\u{a0}\"\nb = 1\u{a0}\n",
            "\u{feff}a = 1\n",
            "a = 1 \t \r\n",
            "a = 1\r",
            "a = [\n1,\n# c\n]\n",
            "a = -\n",
            "a = 2024-01-01x\n",
            "a = -2024-01-01\n",
            "[a.b.c.d.e.f.g.h.i]\n",
        ];
        for front_matter in cases {
            fast_path_agrees(&document(front_matter));
        }
    }

    /// Every prefix of every front-matter line, and the front matter with each byte removed,
    /// must either fall back or match: truncation makes unclosed strings, arrays and headers.
    #[test]
    fn damaged_front_matter_falls_back_or_matches() {
        let front_matter = "title = \"A\" # c\nlist = [\n  'x', \"y\\n\",\n  2024-01-31, -7, true,\n]\n\n[plan]\nn = 12\n[[plan.items]]\nwhen = 2023-06-30\n[[plan.items]]\n";
        for end in 0..=front_matter.len() {
            if let Some(prefix) = front_matter.get(..end) {
                fast_path_agrees(&document(&format!("{prefix}\n")));
            }
        }
        for removed in 0..front_matter.len() {
            let mut bytes = front_matter.as_bytes().to_vec();
            bytes.remove(removed);
            if let Ok(damaged) = String::from_utf8(bytes) {
                fast_path_agrees(&document(&damaged));
            }
        }
    }

    /// Compares both paths on every Markdown file under `dir`: (files, files the fast path took).
    fn compare_folder(dir: &Path) -> (usize, usize) {
        let (mut files, mut fast) = (0, 0);
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.expect("the folder can be read");
            if entry.path().extension().is_none_or(|e| e != "md") {
                continue;
            }
            let bytes = std::fs::read(entry.path()).expect("the file can be read");
            let Ok(text) = String::from_utf8(bytes) else {
                continue;
            };
            files += 1;
            if fast_path_agrees(&text) {
                fast += 1;
            }
        }
        (files, fast)
    }

    #[test]
    fn matches_the_full_parser_on_the_repository_documents() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (files, fast) = compare_folder(&root.join("content"));
        assert!(files > 5);
        assert_eq!(fast, files, "every demo document should take the fast path");
        for dir in ["tests", "starters", "themes", "fuzz", "docs"] {
            let (files, fast) = compare_folder(&root.join(dir));
            println!("{dir}/: {fast} of {files} documents took the fast path");
        }
    }

    /// `CCG_SITE_FM_CORPUS=/dev/shm/s10k/content cargo test --release --lib toml_subset --
    /// --ignored --nocapture` compares both paths on every document of a generated corpus, then
    /// times each over the corpus's front matter (in memory, one thread).
    #[test]
    #[ignore = "needs a corpus folder in CCG_SITE_FM_CORPUS"]
    fn matches_the_full_parser_on_a_corpus() {
        let dir = std::env::var("CCG_SITE_FM_CORPUS").expect("CCG_SITE_FM_CORPUS names a folder");
        let (files, fast) = compare_folder(Path::new(&dir));
        println!("{fast} of {files} documents took the fast path, and all matched the full parser");
        assert!(
            fast * 100 >= files * 95,
            "only {fast} of {files} took the fast path"
        );

        let texts: Vec<String> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
        let front_matter_bytes: usize = texts
            .iter()
            .filter_map(|t| split(t).ok())
            .map(|s| s.front_matter.len())
            .sum();
        let time = |name: &str, run: &dyn Fn(&str, &Split<'_>) -> bool| {
            let mut best = std::time::Duration::MAX;
            for _ in 0..3 {
                let start = std::time::Instant::now();
                for text in &texts {
                    if let Ok(parts) = split(text) {
                        assert!(run(text, &parts));
                    }
                }
                best = best.min(start.elapsed());
            }
            let per_byte = best.as_nanos() as f64 / front_matter_bytes as f64;
            println!("{name}: {best:?} for {front_matter_bytes} bytes, {per_byte:.2} ns a byte");
        };
        time("fast path", &|text, parts| parse(text, parts).is_some());
        time("full path", &|text, parts| parse_full(text, parts).is_ok());
    }
}
