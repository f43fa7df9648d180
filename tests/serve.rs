//! `ccg-site serve`, driven as a user would: the real binary serves a copy of the demo site on
//! an ephemeral port; the tests edit files and read the pages and the event stream over HTTP.

mod common;
mod serve_support;

use std::path::Path;
use std::time::Duration;

use serve_support::{save_atomically, Server, WAIT};

const ABOUT: &str = "content/about-us.md";

fn read(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join(rel)).expect("read the demo document")
}

/// The about-us document with `text` added as its first paragraph.
fn about_with(site: &Path, text: &str) -> String {
    read(site, ABOUT).replacen("+++\n\n", &format!("+++\n\n{text}\n\n"), 1)
}

#[test]
fn serves_the_built_site_from_memory() {
    let site = common::copy_demo_site();
    let server = Server::start(site.path(), &[]);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(home.body.contains("NHS Northfield"));
    assert!(
        home.body
            .contains("<script src=\"/__ccg-site/live-reload.js\" data-version=\"1\" defer>"),
        "the live-reload script is injected"
    );
    let page = server.get("/about-us/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<h1>About us</h1>"), "{}", page.body);
    assert_eq!(
        server.get("/about-us").header("location"),
        Some("/about-us/")
    );

    let css = server.get("/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(!css.body.contains("live-reload"));
    assert_eq!(
        server.get("/atom.xml").header("content-type"),
        Some("application/atom+xml")
    );
    assert_eq!(
        server.get("/sitemap.xml").header("content-type"),
        Some("application/xml")
    );
    let script = server.get("/__ccg-site/live-reload.js");
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(script.body.contains("EventSource('/__ccg-site/events')"));

    let missing = server.get("/no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("live-reload.js"),
        "404.html is served"
    );
    assert_eq!(server.request("POST", "/").status, 405);
    assert!(
        !site.path().join("public").exists(),
        "serve never writes public/"
    );
}

#[test]
fn an_edit_changes_the_page_and_sends_a_reload_event() {
    let site = common::copy_demo_site();
    let server = Server::start(site.path(), &[]);
    let mut events = server.events();
    assert_eq!(events.hello, "1");

    save_atomically(
        &site.path().join(ABOUT),
        &about_with(site.path(), "Freshly edited paragraph."),
    );
    let (reload, _) = events
        .reload_within(WAIT)
        .unwrap_or_else(|| panic!("no reload event\n{}", server.output()));
    // The new version, and the pages that changed: this one, and the home page that lists it.
    let changed: Vec<&str> = reload.split(' ').collect();
    assert_eq!(changed[0], "2", "{reload}");
    assert!(changed.contains(&"/about-us/"), "{reload}");
    assert!(!changed.contains(&"/constitution/"), "{reload}");
    // The new version is in place when the event arrives.
    let page = server.get("/about-us/");
    assert!(
        page.body.contains("Freshly edited paragraph."),
        "{}",
        page.body
    );
    assert!(page.body.contains("data-version=\"2\"") || page.body.contains("data-version=\"3\""));
    server.wait_for_line("content/about-us.md: updated");

    // A plain write (no rename) works too; the title shows on the home page's list as well.
    let edited = read(site.path(), ABOUT).replace("title = \"About us\"", "title = \"Who we are\"");
    std::fs::write(site.path().join(ABOUT), edited).expect("write");
    assert!(events.reload_within(WAIT).is_some());
    assert!(server
        .get("/about-us/")
        .body
        .contains("<h1>Who we are</h1>"));
    assert!(!site.path().join("public").exists());
}

