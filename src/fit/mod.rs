//! History → scenario: fit volumes, patience and handling times from a centre's own data,
//! and prove the volume forecast on held-out weeks.
//!
//! * [`calls`]: per-call records with a column mapping (built-in: Anonymous Bank);
//! * [`estimate`]: queue figures, handling-time distribution, patience (Kaplan–Meier and
//!   exponential MLE), redials;
//! * [`render`]: the human table and JSON of `peakplan fit`.

pub mod calls;
pub mod estimate;
pub mod render;

pub use calls::{CallColumns, CallRecord, CallSet, Mapping, Outcome, load_calls};
pub use estimate::{CallFit, estimate};
