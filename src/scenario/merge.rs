//! Merging a variant onto its base, splicing `--set` overrides, and writing the result back
//! as RON text that remembers where every piece came from.
//!
//! Merge rules (documented in `scenarios/README.md`):
//! * structs and maps merge field by field (key by key), recursively: a variant that sets
//!   one field changes that field only;
//! * an enum struct-variant merges with the same variant (`LogNormal(cv: 1.4)` over
//!   `LogNormal(mean_s: 300, cv: 1.1)` keeps the mean); a different variant replaces it;
//! * everything else — lists, tuples, numbers, strings, `None` — is replaced whole;
//! * `Some(x)` is read as `x` (ron's `implicit_some` is always on).
//!
//! The merged document is re-emitted as text for ron to deserialize. Every emitted byte is
//! either copied verbatim from a source (a file or a `--set` argument) or is glue (`(`, `, `,
//! `: `) attributed to a source position, so a position in the merged text maps back to the
//! file, line and column a planner wrote.

use super::syntax::{FieldPath, Kind, Node, Seg, Span};

/// A text the scenario was read from: a file, or one `--set` argument.
#[derive(Debug, Clone)]
pub struct Source {
    /// How errors name it: the file path as given, or `--set path=value`.
    pub name: String,
    pub text: String,
}

/// A position in one of the sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub source: usize,
    pub offset: usize,
}

/// A mergeable document tree whose leaves point into the sources.
#[derive(Debug, Clone)]
pub enum MNode {
    /// A value copied verbatim (`source`, byte span).
    Copy {
        source: usize,
        span: Span,
    },
    Struct {
        name: Option<(usize, Span)>,
        at: At,
        fields: Vec<MField>,
    },
    Tuple {
        name: Option<(usize, Span)>,
        at: At,
        items: Vec<MNode>,
    },
    List {
        at: At,
        items: Vec<MNode>,
    },
    Map {
        at: At,
        entries: Vec<MEntry>,
    },
}

#[derive(Debug, Clone)]
pub struct MField {
    pub name: String,
    /// Where the field name is written; `None` when a `--set` created the field.
    pub name_at: Option<(usize, Span)>,
    pub value: MNode,
}

#[derive(Debug, Clone)]
pub struct MEntry {
    pub key: String,
    /// Where the key is written; `None` when a `--set` created it (then it is emitted
    /// as a quoted string).
    pub key_at: Option<(usize, Span)>,
    pub value: MNode,
}

impl MNode {
    /// Converts a parsed node of source `source` (whose text is `text`).
    pub fn from_node(node: &Node, source: usize, text: &str) -> MNode {
        let at = At {
            source,
            offset: node.start,
        };
        let span = |s: Span| (source, s);
        match &node.kind {
            Kind::Str(_) | Kind::Atom => MNode::Copy {
                source,
                span: Span {
                    start: node.start,
                    end: node.end,
                },
            },
            Kind::Struct { name, fields } => MNode::Struct {
                name: name.map(span),
                at,
                fields: fields
                    .iter()
                    .map(|f| MField {
                        name: f.name.clone(),
                        name_at: Some((source, f.name_span)),
                        value: MNode::from_node(&f.value, source, text),
                    })
                    .collect(),
            },
            Kind::Tuple { name, items } => {
                let is_some = name.is_some_and(|s| text.get(s.start..s.end) == Some("Some"));
                if is_some && items.len() == 1 {
                    return MNode::from_node(&items[0], source, text);
                }
                MNode::Tuple {
                    name: name.map(span),
                    at,
                    items: items
                        .iter()
                        .map(|n| MNode::from_node(n, source, text))
                        .collect(),
                }
            }
            Kind::List(items) => MNode::List {
                at,
                items: items
                    .iter()
                    .map(|n| MNode::from_node(n, source, text))
                    .collect(),
            },
            Kind::Map(entries) => MNode::Map {
                at,
                entries: entries
                    .iter()
                    .map(|e| MEntry {
                        key: e.key_name(text),
                        key_at: Some((
                            source,
                            Span {
                                start: e.key.start,
                                end: e.key.end,
                            },
                        )),
                        value: MNode::from_node(&e.value, source, text),
                    })
                    .collect(),
            },
        }
    }

    /// Where this value starts in its source.
    pub fn at(&self) -> At {
        match self {
            MNode::Copy { source, span } => At {
                source: *source,
                offset: span.start,
            },
            MNode::Struct { at, .. }
            | MNode::Tuple { at, .. }
            | MNode::List { at, .. }
            | MNode::Map { at, .. } => *at,
        }
    }

