//! Atomic output: a reader never sees a half-written file or a directory mixing two runs.
//!
//! * Files: written to a temporary file in the same directory (same file system), flushed
//!   to disk, then renamed over the target. On any error the temporary file is removed and
//!   the target is left exactly as it was.
//! * Directories: a whole run is written into a fresh staging directory next to the target,
//!   which is then renamed into place. A previous run in the target is moved aside first and
//!   removed afterwards; [`Replaced`] says what was replaced so the caller can tell the user.
//!   To protect a user who points `--out` at the wrong place, a non-empty directory is only
//!   replaced when it holds a marker file (e.g. `run.json`) that proves it is an earlier run.

use std::ffi::OsString;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What went wrong while writing output.
#[derive(Debug, thiserror::Error)]
pub enum AtomicError {
    /// An I/O operation on `path` failed.
    #[error("{path}: {action}: {source}")]
    Io {
        path: PathBuf,
        /// What was being done, e.g. "cannot create temporary file".
        action: &'static str,
        #[source]
        source: io::Error,
    },
    /// The target directory exists, is not empty, and has no marker of an earlier run.
    #[error(
        "refusing to replace {path}: it is not empty and holds no `{marker}`, so it does not look \
         like an earlier peakplan output directory; choose another output directory or remove it"
    )]
    NotAnOutputDir { path: PathBuf, marker: String },
    /// The target exists but is not a directory.
    #[error("{path} exists and is not a directory; choose another output directory")]
    NotADirectory { path: PathBuf },
    /// The path has no file name (e.g. `/` or `..`).
    #[error("{path}: not a usable output path (it has no file name)")]
    NoFileName { path: PathBuf },
    /// The caller's content producer failed; nothing was changed.
    #[error("{0}")]
    Producer(Box<dyn std::error::Error + Send + Sync>),
}

fn io_err(path: &Path, action: &'static str) -> impl FnOnce(io::Error) -> AtomicError + use<> {
    let path = path.to_path_buf();
    move |source| AtomicError::Io {
        path,
        action,
        source,
    }
}

/// A name for a temporary sibling of `target`: hidden, unique within this process and across
/// processes (pid + counter), and ending in the target's extension so that writers which
/// choose a format from the extension (the PNG encoder does) still work.
fn temp_sibling(target: &Path, kind: &str) -> Result<PathBuf, AtomicError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = target
        .file_name()
        .ok_or_else(|| AtomicError::NoFileName {
            path: target.to_path_buf(),
        })?
        .to_string_lossy()
        .into_owned();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut tmp = OsString::from(format!(".{name}.{kind}-{}-{n}", std::process::id()));
    if let Some(ext) = target.extension() {
        tmp.push(".");
        tmp.push(ext);
    }
    Ok(target.with_file_name(tmp))
}

/// The directory a target lives in (`.` for a bare file name).
fn parent_dir(target: &Path) -> &Path {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes `bytes` to `target` atomically (temp file in the same directory + rename).
pub fn write_file(target: &Path, bytes: &[u8]) -> Result<(), AtomicError> {
    write_file_with(target, |w| w.write_all(bytes))
}

/// Writes `target` atomically from a producer that writes into a buffered file. If the
/// producer fails, the temporary file is removed and `target` is untouched.
pub fn write_file_with<F>(target: &Path, produce: F) -> Result<(), AtomicError>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    write_path_with(target, |tmp| {
        let file = File::create(tmp)?;
        let mut w = io::BufWriter::new(file);
        produce(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()
    })
}

/// Writes `target` atomically from a producer that is given a temporary path to create (for
/// writers that only accept a path, like the PNG encoder). The temporary path is in the same
/// directory and has the same extension as `target`. If the producer fails, whatever it
/// wrote is removed and `target` is untouched.
pub fn write_path_with<F, E>(target: &Path, produce: F) -> Result<(), AtomicError>
where
    F: FnOnce(&Path) -> Result<(), E>,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    if target.is_dir() {
        return Err(AtomicError::Io {
            path: target.to_path_buf(),
            action: "cannot write a file",
            source: io::Error::new(io::ErrorKind::IsADirectory, "it is a directory"),
        });
    }
    let tmp = temp_sibling(target, "tmp")?;
    let result = produce(&tmp).map_err(|e| AtomicError::Producer(e.into()));
    let result = result.and_then(|()| {
        if !tmp.is_file() {
            return Err(AtomicError::Io {
                path: tmp.clone(),
                action: "the writer did not create its file",
                source: io::Error::from(io::ErrorKind::NotFound),
            });
        }
        fs::rename(&tmp, target).map_err(io_err(target, "cannot move the finished file into place"))
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// What [`replace_dir`] found at the target before it put the new directory in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replaced {
    /// There was nothing at the target.
    Nothing,
    /// There was an empty directory.
    EmptyDir,
    /// There was an earlier run; `files` lists its entries (relative paths, sorted).
    PreviousRun {
        files: Vec<PathBuf>,
        /// Set when the previous run was moved aside but could not be deleted afterwards.
        left_behind: Option<PathBuf>,
    },
}

impl Replaced {
    /// A sentence for the user, e.g. "replaced the earlier run in output/x (7 files)".
    pub fn describe(&self, target: &Path) -> String {
        let t = target.display();
        match self {
            Replaced::Nothing => format!("created {t}"),
            Replaced::EmptyDir => format!("wrote into the empty directory {t}"),
            Replaced::PreviousRun { files, left_behind } => {
                let n = files.len();
                let s = if n == 1 { "" } else { "s" };
                let mut msg = format!("replaced the earlier run in {t} ({n} file{s})");
                if let Some(old) = left_behind {
                    msg.push_str(&format!(
                        "; its files could not all be deleted and remain in {}",
                        old.display()
                    ));
                }
                msg
            }
        }
    }
}

impl fmt::Display for Replaced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Replaced::Nothing => f.write_str("nothing"),
            Replaced::EmptyDir => f.write_str("an empty directory"),
            Replaced::PreviousRun { files, .. } => {
                write!(f, "an earlier run ({} files)", files.len())
            }
        }
    }
}

