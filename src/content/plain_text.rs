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
            has_web_address: has_web_address(raw),
        });
        words
    }

    /// An empty text with room for `bytes` of text: the plain text of a body is a little
    /// shorter than its Markdown, so one allocation of the body's length usually holds it.
    pub(crate) fn with_capacity(bytes: usize) -> Self {
        BodyText {
            joined: String::with_capacity(bytes),
            blocks: Vec::new(),
        }
    }

    /// Frees the spare capacity (the text is complete) when it is more than a quarter of the
    /// text: room left by [`BodyText::with_capacity`] (the Markdown's marks and link
    /// addresses) is kept, since copying every body's text again would cost more than it frees.
    pub(crate) fn shrink_to_fit(&mut self) {
        if self.joined.capacity() - self.joined.len() > self.joined.len() / 4 {
            self.joined = String::from(self.joined.as_str());
        }
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

/// Whether a byte is ASCII white space as `char::is_whitespace` sees it (vertical tab included).
const fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// The character at byte `i` of `s` (a character boundary, outside ASCII), whether it is white
/// space, and its width in bytes.
#[cold]
fn wide_char_at(s: &str, i: usize) -> (char, bool, usize) {
    match s.get(i..).and_then(|rest| rest.chars().next()) {
        Some(c) => (c, c.is_whitespace(), c.len_utf8()),
        None => (char::REPLACEMENT_CHARACTER, false, 1),
    }
}

/// One word of `raw`: its byte range and whether it holds a letter or digit.
struct Word {
    start: usize,
    end: usize,
    alphanumeric: bool,
}

/// The next word of `raw` at or after byte `i` (a character boundary), if any. ASCII bytes are
/// read as they are; only other characters are decoded.
fn next_word(raw: &str, mut i: usize) -> Option<Word> {
    let bytes = raw.as_bytes();
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            if !is_ascii_space(b) {
                break;
            }
            i += 1;
        } else {
            let (_, space, width) = wide_char_at(raw, i);
            if !space {
                break;
            }
            i += width;
        }
    }
    let mut word = Word {
        start: i,
        end: i,
        alphanumeric: false,
    };
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            if is_ascii_space(b) {
                break;
            }
            word.alphanumeric |= b.is_ascii_alphanumeric();
            i += 1;
        } else {
            let (c, space, width) = wide_char_at(raw, i);
            if space {
                break;
            }
            word.alphanumeric = word.alphanumeric || is_alphanumeric(c);
            i += width;
        }
    }
    word.end = i;
    (word.start < word.end).then_some(word)
}

/// Appends `raw` to `out` with every run of white space made one space, the ends trimmed and
/// the letters in lower case (as `str::to_lowercase` does it, final sigma included), and returns
/// its words: runs of non-space characters holding a letter or digit. Text is copied in runs,
/// and lowercased in place where it is ASCII.
fn push_collapsed_lower(raw: &str, out: &mut String) -> u32 {
    if let Some(words) = words_if_plain(raw) {
        // Nothing to collapse and no upper case outside ASCII: one copy, lowered in place.
        let start = out.len();
        out.push_str(raw);
        out[start..].make_ascii_lowercase();
        return words;
    }
    if !raw.is_ascii() && raw.contains('Σ') {
        // The one letter whose lower case depends on its neighbours: let the library do it.
        let start = out.len();
        let words = push_collapsed(raw, out);
        let lower = out[start..].to_lowercase();
        out.truncate(start);
        out.push_str(&lower);
        return words;
    }
    let start = out.len();
    let bytes = raw.as_bytes();
    let (mut words, mut alphanumeric) = (0, false);
    let mut i = skip_space(raw, 0);
    // Text from `copied` on is copied as it is when a change (a run of spaces, an upper-case
    // letter outside ASCII) or the end is reached: most blocks are copied in a few pieces.
    let mut copied = i;
    while i < bytes.len() {
        // A run of printable ASCII (no spaces): the common case, a byte at a time.
        let run = i;
        while bytes.get(i).is_some_and(|b| (0x21..0x80).contains(b)) {
            i += 1;
        }
        if !alphanumeric {
            alphanumeric = bytes[run..i].iter().any(u8::is_ascii_alphanumeric);
        }
        let Some(&b) = bytes.get(i) else {
            break;
        };
        let (c, space, width) = if b.is_ascii() {
            (char::from(b), is_ascii_space(b), 1)
        } else {
            wide_char_at(raw, i)
        };
        if space {
            words += u32::from(alphanumeric);
            alphanumeric = false;
            let next = skip_space(raw, i);
            if b == b' ' && next == i + 1 && next < bytes.len() {
                i = next; // one plain space between words: kept as it is
                continue;
            }
            out.push_str(raw.get(copied..i).unwrap_or(""));
            if next < bytes.len() {
                out.push(' ');
            }
            (i, copied) = (next, next);
            continue;
        }
        if !b.is_ascii() {
            alphanumeric = alphanumeric || is_alphanumeric(c);
            if !is_own_lower_case(c) {
                out.push_str(raw.get(copied..i).unwrap_or(""));
                out.extend(c.to_lowercase());
                copied = i + width;
            }
        }
        i += width;
    }
    out.push_str(raw.get(copied..).unwrap_or(""));
    // Letters outside ASCII are lower case already; this leaves them as they are.
    out[start..].make_ascii_lowercase();
    words + u32::from(alphanumeric)
}