    fn kind_name(&self) -> &'static str {
        match self {
            MNode::Copy { .. } => "a single value",
            MNode::Struct { .. } => "a struct",
            MNode::Tuple { .. } => "a tuple",
            MNode::List { .. } => "a list",
            MNode::Map { .. } => "a map",
        }
    }
}

fn same_name(sources: &[Source], a: Option<(usize, Span)>, b: Option<(usize, Span)>) -> bool {
    let text = |(src, s): (usize, Span)| {
        sources
            .get(src)
            .and_then(|x| x.text.get(s.start..s.end))
            .unwrap_or("")
    };
    match (a, b) {
        (Some(a), Some(b)) => text(a) == text(b),
        _ => true,
    }
}

/// `variant` written over `base` (see the module documentation for the rules).
pub fn merge(base: MNode, variant: MNode, sources: &[Source]) -> MNode {
    match (base, variant) {
        (
            MNode::Struct {
                name: bname,
                fields: bfields,
                ..
            },
            MNode::Struct {
                name: vname,
                at,
                fields: vfields,
            },
        ) if same_name(sources, bname, vname) => {
            let mut vfields: Vec<Option<MField>> = vfields.into_iter().map(Some).collect();
            let mut out = Vec::with_capacity(bfields.len() + vfields.len());
            for bf in bfields {
                let over = vfields
                    .iter_mut()
                    .find(|v| v.as_ref().is_some_and(|v| v.name == bf.name))
                    .and_then(Option::take);
                match over {
                    Some(vf) => out.push(MField {
                        name: vf.name,
                        name_at: vf.name_at,
                        value: merge(bf.value, vf.value, sources),
                    }),
                    None => out.push(bf),
                }
            }
            out.extend(vfields.into_iter().flatten());
            MNode::Struct {
                name: vname.or(bname),
                at,
                fields: out,
            }
        }
        (
            MNode::Map {
                entries: bentries, ..
            },
            MNode::Map {
                at,
                entries: ventries,
            },
        ) => {
            let mut ventries: Vec<Option<MEntry>> = ventries.into_iter().map(Some).collect();
            let mut out = Vec::with_capacity(bentries.len() + ventries.len());
            for be in bentries {
                let over = ventries
                    .iter_mut()
                    .find(|v| v.as_ref().is_some_and(|v| v.key == be.key))
                    .and_then(Option::take);
                match over {
                    Some(ve) => out.push(MEntry {
                        key: ve.key,
                        key_at: ve.key_at,
                        value: merge(be.value, ve.value, sources),
                    }),
                    None => out.push(be),
                }
            }
            out.extend(ventries.into_iter().flatten());
            MNode::Map { at, entries: out }
        }
        (_, variant) => variant,
    }
}

/// Fields of the schema whose values are maps (`{"key": value}`); a `--set` that reaches
/// into one of them when the file does not write it creates a map, anything else a struct.
pub const MAP_FIELDS: &[&str] = &[
    "channel_mix",
    "handling",
    "contact_rate_multipliers",
    "prevention",
    "deflection",
    "price_per_contact_eur",
    "channel_costs",
    "patience",
];

