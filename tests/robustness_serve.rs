//! `ccg-site serve` survives the same bad inputs as `build`: for each, the overlay names the
//! file (and line), the last good version stays served, nothing hangs, and fixing the input
//! clears the overlay.

mod common;
mod serve_support;

use std::path::Path;
use std::process::Command;

use serve_support::{save_atomically, Server};

const ABOUT: &str = "content/about-us.md";

/// Waits until `/about-us/` shows the overlay holding every text in `expected` over the last
/// good page.
fn assert_overlay(server: &Server, expected: &[&str]) {
    let page = server.wait_for("/about-us/", expected[0], |r| {
        r.body.contains("role=\"alert\"") && expected.iter().all(|e| r.body.contains(e))
    });
    assert_eq!(page.status, 200, "the last good version is still served");
    assert!(
        page.body.contains("<h1>About us</h1>"),
        "last good version underneath"
    );
}

/// Waits until the overlay is gone.
fn assert_recovered(server: &Server) {
    server.wait_for("/about-us/", "no overlay", |r| {
        r.status == 200
            && !r.body.contains("role=\"alert\"")
            && r.body.contains("<h1>About us</h1>")
    });
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo")
        .success());
}

#[test]
fn serve_survives_every_bad_input_and_keeps_the_last_good_site() {
    let site = common::copy_demo_site();
    let root = site.path();
    let server = Server::start(root, &[]);
    let about = root.join(ABOUT);
    let good = std::fs::read_to_string(&about).unwrap();

    // Invalid UTF-8.
    let mut bytes = good.clone().into_bytes();
    let at = good.find("title = \"").unwrap() + 9;
    bytes.insert(at, 0xe9);
    std::fs::write(&about, &bytes).unwrap();
    assert_overlay(&server, &["content/about-us.md:2:", "UTF-8"]);
    save_atomically(&about, &good);
    assert_recovered(&server);

    // Unclosed front matter and malformed TOML.
    save_atomically(
        &about,
        &good
            .replacen("+++", "+++\n", 1)
            .replacen("\n+++\n", "\n", 2),
    );
    assert_overlay(&server, &["content/about-us.md:1:1", "never closed"]);
    save_atomically(
        &about,
        &good.replace("kind = \"page\"", "kind = \"pgae\"\nkind = 1"),
    );
    assert_overlay(&server, &["content/about-us.md:", "duplicate key"]);
    save_atomically(&about, &good);
    assert_recovered(&server);

    // A document linked to a named pipe, a loop of links and a link out of the site.
    mkfifo(&root.join("pipe"));
    std::os::unix::fs::symlink("../pipe", root.join("content/pipe.md")).unwrap();
    assert_overlay(&server, &["content/pipe.md", "not a file"]);
    std::fs::remove_file(root.join("content/pipe.md")).unwrap();
    std::os::unix::fs::symlink("loop.md", root.join("content/loop.md")).unwrap();
    assert_overlay(&server, &["content/loop.md", "looping symbolic link"]);
    std::fs::remove_file(root.join("content/loop.md")).unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("host.md"), &good).unwrap();
    std::os::unix::fs::symlink(outside.path().join("host.md"), root.join("content/host.md"))
        .unwrap();
    assert_overlay(&server, &["content/host.md", "outside the site folder"]);
    std::fs::remove_file(root.join("content/host.md")).unwrap();
    assert_recovered(&server);

    // Two documents at one URL.
    std::fs::create_dir_all(root.join("content/about-us")).unwrap();
    save_atomically(&root.join("content/about-us/index.md"), &good);
    assert_overlay(&server, &["content/about-us/index.md", "/about-us/"]);
    std::fs::remove_dir_all(root.join("content/about-us")).unwrap();
    assert_recovered(&server);

    // Hostile but valid: fifty thousand nested block quotes build and are served.
    save_atomically(
        &root.join("content/deep.md"),
        &format!(
            "+++\ntitle = \"Deep\"\nkind = \"page\"\n+++\n\n{} bottom\n",
            ">".repeat(50_000)
        ),
    );
    let deep = server.wait_for("/deep/", "the deep page", |r| r.status == 200);
    assert!(deep.body.contains("bottom"));
    assert_recovered(&server);

    // A template that fails while rendering.
    let config = std::fs::read_to_string(root.join("site.toml")).unwrap();
    let templates = root.join("themes/mine/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("page.html"),
        "{% extends \"base.html\" %}\n{% block content %}\n\n{{ page.missing | upper }}\n{% endblock content %}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("site.toml"),
        format!("theme = \"mine\"\n{config}"),
    )
    .unwrap();
    assert_overlay(
        &server,
        &["themes/mine/templates/page.html:4", "page.missing"],
    );

    // site.toml replaced by a folder.
    std::fs::remove_file(root.join("site.toml")).unwrap();
    std::fs::create_dir(root.join("site.toml")).unwrap();
    assert_overlay(&server, &["site.toml is a folder"]);
    std::fs::remove_dir(root.join("site.toml")).unwrap();
    std::fs::write(root.join("site.toml"), &config).unwrap();
    assert_recovered(&server);
}
