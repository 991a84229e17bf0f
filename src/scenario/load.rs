//! Loading a scenario: read the file, follow `extends`, apply `--set` overrides, deserialize
//! with ron (`implicit_some` on) and validate.
//!
//! Every error is placed in the text that wrote it (the variant, its base, or a `--set`
//! argument), with the field path and what would be right; all errors of a scenario are
//! collected (ron stops at the first type error, semantic validation reports them all).

use std::path::{Path, PathBuf};

use ron::extensions::Extensions;

use super::error::{Diagnostic, DiagnosticKind, Diagnostics, ScenarioError, Severity};
use super::merge::{At, Emitted, MNode, Source, find_field, merge, remove_path, set_path};
use super::schema::Scenario;
use super::suggest::{closest, one_of, unknown_tail};
use super::syntax::{self, FieldPath, Kind, Node, Seg, line_col, locate, path_at};
use super::validate::{Issue, validate};

/// The fields of [`Scenario`], in schema order (a test checks this against serde).
pub const SCENARIO_FIELDS: &[&str] = &[
    "name",
    "description",
    "extends",
    "calendar",
    "channels",
    "service_level_definition",
    "orders",
    "events",
    "campaigns",
    "other_sources",
    "volumes",
    "reasons",
    "levers",
    "arrival_profiles",
    "agents",
    "costs",
    "behaviour",
    "simulation",
];

/// Second-level fields whose name is unique in the schema, with their parent: a `--set`
/// path may start with them (`flex_pools[0].max_headcount` = `agents.flex_pools[0]…`).
pub const SUFFIX_ROOTS: &[(&str, &str)] = &[
    ("interval_min", "calendar"),
    ("time_zone", "calendar"),
    ("closed_days", "calendar"),
    ("plan_date", "calendar"),
    ("baseline_per_day", "orders"),
    ("weekly_growth", "orders"),
    ("week_multipliers", "orders"),
    ("hourly_profile", "orders"),
    ("prevention", "levers"),
    ("deflection", "levers"),
    ("early_ordering", "levers"),
    ("disruptions", "levers"),
    ("teams", "agents"),
    ("flex_pools", "agents"),
    ("blending", "agents"),
    ("currency", "costs"),
    ("overtime_premium", "costs"),
    ("channel_costs", "costs"),
    ("hiring_cost_eur", "costs"),
    ("abandoned_contact_eur", "costs"),
    ("patience", "behaviour"),
    ("redial", "behaviour"),
    ("repeat", "behaviour"),
    ("channel_switch", "behaviour"),
    ("replications", "simulation"),
    ("seed", "simulation"),
    ("volume_cv", "simulation"),
    ("confidence", "simulation"),
    ("volume_cv_by_lead", "simulation"),
];

/// Most type errors reported for one scenario (each costs one more read of the text).
const MAX_TYPE_ERRORS: usize = 50;

/// Most reads of the text while recovering from type errors (each error, each placeholder
/// tried for a missing field).
const MAX_READS: usize = 500;

/// Values tried, in order, for a required field that is missing (misspelt or left out), so
/// that reading can go on and report the file's other mistakes in the same run: a number,
/// a string that is also a date, a clock time, an empty list, map and struct (whose own
/// required fields get placeholders in turn), then the enum's first variant (learnt from
/// ron's error), bare or with a number or an empty struct. Nothing read from a placeholder
/// is ever reported.
const PLACEHOLDERS: &[&str] = &["0", "\"2000-01-01\"", "\"00:00\"", "[]", "{}", "()"];

/// The name of a placeholder's source: this, then the field path it stands at.
const PLACEHOLDER_SOURCE: &str = "<placeholder> ";

/// The `k`-th placeholder for a field whose enum variants (when ron named them) are
/// `variants`; `None` when all were tried.
fn placeholder(k: usize, variants: Option<&Vec<String>>) -> Option<String> {
    if let Some(p) = PLACEHOLDERS.get(k) {
        return Some((*p).to_string());
    }
    // First a name no enum has (ron's error lists the variants), then the first variant.
    match (k - PLACEHOLDERS.len(), variants.and_then(|v| v.first())) {
        (0, _) => Some("PeakplanPlaceholder".to_string()),
        (1, Some(v)) => Some(v.clone()),
        (2, Some(v)) => Some(format!("{v}(0)")),
        (3, Some(v)) => Some(format!("{v}(())")),
        _ => None,
    }
}

