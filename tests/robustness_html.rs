//! Raw HTML policy and escaping: under the default `sanitize` policy no `<script>`, event
//! handler attribute or `javascript:`/`vbscript:`/`data:` URL (however obfuscated) reaches any
//! page; text from front matter (titles, feedback, declarations) is escaped on every page of
//! the default theme, in the feed and the sitemap; the register CSV defuses formulas.

mod common;

use std::path::Path;

use common::*;

/// Raw HTML and Markdown a hostile or careless author might write.
const ATTACKS: &str = r#"
<script>alert('script')</script>
<SCRIPT SRC=//evil.example/x.js></SCRIPT>
<img src=x onerror=alert('img')>
<svg onload=alert('svg')><circle r=1 /></svg>
<iframe src="javascript:alert('iframe')"></iframe>
<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>
<a href="javascript:alert('a')">plain</a>
<a href="JaVaScRiPt:alert('case')">mixed case</a>
<a href="jav&#x09;ascript:alert('tab entity')">tab entity</a>
<a href="&#106;&#97;vascript:alert('decimal')">decimal entities</a>
<a href=" &#x0A;javascript:alert('space')">leading space</a>
<a href="vbscript:msgbox('vb')">vbscript</a>
<a href="data:text/html,<script>alert('data')</script>">data link</a>
<form action="javascript:alert('form')"><button formaction="javascript:alert('b')">go</button></form>
<div style="background:url(javascript:alert('css'))" onmouseover="alert('over')">styled</div>
<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')></style></mglyph></table></mtext></math>
<noscript><p title="</noscript><img src=x onerror=alert('noscript')>"></noscript>

