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
//! * Sets of files ([`OutputDir`], `demand`, `simulate`, `plan`, `cost`): every file is
//!   written to a temporary sibling first; only when all are written are they renamed into
//!   place. On any failure the temporary files are removed, and so are the directories the
//!   command created: nothing partial, temporary or empty is left behind.
//! * Every command checks its output directory before any work ([`check_output_dir`]): a
//!   symbolic link, a file, or a non-empty directory that holds no peakplan output (none of
//!   [`OUTPUT_MARKERS`]) is refused with a message saying why.
//! * Every failed write is an I/O error naming its path (exit code 1).

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::output::{Accounted, account};

/// Files whose presence shows that a directory holds peakplan output (of `run`, `compare`,
/// `demand`, `simulate`, `plan`, `cost`): such a directory may receive or be replaced by
/// more output; any other non-empty directory is refused.
pub const OUTPUT_MARKERS: &[&str] = &[
    "run.json",
    "compare.csv",
    "demand_daily.csv",
    "demand_daily.json",
    "sim_daily.csv",
    "staffing.csv",
    "year.csv",
    "costs.csv",
    "sweep.csv",
];

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
        "refusing to write into {path}: it is not empty and holds no earlier peakplan output \
         (such as `{marker}`), so it does not look like an output directory of peakplan; choose \
         another output directory or empty it"
    )]
    NotAnOutputDir { path: PathBuf, marker: String },
    /// The target exists but is not a directory.
    #[error("{path} exists and is not a directory; choose another output directory")]
    NotADirectory { path: PathBuf },
    /// The path has no file name (e.g. `/` or `..`).
    #[error("{path}: not a usable output path (it has no file name)")]
    NoFileName { path: PathBuf },
    /// The output directory is a symbolic link.
    #[error(
        "{path} is a symbolic link (to {target}); peakplan does not write output through a link: give the directory itself or another path"
    )]
    Symlink { path: PathBuf, target: PathBuf },
    /// Writing a file's content failed (a full disk, a failed encoder): nothing was left.
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
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

impl AtomicError {
    /// True when the user chose an output path that cannot be used (exit code 2); false for
    /// a failed write (exit code 1).
    pub fn is_input_error(&self) -> bool {
        matches!(
            self,
            AtomicError::NotAnOutputDir { .. }
                | AtomicError::NotADirectory { .. }
                | AtomicError::NoFileName { .. }
                | AtomicError::Symlink { .. }
        )
    }
}

