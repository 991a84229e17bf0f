//! The application layer: one file per command, owning its pipeline — option defaulting,
//! the seed and replication policy, the order of the steps and the work budget — on top of
//! the computing modules, with [`crate::report`] writing the files. `main.rs` only parses the
//! command line into these functions' options and maps their errors to exit codes. The work
//! can span machines: shards of it (`--shard K/N`, [`shard`]), the merge of their parts
//! ([`merge`]), and sweeps of what-ifs ([`sweep`]).

pub mod compare;
pub mod cost;
pub mod demand;
pub mod erlang;
pub mod fit;
pub mod merge;
pub mod plan;
pub mod run;
pub mod shard;
pub mod simulate;
pub mod sweep;
pub mod validate;

/// SHA-256 of bytes as 64 lowercase hex digits (the form `sha256sum` prints): the
/// fingerprints of the files a run read (`run.json`), of a shard's scenario (its part file)
/// and of `fit --plan`'s history.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    use std::fmt::Write as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
