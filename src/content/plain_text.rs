//! A body's plain text, as keyword rules read it: every paragraph, list item, table cell, block
//! quote and heading is a block, its white space collapsed and its letters in lower case.
//!
//! The blocks of a document live in one string, one space apart, with a small span per block
//! (line, section, byte range): a 10,000-document site has nearly a million blocks, and one
//! allocation each would cost more memory than their text. The joined string is exactly the
//! text keyword rules search, so checking a document copies nothing.

/// The section a block is in: an index into the outline, or none (text above the first heading).
const NO_SECTION: u32 = u32::MAX;

/// Where one block's text is, and what the check needs to know about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BlockSpan {
    line: u32,
    section: u32,
    start: u32,
    end: u32,
    has_web_address: bool,
}

/// One block of a body's plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextBlock<'a> {
    /// 1-based line where it starts.
    pub line: u32,
    /// Index into the outline of the section it is in (the nearest heading above).
    pub section: Option<usize>,
    /// Its plain text (links reduced to their text), white space collapsed, in lower case.
    pub text: &'a str,
    /// Whether it holds `http://` or `https://`, as written (in its original case).
    pub has_web_address: bool,
}

/// A body's plain text blocks, in order, in one string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BodyText {
    /// Every block, in lower case, blocks one space apart.
    joined: String,
    blocks: Vec<BlockSpan>,
}

impl BodyText {
    /// Every block joined by one space, in lower case: the text keyword rules search.
    pub fn as_str(&self) -> &str {
        &self.joined
    }

    /// How many blocks there are.
    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    /// Whether there are no blocks.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// The blocks, in order.
    pub fn blocks(&self) -> impl Iterator<Item = TextBlock<'_>> + '_ {
        self.blocks.iter().map(|b| TextBlock {
            line: b.line,
            section: (b.section != NO_SECTION).then_some(b.section as usize),
            text: self
                .joined
                .get(b.start as usize..b.end as usize)
                .unwrap_or(""),
            has_web_address: b.has_web_address,
        })
    }

    /// The blocks `keep` accepts (by section), joined as [`BodyText::as_str`] joins them all.
    pub fn joined_where(&self, keep: impl Fn(Option<usize>) -> bool) -> String {
        let mut text = String::new();
        for block in self.blocks().filter(|b| keep(b.section)) {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(block.text);
        }
        text
    }

    /// Adds a block from its `raw` text (white space not yet collapsed) and returns how many
    /// words it has (as [`super::markdown::count_words`] counts them). A paragraph-like block
    /// that is only white space is not added (`keep_empty` false); a heading always is.
    pub(crate) fn push_block(
        &mut self,
        raw: &str,
        line: u32,
        section: Option<usize>,
        keep_empty: bool,
    ) -> u32 {
        let before = self.joined.len();
        // Blocks are one space apart; the first block (even an empty one) has none before it.
        if !self.joined.is_empty() {
            self.joined.push(' ');
        }
        let start = self.joined.len();
        let words = push_collapsed_lower(raw, &mut self.joined);
        if start == self.joined.len() && !keep_empty {
            self.joined.truncate(before);
            return words;
        }
        let (Ok(start), Ok(end)) = (u32::try_from(start), u32::try_from(self.joined.len())) else {
            // Past 4 GiB of plain text in one document: keep what fits.
            self.joined.truncate(before);
            return words;
        };
        self.blocks.push(BlockSpan {
            line,
            section: section
                .and_then(|s| u32::try_from(s).ok())
                .unwrap_or(NO_SECTION),
            start,
            end,
            has_web_address: raw.contains("http://") || raw.contains("https://"),
        });
        words
    }

    /// Frees the spare capacity (the text is complete).
    pub(crate) fn shrink_to_fit(&mut self) {
        self.joined = exact_copy(std::mem::take(&mut self.joined));
        self.blocks.shrink_to_fit();
    }

    /// The byte range of a block (for tests).
    #[cfg(test)]
    fn range(&self, i: usize) -> std::ops::Range<usize> {
        self.blocks[i].start as usize..self.blocks[i].end as usize
    }
}

/// `s` in an allocation of its own length. `String::shrink_to_fit` may keep the whole block:
/// the allocator (mimalloc) shrinks in place only below half the size, and a string grown by
/// doubling is usually above it. A copy costs less than the memory it frees.
pub fn exact_copy(s: String) -> String {
    if s.capacity() - s.len() <= s.len() / 16 {
        return s;
    }
    String::from(s.as_str())
}