/// A name for a temporary sibling of `target`: hidden, unique within this process and across
/// processes (pid + counter), and ending in the target's extension so that writers which
/// choose a format from the extension (the PNG encoder does) still work.
fn temp_sibling(target: &Path, kind: &str) -> Result<PathBuf, AtomicError> {
    crate::output::temp_sibling(target, kind).ok_or_else(|| AtomicError::NoFileName {
        path: target.to_path_buf(),
    })
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
    write_path_inner(target, true, |tmp| {
        let file = File::create(tmp)?;
        let mut w = Accounted(io::BufWriter::new(file));
        produce(&mut w)?;
        let file = w.0.into_inner().map_err(|e| e.into_error())?;
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
    write_path_inner(target, false, produce)
}

/// [`write_path_with`]; `accounted`: the producer already counted its bytes for the
/// failure injection ([`crate::output::account`]).
fn write_path_inner<F, E>(target: &Path, accounted: bool, produce: F) -> Result<(), AtomicError>
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
    let result = produce(&tmp).map_err(|e| AtomicError::Write {
        path: target.to_path_buf(),
        source: e.into(),
    });
    let result = result.and_then(|()| {
        let Some(meta) = fs::metadata(&tmp).ok().filter(|m| m.is_file()) else {
            return Err(AtomicError::Io {
                path: tmp.clone(),
                action: "the writer did not create its file",
                source: io::Error::from(io::ErrorKind::NotFound),
            });
        };
        // Writers that create the file themselves (the PNG encoder) are accounted here.
        if !accounted {
            account(meta.len()).map_err(io_err(target, "cannot write"))?;
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
    // The parents it creates are removed again when the run fails.
    let mut parents = OutputDir {
        dir: parent.to_path_buf(),
        created: Vec::new(),
        staged: Vec::new(),
        committed: false,
    };
    parents.make_dirs(parent)?;
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
    } else {
        parents.committed = true;
    }
    result
}

/// A path inside the staging directory of [`replace_dir`] for `target`, as the path it
/// will have inside `target` (for messages: a failed write names the file the user asked
/// for, not a hidden temporary one).
pub fn unstage(path: &Path, target: &Path) -> PathBuf {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return path.to_path_buf();
    };
    let prefix = format!(".{name}.staging-");
    let mut out = PathBuf::new();
    let mut found = false;
    for c in path.components() {
        let s = c.as_os_str().to_string_lossy();
        if !found && s.starts_with(&prefix) {
            out.push(&name);
            found = true;
        } else {
            out.push(c);
        }
    }
    if found { out } else { path.to_path_buf() }
}

impl From<AtomicError> for crate::Error {
    fn from(e: AtomicError) -> Self {
        match e {
            AtomicError::Io { path, source, .. } => crate::Error::Io { path, source },
            AtomicError::Write { path, source } => crate::Error::Io {
                path,
                source: match source.downcast::<io::Error>() {
                    Ok(io) => *io,
                    Err(other) => io::Error::other(other.to_string()),
                },
            },
            AtomicError::Producer(inner) => match inner.downcast::<crate::Error>() {
                Ok(err) => *err,
                Err(other) => crate::Error::Internal(other.to_string()),
            },
            other => crate::Error::Input(other.to_string()),
        }
    }
}

/// `None` when nothing is at `target`; `Some(files)` (possibly empty) for a replaceable
/// directory; an error otherwise.
fn inspect_target(target: &Path, marker: &str) -> Result<Option<Vec<PathBuf>>, AtomicError> {
    let meta = match fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err(target, "cannot inspect the output directory")(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(AtomicError::Symlink {
            path: target.to_path_buf(),
            target: fs::read_link(target).unwrap_or_default(),
        });
    }
    if !meta.is_dir() {
        return Err(AtomicError::NotADirectory {
            path: target.to_path_buf(),
        });
    }
    let files = list_files(target).map_err(io_err(target, "cannot list the output directory"))?;
    let ours = target.join(marker).is_file() || holds_output(target);
    if !files.is_empty() && !ours {
        return Err(AtomicError::NotAnOutputDir {
            path: target.to_path_buf(),
            marker: marker.to_string(),
        });
    }
    Ok(Some(files))
}

/// Whether `dir` holds one of [`OUTPUT_MARKERS`].
fn holds_output(dir: &Path) -> bool {
    OUTPUT_MARKERS.iter().any(|m| dir.join(m).is_file())
}

/// Checks an output directory before any work, the same way for every command: it may be
/// absent, empty, or hold earlier peakplan output (one of [`OUTPUT_MARKERS`], or `marker`);
/// a symbolic link, a file, or a directory with other files is refused.
pub fn check_output_dir(dir: &Path, marker: &str) -> Result<(), AtomicError> {
    inspect_target(dir, marker).map(|_| ())
}

/// A set of files written into one directory all together or not at all (`demand`,
/// `simulate`, `plan`, `cost`): [`write`](Self::write) puts each file in a temporary
/// sibling of its target, [`commit`](Self::commit) renames them all into place. Dropped
/// without a commit (an error on the way), it removes its temporary files and every
/// directory it created, so a failed command leaves nothing behind.
#[derive(Debug)]
pub struct OutputDir {
    dir: PathBuf,
    /// Directories created, outermost first.
    created: Vec<PathBuf>,
    /// (temporary file, target) of every file written.
    staged: Vec<(PathBuf, PathBuf)>,
    committed: bool,
}

impl OutputDir {
    /// Checks `dir` ([`check_output_dir`]); nothing is created yet.
    pub fn new(dir: &Path) -> Result<OutputDir, AtomicError> {
        check_output_dir(dir, OUTPUT_MARKERS[0])?;
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            created: Vec::new(),
            staged: Vec::new(),
            committed: false,
        })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Creates `dir` and its missing parents, remembering which it created.
    fn make_dirs(&mut self, dir: &Path) -> Result<(), AtomicError> {
        let mut missing = Vec::new();
        let mut d = Some(dir);
        while let Some(p) = d.filter(|p| !p.as_os_str().is_empty()) {
            if fs::symlink_metadata(p).is_ok() {
                break;
            }
            missing.push(p.to_path_buf());
            d = p.parent();
        }
        for p in missing.into_iter().rev() {
            fs::create_dir(&p).map_err(io_err(&p, "cannot create the output directory"))?;
            self.created.push(p);
        }
        Ok(())
    }

    /// The target of `rel` (a file name, or `sub/name`), its directory created.
    fn target(&mut self, rel: &str) -> Result<PathBuf, AtomicError> {
        let target = self.dir.join(rel);
        let parent = target.parent().unwrap_or(&self.dir).to_path_buf();
        if parent != self.dir {
            check_output_dir(&parent, OUTPUT_MARKERS[0])?;
        }
        self.make_dirs(&parent)?;
        Ok(target)
    }

    /// Writes `rel` (staged until [`commit`](Self::commit)); returns its final path.
    pub fn write(&mut self, rel: &str, bytes: &[u8]) -> Result<PathBuf, AtomicError> {
        let target = self.target(rel)?;
        let tmp = temp_sibling(&target, "new")?;
        self.staged.push((tmp.clone(), target.clone()));
        (|| {
            let mut w = Accounted(io::BufWriter::new(File::create(&tmp)?));
            w.write_all(bytes)?;
            w.0.into_inner().map_err(|e| e.into_error())?.sync_all()
        })()
        .map_err(io_err(&target, "cannot write"))?;
        Ok(target)
    }

    /// Writes `rel` with a producer given a temporary path to create (the PNG encoder).
    pub fn write_path_with<F, E>(&mut self, rel: &str, produce: F) -> Result<PathBuf, AtomicError>
    where
        F: FnOnce(&Path) -> Result<(), E>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let target = self.target(rel)?;
        let tmp = temp_sibling(&target, "new")?;
        self.staged.push((tmp.clone(), target.clone()));
        produce(&tmp).map_err(|e| AtomicError::Write {
            path: target.clone(),
            source: e.into(),
        })?;
        let len = fs::metadata(&tmp)
            .map_err(io_err(&target, "the writer did not create its file"))?
            .len();
        account(len).map_err(io_err(&target, "cannot write"))?;
        Ok(target)
    }

    /// Renames every staged file into place; returns the final paths in order.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, AtomicError> {
        let mut out = Vec::with_capacity(self.staged.len());
        for (tmp, target) in &self.staged {
            fs::rename(tmp, target)
                .map_err(io_err(target, "cannot move the finished file into place"))?;
            out.push(target.clone());
        }
        self.committed = true;
        Ok(out)
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        for (tmp, _) in &self.staged {
            let _ = fs::remove_file(tmp);
        }
        // Innermost first; `remove_dir` only removes an empty directory.
        for d in self.created.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    }
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

// ------------------------------------------------------------- shared by every command

/// Writes `bytes` to `path` atomically (temporary file in the same directory, then rename;
/// see [`crate::report::atomic`]), creating the directory first.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> crate::Result<()> {
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| crate::Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    write_file(path, bytes).map_err(crate::Error::from)
}

/// A folder-safe version of a scenario name.
pub fn folder_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() { "scenario".into() } else { s }
}

/// Refuses, before any work, an output directory that is a symbolic link, a file, or holds
/// files but no peakplan output ([`check_output_dir`], as every command does):
/// nothing of the user's is ever replaced.
pub fn refuse_foreign(dir: &Path, marker: &str) -> crate::Result<()> {
    Ok(check_output_dir(dir, marker)?)
}

/// A failure of [`replace_dir`] for `dir` as the crate's error; a failed write
/// names the file inside `dir`, not inside the hidden staging directory.
pub fn map_atomic(e: AtomicError, dir: &Path) -> crate::Error {
    match crate::Error::from(e) {
        crate::Error::Io { path, source } => crate::Error::Io {
            path: unstage(&path, dir),
            source,
        },
        other => other,
    }
}
