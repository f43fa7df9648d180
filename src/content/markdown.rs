//! Markdown to HTML and to the document's outline, in one parse.
//!
//! One pass over pulldown-cmark's events with their byte offsets yields: the body HTML (with
//! unique heading ids), the heading outline with each section's word count, the plain text blocks
//! used by keyword rules, and the links, images and tables the content lints look at.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::config::RawHtmlPolicy;
use crate::content::plain_text::exact_copy;
pub use crate::content::plain_text::{collapse_spaces, BodyText, TextBlock};

/// A heading in a document's body.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The heading's plain text.
    pub text: String,
    /// The `id` attribute, unique in the page.
    pub id: String,
    /// 1-based line in the file.
    pub line: u32,
    /// Words of the whole section under it, sub-sections included, heading text excluded.
    pub words: u32,
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
    /// Plain text blocks, in order, in lower case (for keyword rules).
    pub text: BodyText,
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

impl RenderedBody {
    /// Frees the plain text, links, images and tables, which only the check reads.
    pub fn drop_check_data(&mut self) {
        self.text = BodyText::default();
        self.links = Vec::new();
        self.images = Vec::new();
        self.tables = Vec::new();
    }
}

/// Maps byte offsets of the body to lines and columns of the whole file.
struct LineIndex {
    starts: Vec<usize>,
    first_line: u32,
}

impl LineIndex {
    fn new(body: &str, first_line: u32) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', body.as_bytes()).map(|i| i + 1));
        LineIndex { starts, first_line }
    }

    /// The line of a byte offset (1-based, in the whole file).
    fn line(&self, offset: usize) -> u32 {
        let i = self.starts.partition_point(|&s| s <= offset) - 1;
        self.first_line + i as u32
    }

    fn locate(&self, body: &str, offset: usize) -> (u32, u32) {
        let line = self.line(offset);
        let start = self.starts[(line - self.first_line) as usize];
        let col = body.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, col as u32)
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
    // One pass over the characters (this runs on every block of every document).
    let (mut words, mut in_word, mut has_alphanumeric) = (0, false, false);
    for c in text.chars() {
        if c.is_whitespace() {
            words += u32::from(in_word && has_alphanumeric);
            (in_word, has_alphanumeric) = (false, false);
        } else {
            in_word = true;
            has_alphanumeric |= c.is_alphanumeric();
        }
    }
    words + u32::from(in_word && has_alphanumeric)
}

/// Renders `body` (which starts on `first_line` of its file) and collects its outline.
pub fn render(body: &str, first_line: u32, raw_html: RawHtmlPolicy) -> RenderedBody {
    parse_body(body, first_line, raw_html, BodyHtml::Render)
}

/// Whether a parse of a body also renders its HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BodyHtml {
    /// Render the HTML (`build`, `serve`).
    #[default]
    Render,
    /// Only the outline, text, links, images and tables (`check`, which shows no page): the
    /// HTML stays empty, which saves the HTML writer, the sanitiser and the memory.
    Skip,
}

