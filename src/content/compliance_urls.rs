//! Where ccg-site publishes the compliance report: a summary at `/compliance/` and one paginated
//! section per document kind and regime (`/compliance/annual-reports/`, `.../page-2/`), archived
//! predecessors' documents under their regime (`/compliance/ccg-2013/annual-reports/`), and the
//! pages no duty applies to at `/compliance/other-pages/`.
//!
//! Documents may not take these URLs. The whole URL space of the sections is kept for them,
//! whether or not this site has the documents that would fill them: a URL a document may use
//! must not depend on how many documents of another kind the site holds.

use crate::config::Regime;
use crate::content::Kind;

/// The compliance summary's URL.
pub const COMPLIANCE_URL: &str = "/compliance/";

/// The section of the documents no duty applies to.
pub const OTHER_PAGES: &str = "other-pages";

/// The URL segment naming `kind`'s section: the kind's listing slug (`annual-reports`), or the
/// kind's name for a kind without a listing.
pub fn kind_segment(kind: Kind) -> String {
    kind.listing_url()
        .map(|url| url.trim_matches('/').to_string())
        .unwrap_or_else(|| kind.as_str().to_string())
}

/// The URL of the first page of a compliance section: `kind`'s documents (all documents with
/// no duty when `None`), under a predecessor's regime when `archived_regime` is given.
pub fn section_url(archived_regime: Option<&str>, kind: Option<Kind>) -> String {
    let section = kind.map_or_else(|| OTHER_PAGES.to_string(), kind_segment);
    match archived_regime {
        Some(regime) => format!("{COMPLIANCE_URL}{regime}/{section}/"),
        None => format!("{COMPLIANCE_URL}{section}/"),
    }
}

/// The URL of page `number` (1-based) of the section starting at `section_url`: the section's
/// own URL for the first page, `page-N/` under it for the others.
pub fn page_url(section_url: &str, number: usize) -> String {
    if number <= 1 {
        section_url.to_string()
    } else {
        format!("{section_url}page-{number}/")
    }
}

/// Whether `url` lies where compliance sections are published (whether or not this site has
/// such a section): `/compliance/` followed by a kind's segment, `other-pages` or a regime name.
pub fn is_compliance_section_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix(COMPLIANCE_URL) else {
        return false;
    };
    let first = rest.split('/').next().unwrap_or("");
    first == OTHER_PAGES
        || Regime::ALL.iter().any(|r| r.as_str() == first)
        || Kind::ALL.iter().any(|k| kind_segment(*k) == first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_pages_have_stable_urls() {
        let own = section_url(None, Some(Kind::AnnualReport));
        assert_eq!(own, "/compliance/annual-reports/");
        assert_eq!(page_url(&own, 1), own);
        assert_eq!(page_url(&own, 3), "/compliance/annual-reports/page-3/");
        assert_eq!(
            section_url(Some("ccg-2013"), Some(Kind::RegisterOfInterests)),
            "/compliance/ccg-2013/registers-of-interests/"
        );
        assert_eq!(section_url(None, None), "/compliance/other-pages/");
        assert_eq!(section_url(None, Some(Kind::Page)), "/compliance/page/");
    }

    #[test]
    fn the_sections_url_space_is_kept_and_the_rest_of_compliance_is_free() {
        for url in [
            "/compliance/annual-reports/",
            "/compliance/annual-reports/page-2/",
            "/compliance/annual-reports/anything/",
            "/compliance/ccg-2013/",
            "/compliance/icb-2022/constitutions/page-9/",
            "/compliance/other-pages/",
            "/compliance/you-said-we-did/",
        ] {
            assert!(is_compliance_section_url(url), "{url} is kept");
        }
        for url in [
            "/compliance/",
            "/compliance/freedom-of-information/",
            "/annual-reports/",
            "/about/compliance/annual-reports/",
        ] {
            assert!(!is_compliance_section_url(url), "{url} is free");
        }
    }
}
