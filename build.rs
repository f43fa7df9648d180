//! Embeds the default theme (`themes/nhs/`) and the starter sites written by `ccg-site init`
//! (the CCG demo: `site.toml`, `content/` at the root; the ICB starter: `starters/icb-2022/`) in
//! the binary, and tells cargo to rebuild when any of them changes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, base: &Path, out: &mut Vec<(String, PathBuf)>) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(&path, base, out);
        } else {
            println!("cargo:rerun-if-changed={}", path.display());
            let rel = path
                .strip_prefix(base)
                .expect("inside base")
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, path));
        }
    }
}

fn table(name: &str, files: &[(String, PathBuf)]) -> String {
    let mut s =
        format!("/// Embedded files: (path, bytes).\npub static {name}: &[(&str, &[u8])] = &[\n");
    for (rel, path) in files {
        let _ = writeln!(
            s,
            "    ({rel:?}, include_bytes!({:?})),",
            path.display().to_string()
        );
    }
    s.push_str("];\n");
    s
}

/// `site.toml` and `content/` of the site in `dir`.
fn starter_site(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    let site_toml = dir.join("site.toml");
    println!("cargo:rerun-if-changed={}", site_toml.display());
    if site_toml.is_file() {
        files.push(("site.toml".to_string(), site_toml));
    }
    collect(&dir.join("content"), dir, &mut files);
    files
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let mut theme = Vec::new();
    collect(
        &root.join("themes/nhs"),
        &root.join("themes/nhs"),
        &mut theme,
    );

    let starter = starter_site(&root);
    let icb_starter = starter_site(&root.join("starters/icb-2022"));

    let mut code = table("THEME_FILES", &theme);
    code.push_str(&table("STARTER_SITE_FILES", &starter));
    code.push_str(&table("ICB_STARTER_SITE_FILES", &icb_starter));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("embedded.rs");
    std::fs::write(out, code).expect("write embedded.rs");
}