#[test]
fn a_broken_edit_shows_the_overlay_until_fixed() {
    let site = common::copy_demo_site();
    let server = Server::start(site.path(), &[]);
    let mut events = server.events();
    let good = read(site.path(), ABOUT);

    let broken = good.replace("kind = \"page\"", "kind = page");
    save_atomically(&site.path().join(ABOUT), &broken);
    assert!(
        events.reload_within(WAIT).is_some(),
        "a failed build reloads too"
    );
    let page = server.get("/about-us/");
    assert_eq!(page.status, 200, "the last good version is still served");
    assert!(page.body.contains("<h1>About us</h1>"));
    assert!(page.body.contains("role=\"alert\""), "{}", page.body);
    assert!(
        page.body.contains("content/about-us.md:3:"),
        "file and line: {}",
        page.body
    );
    assert!(page.body.contains("<strong>Help:</strong>"));
    assert!(
        server.get("/").body.contains("role=\"alert\""),
        "every page shows the overlay"
    );

    save_atomically(&site.path().join(ABOUT), &good);
    assert!(events.reload_within(WAIT).is_some());
    let page = server.get("/about-us/");
    assert!(
        !page.body.contains("role=\"alert\""),
        "the fix clears the overlay"
    );
    assert!(!server.get("/").body.contains("ccg-preview"));
}

#[test]
fn a_broken_site_toml_or_template_shows_the_overlay_and_the_server_keeps_running() {
    let site = common::copy_demo_site();
    let server = Server::start(site.path(), &[]);
    let mut events = server.events();
    let config = read(site.path(), "site.toml");

    std::fs::write(
        site.path().join("site.toml"),
        format!("{config}\nnmae = \"x\"\n"),
    )
    .expect("write");
    assert!(events.reload_within(WAIT).is_some());
    let page = server.get("/");
    assert!(page.body.contains("role=\"alert\"") && page.body.contains("site.toml:"));
    assert!(
        page.body.contains("NHS Northfield"),
        "the last good version underneath"
    );

    // Fixing the config but breaking a template of a theme: still an overlay, naming the template.
    let templates = site.path().join("themes/mine/templates");
    std::fs::create_dir_all(&templates).expect("mkdir");
    std::fs::write(
        templates.join("page.html"),
        "{% extends \"base.html\" %}\n{% block content %}{{ page.title }{% endblock content %}\n",
    )
    .expect("write");
    std::fs::write(
        site.path().join("site.toml"),
        format!("theme = \"mine\"\n{config}"),
    )
    .expect("write");
    let page = server.wait_for("/about-us/", "the template error", |r| {
        r.body.contains("themes/mine/templates/page.html")
    });
    assert!(page.body.contains("role=\"alert\""));

    std::fs::remove_file(templates.join("page.html")).expect("remove");
    server.wait_for("/about-us/", "no overlay", |r| {
        r.status == 200 && !r.body.contains("role=\"alert\"")
    });
}

#[test]
fn deleting_renaming_and_adding_documents() {
    let site = common::copy_demo_site();
    let server = Server::start(site.path(), &[]);
    let mut events = server.events();
    let content = site.path().join("content");

    std::fs::remove_file(content.join("contact-us.md")).expect("remove");
    assert!(events.reload_within(WAIT).is_some());
    assert_eq!(server.get("/contact-us/").status, 404);

    std::fs::rename(
        content.join("annual-reports/2022-23.md"),
        content.join("annual-reports/report-2022-23.md"),
    )
    .expect("rename");
    server.wait_for("/annual-reports/report-2022-23/", "the renamed page", |r| {
        r.status == 200
    });
    assert_eq!(server.get("/annual-reports/2022-23/").status, 404);
    let listing = server.get("/annual-reports/");
    assert!(listing.body.contains("/annual-reports/report-2022-23/"));

    // A new folder with a new document, made elsewhere and moved in whole.
    let outside = tempfile::tempdir().expect("temp");
    let folder = outside.path().join("news");
    std::fs::create_dir(&folder).expect("mkdir");
    std::fs::write(
        folder.join("winter.md"),
        "+++\ntitle = \"Winter news\"\nkind = \"page\"\n+++\n\nStay well this winter.\n",
    )
    .expect("write");
    common::copy_tree(&folder, &content.join("news"));
    let page = server.wait_for("/news/winter/", "the new page", |r| r.status == 200);
    assert!(page.body.contains("Stay well this winter."));

    std::fs::remove_dir_all(content.join("news")).expect("remove folder");
    server.wait_for("/news/winter/", "404", |r| r.status == 404);
}

