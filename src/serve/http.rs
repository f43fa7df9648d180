//! The HTTP side of the preview (axum on tokio): the site's files from the [`SiteStore`], the
//! live-reload script and stylesheet, and the Server-Sent Events stream of versions.
//!
//! Only `GET` and `HEAD` are answered. A path is looked up only among the files of the built
//! site ([`resolve`]); anything else, including every attempt to leave it, gets the site's
//! `404.html` with status 404. HTML gets the live-reload script and, when there is something to
//! say, the preview panel ([`decorate_html`]).
//!
//! A preview bound to a loopback address answers only requests addressed to a loopback name
//! ([`HostCheck`]): a web page on another site whose name an attacker points at 127.0.0.1 (DNS
//! rebinding) gets 403, so it cannot read drafts through the visitor's browser.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::{self, Stream};
use tokio::sync::broadcast::error::RecvError;

use super::preview::{
    decorate_html, error_page, EVENTS_PATH, SCRIPT, SCRIPT_PATH, STYLE, STYLE_PATH,
};
use super::store::{resolve, Reload, Resolved, SiteStore, Snapshot};

/// Which `Host` headers the preview answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostCheck {
    /// Only loopback names (`localhost`, `*.localhost`, `127.x.x.x`, `[::1]`), any port: the
    /// server is bound to a loopback address, so no other name can be meant.
    LoopbackNames,
    /// Any host: the user chose to bind another address (`--bind`), e.g. to preview on a phone.
    Any,
}

/// The router of the preview server.
pub fn router(store: Arc<SiteStore>, hosts: HostCheck) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .route(SCRIPT_PATH, get(script))
        .route(STYLE_PATH, get(style))
        .fallback(site_file)
        .with_state(store)
        .layer(middleware::from_fn_with_state(hosts, check_host))
}

async fn check_host(State(hosts): State<HostCheck>, request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST);
    if hosts == HostCheck::LoopbackNames && !host.is_none_or(is_loopback_host) {
        return respond(
            StatusCode::FORBIDDEN,
            content_type("x.txt"),
            "This preview answers only to localhost or 127.0.0.1 addresses.\n",
        );
    }
    next.run(request).await
}

/// Whether a `Host` header names this computer: `localhost` (and its subdomains), an IPv4
/// loopback address or `[::1]`, with or without a port.
pub fn is_loopback_host(value: &HeaderValue) -> bool {
    let Ok(host) = value.to_str() else {
        return false;
    };
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((address, _port)) => address,
            None => return false,
        }
    } else {
        host.rsplit_once(':').map_or(host, |(name, _port)| name)
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The content type of an output file, from its extension.
pub fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
    match extension.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" if path.ends_with("atom.xml") => "application/atom+xml",
        "xml" => "application/xml",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        _ => "application/octet-stream",
    }
}

/// A response that browsers neither cache nor sniff.
fn respond(status: StatusCode, content_type: &'static str, body: impl Into<Body>) -> Response {
    let mut response = (status, body.into()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

async fn script() -> Response {
    respond(StatusCode::OK, content_type("x.js"), SCRIPT)
}

async fn style() -> Response {
    respond(StatusCode::OK, content_type("x.css"), STYLE)
}

async fn site_file(State(store): State<Arc<SiteStore>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = respond(
            StatusCode::METHOD_NOT_ALLOWED,
            content_type("x.txt"),
            "only GET and HEAD\n",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let snapshot = store.current();
    if !snapshot.has_site() {
        let page = error_page(&snapshot.problems, snapshot.version);
        return respond(
            StatusCode::SERVICE_UNAVAILABLE,
            content_type("x.html"),
            page,
        );
    }
    match resolve(&snapshot.files, uri.path()) {
        Resolved::File(path) => file_response(&snapshot, &path, StatusCode::OK),
        Resolved::Redirect(location) => {
            let mut response = respond(StatusCode::MOVED_PERMANENTLY, content_type("x.txt"), "");
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Resolved::NotFound => file_response(&snapshot, "404.html", StatusCode::NOT_FOUND),
    }
}

/// A file of the snapshot; HTML decorated for the preview.
fn file_response(snapshot: &Snapshot, path: &str, status: StatusCode) -> Response {
    let kind = content_type(path);
    let Some(bytes) = snapshot.files.get(path) else {
        return respond(status, content_type("x.txt"), "not found\n");
    };
    if !kind.starts_with("text/html") {
        return respond(status, kind, bytes.to_vec());
    }
    let findings = snapshot.findings.get(path).map_or(&[][..], Vec::as_slice);
    let html = decorate_html(
        &String::from_utf8_lossy(bytes),
        snapshot.version,
        &snapshot.problems,
        findings,
    );
    respond(status, kind, html)
}

/// The version stream: `hello` with the current version on connecting, then `reload` with each
/// new version once it is in place, followed by the URLs of the pages that changed (none listed:
/// every page changed).
async fn events(
    State(store): State<Arc<SiteStore>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = store.subscribe();
    let hello = Event::default()
        .event("hello")
        .retry(Duration::from_millis(500))
        .data(store.current().version.to_string());
    let updates = stream::unfold((receiver, store), |(mut receiver, store)| async move {
        let reload = match receiver.recv().await {
            Ok(r) => r,
            // Missed some versions: the current one is what matters, for every page.
            Err(RecvError::Lagged(_)) => Reload {
                version: store.current().version,
                pages: None,
            },
            Err(RecvError::Closed) => return None,
        };
        let event = Event::default().event("reload").data(reload.to_data());
        Some((Ok(event), (receiver, store)))
    });
    let stream = futures_util::StreamExt::chain(stream::once(async { Ok(hello) }), updates);
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("atom.xml"), "application/atom+xml");
        assert_eq!(content_type("sitemap.xml"), "application/xml");
        assert_eq!(content_type("r/register.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("report.PDF"), "application/pdf");
        assert_eq!(content_type("no-extension"), "application/octet-stream");
    }

    #[test]
    fn loopback_hosts_with_and_without_ports() {
        for host in [
            "localhost",
            "LOCALHOST:1111",
            "preview.localhost:8080",
            "127.0.0.1",
            "127.0.0.1:1111",
            "127.1.2.3:80",
            "[::1]:1111",
            "[::1]",
            "localhost.",
        ] {
            assert!(is_loopback_host(&HeaderValue::from_static(host)), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.evil.example:1111",
            "10.0.0.1:1111",
            "[::2]:1111",
            "[::1",
            "",
        ] {
            assert!(!is_loopback_host(&HeaderValue::from_static(host)), "{host}");
        }
    }
}