/// Longest `extends` chain followed.
const MAX_EXTENDS_DEPTH: usize = 16;

/// A valid scenario with its non-fatal findings.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    /// Findings that do not stop the scenario from being used, sorted by position.
    pub warnings: Vec<Diagnostic>,
    /// The files read: the scenario first, then the bases it extends, in order, then the
    /// volumes CSV files the scenario names.
    pub files: Vec<PathBuf>,
}

/// Reads, merges (`extends`), overrides (`--set path=value` strings) and validates a
/// scenario file. Warnings are dropped; use [`load_with_warnings`] to see them.
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    load_with_warnings(path, overrides).map(|l| l.scenario)
}

/// [`load`], keeping the warnings.
pub fn load_with_warnings(path: &Path, overrides: &[String]) -> Result<Loaded, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut ctx = Ctx::default();
    let mut stack = Vec::new();
    let start = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let root = ctx.chain(
        path.display().to_string(),
        text,
        Some((path.to_path_buf(), start)),
        &mut stack,
    );
    ctx.finish(root, overrides)
}

/// Loads a scenario from text (tests, fuzzing, tools). `extends` is not available: there is
/// no file to resolve it against.
pub fn load_str(text: &str, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    load_str_with_warnings(text, "<text>", overrides).map(|l| l.scenario)
}

/// [`load_str`] with a name for the text (used in messages), keeping the warnings.
pub fn load_str_with_warnings(
    text: &str,
    name: &str,
    overrides: &[String],
) -> Result<Loaded, ScenarioError> {
    let mut ctx = Ctx::default();
    let root = ctx.chain(name.to_string(), text.to_string(), None, &mut Vec::new());
    ctx.finish(root, overrides)
}

/// One line describing a valid scenario:
/// `name, N days, R reasons, C channels, T teams, P pools`.
pub fn summary(s: &Scenario) -> String {
    let days = (s.calendar.end - s.calendar.start).get_days() + 1;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{}, {}, {}, {}, {}, {}",
        s.name,
        plural(usize::try_from(days).unwrap_or(0), "day", "days"),
        plural(s.reasons.len(), "reason", "reasons"),
        plural(s.channels.len(), "channel", "channels"),
        plural(s.agents.teams.len(), "team", "teams"),
        plural(s.agents.flex_pools.len(), "pool", "pools"),
    )
}

/// A finding placed in a source, before it is turned into file:line:column.
struct Raw {
    severity: Severity,
    kind: DiagnosticKind,
    at: At,
    path: String,
    message: String,
}

/// The rows a volumes CSV added to `volumes[volume].per_date` (from index `inline` on) and
/// where their cells are written.
struct CsvRows {
    volume: usize,
    inline: usize,
    source: usize,
    rows: Vec<super::volumes::RowPos>,
}

#[derive(Default)]
struct Ctx {
    sources: Vec<Source>,
    /// The file each file-backed source was read from (by source index).
    source_files: std::collections::BTreeMap<usize, PathBuf>,
    /// `#![enable(…)]` extensions found in any file (other than `implicit_some`, always on).
    extensions: Vec<String>,
    raw: Vec<Raw>,
    files: Vec<PathBuf>,
}

impl Ctx {
    fn error(&mut self, kind: DiagnosticKind, at: At, path: String, message: String) {
        self.raw.push(Raw {
            severity: Severity::Error,
            kind,
            at,
            path,
            message,
        });
    }

    fn add_source(&mut self, name: String, text: String) -> usize {
        self.sources.push(Source { name, text });
        self.sources.len() - 1
    }

