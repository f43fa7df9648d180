//! Helpers for the `serve` tests: start the real binary's preview server on an ephemeral port,
//! talk raw HTTP/1.1 to it (so that paths reach it exactly as written), and read its
//! Server-Sent Events. The server is killed when the handle is dropped; every wait is bounded.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a test waits for the server to start, or for a rebuild to show.
pub const WAIT: Duration = Duration::from_secs(20);

/// A running `ccg-site serve`, killed on drop.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT/`.
    pub url: String,
    /// The port it listens on.
    pub port: u16,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `ccg-site serve --site SITE --port 0 ARGS` and waits for its URL.
    pub fn start(site: &Path, args: &[&str]) -> Server {
        Self::start_within(site, args, WAIT)
    }

    /// Like [`Server::start`], waiting up to `wait` for the first build (large sites).
    pub fn start_within(site: &Path, args: &[&str], wait: Duration) -> Server {
        Self::start_with_env(site, args, &[], wait)
    }

    /// Like [`Server::start_within`], with extra environment variables.
    pub fn start_with_env(
        site: &Path,
        args: &[&str],
        env: &[(&str, std::ffi::OsString)],
        wait: Duration,
    ) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ccg-site"))
            .arg("serve")
            .arg("--site")
            .arg(site)
            .args(["--port", "0"])
            .args(args)
            .env("CCG_SITE_TODAY", "2026-11-30")
            .env("NO_COLOR", "1")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ccg-site serve");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (url_tx, url_rx) = channel();
        let out = child.stdout.take().expect("stdout");
        let lines = Arc::clone(&stdout);
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(at) = line.find("http://") {
                    let url: String = line[at..].split_whitespace().next().unwrap_or("").into();
                    let _ = url_tx.send(url);
                }
                lines.lock().unwrap().push(line);
            }
        });
        let err = child.stderr.take().expect("stderr");
        let errs = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut reader = BufReader::new(err);
            let mut buf = String::new();
            while reader.read_line(&mut buf).unwrap_or(0) > 0 {
                errs.lock().unwrap().push_str(&buf);
                buf.clear();
            }
        });
        let url = match url_rx.recv_timeout(wait) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "ccg-site serve printed no URL within {wait:?}\nstdout: {:?}\nstderr: {}",
                    stdout.lock().unwrap(),
                    stderr.lock().unwrap()
                );
            }
        };
        let port = url
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {url}"));
        Server {
            child,
            url,
            port,
            stdout,
            stderr,
        }
    }

    /// What the server printed so far.
    pub fn output(&self) -> String {
        format!(
            "stdout:\n{}\nstderr:\n{}",
            self.stdout.lock().unwrap().join("\n"),
            self.stderr.lock().unwrap()
        )
    }

    /// The server's stdout lines so far.
    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    /// Waits until the server prints a line containing `text`; panics after [`WAIT`].
    pub fn wait_for_line(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            if let Some(line) = self.stdout_lines().into_iter().find(|l| l.contains(text)) {
                return line;
            }
            assert!(
                start.elapsed() < WAIT,
                "the server never printed {text:?}\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends `GET TARGET` as written (no normalisation) and reads the whole response.
    pub fn get(&self, target: &str) -> Response {
        self.request("GET", target)
    }

    /// Sends a request with `method` and reads the whole response.
    pub fn request(&self, method: &str, target: &str) -> Response {
        self.request_to_host(method, target, &format!("127.0.0.1:{}", self.port))
    }

    /// Sends a request with `method` and the `Host` header `host`, and reads the whole response.
    pub fn request_to_host(&self, method: &str, target: &str, host: &str) -> Response {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream.set_read_timeout(Some(WAIT)).expect("timeout");
        write!(
            stream,
            "{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .expect("send");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read the response");
        Response::parse(&raw)
    }

    /// Opens the Server-Sent Events stream and waits for its greeting.
    pub fn events(&self) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .expect("timeout");
        write!(
            stream,
            "GET /__ccg-site/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAccept: text/event-stream\r\n\r\n",
            self.port
        )
        .expect("send");
        let mut events = Events {
            hello: String::new(),
            stream,
            buffer: String::new(),
            consumed: 0,
        };
        // Subscribed once the greeting is there: later versions all arrive as `reload`.
        events.hello = events
            .next("hello", WAIT)
            .unwrap_or_else(|| panic!("no hello event\n{}", self.output()));
        events
    }

    /// Waits until `GET target` satisfies `ok`, returning that response; panics after [`WAIT`].
    pub fn wait_for(&self, target: &str, what: &str, ok: impl Fn(&Response) -> bool) -> Response {
        let start = Instant::now();
        loop {
            let r = self.get(target);
            if ok(&r) {
                return r;
            }
            assert!(
                start.elapsed() < WAIT,
                "{target} never showed {what} within {WAIT:?}; last response {} {}\n{}",
                r.status,
                r.body.chars().take(3000).collect::<String>(),
                self.output()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A parsed HTTP response.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    fn parse(raw: &[u8]) -> Response {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Response {
            status,
            headers,
            body: body.to_string(),
        }
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The event stream of a server.
pub struct Events {
    /// The version the server greeted with.
    pub hello: String,
    stream: TcpStream,
    buffer: String,
    consumed: usize,
}

impl Events {
    /// Waits for the next event called `name` and returns its data.
    pub fn next(&mut self, name: &str, timeout: Duration) -> Option<String> {
        let needle = format!("event: {name}\n");
        let start = Instant::now();
        loop {
            if let Some(at) = self.buffer[self.consumed..].find(&needle) {
                let from = self.consumed + at + needle.len();
                if let Some(end) = self.buffer[from..].find("\n\n") {
                    let block = &self.buffer[from..from + end];
                    let data = block
                        .lines()
                        .filter_map(|l| l.strip_prefix("data: "))
                        .collect::<Vec<_>>()
                        .join("\n");
                    self.consumed = from + end;
                    return Some(data);
                }
            }
            if start.elapsed() > timeout {
                return None;
            }
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => return None,
                Ok(n) => self.buffer.push_str(&String::from_utf8_lossy(&chunk[..n])),
                Err(_) => {} // read timeout: look again
            }
        }
    }

    /// Waits for the first `reload` event, returning how long it took.
    pub fn reload_within(&mut self, timeout: Duration) -> Option<(String, Duration)> {
        let start = Instant::now();
        self.next("reload", timeout).map(|v| (v, start.elapsed()))
    }
}

/// Saves `text` into `path` the way many editors do: into a temporary file beside it, then
/// renamed over it.
pub fn save_atomically(path: &Path, text: &str) {
    let tmp = path.with_file_name(format!(
        ".{}.tmp",
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&tmp, text).expect("write the temporary file");
    std::fs::rename(&tmp, path).expect("rename over the file");
}