#[test]
fn a_burst_of_saves_ends_with_the_last() {
    let site = common::copy_demo_site();
    let server = Server::start(site.path(), &[]);
    let path = site.path().join(ABOUT);
    let original = read(site.path(), ABOUT);
    for i in 0..20 {
        let text = original.replacen("+++\n\n", &format!("+++\n\nBurst save number {i}.\n\n"), 1);
        save_atomically(&path, &text);
        std::thread::sleep(Duration::from_millis(3));
    }
    let page = server.wait_for("/about-us/", "the last save", |r| {
        r.body.contains("Burst save number 19.")
    });
    assert!(!page.body.contains("Burst save number 18."));
}

#[test]
fn an_editor_that_moves_the_old_file_away_does_not_lose_the_page() {
    let site = common::copy_demo_site();
    let server = Server::start(site.path(), &[]);
    let mut events = server.events();
    let path = site.path().join(ABOUT);
    let new_text = about_with(site.path(), "Saved the vim way.");
    // vim with backupcopy=no: rename the file to a backup, write a new file, delete the backup.
    std::fs::rename(&path, site.path().join("content/about-us.md~")).expect("backup");
    std::fs::write(&path, new_text).expect("write");
    std::fs::remove_file(site.path().join("content/about-us.md~")).expect("remove backup");
    assert!(events.reload_within(WAIT).is_some());
    let page = server.wait_for("/about-us/", "the new text", |r| {
        r.body.contains("Saved the vim way.")
    });
    assert_eq!(page.status, 200);
}

#[test]
fn nothing_outside_the_built_site_is_served() {
    let site = common::copy_demo_site();
    let static_dir = site.path().join("static");
    std::fs::create_dir_all(&static_dir).expect("mkdir");
    std::fs::write(static_dir.join("leaflet.txt"), "a static file").expect("write");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/passwd", static_dir.join("passwd")).expect("symlink");
        std::os::unix::fs::symlink("/etc", static_dir.join("etc")).expect("symlink");
    }
    let server = Server::start(site.path(), &[]);
    assert_eq!(server.get("/leaflet.txt").status, 200);
    for target in [
        "/../site.toml",
        "/../../../../etc/passwd",
        "/%2e%2e/site.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/about-us/%2e%2e/%2e%2e/site.toml",
        "/..%2fsite.toml",
        "/%2fetc%2fpasswd",
        "//etc/passwd",
        "/..\\site.toml",
        "/%5c..%5csite.toml",
        "/about-us\\..\\..\\site.toml",
        "http://127.0.0.1/../site.toml",
        "/site.toml",
        "/content/about-us.md",
        "/passwd",
        "/etc/passwd",
        "/etc/hostname",
        "/./style.css",
        "/style.css%00.html",
    ] {
        let r = server.get(target);
        assert_eq!(r.status, 404, "{target} gave {}: {}", r.status, r.body);
        assert!(!r.body.contains("root:"), "{target}");
    }
}

#[test]
fn open_starts_the_browser_on_the_preview_url() {
    // A stand-in `xdg-open` first on PATH records the URL it is asked to open.
    let site = common::copy_demo_site();
    let bin = tempfile::tempdir().expect("temp dir");
    let opened = bin.path().join("opened.txt");
    let script = bin.path().join("xdg-open");
    let record = opened.display();
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s' \"$1\" > '{record}.part' && mv '{record}.part' '{record}'\n"
        ),
    )
    .expect("write script");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let mut path = std::ffi::OsString::from(bin.path());
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    let server = Server::start_with_env(site.path(), &["--open"], &[("PATH", path)], WAIT);
    let start = std::time::Instant::now();
    while !opened.exists() && start.elapsed() < WAIT {
        std::thread::sleep(Duration::from_millis(50));
    }
    let url = std::fs::read_to_string(&opened).unwrap_or_default();
    assert_eq!(url, server.url, "{}", server.output());
}

