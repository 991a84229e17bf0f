//! demand (placeholder)