/// How many bits of a byte are set: baseline x86-64 has no instruction for it, and a table
/// lookup costs one load where the bit-counting sequence costs a dozen instructions.
const ONES_IN_BYTE: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).count_ones() as u8;
        b += 1;
    }
    table
};

/// What a group of bytes holds: which are a space and which an ASCII letter or digit (byte 0
/// in bit 0), and whether any is other white space (tab, line breaks, form feed) or the first
/// byte of a character outside ASCII (non-zero when so; only tested once per block).
struct GroupMasks {
    space: u32,
    alphanumeric: u32,
    other_space: u64,
    wide: u64,
}

/// Eight bytes at a time with integer arithmetic ("SWAR"), for processors without SSE2; x86-64
/// builds compile it for the tests that hold it to the SSE2 path.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
mod eight_at_a_time {
    use super::GroupMasks;

    /// Eight bytes at a time ("SWAR"): the high bit of each byte of a `u64` is that byte's answer.
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    const LOW_SEVEN_BITS: u64 = 0x7f7f_7f7f_7f7f_7f7f;

    /// `b` in every byte.
    const fn every_byte(b: u8) -> u64 {
        0x0101_0101_0101_0101 * b as u64
    }

    /// The high bit of each byte of `v` (each below 0x80) whose value is `k` or more.
    fn at_least(v: u64, k: u8) -> u64 {
        v.wrapping_add(every_byte(0x80 - k)) & HIGH_BITS
    }

