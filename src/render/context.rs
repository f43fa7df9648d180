//! The values templates see (documented in `docs/templates.md`).
//!
//! The parts shared by every page (`site`, `kinds`) are built once per build; each page adds only
//! its own values, so no page copies the whole site.

use serde_json::{json, Value};
use tera::Context;
use time::Date;

use crate::content::fields::format_date;
use crate::content::{Document, Kind, Site};
use crate::render::retention::{KeptRows, Retention};

/// The shared part of every page's context.
#[derive(Debug, Clone)]
pub struct SiteContext {
    site: Value,
    kinds: Value,
    site_regime: String,
    retention: Retention,
    /// How many documents of each kind the site has, in `Kind::ALL` order.
    kind_counts: Vec<(Kind, usize)>,
}

/// The title of a kind's listing: singular when the site has one document of the kind
/// ("Constitution"), plural otherwise ("Annual reports").
fn listing_title(kind: Kind, count: usize) -> &'static str {
    if count == 1 {
        kind.title()
    } else {
        kind.listing_title()
    }
}

fn date_str(d: Option<Date>) -> String {
    d.map(format_date).unwrap_or_default()
}

/// The financial year or plan period a document covers, or "".
pub fn period_of(doc: &Document) -> String {
    [
        "report.financial_year",
        "plan.period",
        "plan.financial_year",
    ]
    .iter()
    .find_map(|p| doc.fields.str(p))
    .unwrap_or("")
    .to_string()
}

/// A document as a listing entry.
pub fn summary_of(doc: &Document) -> Value {
    json!({
        "title": doc.title,
        "url": doc.url,
        "kind": doc.kind.as_str(),
        "kind_title": doc.kind.title(),
        "summary": doc.summary,
        "published": date_str(doc.published),
        "period": period_of(doc),
        "regime": doc.regime,
    })
}

fn newest_first(a: &&Document, b: &&Document) -> std::cmp::Ordering {
    b.published
        .cmp(&a.published)
        .then_with(|| a.title.cmp(&b.title))
}

impl SiteContext {
    /// Builds the shared context of a site.
    pub fn new(site: &Site, today: Date) -> Self {
        let c = &site.config.config;
        let accessibility_url = site
            .of_kind(Kind::AccessibilityStatement)
            .next()
            .map(|d| d.url.clone())
            .unwrap_or_default();
        let extra = serde_json::to_value(&c.extra).unwrap_or(Value::Null);
        let site_value = json!({
            "name": c.name,
            "short_name": c.short_name.clone().unwrap_or_else(|| c.name.clone()),
            "base_url": c.base_url,
            "language": c.language,
            "description": c.description,
            "contact": c.contact,
            "navigation": c.navigation,
            "extra": extra,
            "accessibility_url": accessibility_url,
            "compliance_url": "/compliance/",
            "feed_url": "/atom.xml",
            "regime": c.compliance.regime.get_ref(),
            "build_date": format_date(today),
        });
        let kinds: Vec<Value> = Kind::ALL
            .iter()
            .filter_map(|k| {
                let url = k.listing_url()?;
                let count = site.of_kind(*k).count();
                (count > 0).then(|| json!({"kind": k.as_str(), "title": listing_title(*k, count), "url": url, "count": count}))
            })
            .collect();
        SiteContext {
            site: site_value,
            kinds: Value::Array(kinds),
            site_regime: c.compliance.regime.get_ref().clone(),
            retention: Retention::for_regime(c.compliance.regime.get_ref(), today),
            kind_counts: Kind::ALL
                .iter()
                .map(|k| (*k, site.of_kind(*k).count()))
                .collect(),
        }
    }

    /// The site's base URL without its trailing slash.
    pub fn base_url(&self) -> &str {
        self.site["base_url"]
            .as_str()
            .unwrap_or("")
            .trim_end_matches('/')
    }