[markdown link](javascript:alert('md'))
[mixed](JAVASCRIPT:alert('md-case'))
[entity](jav&#x09;ascript:alert('md-entity'))
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
<javascript:alert('autolink')>
![image](javascript:alert('image'))
[ref link][evil]

[evil]: vbscript:msgbox('ref')

A safe [link](/annual-reports/) and <https://www.nhs.uk/> stay.
"#;

/// The demo site with `content/attacks.md` and the given raw HTML policy, built.
fn build_with_attacks(policy: &str) -> (tempfile::TempDir, String) {
    build_with_attacks_and(policy, "")
}

/// As [`build_with_attacks`], with `extra` added to `site.toml`.
fn build_with_attacks_and(policy: &str, extra: &str) -> (tempfile::TempDir, String) {
    let site = copy_demo_site();
    let config_path = site.path().join("site.toml");
    let config = std::fs::read_to_string(&config_path).unwrap();
    std::fs::write(
        &config_path,
        config.replace(
            "raw_html = \"sanitize\"",
            &format!("raw_html = \"{policy}\"\n{extra}"),
        ),
    )
    .unwrap();
    std::fs::write(
        site.path().join("content/attacks.md"),
        format!("+++\ntitle = \"Attacks\"\nkind = \"page\"\n+++\n{ATTACKS}"),
    )
    .unwrap();
    let run = ccg_site(&["build", "--site", site.path().to_str().unwrap()]);
    run.assert_no_panic();
    assert_eq!(run.code, 0, "{}", run.all());
    let page = std::fs::read_to_string(site.path().join("public/attacks/index.html")).unwrap();
    (site, page)
}

/// Decodes the character references a browser decodes in attribute values.
fn decode_entities(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e < 12);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse().ok().and_then(char::from_u32)
            } else {
                match name {
                    "Tab" => Some('\t'),
                    "NewLine" => Some('\n'),
                    "colon" => Some(':'),
                    "amp" => Some('&'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    _ => None,
                }
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every start tag in `html` as (name, attributes), each attribute (name, decoded value).
/// Quoted attribute values may hold `>` and `<`: they are read as values, as a browser does.
fn start_tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let tag_re =
        regex::Regex::new(r#"<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>"#).unwrap();
    let attr_re =
        regex::Regex::new(r#"([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?"#).unwrap();
    tag_re
        .captures_iter(html)
        .map(|tag| {
            let attrs = attr_re
                .captures_iter(&tag[2])
                .map(|a| {
                    let value = a
                        .get(2)
                        .or(a.get(3))
                        .or(a.get(4))
                        .map_or("", |m| m.as_str());
                    (a[1].to_ascii_lowercase(), decode_entities(value))
                })
                .collect();
            (tag[1].to_ascii_lowercase(), attrs)
        })
        .collect()
}

/// Problems a browser would act on: scripts, handlers, script URLs, embedded documents.
fn dangers(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    // A <title>'s content is text up to the first `</title`, whatever it looks like (the
    // minifier writes `<` unescaped there), so it cannot hold a tag.
    let title = regex::Regex::new(r"(?is)<title>.*?</title").unwrap();
    let html = title.replace_all(html, "<title></title");
    for (tag, attrs) in start_tags(&html) {
        if [
            "script", "iframe", "object", "embed", "form", "style", "svg", "math", "base",
        ]
        .contains(&tag.as_str())
        {
            found.push(format!("tag <{tag}>"));
        }
        for (name, value) in attrs {
            if name.starts_with("on") {
                found.push(format!("handler {name} on <{tag}>"));
            }
            let url: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            for scheme in ["javascript:", "vbscript:", "data:"] {
                if url.starts_with(scheme) || (name == "style" && url.contains(scheme)) {
                    found.push(format!("{scheme} in {name} of <{tag}>"));
                }
            }
        }
    }
    found
}

#[test]
fn the_danger_detector_detects() {
    // The checks below are only worth something if this one can fail.
    assert!(dangers("<title>x</title><script>").len() == 1);
    assert!(dangers("<title></title><script>alert(1)</script></title>").len() == 1);
    assert!(dangers("<title><script>alert(1)</script></title>").is_empty());
    assert!(dangers("<meta content='\"><img src=x onerror=alert(1)>'>").is_empty());
    assert!(dangers("<meta content=\"x\"><img src=x onerror=alert(1)>'>").len() == 1);
    let d = dangers(ATTACKS);
    assert!(d.iter().any(|x| x.contains("tag <script>")), "{d:?}");
    assert!(d.iter().any(|x| x.contains("handler onerror")), "{d:?}");
    assert!(
        d.iter().filter(|x| x.starts_with("javascript:")).count() >= 5,
        "{d:?}"
    );
    assert!(d.iter().any(|x| x.starts_with("vbscript:")), "{d:?}");
    assert!(d.iter().any(|x| x.starts_with("data:")), "{d:?}");
}

#[test]
fn default_policy_keeps_scripts_handlers_and_script_urls_out_of_every_page() {
    for extra in ["", "\n[build]\nminify = true"] {
        let (site, page) = build_with_attacks_and("sanitize", extra);
        assert_no_dangers(&site, &page);
    }
}

/// Asserts that the attack page kept its harmless content and no page of the site has a danger.
fn assert_no_dangers(site: &tempfile::TempDir, page: &str) {
    assert!(page.contains("plain") && page.contains("mixed case") && page.contains("styled"));
    assert!(page.contains("/annual-reports/") && page.contains("https://www.nhs.uk/"));
    for (path, bytes) in snapshot_tree(&site.path().join("public")) {
        if path.extension().is_some_and(|e| e == "html") {
            let html = String::from_utf8_lossy(&bytes);
            let d = dangers(&html);
            assert!(d.is_empty(), "{}: {d:?}", path.display());
        }
    }
}

#[test]
fn escape_policy_shows_raw_html_as_text_and_defuses_markdown_links() {
    let (_site, page) = build_with_attacks("escape");
    let d = dangers(&page);
    assert!(d.is_empty(), "{d:?}");
    // The body is written as the Markdown renderer escapes it (`&gt;`); a minifier may write
    // `>` instead. Either way `<script` is text.
    assert!(
        page.contains("&lt;script&gt;alert(") || page.contains("&lt;script>alert("),
        "raw HTML shown as text"
    );
}

#[test]
fn allow_policy_passes_raw_html_through_as_documented() {
    // `allow` is for sites whose authors are all trusted: raw HTML is published as written.
    let (_site, page) = build_with_attacks("allow");
    assert!(page.contains("<script>alert("), "allow keeps raw HTML");
}

/// Replaces the first occurrence of `from` in the file at `path` with `to`.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

const SCRIPT: &str = "<script>alert('field')</script>";
const BREAKOUT: &str = "\\\"><img src=x onerror=alert('attr')>";

#[test]
fn text_from_front_matter_is_escaped_on_every_page_feed_and_sitemap() {
    let site = copy_demo_site();
    let content = site.path().join("content");
    let ysd = content.join("you-said-we-did/urgent-care-review.md");
    edit(&ysd, "you_said = \"", &format!("you_said = \"{SCRIPT} "));
    edit(&ysd, "we_did = \"", &format!("we_did = \"{BREAKOUT} "));
    edit(&ysd, "topic = \"", &format!("topic = \"{SCRIPT} "));
    edit(&ysd, "summary = \"", &format!("summary = \"{BREAKOUT} "));
    let register = content.join("register-of-interests.md");
    edit(&register, "name = \"", &format!("name = \"{SCRIPT} "));
    edit(
        &register,
        "description = \"",
        &format!("description = \"{BREAKOUT} "),
    );
    edit(&register, "action = \"", &format!("action = \"{SCRIPT} "));
    let about = content.join("about-us.md");
    edit(&about, "title = \"", &format!("title = \"{SCRIPT} "));

    let run = ccg_site(&["build", "--site", site.path().to_str().unwrap()]);
    run.assert_no_panic();
    assert_eq!(run.code, 0, "{}", run.all());
    let public = site.path().join("public");
    let mut escaped_seen = 0;
    for (path, bytes) in snapshot_tree(&public) {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "html" | "xml") {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        let d = dangers(&text);
        assert!(d.is_empty(), "{}: {d:?}", path.display());
        if text.contains("&lt;script") {
            escaped_seen += 1;
        }
    }
    // The text is shown (escaped), not dropped: on the two documents, their listings, the
    // home page and the feed at least.
    assert!(
        escaped_seen >= 4,
        "escaped text seen on {escaped_seen} files"
    );
    let ysd_page =
        std::fs::read_to_string(public.join("you-said-we-did/urgent-care-review/index.html"))
            .unwrap();
    // Written as the theme escapes it (`&gt;`), or as a minifier writes it (`>`).
    assert!(
        ysd_page.contains("&lt;script&gt;alert(") || ysd_page.contains("&lt;script>alert("),
        "feedback shown as text"
    );
}

#[test]
fn register_csv_defuses_spreadsheet_formulas() {
    let site = copy_demo_site();
    let register = site.path().join("content/register-of-interests.md");
    edit(
        &register,
        "name = \"",
        "name = \"=HYPERLINK(\\\"https://evil.example/\\\",\\\"Click\\\")",
    );
    edit(
        &register,
        "description = \"",
        "description = \"+1+cmd|' /C calc'!A0 ",
    );
    edit(&register, "action = \"", "action = \"@SUM(1+1) ");
    edit(&register, "position = \"", "position = \"\\t=1+2 ");
    let run = ccg_site(&["build", "--site", site.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.all());
    let csv = std::fs::read_to_string(
        site.path()
            .join("public/register-of-interests/register-of-interests.csv"),
    )
    .unwrap();
    assert!(csv.contains("'=HYPERLINK("), "{csv}");
    assert!(csv.contains("'+1+cmd"), "{csv}");
    assert!(csv.contains("'@SUM"), "{csv}");
    assert!(csv.contains("'\t=1+2"), "{csv}");
    let formula = regex::Regex::new(r#"(^|,)"?[=+\-@\t\r]"#).unwrap();
    for line in csv.lines() {
        assert!(!formula.is_match(line), "a cell starts a formula: {line}");
    }
}

#[test]
fn check_report_says_the_raw_html_policy() {
    let site = copy_demo_site();
    let config_path = site.path().join("site.toml");
    let config = std::fs::read_to_string(&config_path).unwrap();
    std::fs::write(
        &config_path,
        config.replace("raw_html = \"sanitize\"", "raw_html = \"escape\""),
    )
    .unwrap();
    let dir = site.path().to_str().unwrap();
    let human = ccg_site(&["check", "--site", dir]);
    assert_eq!(human.code, 0, "{}", human.all());
    assert!(human.all().contains("raw HTML: escape"), "{}", human.all());
    let json = ccg_site(&["check", "--site", dir, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["summary"]["raw_html"], "escape");
}