fn list_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                walk(root, &path, out)?;
            } else {
                out.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// Produces a whole directory atomically: `fill` writes into a fresh staging directory next
/// to `target` (same file system); when it succeeds the staging directory is renamed to
/// `target`. An existing `target` is replaced only if it is empty or contains `marker` (a
/// file every complete run writes, e.g. `run.json`); see [`Replaced`] for what was there.
///
/// If `fill` fails, the staging directory is removed and `target` is untouched. Between
/// moving an earlier run aside and renaming the new one into place there is a moment when
/// `target` does not exist; a reader never sees a mixture of two runs.
pub fn replace_dir<F, E>(target: &Path, marker: &str, fill: F) -> Result<Replaced, AtomicError>
where
    F: FnOnce(&Path) -> Result<(), E>,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    // Check the target first so that a refusal costs no work.
    let previous = inspect_target(target, marker)?;
    let parent = parent_dir(target);
    fs::create_dir_all(parent).map_err(io_err(parent, "cannot create the parent directory"))?;
    let staging = temp_sibling(target, "staging")?;
    fs::create_dir(&staging).map_err(io_err(&staging, "cannot create a staging directory"))?;
    if let Err(e) = fill(&staging) {
        let _ = fs::remove_dir_all(&staging);
        return Err(AtomicError::Producer(e.into()));
    }
    // The target may have changed while `fill` ran; look again.
    let previous = match inspect_target(target, marker) {
        Ok(p) => p,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    }
    .or(previous);
    let result = match previous {
        None => fs::rename(&staging, target)
            .map(|()| Replaced::Nothing)
            .map_err(io_err(target, "cannot move the new output into place")),
        Some(files) => swap_in(&staging, target, files),
    };
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// `None` when nothing is at `target`; `Some(files)` (possibly empty) for a replaceable
/// directory; an error otherwise.
fn inspect_target(target: &Path, marker: &str) -> Result<Option<Vec<PathBuf>>, AtomicError> {
    let meta = match fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err(target, "cannot inspect the output directory")(e)),
    };
    if !meta.is_dir() {
        return Err(AtomicError::NotADirectory {
            path: target.to_path_buf(),
        });
    }
    let files = list_files(target).map_err(io_err(target, "cannot list the output directory"))?;
    if !files.is_empty() && !target.join(marker).is_file() {
        return Err(AtomicError::NotAnOutputDir {
            path: target.to_path_buf(),
            marker: marker.to_string(),
        });
    }
    Ok(Some(files))
}

fn swap_in(staging: &Path, target: &Path, files: Vec<PathBuf>) -> Result<Replaced, AtomicError> {
    let old = temp_sibling(target, "old")?;
    fs::rename(target, &old).map_err(io_err(target, "cannot move the earlier output aside"))?;
    if let Err(e) = fs::rename(staging, target) {
        // Put the earlier run back so the user loses nothing.
        let _ = fs::rename(&old, target);
        return Err(io_err(target, "cannot move the new output into place")(e));
    }
    let left_behind = fs::remove_dir_all(&old).err().map(|_| old);
    if files.is_empty() {
        return Ok(Replaced::EmptyDir);
    }
    Ok(Replaced::PreviousRun { files, left_behind })
}
