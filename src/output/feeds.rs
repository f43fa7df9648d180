//! Files generated from the site rather than from templates: `sitemap.xml`, the Atom feed of
//! publications and the CSV downloads of the registers.

use crate::content::fields::{format_date, FieldValue};
use crate::content::{Document, Kind, Site};
use crate::output::OutputFile;
use crate::render::context::{csv_url, SiteContext};

/// The sitemap, the feed and every register's CSV. `compliance_pages` are the URLs of the
/// compliance report's section pages, which the sitemap lists after the summary.
pub fn generated_files(
    site: &Site,
    ctx: &SiteContext,
    compliance_pages: &[String],
) -> Vec<OutputFile> {
    generated_files_of(site, ctx, compliance_pages, |_| true)
}

/// The sitemap, the feed and the CSVs of the registers `include` selects (`serve` makes only
/// the edited registers' again).
pub fn generated_files_of(
    site: &Site,
    ctx: &SiteContext,
    compliance_pages: &[String],
    include: impl Fn(&Document) -> bool,
) -> Vec<OutputFile> {
    let mut files = vec![sitemap(site, ctx, compliance_pages), atom(site, ctx)];
    for doc in site.documents.iter().filter(|d| include(d)) {
        if let (Some(url), Some(rows)) = (csv_url(doc), doc.kind.register_rows()) {
            files.push(OutputFile {
                path: url.trim_start_matches('/').to_string(),
                bytes: register_csv(&ctx.register_rows(doc, rows).rows).into_bytes(),
            });
        }
    }
    files
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn sitemap(site: &Site, ctx: &SiteContext, compliance_pages: &[String]) -> OutputFile {
    let base = ctx.base_url();
    let mut urls: Vec<(String, String)> = vec![
        ("/".into(), String::new()),
        ("/compliance/".into(), String::new()),
    ];
    urls.extend(compliance_pages.iter().map(|u| (u.clone(), String::new())));
    for k in Kind::ALL {
        if let (Some(u), true) = (k.listing_url(), site.of_kind(*k).next().is_some()) {
            urls.push((u, String::new()));
        }
    }
    for d in &site.documents {
        let lastmod = d
            .updated
            .or(d.published)
            .map(format_date)
            .unwrap_or_default();
        urls.push((d.url.clone(), lastmod));
    }
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (u, lastmod) in urls {
        xml.push_str(&format!(
            "<url><loc>{}</loc>",
            xml_escape(&format!("{base}{u}"))
        ));
        if !lastmod.is_empty() {
            xml.push_str(&format!("<lastmod>{lastmod}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    OutputFile {
        path: "sitemap.xml".into(),
        bytes: xml.into_bytes(),
    }
}

fn atom(site: &Site, ctx: &SiteContext) -> OutputFile {
    let base = ctx.base_url();
    let mut docs: Vec<&Document> = site
        .documents
        .iter()
        .filter(|d| d.kind != Kind::Page && d.published.is_some())
        .collect();
    docs.sort_by(|a, b| {
        b.published
            .cmp(&a.published)
            .then_with(|| a.title.cmp(&b.title))
    });
    let updated = docs
        .first()
        .and_then(|d| d.updated.max(d.published))
        .map(format_date)
        .unwrap_or_else(|| "1970-01-01".into());
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>{}: publications</title>\n<id>{base}/</id>\n<link href=\"{base}/atom.xml\" rel=\"self\"/>\n<link href=\"{base}/\"/>\n<updated>{updated}T00:00:00Z</updated>\n<author><name>{}</name></author>\n",
        xml_escape(ctx.name()),
        xml_escape(ctx.name()),
    );
    for d in docs.iter().take(50) {
        let published = d.published.map(format_date).unwrap_or_default();
        let updated = d
            .updated
            .or(d.published)
            .map(format_date)
            .unwrap_or_default();
        xml.push_str(&format!(
            "<entry><title>{}</title><link href=\"{base}{}\"/><id>{base}{}</id><published>{published}T00:00:00Z</published><updated>{updated}T00:00:00Z</updated><summary>{}</summary><category term=\"{}\"/></entry>\n",
            xml_escape(&d.title),
            d.url,
            d.url,
            xml_escape(&d.summary),
            d.kind.as_str(),
        ));
    }
    xml.push_str("</feed>\n");
    OutputFile {
        path: "atom.xml".into(),
        bytes: xml.into_bytes(),
    }
}

/// One CSV cell: quoted where needed; a leading `=`, `+`, `-`, `@`, tab or carriage return is
/// neutralised so that a spreadsheet does not run it as a formula (OWASP's CSV injection advice).
fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// A register's rows (those its page shows) as CSV, columns in the order first written.
pub fn register_csv(rows: &[&crate::content::FieldTable]) -> String {
    let mut columns: Vec<&str> = Vec::new();
    for row in rows {
        for (k, v) in &row.entries {
            if !matches!(v.value, FieldValue::Table(_)) && !columns.contains(&k.as_str()) {
                columns.push(k);
            }
        }
    }
    let mut out = columns
        .iter()
        .map(|c| csv_cell(c))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    for row in rows {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| csv_cell(&row.get(c).map(|f| f.to_text()).unwrap_or_default()))
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_cell("\t=1+1"), "'\t=1+1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
    }
}
