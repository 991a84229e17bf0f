//! Writing one output file atomically (a temporary file beside it, flushed, then renamed
//! over it), and the test hook that makes writes fail as on a full disk.
//!
//! `report::atomic` builds its files and directories on this; `fit` writes its RON fragment
//! and interval table with [`write_file`]. On any failure the temporary file is removed and
//! the target is left as it was; the error names the path.
//!
//! **Failure injection (tests).** When the environment variable
//! `PEAKPLAN_FAIL_WRITE_AFTER_BYTES=N` is set, the process may write N bytes of output in
//! all; the write that would pass that total fails with "No space left on device", exactly
//! as on a full disk. The test suite uses it to prove that every command exits 1, names
//! the path and leaves nothing behind (`tests/write_failures.rs`); it costs one atomic
//! addition per write otherwise.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable of the failure injection.
pub const FAIL_AFTER_ENV: &str = "PEAKPLAN_FAIL_WRITE_AFTER_BYTES";

static WRITTEN: AtomicU64 = AtomicU64::new(0);

fn quota() -> Option<u64> {
    static QUOTA: OnceLock<Option<u64>> = OnceLock::new();
    *QUOTA.get_or_init(|| std::env::var(FAIL_AFTER_ENV).ok()?.trim().parse().ok())
}

/// Accounts for `bytes` more bytes of output; with the failure injection on, fails once
/// the process's total would pass the quota (the error of a full disk, ENOSPC).
pub fn account(bytes: u64) -> io::Result<()> {
    let Some(q) = quota() else {
        return Ok(());
    };
    let before = WRITTEN.fetch_add(bytes, Ordering::Relaxed);
    if before.saturating_add(bytes) > q {
        return Err(io::Error::new(
            io::ErrorKind::StorageFull,
            format!("No space left on device (os error 28; injected by {FAIL_AFTER_ENV}={q})"),
        ));
    }
    Ok(())
}

/// A writer that accounts every byte with [`account`] before passing it on.
pub struct Accounted<W: Write>(pub W);

impl<W: Write> Write for Accounted<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        account(buf.len() as u64)?;
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// A hidden temporary sibling of `target`, unique within the process and across
/// processes (pid + counter), ending in the target's extension (writers that choose a
/// format from it still work). `None` when the path has no file name.
pub fn temp_sibling(target: &Path, kind: &str) -> Option<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = target.file_name()?.to_string_lossy().into_owned();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut tmp = OsString::from(format!(".{name}.{kind}-{}-{n}", std::process::id()));
    if let Some(ext) = target.extension() {
        tmp.push(".");
        tmp.push(ext);
    }
    Some(target.with_file_name(tmp))
}

/// Writes `bytes` to `target` atomically. The error carries the path it is about.
pub fn write_file(target: &Path, bytes: &[u8]) -> Result<(), (PathBuf, io::Error)> {
    let tmp = temp_sibling(target, "tmp").ok_or_else(|| {
        (
            target.to_path_buf(),
            io::Error::new(io::ErrorKind::InvalidInput, "not a file path"),
        )
    })?;
    let result = (|| {
        let mut w = Accounted(io::BufWriter::new(File::create(&tmp)?));
        w.write_all(bytes)?;
        let file = w.0.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()
    })()
    .map_err(|e| (target.to_path_buf(), e))
    .and_then(|()| fs::rename(&tmp, target).map_err(|e| (target.to_path_buf(), e)));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