    /// Reads one file of an `extends` chain and everything it extends, merged.
    /// `file`: (path as given, canonical path), `None` for text without a file.
    fn chain(
        &mut self,
        name: String,
        text: String,
        file: Option<(PathBuf, PathBuf)>,
        stack: &mut Vec<PathBuf>,
    ) -> Option<MNode> {
        let src = self.add_source(name.clone(), text);
        if let Some((given, canonical)) = &file {
            self.source_files.insert(src, given.clone());
            self.files.push(given.clone());
            stack.push(canonical.clone());
        }
        let text = self.sources[src].text.clone();
        let doc = match syntax::parse_document(&text) {
            Ok(doc) => doc,
            Err(e) => {
                self.error(
                    DiagnosticKind::Syntax,
                    At {
                        source: src,
                        offset: e.offset,
                    },
                    String::new(),
                    e.message,
                );
                return None;
            }
        };
        for ext in doc.extensions {
            if ext != "implicit_some" && !self.extensions.contains(&ext) {
                self.extensions.push(ext);
            }
        }
        for (key, name) in syntax::duplicate_keys(&doc.root, &text) {
            let (path, _) = path_at(&doc.root, &text, key.start);
            self.error(
                DiagnosticKind::DuplicateField,
                At {
                    source: src,
                    offset: key.start,
                },
                path.to_string(),
                format!("key `{name}` is written twice in this map; write it once"),
            );
        }
        let node = MNode::from_node(&doc.root, src, &text);
        let Some((base_rel, extends_node)) = extends_of(&doc.root) else {
            return Some(node);
        };
        let at = At {
            source: src,
            offset: extends_node.start,
        };
        let path = "extends".to_string();
        let Some((given, _)) = file else {
            self.error(
                DiagnosticKind::Extends,
                at,
                path,
                "`extends` needs a scenario file on disk to resolve the base against; load the file instead of text".to_string(),
            );
            return None;
        };
        if stack.len() > MAX_EXTENDS_DEPTH {
            self.error(
                DiagnosticKind::Extends,
                at,
                path,
                format!("`extends` chain longer than {MAX_EXTENDS_DEPTH} files"),
            );
            return None;
        }
        let dir = given.parent().unwrap_or(Path::new(""));
        let base_given = dir.join(&base_rel);
        let base_canonical = match std::fs::canonicalize(&base_given) {
            Ok(c) => c,
            Err(e) => {
                self.error(
                    DiagnosticKind::Extends,
                    at,
                    path,
                    format!(
                        "cannot read base scenario `{base_rel}` ({}): {e}; the path is relative to this file",
                        base_given.display()
                    ),
                );
                return None;
            }
        };
        if let Some(k) = stack.iter().position(|p| p == &base_canonical) {
            let mut names: Vec<String> = stack[k..]
                .iter()
                .map(|p| {
                    p.file_name()
                        .map_or_else(|| p.display().to_string(), |f| f.to_string_lossy().into())
                })
                .collect();
            names.push(names[0].clone());
            self.error(
                DiagnosticKind::Extends,
                at,
                path,
                format!(
                    "`extends` makes a cycle: {}; a base must not extend its variants",
                    names.join(" → ")
                ),
            );
            return None;
        }
        let base_text = match std::fs::read_to_string(&base_given) {
            Ok(t) => t,
            Err(e) => {
                self.error(
                    DiagnosticKind::Extends,
                    at,
                    path,
                    format!(
                        "cannot read base scenario `{base_rel}` ({}): {e}",
                        base_given.display()
                    ),
                );
                return None;
            }
        };
        let base = self.chain(
            normalize(&base_given).display().to_string(),
            base_text,
            Some((base_given, base_canonical)),
            stack,
        )?;
        Some(merge(base, node, &self.sources))
    }

    /// Applies one `--set path=value`.
    fn apply_set(&mut self, root: &mut MNode, arg: &str) {
        let src = self.add_source(format!("--set {arg}"), arg.to_string());
        let at0 = At {
            source: src,
            offset: 0,
        };
        let Some(eq) = arg.find('=') else {
            self.error(
                DiagnosticKind::Set,
                at0,
                String::new(),
                format!("`{arg}` is not an override; write `--set path=value`, e.g. `--set simulation.seed=7`"),
            );
            return;
        };
        let path_text = arg[..eq].trim();
        let mut path = match FieldPath::parse(path_text) {
            Ok(p) => p,
            Err(e) => {
                self.error(DiagnosticKind::Set, at0, String::new(), e);
                return;
            }
        };
        if path.0.first() == Some(&Seg::Field("extends".to_string())) {
            self.error(
                DiagnosticKind::Set,
                at0,
                path_text.to_string(),
                "`extends` cannot be overridden: --set applies after the files are merged; write a variant file instead".to_string(),
            );
            return;
        }
        // Suffix paths: `flex_pools[0].max_headcount` for `agents.flex_pools[0]…`.
        if let Some(Seg::Field(first)) = path.0.first().cloned()
            && let Some((_, parent)) = SUFFIX_ROOTS.iter().find(|(f, _)| *f == first)
        {
            path.0.insert(0, Seg::Field(parent.to_string()));
        } else if let Some(Seg::Field(first)) = path.0.first().cloned()
            && !SCENARIO_FIELDS.contains(&first.as_str())
        {
            let found = find_field(root, &first);
            match found.as_slice() {
                [one] => {
                    let mut full = one.clone();
                    full.0.extend(path.0[1..].iter().cloned());
                    path = full;
                }
                [] => {
                    self.error(
                        DiagnosticKind::Set,
                        at0,
                        path_text.to_string(),
                        format!(
                            "`{first}` is not a field of the scenario nor written anywhere in it{}",
                            unknown_tail(&first, SCENARIO_FIELDS, "top-level fields")
                        ),
                    );
                    return;
                }
                many => {
                    let names: Vec<String> = many.iter().map(|p| p.to_string()).collect();
                    self.error(
                        DiagnosticKind::Set,
                        at0,
                        path_text.to_string(),
                        format!(
                            "`{first}` is ambiguous: it is written at {}; write the full path",
                            one_of(&names)
                        ),
                    );
                    return;
                }
            }
        }
        let value_node = match syntax::parse_value_at(arg, eq + 1) {
            Ok(v) => v,
            Err(e) => {
                self.error(
                    DiagnosticKind::Syntax,
                    At {
                        source: src,
                        offset: e.offset,
                    },
                    path.to_string(),
                    format!(
                        "{} (the value is RON: strings need quotes, e.g. `name=\"x\"`)",
                        e.message
                    ),
                );
                return;
            }
        };
        let value = MNode::from_node(&value_node, src, arg);
        let at = value.at();
        if let Err(e) = set_path(root, &path, value, at, &self.sources) {
            self.error(DiagnosticKind::Set, at0, path.to_string(), e);
        }
    }

