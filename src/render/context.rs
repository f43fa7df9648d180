//! The values templates see (documented in `docs/templates.md`).
//!
//! The parts shared by every page (`site`, `kinds`) are built once per build; each page adds only
//! its own values, so no page copies the whole site.

use serde_json::{json, Value};
use tera::Context;
use time::Date;

use crate::compliance::Report;
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
    /// are defined (Tera copies a value to test it, and the compliance page's is megabytes).
    fn base(&self, current_url: &str, breadcrumbs: Value, body_class: String) -> PageValues {
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

    /// The compliance page.
    pub fn compliance(&self, site: &Site, report: &Report) -> Context {
        let mut ctx = self.base(
            "/compliance/",
            json!([{"title": "Home", "url": "/"}]),
            "kind-compliance".into(),
        );
        let mut compliance = crate::compliance::page_context(site, report);
        add_duty_counts(&mut compliance);
        ctx.insert("compliance", compliance);
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

/// Adds what the compliance page shows per document (`met`, `missing`) and splits `documents`
/// into `regimes` (those with duties, grouped by the regime that judged them) and
/// `without_duties`, so that templates need no quadratic list building.
fn add_duty_counts(compliance: &mut Value) {
    fn count(duties: &Value, status: &str) -> usize {
        duties
            .as_array()
            .map_or(0, |d| d.iter().filter(|x| x["status"] == status).count())
    }
    let Some(obj) = compliance.as_object_mut() else {
        return;
    };
    // `documents` itself gets the counts too (docs/templates.md promises them there).
    let docs = obj
        .get_mut("documents")
        .and_then(Value::as_array_mut)
        .map(Vec::as_mut_slice)
        .unwrap_or_default();
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for doc in docs.iter_mut() {
        let (met, missing, total) = {
            let duties = &doc["duties"];
            (
                count(duties, "met"),
                count(duties, "missing"),
                duties.as_array().map_or(0, Vec::len),
            )
        };
        if let Some(d) = doc.as_object_mut() {
            d.insert("met".into(), met.into());
            d.insert("missing".into(), missing.into());
        }
        if total > 0 {
            with.push(doc.clone())
        } else {
            without.push(doc.clone())
        }
    }
    let site_met = obj.get("site_duties").map_or(0, |d| count(d, "met"));
    obj.insert("site_met".into(), site_met.into());
    let site_regime = obj.get("regime").and_then(Value::as_str).unwrap_or("");
    let site_duties = obj.get("site_duties").cloned().unwrap_or(Value::Null);
    let regimes = regime_groups(with, site_regime, &site_duties);
    obj.insert("regimes".into(), regimes);
    obj.insert("without_duties".into(), Value::Array(without));
}

/// The documents with duties grouped by the regime that judged them: the site's regime first
/// (with the site's own duties), then each predecessor regime in name order, each group with its
/// counts: `{regime, is_site_regime, documents, site_duties, document_count, duty_count, met,
/// missing}`. A group with nothing in it is left out.
fn regime_groups(with_duties: Vec<Value>, site_regime: &str, site_duties: &Value) -> Value {
    let mut by_regime: Vec<(String, Vec<Value>)> = vec![(site_regime.to_string(), Vec::new())];
    for doc in with_duties {
        let regime = doc["regime"].as_str().unwrap_or(site_regime).to_string();
        match by_regime.iter_mut().find(|(r, _)| *r == regime) {
            Some((_, docs)) => docs.push(doc),
            None => by_regime.push((regime, vec![doc])),
        }
    }
    by_regime[1..].sort_by(|a, b| a.0.cmp(&b.0));
    let groups = by_regime.into_iter().filter_map(|(regime, documents)| {
        let is_site_regime = regime == site_regime;
        let own_duties = match (is_site_regime, site_duties.as_array()) {
            (true, Some(duties)) => duties.clone(),
            _ => Vec::new(),
        };
        if documents.is_empty() && own_duties.is_empty() {
            return None;
        }
        let all_duties = documents
            .iter()
            .filter_map(|d| d["duties"].as_array())
            .flatten()
            .chain(own_duties.iter());
        let (mut total, mut met, mut missing) = (0, 0, 0);
        for duty in all_duties {
            total += 1;
            met += usize::from(duty["status"] == "met");
            missing += usize::from(duty["status"] == "missing");
        }
        Some(json!({
            "regime": regime,
            "is_site_regime": is_site_regime,
            "document_count": documents.len(),
            "documents": documents,
            "site_duties": own_duties,
            "duty_count": total,
            "met": met,
            "missing": missing,
        }))
    });
    Value::Array(groups.collect())
}

/// The values of one page, as JSON, before they become its Tera context.
struct PageValues(serde_json::Map<String, Value>);

impl PageValues {
    fn insert(&mut self, key: &str, value: Value) {
        self.0.insert(key.to_string(), value);
    }

    fn into_context(self) -> Context {
        Context::from_value(Value::Object(self.0)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, regime: &str, statuses: &[&str]) -> Value {
        let duties: Vec<Value> = statuses.iter().map(|s| json!({"status": s})).collect();
        json!({"title": title, "regime": regime, "duties": duties})
    }

    #[test]
    fn duties_are_grouped_by_regime_site_regime_first_with_counts() {
        let docs = vec![
            doc("CCG report", "ccg-2013", &["met", "missing", "waived"]),
            doc("Plan", "icb-2022", &["met", "met"]),
            doc("CCG constitution", "ccg-2013", &["met"]),
        ];
        let site = json!([{"status": "met"}, {"status": "missing"}]);
        let groups = regime_groups(docs, "icb-2022", &site);
        let groups = groups.as_array().expect("a list");
        assert_eq!(groups.len(), 2);
        let (own, archived) = (&groups[0], &groups[1]);
        assert_eq!(own["regime"], "icb-2022");
        assert_eq!(own["is_site_regime"], true);
        assert_eq!(own["document_count"], 1);
        assert_eq!(
            (own["met"].as_u64(), own["missing"].as_u64()),
            (Some(3), Some(1))
        );
        assert_eq!(own["duty_count"], 4);
        assert_eq!(archived["regime"], "ccg-2013");
        assert_eq!(archived["is_site_regime"], false);
        assert_eq!(archived["document_count"], 2);
        assert_eq!(archived["documents"][1]["title"], "CCG constitution");
        assert_eq!(archived["site_duties"], json!([]));
        assert_eq!(
            (archived["met"].as_u64(), archived["missing"].as_u64()),
            (Some(2), Some(1))
        );
    }

    #[test]
    fn every_document_has_its_counts() {
        let mut compliance = json!({
            "regime": "ccg-2013",
            "site_duties": [],
            "documents": [doc("Report", "ccg-2013", &["met", "missing", "met"]), doc("Page", "ccg-2013", &[])],
        });
        add_duty_counts(&mut compliance);
        let report = &compliance["documents"][0];
        assert_eq!(
            (report["met"].as_u64(), report["missing"].as_u64()),
            (Some(2), Some(1))
        );
        assert_eq!(compliance["regimes"][0]["documents"][0]["met"], 2);
        assert_eq!(compliance["without_duties"][0]["title"], "Page");
        assert_eq!(compliance["documents"][1]["met"], 0);
    }

    #[test]
    fn a_site_regime_with_nothing_in_it_has_no_group() {
        let groups = regime_groups(
            vec![doc("Old", "ccg-2013", &["met"])],
            "icb-2022",
            &json!([]),
        );
        assert_eq!(groups.as_array().map(Vec::len), Some(1));
        assert_eq!(groups[0]["regime"], "ccg-2013");
    }
}