/// Parses `body` (which starts on `first_line` of its file): its outline always, its HTML when
/// asked.
pub fn parse_body(
    body: &str,
    first_line: u32,
    raw_html: RawHtmlPolicy,
    html: BodyHtml,
) -> RenderedBody {
    let index = LineIndex::new(body, first_line);
    let mut out = RenderedBody {
        text: BodyText::with_capacity(body.len()),
        ..RenderedBody::default()
    };
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut ids = IdSet::default();

    // Per-heading state: (index into events of the Start tag, text so far).
    let mut heading: Option<(usize, String, u32)> = None;
    let mut block: Option<(u32, String)> = None;
    // The buffer a block's text is gathered in, reused from block to block.
    let mut block_text = String::new();
    let mut link: Option<(String, String, u32, u32)> = None;
    let mut image: Option<(String, String, u32, u32)> = None;
    let mut in_table_head = false;
    let mut head_has_text = false;
    // Word counts per outline entry, only of text outside headings.
    let mut section_words: Vec<u32> = Vec::new();
    // Each Markdown table's label: the heading it sits under.
    let mut table_labels: Vec<String> = Vec::new();

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match &event {
            Event::Start(Tag::Heading { level, .. }) => {
                let line = index.line(range.start);
                heading = Some((events.len(), String::new(), line));
                let _ = level;
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((start, raw, line)) = heading.take() {
                    let text = collapse_spaces(&raw);
                    let id = ids.unique(slugify(&text));
                    if let Some(Event::Start(Tag::Heading { id: slot, .. })) = events.get_mut(start)
                    {
                        *slot = Some(CowStr::from(id.clone()));
                    }
                    out.text
                        .push_block(&raw, line, Some(out.outline.len()), true);
                    out.outline.push(Heading {
                        level: heading_level(*level),
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
                let line = index.line(range.start);
                block_text.clear();
                block = Some((line, std::mem::take(&mut block_text)));
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) => {
                if let Some((line, raw)) = block.take() {
                    let section = out.outline.len().checked_sub(1);
                    let words = out.text.push_block(&raw, line, section, false);
                    out.word_count += words;
                    if let Some(w) = section_words.last_mut() {
                        *w += words;
                    }
                    block_text = raw;
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
                let line = index.line(range.start);
                if html == BodyHtml::Render {
                    table_labels.push(table_label(
                        table_labels.len() + 1,
                        out.outline.last().map(|h| h.text.as_str()),
                    ));
                }
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
        if html == BodyHtml::Skip {
            continue;
        }
        events.push(match event {
            Event::Html(h) | Event::InlineHtml(h) if raw_html == RawHtmlPolicy::Escape => {
                Event::Text(h)
            }
            e if raw_html != RawHtmlPolicy::Allow => defuse_url(e),
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

    out.text.shrink_to_fit();
    if html == BodyHtml::Render {
        let rendered = body_html(events, raw_html, out.has_raw_html, body.len());
        out.html = if table_labels.is_empty() {
            exact_copy(rendered)
        } else {
            exact_copy(wrap_tables(&rendered, &table_labels))
        };
    }
    out
}

/// The HTML of a body's events, flattened, sanitised or escaped as the policy says.
fn body_html(
    events: Vec<Event<'_>>,
    raw_html: RawHtmlPolicy,
    has_raw_html: bool,
    body_len: usize,
) -> String {
    let mut events = flatten_deep_nesting(events);
    if raw_html != RawHtmlPolicy::Escape && raw_html_depth(&events) > MAX_RAW_HTML_DEPTH {
        // Too deep for the sanitiser and the minifier to handle safely: show it as text.
        escape_raw_html(&mut events);
    }
    let mut html = String::with_capacity(body_len * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if has_raw_html && raw_html == RawHtmlPolicy::Sanitize {
        html = sanitize(&html);
    }
    html
}

/// The accessible name of a body's table `n` (1-based): "Table 2: Spending by area", after the
/// heading it sits under.
fn table_label(n: usize, heading: Option<&str>) -> String {
    match heading {
        Some(h) if !h.is_empty() => format!("Table {n}: {h}"),
        _ => format!("Table {n}"),
    }
}

/// Wraps each outermost `<table>` of a rendered body in a focusable region that scrolls
/// sideways (`<div class="table-region" role="region" aria-label=.. tabindex="0">`), so that a
/// wide table neither widens the page nor is out of reach of a keyboard. Runs after the
/// sanitiser, which would strip the region's attributes. The `n`th table gets `labels[n]`, or a
/// numbered label if raw HTML added tables.
fn wrap_tables(html: &str, labels: &[String]) -> String {
    const OPEN: &str = "<table";
    const CLOSE: &str = "</table>";
    let mut out = String::with_capacity(html.len() + labels.len() * 96);
    let (mut depth, mut count, mut rest) = (0usize, 0usize, html);
    loop {
        let open = find_table_start(rest);
        let close = if depth > 0 { rest.find(CLOSE) } else { None };
        match (open, close) {
            (Some(o), c) if c.is_none_or(|c| o < c) => {
                out.push_str(&rest[..o]);
                if depth == 0 {
                    count += 1;
                    let label = labels
                        .get(count - 1)
                        .cloned()
                        .unwrap_or_else(|| table_label(count, None));
                    out.push_str(&format!(
                        "<div class=\"table-region\" role=\"region\" aria-label=\"{}\" tabindex=\"0\">",
                        escape_attribute(&label)
                    ));
                }
                depth += 1;
                out.push_str(OPEN);
                rest = &rest[o + OPEN.len()..];
            }
            (_, Some(c)) => {
                out.push_str(&rest[..c + CLOSE.len()]);
                depth -= 1;
                if depth == 0 {
                    out.push_str("</div>");
                }
                rest = &rest[c + CLOSE.len()..];
            }
            _ => break,
        }
    }
    out.push_str(rest);
    if depth > 0 {
        out.push_str("</div>");
    }
    out
}

/// Where the first `<table>` start tag of `html` begins (not `<tablex>`).
fn find_table_start(html: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = html[from..].find("<table") {
        let start = from + at;
        let next = html.as_bytes().get(start + "<table".len());
        if matches!(next, Some(b'>' | b' ' | b'\t' | b'\n' | b'/')) {
            return Some(start);
        }
        from = start + 1;
    }
    None
}

/// `text` made safe inside a double-quoted attribute.
fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// How deeply Markdown elements (block quotes, lists, emphasis...) may nest in the HTML of a
/// body. Deeper structure is flattened: its text is kept, its tags are dropped. Real documents
/// nest a handful of levels; tens of thousands would overflow the stack of the HTML tools
/// downstream (the minifier parses recursively).
pub const MAX_NESTING: usize = 48;

/// How deeply raw HTML written in a document may nest before it is shown as text instead of
/// being sanitised or passed through: the sanitiser's tree builder slows down quadratically
/// with depth, and the minifier recurses.
pub const MAX_RAW_HTML_DEPTH: usize = 128;

/// Drops the tags of elements nested deeper than [`MAX_NESTING`], keeping their text. A tag is
/// only dropped where its parent may hold text (so no text lands directly inside `<ul>` or
/// `<table>`); the ends of dropped blocks become line breaks in the source.
fn flatten_deep_nesting(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    // For each open tag, whether it was written; for each written open tag, whether it may hold
    // text and blocks.
    let mut open: Vec<bool> = Vec::new();
    let mut written: Vec<bool> = Vec::new();
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        match event {
            Event::Start(tag) => {
                let parent_holds_text = written.last().is_none_or(|&h| h);
                let write = written.len() < MAX_NESTING || !parent_holds_text;
                open.push(write);
                if write {
                    written.push(holds_text(&tag));
                    out.push(Event::Start(tag));
                }
            }
            Event::End(end) => match open.pop() {
                Some(true) | None => {
                    written.pop();
                    out.push(Event::End(end));
                }
                Some(false) => {
                    if is_block_end(&end) {
                        out.push(Event::SoftBreak);
                    }
                }
            },
            e => out.push(e),
        }
    }
    out
}

/// Whether text and inline content may go directly inside this element.
fn holds_text(tag: &Tag<'_>) -> bool {
    !matches!(
        tag,
        Tag::List(_) | Tag::Table(_) | Tag::TableHead | Tag::TableRow
    )
}

fn is_block_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::Item
            | TagEnd::List(_)
            | TagEnd::FootnoteDefinition
            | TagEnd::TableCell
            | TagEnd::TableRow
            | TagEnd::TableHead
            | TagEnd::Table
    )
}

/// URL schemes a Markdown link or image may use (besides relative URLs), as in ammonia.
const SAFE_SCHEMES: &[&str] = &[
    "http", "https", "mailto", "tel", "sms", "ftp", "ftps", "webcal",
];

/// Whether a link destination is relative or uses a safe scheme. Like a browser, tabs and line
/// breaks inside the URL and control characters and spaces around it are ignored, and the
/// scheme is case-insensitive: `jav&#x09;ascript:` and ` JavaScript:` are both `javascript:`.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let Some(colon) = cleaned.find(':') else {
        return true;
    };
    if cleaned[..colon].contains(['/', '?', '#']) {
        return true; // the colon is in a path, query or fragment: a relative URL
    }
    let scheme = cleaned[..colon].to_ascii_lowercase();
    SAFE_SCHEMES.contains(&scheme.as_str())
}

/// Points links and images with an unsafe destination (`javascript:`, `data:`, `vbscript:`...)
/// nowhere, keeping their text.
fn defuse_url(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !is_safe_url(&dest_url) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::Borrowed("#"),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if !is_safe_url(&dest_url) => Event::Start(Tag::Image {
            link_type,
            dest_url: CowStr::Borrowed(""),
            title,
            id,
        }),
        e => e,
    }
}

/// The deepest nesting of the raw HTML in `events`, counted over all its fragments together.
fn raw_html_depth(events: &[Event<'_>]) -> usize {
    let mut depth = DepthCounter::default();
    for e in events {
        if let Event::Html(h) | Event::InlineHtml(h) = e {
            depth.feed(h);
        }
    }
    depth.max
}

fn escape_raw_html(events: &mut [Event<'_>]) {
    for e in events.iter_mut() {
        if let Event::Html(h) | Event::InlineHtml(h) = e {
            *e = Event::Text(std::mem::replace(h, CowStr::Borrowed("")));
        }
    }
}

/// The deepest element nesting of an HTML text, estimated from its tags: every start tag of a
/// non-void element opens a level, every end tag closes one. Implied end tags (`<p>`, `<li>`)
/// make this an over-estimate, never an under-estimate by more than the elements a parser adds
/// on its own (`<tbody>`).
pub fn html_nesting_depth(html: &str) -> usize {
    let mut depth = DepthCounter::default();
    depth.feed(html);
    depth.max
}

#[derive(Default)]
struct DepthCounter {
    depth: usize,
    max: usize,
}

impl DepthCounter {
    fn feed(&mut self, html: &str) {
        let bytes = html.as_bytes();
        let mut i = 0;
        while let Some(p) = memchr_lt(&bytes[i..]) {
            let at = i + p + 1;
            i = at;
            match bytes.get(at) {
                Some(b'/') => self.depth = self.depth.saturating_sub(1),
                Some(b) if b.is_ascii_alphabetic() => {
                    let name_end = bytes[at..]
                        .iter()
                        .position(|b| !b.is_ascii_alphanumeric())
                        .map_or(bytes.len(), |n| at + n);
                    // Stop at the next `<` too, so that a text full of unclosed tags stays linear.
                    let tag_end = bytes[name_end..]
                        .iter()
                        .position(|&b| b == b'>' || b == b'<')
                        .map(|n| name_end + n);
                    let self_closing =
                        tag_end.is_some_and(|e| bytes[e] == b'>' && e > 0 && bytes[e - 1] == b'/');
                    if !self_closing && !is_void(&html[at..name_end]) {
                        self.depth += 1;
                        self.max = self.max.max(self.depth);
                    }
                }
                _ => {}
            }
        }
    }
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'<')
}

fn is_void(name: &str) -> bool {
    const VOID: [&str; 14] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "param",
    ];
    VOID.iter().any(|v| v.eq_ignore_ascii_case(name))
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

/// A heading's text as an `id`: lower case, letters and digits, words joined by hyphens.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric()) {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            if c.is_ascii() {
                slug.push(c.to_ascii_lowercase());
            } else {
                slug.extend(c.to_lowercase());
            }
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
    used: std::collections::HashSet<String, foldhash::fast::RandomState>,
    /// The next suffix to try for each base, so that thousands of equal headings stay linear.
    next: std::collections::HashMap<String, usize, foldhash::fast::RandomState>,
}

impl IdSet {
    fn unique(&mut self, base: String) -> String {
        if !self.used.contains(&base) {
            self.used.insert(base.clone());
            return base;
        }
        let n = self.next.entry(base.clone()).or_insert(1);
        loop {
            let id = format!("{base}-{n}");
            *n += 1;
            if !self.used.contains(&id) {
                self.used.insert(id.clone());
                return id;
            }
        }
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
    fn counts_words_as_runs_holding_a_letter_or_digit() {
        assert_eq!(count_words(""), 0);
        assert_eq!(count_words("  one two\tthree\n"), 3);
        assert_eq!(count_words("a - b – 42 ... c’s"), 4);
        assert_eq!(
            count_words("naïve\u{a0}café\u{3000}x"),
            3,
            "Unicode spaces split"
        );
        assert_eq!(
            count_words("\u{b}x\u{c}y"),
            2,
            "vertical tab and form feed split"
        );
    }

    #[test]
    fn skipping_the_html_keeps_the_outline_and_text() {
        let body = "## Quality\n\nWe [improved](/q/) care.\n\n<b>raw</b>\n\n| a |\n|---|\n| 1 |\n\n![x](/i.png)\n";
        let full = parse_body(body, 3, RawHtmlPolicy::Sanitize, BodyHtml::Render);
        let outline = parse_body(body, 3, RawHtmlPolicy::Sanitize, BodyHtml::Skip);
        assert!(outline.html.is_empty() && !full.html.is_empty());
        assert_eq!(outline.outline, full.outline);
        assert_eq!(outline.text, full.text);
        assert_eq!(outline.links, full.links);
        assert_eq!(outline.images, full.images);
        assert_eq!(outline.tables, full.tables);
        assert_eq!(outline.word_count, full.word_count);
        assert!(outline.has_raw_html && full.has_raw_html);
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
    fn deep_nesting_is_flattened_and_keeps_the_text() {
        for body in [
            format!("{} deep\n", ">".repeat(50_000)),
            format!("{}deep\n", "- ".repeat(50_000)),
            format!("{}deep\n", "1. > - ".repeat(5_000)),
        ] {
            let r = render(&body, 1, RawHtmlPolicy::Sanitize);
            assert!(r.html.contains("deep"), "text lost");
            assert!(
                html_nesting_depth(&r.html) <= MAX_NESTING + 4,
                "{} levels",
                html_nesting_depth(&r.html)
            );
        }
        let shallow = render("> > a\n", 1, RawHtmlPolicy::Sanitize).html;
        assert_eq!(html_nesting_depth(&shallow), 3, "{shallow}");
    }

    #[test]
    fn flattening_never_puts_text_directly_in_a_list() {
        let body = format!("{}- item\n", "> ".repeat(MAX_NESTING - 1));
        let html = render(&body, 1, RawHtmlPolicy::Sanitize).html;
        assert!(
            !html.contains("<ul>item") && !html.contains("<ul>\nitem"),
            "{html}"
        );
        assert!(html.contains("item"));
    }

    #[test]
    fn deep_raw_html_is_shown_as_text() {
        let body = format!("{}x{}\n", "<div>".repeat(20_000), "</div>".repeat(20_000));
        for policy in [RawHtmlPolicy::Sanitize, RawHtmlPolicy::Allow] {
            let html = render(&body, 1, policy).html;
            assert!(html.contains("&lt;div&gt;"), "{policy:?}");
            assert!(html_nesting_depth(&html) < 4);
        }
        let ok = render("<div><div>x</div></div>\n", 1, RawHtmlPolicy::Sanitize).html;
        assert!(ok.contains("<div><div>x"), "{ok}");
    }

    #[test]
    fn unsafe_link_schemes_are_defused() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "jav\tascript:alert(1)",
            "java\nscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "vbscript:msgbox(1)",
        ] {
            assert!(!is_safe_url(url), "{url:?}");
        }
        for url in [
            "/annual-reports/",
            "https://www.nhs.uk/",
            "mailto:x@nhs.net",
            "tel:+441234",
            "#top",
            "page?a=b:c",
            "a/b:c",
        ] {
            assert!(is_safe_url(url), "{url:?}");
        }
        let body = "[a](javascript:alert(1)) <javascript:alert(2)> [b](jav&#x09;ascript:alert(3)) \
                    ![c](data:image/svg+xml,x) [d](/ok/)\n";
        for policy in [RawHtmlPolicy::Sanitize, RawHtmlPolicy::Escape] {
            let r = render(body, 1, policy);
            let html = r.html.to_ascii_lowercase();
            assert!(
                !html.contains("=\"jav") && !html.contains("=\"data:"),
                "{html}"
            );
            assert_eq!(html.matches("href=\"#\"").count(), 3, "{html}");
            assert!(html.contains("href=\"/ok/\""), "{html}");
            assert_eq!(
                r.links[0].href, "javascript:alert(1)",
                "lints see what was written"
            );
        }
    }

    #[test]
    fn nesting_depth_counts_tags() {
        assert_eq!(html_nesting_depth("<p>a<br>b<img src=x/></p><p>c</p>"), 1);
        assert_eq!(html_nesting_depth("<div><ul><li>x</li></ul></div>"), 3);
        assert_eq!(html_nesting_depth("a < b and <<< <a"), 1);
        assert_eq!(html_nesting_depth(&"<a ".repeat(100_000)), 100_000);
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

    #[test]
    fn tables_sit_in_a_focusable_region_named_after_their_heading() {
        let body = "## Costs & spend > 1m\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n| C |\n|---|\n| 3 |\n\n```\n<table>\n```\n";
        for policy in [
            RawHtmlPolicy::Sanitize,
            RawHtmlPolicy::Escape,
            RawHtmlPolicy::Allow,
        ] {
            let html = render(body, 1, policy).html;
            assert!(html.contains(
                "<div class=\"table-region\" role=\"region\" aria-label=\"Table 1: Costs &amp; spend &gt; 1m\" tabindex=\"0\"><table>"
            ), "{html}");
            assert!(html.contains("aria-label=\"Table 2: Costs &amp; spend &gt; 1m\""));
            assert_eq!(
                html.matches("table-region").count(),
                2,
                "code is not wrapped: {html}"
            );
            assert_eq!(html.matches("</table></div>").count(), 2);
        }
    }

    #[test]
    fn raw_html_tables_are_wrapped_once_and_stray_tags_left_alone() {
        let labels = vec!["Table 1: X".to_string()];
        let html = "<tablex><table class=\"a\"><tr><td><table><tr><td>1</td></tr></table></td></tr></table></table><p>after</p>";
        let wrapped = wrap_tables(html, &labels);
        assert_eq!(
            wrapped,
            "<tablex><div class=\"table-region\" role=\"region\" aria-label=\"Table 1: X\" tabindex=\"0\"><table class=\"a\"><tr><td><table><tr><td>1</td></tr></table></td></tr></table></div></table><p>after</p>"
        );
        let unclosed = wrap_tables("<table><tr><td>1", &[]);
        assert_eq!(
            unclosed,
            "<div class=\"table-region\" role=\"region\" aria-label=\"Table 1\" tabindex=\"0\"><table><tr><td>1</div>"
        );
    }
}