    /// The field path a placeholder source was placed at (`None`: a real source).
    fn placeholder_of(&self, source: usize) -> Option<FieldPath> {
        let name = &self.sources.get(source)?.name;
        FieldPath::parse(name.strip_prefix(PLACEHOLDER_SOURCE)?).ok()
    }

    /// Puts the `candidate`-th placeholder (see [`placeholder`]) at `path` in place of
    /// whatever is there; false when no candidate is left or it cannot be placed.
    fn place(
        &mut self,
        root: &mut MNode,
        path: &FieldPath,
        candidate: usize,
        variants: Option<&Vec<String>>,
    ) -> bool {
        let Some(text) = placeholder(candidate, variants) else {
            return false;
        };
        let Ok(node) = syntax::parse_value_at(&text, 0) else {
            return false;
        };
        remove_path(root, path, false);
        let src = self.add_source(format!("{PLACEHOLDER_SOURCE}{path}"), text.clone());
        let value = MNode::from_node(&node, src, &text);
        let at = value.at();
        set_path(root, path, value, at, &self.sources).is_ok()
    }

    fn finish(
        mut self,
        root: Option<MNode>,
        overrides: &[String],
    ) -> Result<Loaded, ScenarioError> {
        let mut root = match root {
            Some(r) => r,
            None => return Err(self.into_error()),
        };
        for arg in overrides {
            self.apply_set(&mut root, arg);
        }
        if !self.raw.is_empty() {
            return Err(self.into_error());
        }
        // ron stops at the first type error. To report more than one, the offending field
        // is removed from the merged tree and the text read again (error recovery), until
        // it reads or an error cannot be recovered from (a missing required field).
        let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
        let mut removed: Vec<FieldPath> = Vec::new();
        let mut type_errors = 0;
        // Missing required fields filled in to read on: path → (candidate, enum variants).
        let mut placed: Vec<(FieldPath, usize, Option<Vec<String>>)> = Vec::new();
        let mut reads = 0;
        let (scenario, emitted, merged_doc) = loop {
            reads += 1;
            if reads > MAX_READS {
                return Err(self.into_error());
            }
            let emitted = Emitted::document(&self.sources, &self.extensions, &root);
            let merged = &emitted.text;
            let merged_doc = syntax::parse_document(merged);
            let e = match options.from_str::<Scenario>(merged) {
                Ok(s) if type_errors == 0 => break (s, emitted, merged_doc),
                Ok(_) => return Err(self.into_error()),
                Err(e) => e,
            };
            let offset = syntax::offset_of(merged, e.span.start.line, e.span.start.col);
            let (path, node) = match &merged_doc {
                Ok(doc) => {
                    let (p, n) = path_at(&doc.root, merged, offset);
                    (p, Some(n))
                }
                Err(_) => (FieldPath::root(), None),
            };
            let (kind, path, message, pos) =
                describe_ron_error(&e.code, path, node, merged, offset);
            // An error inside a placeholder is ours (by its path, or by its position when ron
            // places it at the enclosing value): a struct placeholder's own missing field
            // gets a placeholder too; otherwise the next candidate is tried.
            let in_source = self.placeholder_of(emitted.origin(pos).source);
            let mine = (0..placed.len())
                .filter(|&k| path.starts_with(&placed[k].0))
                .max_by_key(|&k| placed[k].0.0.len())
                .or_else(|| in_source.and_then(|q| placed.iter().position(|(p, _, _)| *p == q)));
            if let Some(k) = mine {
                if kind == DiagnosticKind::MissingField && path != placed[k].0 {
                    if !self.place(&mut root, &path, 0, None) {
                        return Err(self.into_error());
                    }
                    placed.push((path, 0, None));
                    continue;
                }
                if let ron::Error::NoSuchEnumVariant { expected, .. } = &e.code {
                    placed[k].2 = Some(expected.iter().map(|v| v.to_string()).collect());
                }
                placed[k].1 += 1;
                let (p, c, v) = placed[k].clone();
                // Nested placeholders of the old value go with it.
                placed.retain(|(q, _, _)| !q.starts_with(&p) || *q == p);
                if !self.place(&mut root, &p, c, v.as_ref()) {
                    return Err(self.into_error());
                }
                continue;
            }
            // A misspelt field is removed; the field it was meant to be is then missing,
            // which is the same mistake, not a second one.
            if let ron::Error::NoSuchStructField {
                expected, found, ..
            } = &e.code
                && let Some(meant) = closest(found, expected.iter().copied())
            {
                let mut parent = path.clone();
                parent.0.pop();
                removed.push(parent.field(meant));
            }
            let consequence = kind == DiagnosticKind::MissingField && removed.contains(&path);
            if !consequence {
                let at = emitted.origin(pos);
                self.error(kind, at, path.to_string(), message);
                type_errors += 1;
            }
            // A missing required field: a placeholder, so that reading goes on.
            if kind == DiagnosticKind::MissingField {
                if type_errors >= MAX_TYPE_ERRORS || !self.place(&mut root, &path, 0, None) {
                    return Err(self.into_error());
                }
                placed.push((path, 0, None));
                continue;
            }
            // What to remove to read on: the field (the list holding a bad element).
            let mut target = path.clone();
            while matches!(target.0.last(), Some(Seg::Index(_))) {
                target.0.pop();
            }
            let recoverable =
                !matches!(kind, DiagnosticKind::MissingField | DiagnosticKind::Syntax)
                    && !target.is_empty()
                    && type_errors < MAX_TYPE_ERRORS;
            let last = kind == DiagnosticKind::DuplicateField;
            if !recoverable || !remove_path(&mut root, &target, last) {
                return Err(self.into_error());
            }
            removed.push(target);
        };
        let mut scenario = scenario;
        let csv_rows = self.read_volume_files(&mut scenario, &merged_doc, &emitted);
        self.validated(&scenario, &csv_rows, &merged_doc, &emitted);
        let diags = self.diagnostics();
        if !diags.errors.is_empty() {
            return Err(ScenarioError::Invalid(diags));
        }
        Ok(Loaded {
            scenario,
            warnings: diags.warnings,
            files: self.files,
        })
    }

