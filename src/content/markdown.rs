//! Markdown to HTML and to the document's outline, in one parse.
//!
//! One pass over pulldown-cmark's events with their byte offsets yields: the body HTML (with
//! unique heading ids), the heading outline with each section's word count, the plain text blocks
//! used by keyword rules, and the links, images and tables the content lints look at.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::config::RawHtmlPolicy;

/// A heading in a document's body.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The heading's plain text.
    pub text: String,
    /// The text normalised for matching (see [`normalise_heading`]).
    pub normalised: String,
    /// The `id` attribute, unique in the page.
    pub id: String,
    /// 1-based line in the file.
    pub line: u32,
    /// Words of the whole section under it, sub-sections included, heading text excluded.
    pub words: u32,
}

/// A paragraph, list item, cell or heading of plain text, for keyword rules.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBlock {
    /// 1-based line where it starts.
    pub line: u32,
    /// Index into the outline of the section it is in (the nearest heading above).
    pub section: Option<usize>,
    /// Its plain text (links reduced to their text).
    pub text: String,
}

/// A link in the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The destination as written.
    pub href: String,
    /// The link text.
    pub text: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// An image in the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// The source.
    pub src: String,
    /// The alternative text.
    pub alt: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// A table in the body.
#[derive(Debug, Clone, PartialEq)]
pub struct TableInfo {
    /// 1-based line.
    pub line: u32,
    /// Whether the header row has any text.
    pub has_header: bool,
}

/// What one parse of a document body yields.
#[derive(Debug, Clone, Default)]
pub struct RenderedBody {
    /// The body as HTML.
    pub html: String,
    /// Headings, in order.
    pub outline: Vec<Heading>,
    /// Plain text blocks, in order.
    pub text: Vec<TextBlock>,
    /// Links, in order.
    pub links: Vec<Link>,
    /// Images, in order.
    pub images: Vec<Image>,
    /// Tables, in order.
    pub tables: Vec<TableInfo>,
    /// Words in the body.
    pub word_count: u32,
    /// Whether the body contained raw HTML.
    pub has_raw_html: bool,
}

/// Maps byte offsets of the body to lines and columns of the whole file.
struct LineIndex {
    starts: Vec<usize>,
    first_line: u32,
}

impl LineIndex {
    fn new(body: &str, first_line: u32) -> Self {
        let mut starts = vec![0];
        starts.extend(body.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts, first_line }
    }

