//! `ccg-site serve`: a live preview for comms staff.
//!
//! The stages, each in its own module and testable alone:
//! [`watch`] (notify, debounced) -> [`classify`] (what a changed path means; pure) ->
//! [`rebuild`] (the same load, check and render stages as `build`, incremental, in memory) ->
//! [`store`] (the current version of the site) -> [`http`] (axum: files, Server-Sent Events) ->
//! the browser's [`preview`] script, which reloads once the new version is in place.
//! Nothing is written to disk: `public/` is never touched.

pub mod classify;
pub mod http;
pub mod log;
pub mod preview;
pub mod rebuild;
pub mod store;
pub mod watch;

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;

use time::Date;

use crate::error::{Error, ErrorKind, SiteError};
use classify::{plan, RebuildPlan};
use http::HostCheck;
use log::RebuildLog;
use rebuild::{RebuildOptions, Rebuilder};
use store::SiteStore;
use watch::SiteWatcher;

/// The port `serve` tries first when none is given.
pub const DEFAULT_PORT: u16 = 1111;
/// How many ports after [`DEFAULT_PORT`] are tried when it is taken.
const PORTS_TO_TRY: u16 = 20;

/// What `serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder.
    pub site_dir: PathBuf,
    /// The address to listen on (127.0.0.1 unless told otherwise).
    pub bind: IpAddr,
    /// The port; `None` tries 1111 and then the next free ports; `Some(0)` takes any free port.
    pub port: Option<u16>,
    /// Open the preview in the default browser.
    pub open: bool,
    /// Include drafts.
    pub drafts: bool,
    /// The date rules and pages are judged against.
    pub today: Date,
    /// Colour the terminal output.
    pub color: bool,
}

/// Builds the site in memory, serves it, and rebuilds on every change until the process is
/// stopped. Returns only when the preview cannot start or the server fails.
pub fn serve(options: &ServeOptions) -> Result<(), Error> {
    let mut log = RebuildLog::new(options.color);
    let (listener, notice) = bind(options.bind, options.port)?;
    let address = listener.local_addr().map_err(|e| {
        SiteError::new(
            ErrorKind::Read,
            format!("cannot read the server's address: {e}"),
        )
    })?;
    let store = Arc::new(SiteStore::new());
    let mut watcher = SiteWatcher::new(&options.site_dir)?;
    let mut rebuilder = Rebuilder::new(RebuildOptions {
        root: options.site_dir.clone(),
        drafts: options.drafts,
        today: options.today,
    });
    if let Some((snapshot, summary)) = rebuilder.rebuild(&RebuildPlan::Everything, "start") {
        store.publish(snapshot);
        log.rebuilt(&summary);
    }
    let url = format!("http://{address}/");
    if let Some(notice) = notice {
        log.note(&notice);
    }
    if !options.bind.is_loopback() {
        log.note("this address may be reachable from other computers: the preview has no password");
    }
    log.serving(&url);
    if options.open {
        open_browser(&url, &mut log);
    }
    let rebuild_store = Arc::clone(&store);
    std::thread::Builder::new()
        .name("ccg-site-rebuild".into())
        .spawn(move || {
            while let Some(batch) = watcher.next_batch() {
                rebuild_batch(&mut rebuilder, &rebuild_store, &mut log, &batch);
            }
        })
        .map_err(|e| SiteError::new(ErrorKind::Read, format!("cannot start watching: {e}")))?;
    let hosts = if options.bind.is_loopback() {
        HostCheck::LoopbackNames
    } else {
        HostCheck::Any
    };
    run_http(listener, store, hosts)
}

/// Rebuilds after one batch of changes and publishes the result.
fn rebuild_batch(
    rebuilder: &mut Rebuilder,
    store: &SiteStore,
    log: &mut RebuildLog,
    batch: &BTreeSet<PathBuf>,
) {
    let plan = plan(batch.iter().map(PathBuf::as_path));
    let trigger = describe(batch);
    if let Some((snapshot, summary)) = rebuilder.rebuild(&plan, &trigger) {
        store.publish(snapshot);
        log.rebuilt(&summary);
    }
}

/// The changed paths, in words: at most three, then how many more.
pub fn describe(batch: &BTreeSet<PathBuf>) -> String {
    let shown: Vec<String> = batch
        .iter()
        .take(3)
        .map(|p| p.display().to_string())
        .collect();
    match batch.len() {
        0..=3 => shown.join(", "),
        n => format!("{} and {} more", shown.join(", "), n - 3),
    }
}

/// Binds the listening socket. With no port given, tries 1111 and the ports after it, and says
/// which one it took.
fn bind(ip: IpAddr, port: Option<u16>) -> Result<(TcpListener, Option<String>), SiteError> {
    if let Some(port) = port {
        return TcpListener::bind(SocketAddr::new(ip, port))
            .map(|l| (l, None))
            .map_err(|e| bind_error(ip, port, &e));
    }
    let mut first_error = None;
    for port in DEFAULT_PORT..DEFAULT_PORT + PORTS_TO_TRY {
        match TcpListener::bind(SocketAddr::new(ip, port)) {
            Ok(listener) => {
                let notice = (port != DEFAULT_PORT).then(|| {
                    format!("port {DEFAULT_PORT} is in use; serving on port {port} instead")
                });
                return Ok((listener, notice));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                first_error.get_or_insert(e);
            }
            Err(e) => return Err(bind_error(ip, port, &e)),
        }
    }
    let e = first_error.unwrap_or_else(|| std::io::Error::other("no port tried"));
    Err(bind_error(ip, DEFAULT_PORT, &e))
}

fn bind_error(ip: IpAddr, port: u16, e: &std::io::Error) -> SiteError {
    let message = if e.kind() == std::io::ErrorKind::AddrInUse {
        format!("port {port} on {ip} is already in use (another preview may be running)")
    } else {
        format!("cannot listen on {ip} port {port}: {e}")
    };
    SiteError::new(ErrorKind::Read, message).with_help(
        "stop the other server, or choose another port with --port (--port 0 takes any free port)",
    )
}

/// Runs the HTTP server on `listener` until it fails.
fn run_http(listener: TcpListener, store: Arc<SiteStore>, hosts: HostCheck) -> Result<(), Error> {
    let server_error = |e: std::io::Error| -> Error {
        SiteError::new(ErrorKind::Read, format!("the preview server stopped: {e}")).into()
    };
    listener.set_nonblocking(true).map_err(server_error)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("ccg-site-http")
        .enable_io()
        .enable_time()
        .build()
        .map_err(server_error)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(server_error)?;
        axum::serve(listener, http::router(store, hosts))
            .await
            .map_err(server_error)
    })
}

/// Opens `url` in the default browser; a failure is only reported.
fn open_browser(url: &str, log: &mut RebuildLog) {
    let command = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let opened = std::process::Command::new(command.0)
        .args(&command.1)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = opened {
        log.note(&format!(
            "could not open a browser ({}: {e}); open {url} yourself",
            command.0
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_batches_briefly() {
        let batch: BTreeSet<PathBuf> =
            ["content/a.md", "content/b.md", "content/c.md", "site.toml"]
                .iter()
                .map(PathBuf::from)
                .collect();
        assert_eq!(
            describe(&batch),
            "content/a.md, content/b.md, content/c.md and 1 more"
        );
    }

    #[test]
    fn a_taken_port_is_refused_when_asked_for_and_skipped_by_default() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let e = bind("127.0.0.1".parse().unwrap(), Some(port)).unwrap_err();
        assert!(e.message.contains("already in use"), "{e}");
        assert!(e.help.unwrap().contains("--port"));
    }
}