/// What one character is to the collapsing: white space, part of a word, and whether a letter
/// or digit.
fn classify(c: char) -> (bool, bool) {
    if c.is_ascii() {
        (
            c.is_ascii_whitespace() || c == '\u{b}',
            c.is_ascii_alphanumeric(),
        )
    } else {
        (c.is_whitespace(), c.is_alphanumeric())
    }
}

/// Appends `raw` to `out` with every run of white space made one space, the ends trimmed and
/// the letters in lower case (as `str::to_lowercase` does it, final sigma included), and returns
/// its words: runs of non-space characters holding a letter or digit. One pass over the bytes,
/// decoding only the characters outside ASCII.
fn push_collapsed_lower(raw: &str, out: &mut String) -> u32 {
    if raw.contains('Σ') {
        // The one letter whose lower case depends on its neighbours: let the library do it.
        let start = out.len();
        let words = push_collapsed(raw, out);
        let lower = out[start..].to_lowercase();
        out.truncate(start);
        out.push_str(&lower);
        return words;
    }
    let bytes = raw.as_bytes();
    let (mut words, mut in_word, mut alphanumeric, mut space_before) = (0, false, false, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (c, width) = if b.is_ascii() {
            (char::from(b), 1)
        } else {
            match raw.get(i..).and_then(|s| s.chars().next()) {
                Some(c) => (c, c.len_utf8()),
                None => break,
            }
        };
        let (space, alnum) = classify(c);
        if space {
            if in_word {
                words += u32::from(alphanumeric);
                (in_word, alphanumeric) = (false, false);
                space_before = true;
            }
        } else {
            if space_before {
                out.push(' ');
                space_before = false;
            }
            in_word = true;
            alphanumeric |= alnum;
            if b.is_ascii() {
                out.push(char::from(b.to_ascii_lowercase()));
            } else {
                out.extend(c.to_lowercase());
            }
        }
        i += width;
    }
    words + u32::from(in_word && alphanumeric)
}

/// [`push_collapsed_lower`] without the lower case.
fn push_collapsed(raw: &str, out: &mut String) -> u32 {
    let (mut words, mut in_word, mut alphanumeric, mut space_before) = (0, false, false, false);
    for c in raw.chars() {
        let (space, alnum) = classify(c);
        if space {
            if in_word {
                words += u32::from(alphanumeric);
                (in_word, alphanumeric) = (false, false);
                space_before = true;
            }
        } else {
            if space_before {
                out.push(' ');
                space_before = false;
            }
            in_word = true;
            alphanumeric |= alnum;
            out.push(c);
        }
    }
    words + u32::from(in_word && alphanumeric)
}

/// `s` with every run of white space made one space and the ends trimmed.
pub fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_collapsed(s, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown::count_words;

    const SAMPLES: &[&str] = &[
        "",
        "   ",
        "  one two\tthree\n",
        "a - b – 42 ... c’s",
        "naïve\u{a0}café\u{3000}x ",
        "\u{b}x\u{c}y\u{85}z",
        "Ünïcödé ÉTÉ İstanbul ǅ ΑΣ ΟΔΟΣ. σ Σ",
        "HTTPS://Example.org and http://x",
        "ΣΑΣ  ΑΣ\tα",
    ];

    #[test]
    fn collapses_lowercases_and_counts_as_the_slow_way_does() {
        for raw in SAMPLES {
            let mut text = BodyText::default();
            let words = text.push_block(raw, 1, None, true);
            let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(text.as_str(), collapsed.to_lowercase(), "{raw:?}");
            assert_eq!(words, count_words(raw), "{raw:?}");
            assert_eq!(collapse_spaces(raw), collapsed, "{raw:?}");
        }
    }

    #[test]
    fn blocks_are_one_space_apart_and_empty_ones_left_out() {
        let mut text = BodyText::default();
        text.push_block("", 1, Some(0), true);
        text.push_block(" First  Block ", 3, Some(0), false);
        text.push_block(" \n ", 4, Some(0), false);
        text.push_block("See HTTPS://x", 5, None, false);
        assert_eq!(text.as_str(), "first block see https://x");
        assert_eq!(
            text.len(),
            3,
            "the empty heading stays, the blank paragraph does not"
        );
        let blocks: Vec<_> = text.blocks().collect();
        assert_eq!(blocks[1].text, "first block");
        assert_eq!(text.range(1), 0..11);
        assert_eq!(blocks[1].line, 3);
        assert_eq!(blocks[1].section, Some(0));
        assert_eq!(blocks[2].section, None);
        assert!(!blocks[2].has_web_address, "as written: HTTPS is not https");
        assert_eq!(text.joined_where(|s| s.is_none()), "see https://x");
    }
}