    /// Validates the scenario read; each finding is placed in the CSV it came from, else
    /// in the scenario file that wrote the field.
    fn validated(
        &mut self,
        scenario: &Scenario,
        csv_rows: &[CsvRows],
        merged_doc: &Result<syntax::Document, syntax::SyntaxError>,
        emitted: &Emitted,
    ) {
        let merged = &emitted.text;
        for issue in validate(scenario) {
            let Issue {
                severity,
                kind,
                path,
                message,
            } = issue;
            // The merged text is our own output and always reads back; should it not, the
            // finding is still reported (at the start of the scenario file).
            let at = match (csv_position(csv_rows, &path), merged_doc) {
                (Some(at), _) => at,
                (None, Ok(doc)) => position_of(&doc.root, merged, &path, emitted),
                (None, Err(_)) => At {
                    source: 0,
                    offset: 0,
                },
            };
            self.raw.push(Raw {
                severity,
                kind,
                at,
                path: path.to_string(),
                message,
            });
        }
    }

    /// Reads the CSV file of every `volumes[i].file` (relative to the file that names it)
    /// into `per_date`; problems are placed in the CSV (file:line:column) or, when the
    /// file cannot be read, at the `file` field.
    fn read_volume_files(
        &mut self,
        s: &mut Scenario,
        merged_doc: &Result<syntax::Document, syntax::SyntaxError>,
        emitted: &Emitted,
    ) -> Vec<CsvRows> {
        let mut out = Vec::new();
        for i in 0..s.volumes.len() {
            let Some(rel) = s.volumes[i].file.clone() else {
                continue;
            };
            let path = FieldPath::root().field("volumes").index(i).field("file");
            let at = match merged_doc {
                Ok(doc) => position_of(&doc.root, &emitted.text, &path, emitted),
                Err(_) => At {
                    source: 0,
                    offset: 0,
                },
            };
            let Some(base) = self
                .source_files
                .get(&at.source)
                .or_else(|| self.source_files.get(&0))
                .cloned()
            else {
                self.error(
                    DiagnosticKind::Invalid,
                    at,
                    path.to_string(),
                    "a volumes `file` needs a scenario file on disk to resolve it against; load the file instead of text".into(),
                );
                continue;
            };
            let full = base.parent().unwrap_or(Path::new("")).join(&rel);
            let text = match std::fs::read_to_string(&full) {
                Ok(t) => t,
                Err(e) => {
                    self.error(
                        DiagnosticKind::Invalid,
                        at,
                        path.to_string(),
                        format!(
                            "cannot read volumes file `{rel}` ({}): {e}; the path is relative to the scenario file that names it",
                            full.display()
                        ),
                    );
                    continue;
                }
            };
            let (rows, pos, problems) = super::volumes::read_csv(&text);
            let src = self.add_source(normalize(&full).display().to_string(), text);
            self.source_files.insert(src, full.clone());
            for p in problems {
                self.error(
                    DiagnosticKind::WrongValue,
                    At {
                        source: src,
                        offset: p.offset,
                    },
                    path.to_string(),
                    p.message,
                );
            }
            let inline = s.volumes[i].per_date.len();
            s.volumes[i].per_date.extend(rows);
            self.files.push(full);
            out.push(CsvRows {
                volume: i,
                inline,
                source: src,
                rows: pos,
            });
        }
        out
    }

