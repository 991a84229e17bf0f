//! scenario (placeholder)
