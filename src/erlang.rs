//! erlang (placeholder)