    /// The high bits of the bytes of `m` gathered into eight bits, byte 0 in bit 0.
    fn gather_high_bits(m: u64) -> u32 {
        (((m >> 7) & every_byte(1)).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
    }

    /// [`GroupMasks`] of eight bytes, with integer arithmetic on a `u64` (any processor).
    pub(super) fn masks_of_eight(bytes: &[u8; 8]) -> GroupMasks {
        let x = u64::from_le_bytes(*bytes);
        let ascii = !x & HIGH_BITS;
        let low = x & LOW_SEVEN_BITS;
        let not_space = low ^ every_byte(b' ');
        // A byte is zero exactly when adding 0x7f to its low seven bits leaves the high bit clear.
        let space = !(not_space.wrapping_add(LOW_SEVEN_BITS) | not_space) & ascii;
        let folded = low | every_byte(0x20);
        let letter = at_least(folded, b'a') & !at_least(folded, b'z' + 1);
        let digit = at_least(low, b'0') & !at_least(low, b'9' + 1);
        let other_space = at_least(low, b'\t') & !at_least(low, b'\r' + 1);
        GroupMasks {
            space: gather_high_bits(space),
            alphanumeric: gather_high_bits((letter | digit) & ascii),
            other_space: other_space & ascii,
            // 0b11xx_xxxx: the first byte of a character of two bytes or more.
            wide: x & (x << 1) & HIGH_BITS,
        }
    }
}

/// [`GroupMasks`] of sixteen bytes with SSE2 vector instructions: a compare per class and one
/// instruction to gather each class's bits, four times fewer instructions than eight bytes
/// of integer arithmetic.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn masks_of_sixteen(bytes: &[u8; 16]) -> GroupMasks {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_min_epu8, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8, _mm_sub_epi8,
    };
    // SAFETY: this is compiled only where SSE2 is enabled (all of x86-64 has it), which is
    // all the intrinsics need; the load reads exactly the sixteen bytes of `bytes`, and
    // `_mm_loadu_si128` accepts any alignment.
    unsafe {
        let x = _mm_loadu_si128(bytes.as_ptr().cast::<__m128i>());
        let splat = |b: u8| _mm_set1_epi8(b as i8);
        // `v` in lo..=hi, unsigned: (v - lo) wraps above (hi - lo) when outside.
        let in_range = |v: __m128i, lo: u8, hi: u8| {
            let offset = _mm_sub_epi8(v, splat(lo));
            _mm_cmpeq_epi8(_mm_min_epu8(offset, splat(hi - lo)), offset)
        };
        let letter = in_range(_mm_or_si128(x, splat(0x20)), b'a', b'z');
        let digit = in_range(x, b'0', b'9');
        let bits = |m: __m128i| _mm_movemask_epi8(m) as u32;
        GroupMasks {
            space: bits(_mm_cmpeq_epi8(x, splat(b' '))),
            alphanumeric: bits(_mm_or_si128(letter, digit)),
            other_space: u64::from(bits(in_range(x, b'\t', b'\r'))),
            wide: u64::from(bits(_mm_cmpeq_epi8(_mm_max_epu8(x, splat(0xc0)), x))),
        }
    }
}

/// The words of `raw` when it is already collapsed (one space between words, none at the ends)
/// and its characters outside ASCII are all punctuation or symbols (’ – £): then collapsing and
/// lowering it is one copy and an ASCII lower-casing. `None` sends it the long way.
fn words_if_plain(raw: &str) -> Option<u32> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    return words_if_plain_in_groups(raw, masks_of_sixteen);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    return words_if_plain_in_groups(raw, eight_at_a_time::masks_of_eight);
}

/// [`words_if_plain`], reading `W` bytes at a time as bit masks (most blocks take this path).
/// A word is a run of non-spaces holding a letter or digit: adding the letters-and-digits mask
/// to the non-spaces mask carries out of exactly those runs, onto the space after them, so
/// the words are the set bits of `(non-spaces + alphanumerics) & spaces`, with the carry
/// passed on from one group to the next and a space imagined after the end.
fn words_if_plain_in_groups<const W: usize>(
    raw: &str,
    masks_of: fn(&[u8; W]) -> GroupMasks,
) -> Option<u32> {
    let bytes = raw.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return None;
    }
    let all = u32::MAX >> (32 - W);
    let (mut words, mut carry, mut space_before, mut double_space) = (0u32, 0u32, 0u32, 0u32);
    let (mut other_space, mut wide) = (0u64, 0u64);
    let mut add_group = |group: &[u8; W], counted: u32| {
        let m = masks_of(group);
        let spaces = m.space & counted;
        double_space |= spaces & ((spaces << 1) | space_before);
        other_space |= m.other_space;
        wide |= m.wide;
        space_before = spaces >> (W - 1);
        let sum = (!m.space & all) + m.alphanumeric + carry;
        carry = sum >> W;
        let ends = sum & m.space;
        u32::from(ONES_IN_BYTE[(ends & 0xff) as usize])
            + u32::from(ONES_IN_BYTE[(ends >> 8 & 0xff) as usize])
    };
    let mut groups = bytes.chunks_exact(W);
    for group in &mut groups {
        let mut full = [0u8; W];
        full.copy_from_slice(group);
        words += add_group(&full, all);
    }
    // The last bytes, padded with spaces: the first of them ends the last word.
    let rest = groups.remainder();
    let mut last = [b' '; W];
    last[..rest.len()].copy_from_slice(rest);
    words += add_group(&last, (1u32 << rest.len()) - 1);
    if double_space != 0 || other_space != 0 || (wide != 0 && !wide_chars_are_symbols(raw)) {
        return None;
    }
    Some(words)
}