/// Writes `value` at `path` (merging it onto what is there, like a one-line variant).
/// Missing structs and maps on the way are created; list positions must exist.
pub fn set_path(
    root: &mut MNode,
    path: &FieldPath,
    value: MNode,
    at: At,
    sources: &[Source],
) -> Result<(), String> {
    let mut node = root;
    let mut done = FieldPath::root();
    for (k, seg) in path.0.iter().enumerate() {
        let last = k + 1 == path.0.len();
        let container = |name: &str| {
            if last {
                None
            } else if MAP_FIELDS.contains(&name) {
                Some(MNode::Map {
                    at,
                    entries: Vec::new(),
                })
            } else {
                Some(MNode::Struct {
                    name: None,
                    at,
                    fields: Vec::new(),
                })
            }
        };
        let here = done.to_string();
        let missing = |name: &str| {
            let list = done.field(name);
            let item = match path.0.get(k + 1) {
                Some(Seg::Index(n)) => list.index(*n),
                _ => list.clone(),
            };
            format!(
                "`{list}` is not written in the scenario (it has its default), so `{item}` does not exist; write the list in the file first"
            )
        };
        let next_is_index = matches!(path.0.get(k + 1), Some(Seg::Index(_)));
        node = match (node, seg) {
            (MNode::Struct { fields, .. }, Seg::Field(name)) => {
                let i = match fields.iter().position(|f| &f.name == name) {
                    Some(i) => i,
                    None if next_is_index => return Err(missing(name)),
                    None => {
                        fields.push(MField {
                            name: name.clone(),
                            name_at: None,
                            value: container(name).unwrap_or_else(|| value.clone()),
                        });
                        fields.len() - 1
                    }
                };
                &mut fields[i].value
            }
            (MNode::Map { entries, .. }, Seg::Field(name)) => {
                let i = match entries.iter().position(|e| &e.key == name) {
                    Some(i) => i,
                    None if next_is_index => return Err(missing(name)),
                    None => {
                        entries.push(MEntry {
                            key: name.clone(),
                            key_at: None,
                            value: container(name).unwrap_or_else(|| value.clone()),
                        });
                        entries.len() - 1
                    }
                };
                &mut entries[i].value
            }
            (MNode::List { items, .. }, Seg::Index(i))
            | (MNode::Tuple { items, .. }, Seg::Index(i)) => {
                let n = items.len();
                items.get_mut(*i).ok_or_else(|| {
                    format!(
                        "`{here}` has {n} {}, so [{i}] does not exist",
                        if n == 1 { "entry" } else { "entries" }
                    )
                })?
            }
            (
                MNode::Tuple {
                    name: Some(_),
                    items,
                    ..
                },
                seg,
            ) if items.len() == 1 => {
                // Look through a newtype variant such as `Days([…])`.
                let mut inner = FieldPath::root();
                inner.0.push(seg.clone());
                inner.0.extend(path.0[k + 1..].iter().cloned());
                return set_path(&mut items[0], &inner, value, at, sources);
            }
            (other, Seg::Field(name)) => {
                return Err(format!(
                    "`{here}` is {}, it has no field `{name}`",
                    other.kind_name()
                ));
            }
            (other, Seg::Index(i)) => {
                return Err(format!(
                    "`{here}` is {}, not a list: [{i}] cannot be used on it",
                    other.kind_name()
                ));
            }
        };
        done.0.push(seg.clone());
    }
    let old = std::mem::replace(node, value.clone());
    *node = merge(old, value, sources);
    Ok(())
}

/// Removes the field (or map entry, or list element) at `path`; with `last`, the last of
/// several fields of that name (a duplicate). Returns whether something was removed.
pub fn remove_path(root: &mut MNode, path: &FieldPath, last: bool) -> bool {
    let Some((final_seg, parents)) = path.0.split_last() else {
        return false;
    };
    let mut node = root;
    for (k, seg) in parents.iter().enumerate() {
        node = match (node, seg) {
            (MNode::Struct { fields, .. }, Seg::Field(name)) => {
                match fields.iter_mut().find(|f| &f.name == name) {
                    Some(f) => &mut f.value,
                    None => return false,
                }
            }
            (MNode::Map { entries, .. }, Seg::Field(name)) => {
                match entries.iter_mut().find(|e| &e.key == name) {
                    Some(e) => &mut e.value,
                    None => return false,
                }
            }
            (MNode::List { items, .. }, Seg::Index(i))
            | (MNode::Tuple { items, .. }, Seg::Index(i)) => match items.get_mut(*i) {
                Some(n) => n,
                None => return false,
            },
            (
                MNode::Tuple {
                    name: Some(_),
                    items,
                    ..
                },
                _,
            ) if items.len() == 1 => {
                let mut inner = FieldPath(vec![seg.clone()]);
                inner.0.extend(path.0[k + 1..].iter().cloned());
                return remove_path(&mut items[0], &inner, last);
            }
            _ => return false,
        };
    }
    match (node, final_seg) {
        (MNode::Struct { fields, .. }, Seg::Field(name)) => {
            let found = if last {
                fields.iter().rposition(|f| &f.name == name)
            } else {
                fields.iter().position(|f| &f.name == name)
            };
            found.map(|i| fields.remove(i)).is_some()
        }
        (MNode::Map { entries, .. }, Seg::Field(name)) => entries
            .iter()
            .position(|e| &e.key == name)
            .map(|i| entries.remove(i))
            .is_some(),
        (MNode::List { items, .. }, Seg::Index(i)) if *i < items.len() => {
            items.remove(*i);
            true
        }
        (
            MNode::Tuple {
                name: Some(_),
                items,
                ..
            },
            seg,
        ) if items.len() == 1 => remove_path(&mut items[0], &FieldPath(vec![seg.clone()]), last),
        _ => false,
    }
}

/// Every path in the tree that ends with a struct field named `name` (used to resolve
/// `--set flex_pools[0].max_headcount=…` to `agents.flex_pools[0].max_headcount`).
pub fn find_field(node: &MNode, name: &str) -> Vec<FieldPath> {
    let mut out = Vec::new();
    find_rec(node, name, &mut FieldPath::root(), &mut out);
    out
}

