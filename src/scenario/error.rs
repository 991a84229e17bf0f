//! Scenario errors: every problem found in a scenario, with the file, line and column where
//! it is written, the field path, and what would be right.

use std::fmt;
use std::path::PathBuf;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The scenario cannot be used.
    Error,
    /// The scenario is usable but probably not what the planner meant.
    Warning,
}

/// What kind of problem a diagnostic reports (for programs; people read the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiagnosticKind {
    /// The text is not RON.
    Syntax,
    /// A field name the schema does not have.
    UnknownField,
    /// An enum variant the schema does not have.
    UnknownVariant,
    /// A required field is not written.
    MissingField,
    /// A field is written twice in one struct.
    DuplicateField,
    /// A value of the wrong type or form (a string for a number, a bad date …).
    WrongValue,
    /// A value outside what is allowed (semantic validation).
    Invalid,
    /// A name that refers to nothing (a reason, channel, skill, event …).
    UnknownName,
    /// `extends` cannot be followed (missing file, cycle).
    Extends,
    /// A `--set path=value` override cannot be applied.
    Set,
}

/// One finding, placed where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub kind: DiagnosticKind,
    /// The file (as given) or `--set path=value` that wrote the offending text.
    pub file: String,
    /// 1-based line and column (in characters).
    pub line: usize,
    pub column: usize,
    /// Field path such as `reasons[2].channel_mix.phone`; empty for the whole document.
    pub path: String,
    /// What is wrong and what would be right.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.file.starts_with("--set ") {
            write!(f, "`{}` (column {}): ", self.file, self.column)?;
        } else {
            write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        }
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// The findings of one scenario: all errors (sorted by position) and all warnings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Diagnostics {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        for (i, d) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        if n > 1 {
            write!(f, "\n({n} errors)")?;
        }
        Ok(())
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The scenario file itself cannot be read.
    #[error("cannot read scenario {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The scenario (or a base it extends, or a `--set`) has errors; all are listed.
    #[error("{0}")]
    Invalid(Diagnostics),
}

impl ScenarioError {
    /// The findings, when the scenario was read but is invalid.
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            ScenarioError::Invalid(d) => Some(d),
            ScenarioError::Io { .. } => None,
        }
    }
}