#[test]
fn requests_for_other_host_names_are_refused() {
    // DNS rebinding: a page on evil.example whose name resolves to 127.0.0.1 must not read the
    // preview through the visitor's browser.
    let site = common::copy_demo_site();
    let server = Server::start(site.path(), &[]);
    let port = server.port;
    for host in [
        "evil.example",
        &format!("evil.example:{port}"),
        "localhost.evil.example",
    ] {
        let r = server.request_to_host("GET", "/about-us/", host);
        assert_eq!(r.status, 403, "Host: {host} gave {}", r.status);
        assert!(!r.body.contains("About us"), "Host: {host} read the page");
    }
    for host in [
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        format!("127.0.0.1:{port}"),
    ] {
        let r = server.request_to_host("GET", "/about-us/", &host);
        assert_eq!(r.status, 200, "Host: {host} gave {}", r.status);
    }
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let site = common::copy_demo_site();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ccg-site"))
        .args(["serve", "--port", &port, "--site"])
        .arg(site.path())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start");
    let start = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > WAIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve kept running on a port in use");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{stderr}"
    );
    assert!(stderr.contains("--port 0"), "{stderr}");
}

#[test]
fn compliance_findings_of_the_page_show_in_the_preview_only() {
    let site = common::copy_demo_site();
    let server = Server::start(site.path(), &[]);
    let report = "content/annual-reports/2023-24.md";
    let text = read(site.path(), report);
    assert!(!server
        .get("/annual-reports/2023-24/")
        .body
        .contains("ccg-preview"));

    // Remove the statutory section on reducing health inequalities.
    let without = text.replace("## Reducing health inequalities", "## Other matters");
    save_atomically(&site.path().join(report), &without);
    let page = server.wait_for("/annual-reports/2023-24/", "the findings panel", |r| {
        r.body.contains("compliance finding")
    });
    assert!(
        page.body.contains("annual-report.inequalities"),
        "the rule id: {}",
        page.body
    );
    assert!(
        page.body.contains("<strong>Law:</strong> NHS Act 2006"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("role=\"alert\""),
        "findings are not a build error"
    );
    assert!(
        !server
            .get("/constitution/")
            .body
            .contains("compliance finding"),
        "only the page with findings shows them"
    );
    assert!(server
        .wait_for_line("content/annual-reports/2023-24.md: updated")
        .contains("1 error"));

    // A build writes nothing while the finding stands, and the preview wrote nothing either.
    let build = common::ccg_site(&["build", "--site", &site.path().display().to_string()]);
    assert_eq!(build.code, 1, "{}", build.all());
    assert!(!site.path().join("public").exists());

    save_atomically(&site.path().join(report), &text);
    server.wait_for("/annual-reports/2023-24/", "no findings panel", |r| {
        !r.body.contains("ccg-preview")
    });
}

#[test]
fn an_edit_renders_the_compliance_page_that_lists_the_document_with_it() {
    let site = common::copy_demo_site();
    let server = Server::start(site.path(), &[]);
    let mut events = server.events();
    let report = "content/annual-reports/2023-24.md";
    let original = read(site.path(), report);
    let title = original
        .lines()
        .find(|l| l.starts_with("title = "))
        .expect("the report has a title");
    let edited = original.replacen(title, "title = \"Annual report, as edited\"", 1);
    save_atomically(&site.path().join(report), &edited);
    let (reload, _) = events
        .reload_within(WAIT)
        .unwrap_or_else(|| panic!("no reload event\n{}", server.output()));
    // One reload, with the document's compliance page in it: nothing is left for later.
    let changed: Vec<&str> = reload.split(' ').collect();
    assert!(changed.contains(&"/compliance/annual-reports/"), "{reload}");
    assert!(!changed.contains(&"/compliance/constitutions/"), "{reload}");
    let page = server.get("/compliance/annual-reports/");
    assert!(
        page.body.contains("Annual report, as edited"),
        "{}",
        page.body
    );

    // A document judged under another regime moves to that regime's compliance pages (it has
    // findings there, which the preview shows; the pages are rendered all the same).
    let other_regime = edited.replacen("+++\n", "+++\nregime = \"icb-2022\"\n", 1);
    save_atomically(&site.path().join(report), &other_regime);
    assert!(events.reload_within(WAIT).is_some());
    let moved = server.get("/compliance/icb-2022/annual-reports/");
    assert_eq!(moved.status, 200, "{}", server.output());
    assert!(moved.body.contains("Annual report, as edited"));
    let left = server.get("/compliance/annual-reports/");
    assert!(!left.body.contains("Annual report, as edited"));
    assert!(!site.path().join("public").exists());
}
