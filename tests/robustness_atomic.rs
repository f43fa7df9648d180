//! Atomic output under faults: a real build of a large site is SIGKILLed while it writes its
//! temporary folder; the previous `public/` must be byte-for-byte intact, and the next build
//! must succeed and leave no temporary folder behind.

mod common;

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// The demo site plus `n` pages of about 20 KB each, so that writing takes a while.
fn large_site(n: usize) -> tempfile::TempDir {
    let site = copy_demo_site();
    let folder = site.path().join("content/minutes");
    std::fs::create_dir_all(&folder).unwrap();
    let paragraph = "The governing body agreed the plan for urgent and same-day care. ".repeat(30);
    for i in 0..n {
        let mut body = String::new();
        for s in 0..10 {
            body.push_str(&format!("## Item {s}\n\n{paragraph}\n\n"));
        }
        std::fs::write(
            folder.join(format!("meeting-{i:04}.md")),
            format!("+++\ntitle = \"Minutes of meeting {i}\"\nkind = \"page\"\n+++\n\n{body}"),
        )
        .unwrap();
    }
    site
}

/// Names of `.public.*` temporary folders beside `public/`.
fn temporary_folders(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect()
}

/// Starts a build and SIGKILLs it as soon as its temporary output folder holds files. Returns
/// whether it was killed part-way (rather than finishing first).
fn kill_while_writing(site: &Path) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ccg-site"))
        .args(["build", "--site", site.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        let writing = temporary_folders(site).iter().any(|n| {
            n.starts_with(".public.tmp-")
                && std::fs::read_dir(site.join(n)).is_ok_and(|mut d| d.next().is_some())
        });
        if writing {
            child.kill().unwrap(); // SIGKILL
            let status = child.wait().unwrap();
            return status.signal() == Some(9);
        }
        if child.try_wait().unwrap().is_some() {
            return false; // finished before we saw it write
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "the build never started writing"
        );
        std::thread::sleep(Duration::from_micros(200));
    }
}

#[test]
fn build_killed_while_writing_leaves_previous_output_intact() {
    let site = large_site(400);
    let public = site.path().join("public");
    let run = ccg_site(&["build", "--site", site.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.all());
    let before = snapshot_tree(&public);
    assert!(before.len() > 400);

    // Change a page so that a finished build would change public/.
    let first = site.path().join("content/minutes/meeting-0000.md");
    let text = std::fs::read_to_string(&first).unwrap();
    std::fs::write(&first, text.replace("meeting 0", "meeting zero")).unwrap();

    let mut killed = false;
    for _ in 0..5 {
        if kill_while_writing(site.path()) {
            killed = true;
            break;
        }
        // It finished first: put the old output back and try again.
        let run = ccg_site(&["build", "--site", site.path().to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.all());
    }
    assert!(killed, "never managed to kill a build part-way");
    assert!(
        temporary_folders(site.path())
            .iter()
            .any(|n| n.starts_with(".public.tmp-")),
        "the kill came while the temporary folder was being written"
    );
    assert!(
        snapshot_tree(&public) == before,
        "public/ changed after a killed build"
    );

    let run = ccg_site(&["build", "--site", site.path().to_str().unwrap()]);
    run.assert_no_panic();
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(
        temporary_folders(site.path()),
        Vec::<String>::new(),
        "temporary folders left behind"
    );
    let page = std::fs::read_to_string(public.join("minutes/meeting-0000/index.html")).unwrap();
    assert!(
        page.contains("meeting zero"),
        "the new build was swapped in"
    );
}
