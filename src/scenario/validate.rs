//! Semantic validation: the checks serde cannot make (ranges, sums, references, dates).

use super::error::{DiagnosticKind, Severity};
use super::schema::Scenario;
use super::syntax::FieldPath;

/// One semantic finding, placed by its field path.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub severity: Severity,
    pub kind: DiagnosticKind,
    pub path: FieldPath,
    pub message: String,
}

/// Every semantic problem of a deserialized scenario (errors and warnings).
pub fn validate(_s: &Scenario) -> Vec<Issue> {
    Vec::new()
}