fn find_rec(node: &MNode, name: &str, here: &mut FieldPath, out: &mut Vec<FieldPath>) {
    match node {
        MNode::Copy { .. } => {}
        MNode::Struct { fields, .. } => {
            for f in fields {
                here.0.push(Seg::Field(f.name.clone()));
                if f.name == name {
                    out.push(here.clone());
                }
                find_rec(&f.value, name, here, out);
                here.0.pop();
            }
        }
        MNode::Map { entries, .. } => {
            for e in entries {
                here.0.push(Seg::Field(e.key.clone()));
                find_rec(&e.value, name, here, out);
                here.0.pop();
            }
        }
        MNode::List { items, .. } => {
            for (i, n) in items.iter().enumerate() {
                here.0.push(Seg::Index(i));
                find_rec(n, name, here, out);
                here.0.pop();
            }
        }
        MNode::Tuple { items, .. } => {
            for n in items {
                find_rec(n, name, here, out);
            }
        }
    }
}

/// Merged text plus the map from its bytes back to the sources.
#[derive(Debug, Default)]
pub struct Emitted {
    pub text: String,
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, Copy)]
struct Piece {
    out_start: usize,
    at: At,
    verbatim: bool,
}

impl Emitted {
    fn copy(&mut self, sources: &[Source], source: usize, span: Span) {
        let s = sources
            .get(source)
            .and_then(|x| x.text.get(span.start..span.end))
            .unwrap_or("");
        self.pieces.push(Piece {
            out_start: self.text.len(),
            at: At {
                source,
                offset: span.start,
            },
            verbatim: true,
        });
        self.text.push_str(s);
    }

    fn glue(&mut self, s: &str, at: At) {
        self.pieces.push(Piece {
            out_start: self.text.len(),
            at,
            verbatim: false,
        });
        self.text.push_str(s);
    }

    /// The source position that byte `offset` of the merged text came from.
    pub fn origin(&self, offset: usize) -> At {
        let k = self.pieces.partition_point(|p| p.out_start <= offset);
        match k.checked_sub(1).and_then(|k| self.pieces.get(k)) {
            Some(p) if p.verbatim => At {
                source: p.at.source,
                offset: p.at.offset + (offset - p.out_start),
            },
            Some(p) => p.at,
            None => At {
                source: 0,
                offset: 0,
            },
        }
    }

    /// Writes a whole document: extension attributes, then the root value.
    pub fn document(sources: &[Source], extensions: &[String], root: &MNode) -> Emitted {
        let mut e = Emitted::default();
        if !extensions.is_empty() {
            e.glue(
                &format!("#![enable({})]\n", extensions.join(", ")),
                root.at(),
            );
        }
        e.node(sources, root);
        e.glue("\n", root.at());
        e
    }

    fn node(&mut self, sources: &[Source], node: &MNode) {
        match node {
            MNode::Copy { source, span } => self.copy(sources, *source, *span),
            MNode::Struct { name, at, fields } => {
                if let Some((src, span)) = name {
                    self.copy(sources, *src, *span);
                }
                self.glue("(\n", *at);
                for f in fields {
                    match f.name_at {
                        Some((src, span)) => self.copy(sources, src, span),
                        None => self.glue(&f.name, f.value.at()),
                    }
                    self.glue(": ", f.value.at());
                    self.node(sources, &f.value);
                    self.glue(",\n", f.value.at());
                }
                self.glue(")", *at);
            }
            MNode::Tuple { name, at, items } => {
                if let Some((src, span)) = name {
                    self.copy(sources, *src, *span);
                }
                self.glue("(", *at);
                for (i, n) in items.iter().enumerate() {
                    if i > 0 {
                        self.glue(", ", n.at());
                    }
                    self.node(sources, n);
                }
                self.glue(")", *at);
            }
            MNode::List { at, items } => {
                self.glue("[", *at);
                for (i, n) in items.iter().enumerate() {
                    if i > 0 {
                        self.glue(", ", n.at());
                    }
                    self.node(sources, n);
                }
                self.glue("]", *at);
            }
            MNode::Map { at, entries } => {
                self.glue("{", *at);
                for (i, e) in entries.iter().enumerate() {
                    if i > 0 {
                        self.glue(", ", e.value.at());
                    }
                    match e.key_at {
                        Some((src, span)) => self.copy(sources, src, span),
                        None => self.glue(&format!("{:?}", e.key), e.value.at()),
                    }
                    self.glue(": ", e.value.at());
                    self.node(sources, &e.value);
                }
                self.glue("}", *at);
            }
        }
    }
}