/// Whether every character of `raw` outside ASCII is neither white space nor a letter or
/// digit, and is its own lower case. ASCII is skipped eight bytes at a time.
fn wide_chars_are_symbols(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes
            .get(i..i + 8)
            .and_then(|c| <[u8; 8]>::try_from(c).ok())
        {
            if u64::from_ne_bytes(chunk) & 0x8080_8080_8080_8080 == 0 {
                i += 8;
                continue;
            }
        }
        if bytes[i] < 0x80 {
            i += 1;
            continue;
        }
        let (c, space, width) = wide_char_at(raw, i);
        if space || is_alphanumeric(c) || !is_own_lower_case(c) {
            return false;
        }
        i += width;
    }
    true
}

/// Dashes, quotation marks and the like (U+2010 to U+2027), which smart punctuation puts in
/// most paragraphs: not letters, digits or white space, and their own lower case. Looking
/// them up in the Unicode tables costs hundreds of instructions each.
fn is_general_punctuation(c: char) -> bool {
    ('\u{2010}'..='\u{2027}').contains(&c)
}

/// Whether a character is a letter or digit.
fn is_alphanumeric(c: char) -> bool {
    !is_general_punctuation(c) && c.is_alphanumeric()
}

/// Whether a character is its own lower case (punctuation, digits, lower-case letters).
fn is_own_lower_case(c: char) -> bool {
    if is_general_punctuation(c) {
        return true;
    }
    let mut lower = c.to_lowercase();
    lower.next() == Some(c) && lower.next().is_none()
}

/// The first byte at or after `i` that is not white space (or the end).
fn skip_space(raw: &str, mut i: usize) -> usize {
    let bytes = raw.as_bytes();
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            if !is_ascii_space(b) {
                break;
            }
            i += 1;
        } else {
            let (_, space, width) = wide_char_at(raw, i);
            if !space {
                break;
            }
            i += width;
        }
    }
    i
}

/// [`push_collapsed_lower`] without the lower case.
fn push_collapsed(raw: &str, out: &mut String) -> u32 {
    push_words(raw, out)
}

/// Appends the words of `raw` one space apart and counts those holding a letter or digit.
fn push_words(raw: &str, out: &mut String) -> u32 {
    let (mut words, mut at) = (0, 0);
    while let Some(word) = next_word(raw, at) {
        if at > 0 {
            out.push(' ');
        }
        out.push_str(raw.get(word.start..word.end).unwrap_or(""));
        words += u32::from(word.alphanumeric);
        at = word.end;
    }
    words
}