    fn diagnostics(&mut self) -> Diagnostics {
        let mut out = Diagnostics::default();
        let mut placed: Vec<(usize, Diagnostic)> = self
            .raw
            .drain(..)
            .map(|r| {
                let src = &self.sources[r.at.source.min(self.sources.len() - 1)];
                let (line, column) = line_col(&src.text, r.at.offset);
                (
                    r.at.source,
                    Diagnostic {
                        severity: r.severity,
                        kind: r.kind,
                        file: src.name.clone(),
                        line,
                        column,
                        path: r.path,
                        message: r.message,
                    },
                )
            })
            .collect();
        placed.sort_by(|(sa, a), (sb, b)| {
            (sa, a.line, a.column, &a.path).cmp(&(sb, b.line, b.column, &b.path))
        });
        for (_, d) in placed {
            match d.severity {
                Severity::Error => out.errors.push(d),
                Severity::Warning => out.warnings.push(d),
            }
        }
        out
    }

    fn into_error(mut self) -> ScenarioError {
        ScenarioError::Invalid(self.diagnostics())
    }
}

/// Where a finding about a row read from a volumes CSV is written: the row's cell
/// (`volumes[i].per_date[k].<field>` with `k` past the inline rows).
fn csv_position(csv: &[CsvRows], path: &FieldPath) -> Option<At> {
    let [
        Seg::Field(v),
        Seg::Index(i),
        Seg::Field(pd),
        Seg::Index(k),
        rest @ ..,
    ] = path.0.as_slice()
    else {
        return None;
    };
    if v != "volumes" || pd != "per_date" {
        return None;
    }
    let c = csv.iter().find(|c| c.volume == *i && *k >= c.inline)?;
    let row = c.rows.get(k - c.inline)?;
    let col = match rest.first() {
        Some(Seg::Field(f)) => super::volumes::column_of(f).unwrap_or(0),
        _ => 0,
    };
    Some(At {
        source: c.source,
        offset: row.cells[col],
    })
}

/// `a/b/../c` → `a/c` and `a/./b` → `a/b`, lexically (for messages: the file is still read
/// through the path as written).
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    if out.is_empty() {
        PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}