    /// The rows of a register's list `items` that its page and CSV show (ended entries are
    /// kept only as long as the site's rule pack says).
    pub fn register_rows<'a>(&self, doc: &'a Document, items: &str) -> KeptRows<'a> {
        self.retention.rows(doc, items)
    }

    /// The title of `kind`'s listing on this site (singular for a lone document).
    fn listing_title(&self, kind: Kind) -> &'static str {
        let count = self
            .kind_counts
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n);
        listing_title(kind, count)
    }

    /// The site's name.
    pub fn name(&self) -> &str {
        self.site["name"].as_str().unwrap_or("")
    }

    /// The values every page has. Pages add theirs to this map, which then becomes the Tera
    /// context by move: values are built once as JSON and never serialised a second time.
    /// `body_class` names the kind of page, so that `base.html` need not test which values
    /// are defined (Tera copies a value to test it, and some pages' values are large).
    pub(crate) fn base(
        &self,
        current_url: &str,
        breadcrumbs: Value,
        body_class: String,
    ) -> PageValues {
        let mut map = serde_json::Map::with_capacity(8);
        map.insert("site".into(), self.site.clone());
        map.insert("kinds".into(), self.kinds.clone());
        map.insert("current_url".into(), Value::String(current_url.to_string()));
        map.insert("breadcrumbs".into(), breadcrumbs);
        map.insert("body_class".into(), Value::String(body_class));
        PageValues(map)
    }

    /// The home page.
    pub fn home(&self, site: &Site) -> Context {
        let mut ctx = self.base("/", json!([]), "kind-home".into());
        let mut docs: Vec<&Document> = site
            .documents
            .iter()
            .filter(|d| d.kind != Kind::Page)
            .collect();
        docs.sort_by(newest_first);
        let latest: Vec<Value> = docs.iter().take(10).map(|d| summary_of(d)).collect();
        let consultations: Vec<Value> = docs
            .iter()
            .filter(|d| is_open_consultation(d))
            .map(|d| summary_of(d))
            .collect();
        ctx.insert("latest", Value::Array(latest));
        ctx.insert("consultations", Value::Array(consultations));
        ctx.into_context()
    }

    /// A kind's listing page.
    pub fn listing(&self, site: &Site, kind: Kind) -> Context {
        let url = kind.listing_url().unwrap_or_default();
        let mut ctx = self.base(
            &url,
            json!([{"title": "Home", "url": "/"}]),
            "kind-listing".into(),
        );
        let mut docs: Vec<&Document> = site.of_kind(kind).collect();
        docs.sort_by(newest_first);
        ctx.insert(
            "listing",
            json!({
                "kind": kind.as_str(),
                "title": self.listing_title(kind),
                "url": url,
                "intro": "",
                "pages": docs.iter().map(|d| summary_of(d)).collect::<Vec<_>>(),
            }),
        );
        ctx.into_context()
    }

    /// A document's page.
    pub fn document(&self, doc: &Document) -> Context {
        let mut crumbs = vec![json!({"title": "Home", "url": "/"})];
        if let (Some(url), true) = (doc.kind.listing_url(), doc.kind != Kind::Page) {
            crumbs.push(json!({"title": self.listing_title(doc.kind), "url": url}));
        }
        let mut ctx = self.base(
            &doc.url,
            Value::Array(crumbs),
            format!("kind-{}", doc.kind.as_str()),
        );
        let toc: Vec<Value> = doc
            .body
            .outline
            .iter()
            .filter(|h| h.level == 2 || h.level == 3)
            .map(|h| json!({"level": h.level, "text": h.text, "id": h.id}))
            .collect();
        let (fields, retention) = self.retention.page_fields(doc);
        let regime = doc
            .regime
            .clone()
            .unwrap_or_else(|| self.site_regime.clone());
        ctx.insert(
            "page",
            json!({
                "title": doc.title,
                "kind": doc.kind.as_str(),
                "kind_title": doc.kind.title(),
                "url": doc.url,
                "summary": doc.summary,
                "published": date_str(doc.published),
                "updated": date_str(doc.updated),
                "content": doc.body.html,
                "toc": toc,
                "word_count": doc.body.word_count,
                "fields": fields,
                "csv_url": csv_url(doc).unwrap_or_default(),
                "archived": regime != self.site_regime,
                "regime": regime,
            }),
        );
        if let (Some(retention), Some(page)) = (retention, ctx.0.get_mut("page")) {
            page["retention"] = retention;
        }
        ctx.into_context()
    }

    /// The 404 page.
    pub fn not_found(&self) -> Context {
        self.base(
            "/404.html",
            json!([{"title": "Home", "url": "/"}]),
            "kind-not-found".into(),
        )
        .into_context()
    }
}

/// The URL of a register's CSV download, for register kinds.
pub fn csv_url(doc: &Document) -> Option<String> {
    doc.csv_url()
}

fn is_open_consultation(doc: &Document) -> bool {
    match doc.kind {
        Kind::YouSaidWeDid => doc
            .fields
            .path("feedback")
            .and_then(|f| f.as_array())
            .is_some_and(|items| {
                items.iter().any(|i| {
                    i.as_table()
                        .and_then(|t| t.str("status"))
                        .is_some_and(|s| s == "in_progress")
                })
            }),
        _ => false,
    }
}

/// The values of one page, as JSON, before they become its Tera context.
pub(crate) struct PageValues(serde_json::Map<String, Value>);

impl PageValues {
    pub(crate) fn insert(&mut self, key: &str, value: Value) {
        self.0.insert(key.to_string(), value);
    }

    pub(crate) fn into_context(self) -> Context {
        Context::from_value(Value::Object(self.0)).unwrap_or_default()
    }
}