/// Whether `raw` holds `http://` or `https://`.
fn has_web_address(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    memchr::memchr_iter(b':', bytes).any(|i| {
        let (before, after) = bytes.split_at(i);
        after.starts_with(b"://") && (before.ends_with(b"http") || before.ends_with(b"https"))
    })
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
        "x\u{2007}y\u{202f}z\u{2028}w \u{85}",
        "Σ",
        "ß ẞ ﬁ ΐ",
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
    fn mixed_pieces_collapse_as_the_slow_way_does() {
        const PIECES: &[&str] = &[
            "a", "Z", "9", " ", "  ", "\t", "\n", "\u{b}", "\u{a0}", "\u{3000}", "\u{85}", "É",
            "ß", "Σ", "’", "—", "£", "-", ".", "İ", "ǅ", "🙂", "http", "://", "s",
        ];
        let mut seed = 0x2545_f491_u64;
        for _ in 0..3000 {
            let mut raw = String::new();
            for _ in 0..(seed % 9) {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                raw.push_str(PIECES[(seed >> 33) as usize % PIECES.len()]);
            }
            let mut text = BodyText::default();
            let words = text.push_block(&raw, 1, None, true);
            let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(text.as_str(), collapsed.to_lowercase(), "{raw:?}");
            assert_eq!(words, count_words(&raw), "{raw:?}");
            assert_eq!(
                has_web_address(&raw),
                raw.contains("http://") || raw.contains("https://"),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn every_byte_is_classed_alike_by_both_paths() {
        for b in 0..=255u8 {
            let space = u32::from(b == b' ');
            let alphanumeric = u32::from(b.is_ascii_alphanumeric());
            let other_space = (b'\t'..=b'\r').contains(&b);
            let wide = b >= 0xc0;
            let eight = eight_at_a_time::masks_of_eight(&[b; 8]);
            assert_eq!(eight.space, space * 0xff, "{b:#x}");
            assert_eq!(eight.alphanumeric, alphanumeric * 0xff, "{b:#x}");
            assert_eq!(eight.other_space != 0, other_space, "{b:#x}");
            assert_eq!(eight.wide != 0, wide, "{b:#x}");
            #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
            {
                let sixteen = masks_of_sixteen(&[b; 16]);
                assert_eq!(sixteen.space, space * 0xffff, "{b:#x}");
                assert_eq!(sixteen.alphanumeric, alphanumeric * 0xffff, "{b:#x}");
                assert_eq!(sixteen.other_space != 0, other_space, "{b:#x}");
                assert_eq!(sixteen.wide != 0, wide, "{b:#x}");
            }
        }
    }

    /// The portable path, which x86-64 does not take.
    fn words_by_eight(raw: &str) -> Option<u32> {
        words_if_plain_in_groups(raw, eight_at_a_time::masks_of_eight)
    }

    #[test]
    fn long_plain_blocks_count_words_across_groups() {
        const WORDS: &[&str] = &[
            "a", "Zz", "42", "-", "–", "£3.2m", "(b)", "x’s", "http://a", "...",
        ];
        let mut seed = 0x9e37_79b9_u64;
        for _ in 0..3000 {
            let mut raw = String::new();
            for _ in 0..(seed % 40) {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                if !raw.is_empty() {
                    raw.push(' ');
                }
                raw.push_str(WORDS[(seed >> 33) as usize % WORDS.len()]);
            }
            let doubled = raw.replacen(' ', "  ", 1);
            let tabbed = raw.replacen(' ', "\t", 1);
            for words in [words_if_plain, words_by_eight] {
                assert_eq!(words(&raw), Some(count_words(&raw)), "{raw:?}");
                if doubled != raw {
                    assert_eq!(words(&doubled), None, "{doubled:?}");
                    assert_eq!(words(&tabbed), None, "{tabbed:?}");
                }
            }
        }
    }

    #[test]
    fn collapsed_text_with_symbols_takes_the_short_way() {
        for words in [words_if_plain, words_by_eight] {
            assert_eq!(words("Our £3.2 million – the CCG’s plan"), Some(6));
            assert_eq!(words("a - b"), Some(2));
            assert_eq!(words(""), Some(0));
            assert_eq!(words("é"), None);
        }
        assert_eq!(words_if_plain("Our £3.2 million – the CCG’s plan"), Some(6));
        assert_eq!(words_if_plain("a - b"), Some(2));
        assert_eq!(words_if_plain(""), Some(0));
        for long_way in [
            "a  b", " a", "a ", "a\tb", "a\nb", "Été", "café", "a\u{a0}b",
        ] {
            assert_eq!(words_if_plain(long_way), None, "{long_way:?}");
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
        for (raw, has) in [
            ("a http://b", true),
            ("https://", true),
            ("http:/", false),
            ("httpss://", false),
            ("xhttps://y", true),
        ] {
            assert_eq!(has_web_address(raw), has, "{raw:?}");
        }
    }
}
