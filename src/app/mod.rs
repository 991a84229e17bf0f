//! Commands that span several machines: shards of the work (`--shard K/N`), the merge of
//! their parts, and sweeps of what-ifs.

pub mod merge;
pub mod shard;
pub mod sweep;
