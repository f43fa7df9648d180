//! ccg-site: a static site generator for the statutory public documents of NHS clinical
//! commissioning groups (CCGs) and integrated care boards (ICBs).
//!
//! The pipeline runs one way: [`content::load_site`] reads `site.toml` and `content/`,
//! [`compliance::check_site`] applies the rule pack, [`render::render_site`] turns documents into
//! pages with the theme, and [`output::write_site`] writes them atomically. `serve` reuses the
//! same stages in memory.

pub mod build;
pub mod compliance;
pub mod config;
pub mod content;
pub mod error;
pub mod init;
pub mod output;
pub mod render;
pub mod serve;
pub mod suggest;
pub mod timings;

pub use error::{Error, ErrorKind, Result, SiteError};