/// The `extends` value of a root struct: the base path and the node that writes it.
fn extends_of(root: &Node) -> Option<(String, &Node)> {
    let Kind::Struct { fields, .. } = &root.kind else {
        return None;
    };
    let f = fields.iter().find(|f| f.name == "extends")?;
    match &f.value.kind {
        Kind::Str(s) => Some((s.clone(), &f.value)),
        Kind::Tuple { items, .. } if items.len() == 1 => match &items[0].kind {
            Kind::Str(s) => Some((s.clone(), &items[0])),
            _ => None,
        },
        _ => None,
    }
}

/// Where a field path is written (or, when it has its default, the struct that would hold
/// it), in its source.
fn position_of(root: &Node, merged: &str, path: &FieldPath, emitted: &Emitted) -> At {
    let (node, _) = locate(root, merged, path);
    emitted.origin(node.start)
}

fn text_of(node: Option<&Node>, merged: &str) -> String {
    let Some(n) = node else {
        return String::new();
    };
    let s = merged.get(n.start..n.end).unwrap_or("");
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 40 {
        format!("{}…", one_line.chars().take(39).collect::<String>())
    } else {
        one_line
    }
}

/// A number written with a unit (`3h`, `15s`, `85%`): the hint to write the number alone
/// in the unit of the field's name (`min_shift_h` is in hours: `3h` → 3, `90m` → 1.5).
fn unit_hint(found: &str, path: &FieldPath) -> Option<String> {
    let t = found.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))?;
    let (num, unit) = t.split_at(split);
    let x: f64 = num.parse().ok()?;
    let unit = unit.trim().to_ascii_lowercase();
    let is_unit = !unit.is_empty()
        && unit
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '%' || c == '€')
        && !(unit.starts_with('e') && unit.len() == 1);
    if !is_unit {
        return None;
    }
    let field = path.0.iter().rev().find_map(|s| match s {
        Seg::Field(f) => Some(f.as_str()),
        Seg::Index(_) => None,
    })?;
    let seconds = |u: &str| match u {
        "ms" => Some(0.001),
        "s" | "sec" | "secs" | "second" | "seconds" => Some(1.0),
        "m" | "min" | "mins" | "minute" | "minutes" => Some(60.0),
        "h" | "hr" | "hrs" | "hour" | "hours" => Some(3600.0),
        "d" | "day" | "days" => Some(86_400.0),
        _ => None,
    };
    let field_unit = [
        ("_s", "seconds", 1.0),
        ("_h", "hours", 3600.0),
        ("_min", "minutes", 60.0),
        ("_days", "days", 86_400.0),
    ]
    .iter()
    .find(|(suffix, _, _)| field.ends_with(suffix))
    .map(|&(_, name, s)| (name, s));
    let shown = |v: f64| {
        let r = (v * 1e9).round() / 1e9;
        format!("{r}")
    };
    Some(match (seconds(&unit), field_unit) {
        (Some(a), Some((name, b))) => format!(
            "`{found}` is a number with a unit; numbers are written alone, in the unit of the field's name (`{field}` is in {name}): write {}",
            shown(x * a / b)
        ),
        _ if unit == "%" => format!(
            "`{found}` is a percentage; shares are written as fractions: write {}",
            shown(x / 100.0)
        ),
        _ => format!(
            "`{found}` is a number with a unit; write the number alone ({num}), in the unit of the field's name (`{field}`)"
        ),
    })
}

/// Turns ron's error into our kind, path, message and the merged-text offset to report.
fn describe_ron_error(
    code: &ron::Error,
    path: FieldPath,
    node: Option<&Node>,
    merged: &str,
    offset: usize,
) -> (DiagnosticKind, FieldPath, String, usize) {
    use DiagnosticKind as K;
    use ron::Error as E;
    let atom = node.filter(|n| matches!(n.kind, Kind::Str(_) | Kind::Atom));
    // Errors about a field name are placed on the name (ron's own position); errors about
    // a value at the start of the value.
    let on_name = matches!(
        code,
        E::NoSuchStructField { .. } | E::DuplicateStructField { .. }
    );
    let pos = if on_name {
        offset
    } else {
        atom.map_or(offset, |n| n.start)
    };
    let found = text_of(atom.or(node), merged);
    if let Some(hint) = atom.and_then(|_| unit_hint(&found, &path)) {
        return (K::WrongValue, path, hint, pos);
    }
    if let Some((kind, path, message)) = field_message(code, &path) {
        return (kind, path, message, pos);
    }
    let (kind, message) = value_message(code, atom.is_some(), &found);
    (kind, path, message, pos)
}