    fn locate(&self, body: &str, offset: usize) -> (u32, u32) {
        let i = self.starts.partition_point(|&s| s <= offset) - 1;
        let col = body
            .get(self.starts[i]..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (self.first_line + i as u32, col as u32)
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Counts words: runs of non-space characters holding a letter or digit.
pub fn count_words(text: &str) -> u32 {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count() as u32
}

/// Renders `body` (which starts on `first_line` of its file) and collects its outline.
pub fn render(body: &str, first_line: u32, raw_html: RawHtmlPolicy) -> RenderedBody {
    let index = LineIndex::new(body, first_line);
    let mut out = RenderedBody::default();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut ids = IdSet::default();

    // Per-heading state: (index into events of the Start tag, text so far).
    let mut heading: Option<(usize, String, u32)> = None;
    let mut block: Option<(u32, String)> = None;
    let mut link: Option<(String, String, u32, u32)> = None;
    let mut image: Option<(String, String, u32, u32)> = None;
    let mut in_table_head = false;
    let mut head_has_text = false;
    // Word counts per outline entry, only of text outside headings.
    let mut section_words: Vec<u32> = Vec::new();

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match &event {
            Event::Start(Tag::Heading { level, .. }) => {
                let (line, _) = index.locate(body, range.start);
                heading = Some((events.len(), String::new(), line));
                let _ = level;
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((start, text, line)) = heading.take() {
                    let text = collapse_spaces(&text);
                    let id = ids.unique(&slugify(&text));
                    if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[start] {
                        *slot = Some(CowStr::from(id.clone()));
                    }
                    out.text.push(TextBlock {
                        line,
                        section: Some(out.outline.len()),
                        text: text.clone(),
                    });
                    out.outline.push(Heading {
                        level: heading_level(*level),
                        normalised: normalise_heading(&text),
                        text,
                        id,
                        line,
                        words: 0,
                    });
                    section_words.push(0);
                }
            }
            Event::Start(Tag::Paragraph | Tag::Item | Tag::TableCell | Tag::BlockQuote(_))
                if block.is_none() && heading.is_none() =>
            {
                let (line, _) = index.locate(body, range.start);
                block = Some((line, String::new()));
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) => {
                if let Some((line, text)) = block.take() {
                    let text = collapse_spaces(&text);
                    if !text.is_empty() {
                        let words = count_words(&text);
                        out.word_count += words;
                        if let Some(w) = section_words.last_mut() {
                            *w += words;
                        }
                        let section = out.outline.len().checked_sub(1);
                        out.text.push(TextBlock {
                            line,
                            section,
                            text,
                        });
                    }
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                let (line, col) = index.locate(body, range.start);
                link = Some((dest_url.to_string(), String::new(), line, col));
            }
            Event::End(TagEnd::Link) => {
                if let Some((href, text, line, column)) = link.take() {
                    out.links.push(Link {
                        href,
                        text: collapse_spaces(&text),
                        line,
                        column,
                    });
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let (line, col) = index.locate(body, range.start);
                image = Some((dest_url.to_string(), String::new(), line, col));
            }
            Event::End(TagEnd::Image) => {
                if let Some((src, alt, line, column)) = image.take() {
                    out.images.push(Image {
                        src,
                        alt: collapse_spaces(&alt),
                        line,
                        column,
                    });
                }
            }
            Event::Start(Tag::Table(_)) => {
                let (line, _) = index.locate(body, range.start);
                out.tables.push(TableInfo {
                    line,
                    has_header: false,
                });
            }
            Event::Start(Tag::TableHead) => {
                in_table_head = true;
                head_has_text = false;
            }
            Event::End(TagEnd::TableHead) => {
                in_table_head = false;
                if let Some(t) = out.tables.last_mut() {
                    t.has_header = head_has_text;
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if in_table_head && !t.trim().is_empty() {
                    head_has_text = true;
                }
                for buf in [
                    heading.as_mut().map(|h| &mut h.1),
                    block.as_mut().map(|b| &mut b.1),
                    link.as_mut().map(|l| &mut l.1),
                    image.as_mut().map(|i| &mut i.1),
                ]
                .into_iter()
                .flatten()
                {
                    buf.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                for buf in [
                    heading.as_mut().map(|h| &mut h.1),
                    block.as_mut().map(|b| &mut b.1),
                ]
                .into_iter()
                .flatten()
                {
                    buf.push(' ');
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => out.has_raw_html = true,
            _ => {}
        }
        events.push(match event {
            Event::Html(h) | Event::InlineHtml(h) if raw_html == RawHtmlPolicy::Escape => {
                Event::Text(h)
            }
            e => e,
        });
    }

    // A section's words include its sub-sections'.
    let n = out.outline.len();
    for i in 0..n {
        let level = out.outline[i].level;
        let sub: u32 = out.outline[i + 1..]
            .iter()
            .zip(&section_words[i + 1..])
            .take_while(|(h, _)| h.level > level)
            .map(|(_, w)| *w)
            .sum();
        out.outline[i].words = section_words[i] + sub;
    }

    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if out.has_raw_html && raw_html == RawHtmlPolicy::Sanitize {
        html = sanitize(&html);
    }
    out.html = html;
    out
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Removes scripts, event handlers, `javascript:` URLs and other unsafe markup, keeping ids
/// (heading anchors) and the structure Markdown produces.
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["id", "class", "lang"])
        .add_tag_attributes("th", ["scope"])
        .add_tag_attributes("td", ["colspan", "rowspan"])
        .link_rel(None)
        .clean(html)
        .to_string()
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A heading's text as an `id`: lower case, letters and digits, words joined by hyphens.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.extend(c.to_lowercase());
        } else if c != '\'' && c != '’' {
            dash = true;
        }
    }
    if slug.is_empty() || !slug.starts_with(|c: char| c.is_alphabetic()) {
        slug.insert_str(0, "section-");
        if slug.ends_with('-') {
            slug.pop();
        }
    }
    slug
}

#[derive(Default)]
struct IdSet {
    used: std::collections::HashSet<String>,
}

impl IdSet {
    fn unique(&mut self, base: &str) -> String {
        let mut id = base.to_string();
        let mut n = 1;
        while !self.used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

/// Normalises a heading for matching against rule patterns: plain lower-case text without its
/// leading numbering (`5.2`, `5.2)`, `Part 3 –`, `Section 1:`, `Appendix C -`, `Schedule 1`,
/// `iv.`), `&` as `and`, curly quotes and dashes folded, spaces collapsed.
pub fn normalise_heading(text: &str) -> String {
    let mut s: String = text
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' | '`' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{00a0}' | '\u{2007}' | '\u{202f}' => ' ',
            '\u{2013}' | '\u{2014}' => '-',
            c => c,
        })
        .collect::<String>()
        .to_lowercase()
        .replace('&', " and ");
    s = collapse_spaces(&s);
    strip_numbering(&s).trim().to_string()
}

fn strip_numbering(s: &str) -> &str {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"^(?:(?:part|section|appendix|annex|schedule|chapter)\s+[0-9a-z]{1,4}(?:\.[0-9]+)*\s*[:.\-)]?\s+|[0-9]+(?:\.[0-9]+)*[.)]?\s+|[a-z][.)]\s+|[ivxlc]+[.)]\s+|\([0-9a-z]+\)\s+)",
        )
        .expect("numbering pattern is valid")
    });
    match re.find(s) {
        Some(m) => strip_numbering_again(&s[m.end()..]),
        None => s,
    }
}

fn strip_numbering_again(s: &str) -> &str {
    // "Part 3 - 3.1 Governing body": strip a separator and a second number once.
    let s = s.trim_start_matches(['-', ':', ' ']);
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"^[0-9]+(?:\.[0-9]+)*[.)]?\s+").expect("valid"));
    match re.find(s) {
        Some(m) => &s[m.end()..],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_numbering_and_punctuation() {
        assert_eq!(
            normalise_heading("5.2 Audit & Risk Committee"),
            "audit and risk committee"
        );
        assert_eq!(
            normalise_heading("Part 3 – Governing Body"),
            "governing body"
        );
        assert_eq!(normalise_heading("Section 1: Name"), "name");
        assert_eq!(normalise_heading("iv. Quorum"), "quorum");
        assert_eq!(normalise_heading("Improving quality"), "improving quality");
        assert_eq!(
            normalise_heading("Health and Wellbeing Boards’ opinion"),
            "health and wellbeing boards' opinion"
        );
        assert_eq!(
            normalise_heading("Appendix C - Standing Orders"),
            "standing orders"
        );
    }

    #[test]
    fn outline_counts_section_words_with_subsections() {
        let body = "## One\n\nalpha beta\n\n### Sub\n\ngamma\n\n## Two\n\nTBC\n";
        let r = render(body, 5, RawHtmlPolicy::Sanitize);
        assert_eq!(r.outline.len(), 3);
        assert_eq!(r.outline[0].words, 3);
        assert_eq!(r.outline[1].words, 1);
        assert_eq!(r.outline[2].words, 1);
        assert_eq!(r.outline[0].line, 5);
        assert_eq!(r.outline[2].line, 13);
        assert!(r.html.contains("<h2 id=\"one\">One</h2>"), "{}", r.html);
    }

    #[test]
    fn heading_ids_are_unique() {
        let r = render("## A\n\n## A\n\n## A\n", 1, RawHtmlPolicy::Sanitize);
        let ids: Vec<_> = r.outline.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["a", "a-1", "a-2"]);
    }

    #[test]
    fn raw_html_policies() {
        let body =
            "<script>alert(1)</script>\n\n<a href=\"javascript:x()\" onclick=\"y()\">go</a>\n";
        let s = render(body, 1, RawHtmlPolicy::Sanitize).html;
        assert!(
            !s.contains("<script") && !s.contains("javascript:") && !s.contains("onclick"),
            "{s}"
        );
        let e = render(body, 1, RawHtmlPolicy::Escape).html;
        assert!(e.contains("&lt;script&gt;"), "{e}");
        let a = render(body, 1, RawHtmlPolicy::Allow).html;
        assert!(a.contains("<script>"), "{a}");
    }

    #[test]
    fn collects_links_images_tables() {
        let body =
            "See [the register](/register/).\n\n![](x.png)\n\n| A | B |\n|---|---|\n| 1 | 2 |\n";
        let r = render(body, 1, RawHtmlPolicy::Sanitize);
        assert_eq!(r.links[0].href, "/register/");
        assert_eq!(r.links[0].text, "the register");
        assert_eq!(r.images[0].alt, "");
        assert_eq!(r.images[0].line, 3);
        assert!(r.tables[0].has_header);
    }
}
