//! `peakplan validate FILE…`: every file loaded and validated ([`crate::scenario`]); each
//! file's result is returned as lines for stdout and stderr, in order (the library never
//! prints).

use std::path::PathBuf;

use crate::error::{Error, Result};

/// Where a line of the command's output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// What `validate` found: the lines to print, in order, and how many files were invalid.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub lines: Vec<(Stream, String)>,
    pub invalid: usize,
    pub files: usize,
}

impl Outcome {
    /// `Ok` when every file is valid; else the input error that gives the exit code.
    pub fn result(&self) -> Result<()> {
        match self.invalid {
            0 => Ok(()),
            n => Err(Error::Input(format!(
                "{n} of {} scenario files invalid",
                self.files
            ))),
        }
    }
}

/// Validates every file with the `--set` overrides: `ok  FILE  (summary)` and its warnings,
/// or every error and warning found (all at once, with file:line:column and the fix).
pub fn validate(files: &[PathBuf], overrides: &[String]) -> Outcome {
    let mut lines = Vec::new();
    let mut invalid = 0;
    for file in files {
        match crate::scenario::load_with_warnings(file, overrides) {
            Ok(loaded) => {
                lines.push((
                    Stream::Stdout,
                    format!(
                        "ok  {}  ({})",
                        file.display(),
                        crate::scenario::summary(&loaded.scenario)
                    ),
                ));
                for w in &loaded.warnings {
                    lines.push((Stream::Stderr, w.to_string()));
                }
            }
            Err(e) => {
                invalid += 1;
                match e.diagnostics() {
                    Some(d) => {
                        for w in d.errors.iter().chain(&d.warnings) {
                            lines.push((Stream::Stderr, w.to_string()));
                        }
                    }
                    None => lines.push((Stream::Stderr, e.to_string())),
                }
            }
        }
    }
    Outcome {
        lines,
        invalid,
        files: files.len(),
    }
}