/// ron's errors about a struct's fields or an enum's variants (unknown, missing, written
/// twice, a wrong struct name), with the path they belong to; `None` for other errors.
fn field_message(
    code: &ron::Error,
    path: &FieldPath,
) -> Option<(DiagnosticKind, FieldPath, String)> {
    use DiagnosticKind as K;
    use ron::Error as E;
    let within = |outer: &Option<String>, word: &str| {
        outer
            .as_ref()
            .map_or(String::new(), |o| format!(" {word} `{o}`"))
    };
    let p = path.clone();
    Some(match code {
        E::NoSuchStructField {
            expected,
            found,
            outer,
        } => (
            K::UnknownField,
            p,
            format!(
                "unknown field `{found}`{}{}",
                within(outer, "in"),
                unknown_tail(found, expected, "allowed fields")
            ),
        ),
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => (
            K::UnknownVariant,
            p,
            format!(
                "unknown variant `{found}`{}{}",
                within(outer, "of"),
                unknown_tail(found, expected, "allowed variants")
            ),
        ),
        E::MissingStructField { field, outer } => (
            K::MissingField,
            p.field(field),
            format!("missing required field `{field}`{}", within(outer, "in")),
        ),
        E::DuplicateStructField { field, .. } => (
            K::DuplicateField,
            p,
            format!("field `{field}` is written twice; write it once"),
        ),
        E::ExpectedDifferentStructName { expected, found } => (
            K::WrongValue,
            p,
            format!("`{found}` is not the name of this value: write `{expected}(…)` or just `(…)`"),
        ),
        _ => return None,
    })
}

/// ron's errors about a value (the wrong type, out of range, a syntax error inside it):
/// the kind and the message, `found` being the value's text (`atom`: it is one token).
fn value_message(code: &ron::Error, atom: bool, found: &str) -> (DiagnosticKind, String) {
    use DiagnosticKind as K;
    use ron::Error as E;
    let message = match code {
        E::InvalidValueForType { expected, found } => format!("expected {expected}, found {found}"),
        E::ExpectedDifferentLength { expected, found } => {
            format!("expected {expected}, found {found} element(s)")
        }
        E::ExpectedComma if atom && found.parse::<f64>().is_ok() => {
            format!("expected a whole number, found `{found}`")
        }
        E::ExpectedInteger | E::InvalidIntegerDigit { .. } => {
            format!("expected a whole number, found `{found}`")
        }
        E::IntegerOutOfBounds => {
            format!("`{found}` is out of range for this field (negative, or too large)")
        }
        E::ExpectedFloat => format!("expected a number, found `{found}`"),
        E::ExpectedString | E::ExpectedStringEnd => {
            format!("expected a string in double quotes, found `{found}`")
        }
        E::ExpectedBoolean => format!("expected `true` or `false`, found `{found}`"),
        E::ExpectedArray => format!("expected a list `[…]`, found `{found}`"),
        E::ExpectedMap => format!("expected a map `{{\"key\": value, …}}`, found `{found}`"),
        E::ExpectedStructLike | E::ExpectedNamedStructLike(_) => {
            format!("expected a struct `(field: value, …)`, found `{found}`")
        }
        E::ExpectedIdentifier => {
            format!("expected a name (an enum variant or field), found `{found}`")
        }
        E::Message(m) if atom && !m.contains(found.trim_matches('"')) => {
            format!("invalid value {found}: {m}")
        }
        E::Message(m) => m.clone(),
        // A syntax error in text our reader accepted: ron read part of an atom (`10.5` as
        // the integer 10) and stumbled on the rest.
        other if atom => format!(
            "`{found}` is not a valid value here ({})",
            other.to_string().to_lowercase()
        ),
        other => return (K::Syntax, other.to_string()),
    };
    (K::WrongValue, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_for_messages() {
        assert_eq!(
            normalize(Path::new("tests/bad/../good/./base.ron")),
            PathBuf::from("tests/good/base.ron")
        );
        assert_eq!(normalize(Path::new("../x.ron")), PathBuf::from("../x.ron"));
        assert_eq!(normalize(Path::new("a/..")), PathBuf::from("."));
    }

    #[test]
    fn top_level_field_list_matches_the_schema() {
        let err = ron::from_str::<Scenario>("(zzz: 1)").unwrap_err();
        match err.code {
            ron::Error::NoSuchStructField { expected, .. } => {
                assert_eq!(expected, SCENARIO_FIELDS)
            }
            other => panic!("unexpected error {other:?}"),
        }
    }
}
