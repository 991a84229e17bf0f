//! A light, span-keeping reader of RON text.
//!
//! ron's own `Value` keeps no positions and drops struct and enum-variant names, so it can
//! neither say where a field was written nor merge a variant onto its base. This module reads
//! the *shape* of a RON document — structs, tuples, lists, maps and atoms, each with its byte
//! span — without interpreting atoms (numbers, strings, identifiers stay text). That is enough
//! to
//!
//! * find the field path at a position (`path_at`), to name the field of a ron error;
//! * find the position of a field path (`locate`), to place semantic errors;
//! * merge a variant onto its base and splice `--set` values (see `merge`).
//!
//! Types are still checked by ron when the merged text is deserialized. The reader never
//! panics on any input and limits nesting depth.

use std::fmt;

/// Deepest nesting accepted (ron's own default limit is 128).
pub const MAX_DEPTH: usize = 64;

/// One value of a RON document with its byte span `[start, end)` in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// The shape of a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A string literal (its unescaped content).
    Str(String),
    /// Anything else that is one token: number, identifier, `true`, a char literal.
    Atom,
    /// `Name(field: value, …)` or `(field: value, …)`; `()` is an empty struct.
    Struct {
        name: Option<Span>,
        fields: Vec<Field>,
    },
    /// `Name(value, …)` or `(value, …)` (tuples, tuple and newtype variants, `Some(x)`).
    Tuple {
        name: Option<Span>,
        items: Vec<Node>,
    },
    /// `[value, …]`.
    List(Vec<Node>),
    /// `{key: value, …}`.
    Map(Vec<Entry>),
}

/// A byte span `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// `name: value` inside a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub name_span: Span,
    pub value: Node,
}

/// `key: value` inside a map.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

impl Entry {
    /// The key as a name: a string key's content, otherwise its text.
    pub fn key_name(&self, text: &str) -> String {
        match &self.key.kind {
            Kind::Str(s) => s.clone(),
            _ => text
                .get(self.key.start..self.key.end)
                .unwrap_or("")
                .to_string(),
        }
    }
}

/// A parsed document: `#![enable(...)]` extensions and the root value.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Extension names enabled by attributes (`implicit_some`, `unwrap_newtypes`, …).
    pub extensions: Vec<String>,
    pub root: Node,
}

/// A syntax error at a byte offset.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    /// A struct field or a map key.
    Field(String),
    /// A list or tuple position.
    Index(usize),
}

/// A field path such as `agents.teams[1].shifts[0].heads` or `reasons[2].channel_mix.phone`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    pub fn root() -> FieldPath {
        FieldPath(Vec::new())
    }
    /// This path extended by a field (or map key).
    pub fn field(&self, name: &str) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::Field(name.to_string()));
        p
    }
    /// This path extended by a list position.
    pub fn index(&self, i: usize) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// True when `prefix` is this path or one of its ancestors.
    pub fn starts_with(&self, prefix: &FieldPath) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// Parses `a.b[0].c` and `a["key with spaces"].b`.
    pub fn parse(s: &str) -> Result<FieldPath, String> {
        let b = s.as_bytes();
        let mut segs = Vec::new();
        let mut i = 0;
        let mut expect_name = true;
        while i < b.len() {
            match b[i] {
                b'[' => {
                    let close = s[i..]
                        .find(']')
                        .map(|k| i + k)
                        .ok_or_else(|| format!("unclosed `[` in field path `{s}`"))?;
                    let inner = s[i + 1..close].trim();
                    if let Some(key) = inner.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
                        segs.push(Seg::Field(key.to_string()));
                    } else {
                        let n: usize = inner.parse().map_err(|_| {
                            format!("`[{inner}]` in field path `{s}` is not a list index (write `[0]`, `[1]`, …)")
                        })?;
                        segs.push(Seg::Index(n));
                    }
                    i = close + 1;
                    expect_name = false;
                }
                b'.' => {
                    if expect_name {
                        return Err(format!("empty field name in field path `{s}`"));
                    }
                    i += 1;
                    expect_name = true;
                }
                _ => {
                    if !expect_name {
                        return Err(format!(
                            "expected `.` or `[` at column {} of field path `{s}`",
                            i + 1
                        ));
                    }
                    let end = s[i..].find(['.', '[']).map(|k| i + k).unwrap_or(s.len());
                    let name = &s[i..end];
                    if !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '#')
                    {
                        return Err(format!(
                            "`{name}` in field path `{s}` is not a field name (letters, digits and `_`)"
                        ));
                    }
                    segs.push(Seg::Field(name.to_string()));
                    i = end;
                    expect_name = false;
                }
            }
        }
        if segs.is_empty() || expect_name {
            return Err(format!(
                "`{s}` is not a field path (e.g. `simulation.seed`)"
            ));
        }
        Ok(FieldPath(segs))
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Field(name) => {
                    let plain = !name.is_empty()
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                    if !plain {
                        write!(f, "[{name:?}]")?;
                    } else if k == 0 {
                        f.write_str(name)?;
                    } else {
                        write!(f, ".{name}")?;
                    }
                }
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

/// Parses a whole document.
pub fn parse_document(text: &str) -> Result<Document, SyntaxError> {
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    let extensions = p.attributes()?;
    p.skip_ws()?;
    let root = p.value().map_err(|e| unclosed_hint(text).unwrap_or(e))?;
    p.skip_ws()?;
    if p.pos < p.b.len() {
        let e = p.err(format!(
            "unexpected {} after the end of the scenario",
            p.describe_here()
        ));
        return Err(unclosed_hint(text).unwrap_or(e));
    }
    Ok(Document { extensions, root })
}

/// A missing closing bracket is found by indentation: in a file laid out as usual, a
/// bracket that opens on a line indented by `k` closes on its own line indented by `k` (or
/// on the same line). When one is missing, the reader pairs every later closer with the
/// wrong opener and only notices at the end of the file, at the outermost `Scenario(`. The
/// first bracket whose closer (as read) sits on a line indented *less* than the line that
/// opened it is the one left open: the error is moved there, naming its field.
fn unclosed_hint(text: &str) -> Option<SyntaxError> {
    let b = text.as_bytes();
    let indent_of_line = |pos: usize| {
        let start = text[..pos].rfind('\n').map_or(0, |k| k + 1);
        text[start..]
            .bytes()
            .take_while(|c| *c == b' ' || *c == b'\t')
            .count()
    };
    let first_on_line = |pos: usize| {
        let start = text[..pos].rfind('\n').map_or(0, |k| k + 1);
        text[start..pos].bytes().all(|c| c == b' ' || c == b'\t')
    };
    let line_of = |pos: usize| text[..pos].bytes().filter(|c| *c == b'\n').count();
    let mut stack: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(b.len(), |k| i + 2 + k + 1);
            }
            b'(' | b'[' | b'{' => stack.push(i),
            b')' | b']' | b'}' => {
                let open = stack.pop()?;
                if line_of(open) != line_of(i)
                    && first_on_line(i)
                    && indent_of_line(i) < indent_of_line(open)
                {
                    let what = field_before(text, open)
                        .map_or_else(|| "value".to_string(), |f| format!("`{f}`"));
                    let close = char::from(match b[open] {
                        b'(' => b')',
                        b'[' => b']',
                        _ => b'}',
                    });
                    return Some(SyntaxError {
                        offset: open,
                        message: format!(
                            "the `{}` of {what} opened here is never closed: everything after it is read inside it, up to the `{}` on line {}, which by its indentation closes an outer value; add `{close}` where {what} ends",
                            char::from(b[open]),
                            char::from(b[i]),
                            line_of(i) + 1
                        ),
                    });
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The field name written before the bracket at `open` (`calendar: (` → `calendar`,
/// `handling: {"phone": LogNormal(` → `LogNormal`'s field `phone`).
fn field_before(text: &str, open: usize) -> Option<String> {
    let before = text[..open].trim_end();
    // A struct or variant name: `Days(`, `LogNormal(`.
    // Start of the trailing run of name characters (all ASCII, so byte arithmetic is safe).
    let name_start = |s: &str| {
        s.len()
            - s.bytes()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
                .count()
    };
    let before = before[..name_start(before)].trim_end();
    let before = before.strip_suffix(':')?.trim_end();
    let key = before.trim_end_matches('"');
    let name = &key[name_start(key)..];
    (!name.is_empty()).then(|| name.to_string())
}

/// Parses one value that starts at byte `start` of `text` and must run to its end (used for
/// `--set path=value`, whose value starts after the `=`).
pub fn parse_value_at(text: &str, start: usize) -> Result<Node, SyntaxError> {
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        pos: start.min(text.len()),
        depth: 0,
    };
    p.skip_ws()?;
    if p.pos >= p.b.len() {
        return Err(p.err("missing value after `=`".to_string()));
    }
    let v = p.value()?;
    p.skip_ws()?;
    if p.pos < p.b.len() {
        return Err(p.err(format!("unexpected {} after the value", p.describe_here())));
    }
    Ok(v)
}

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    depth: usize,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}
fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl<'a> Parser<'a> {
    fn err(&self, message: String) -> SyntaxError {
        SyntaxError {
            offset: self.pos.min(self.b.len()),
            message,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.b.get(self.pos + k).copied()
    }

    fn describe_here(&self) -> String {
        match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            None => "end of file".to_string(),
            Some(c) => format!("`{c}`"),
        }
    }

    fn skip_ws(&mut self) -> Result<(), SyntaxError> {
        loop {
            match self.peek() {
                Some(c) if c.is_ascii_whitespace() => self.pos += 1,
                Some(b'/') if self.peek_at(1) == Some(b'/') => {
                    while let Some(c) = self.peek() {
                        if c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                Some(b'/') if self.peek_at(1) == Some(b'*') => {
                    let open = self.pos;
                    self.pos += 2;
                    let mut level = 1usize;
                    while level > 0 {
                        match (self.peek(), self.peek_at(1)) {
                            (None, _) => {
                                return Err(SyntaxError {
                                    offset: open,
                                    message: "unclosed block comment `/*`".to_string(),
                                });
                            }
                            (Some(b'*'), Some(b'/')) => {
                                level -= 1;
                                self.pos += 2;
                            }
                            (Some(b'/'), Some(b'*')) => {
                                level += 1;
                                self.pos += 2;
                            }
                            _ => self.pos += 1,
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// `#![enable(a, b)]` lines at the top.
    fn attributes(&mut self) -> Result<Vec<String>, SyntaxError> {
        let mut out = Vec::new();
        loop {
            self.skip_ws()?;
            if !(self.peek() == Some(b'#') && self.peek_at(1) == Some(b'!')) {
                return Ok(out);
            }
            self.pos += 2;
            self.skip_ws()?;
            self.expect(b'[', "`[` in `#![enable(...)]`")?;
            self.skip_ws()?;
            let (name, _) = self.ident()?;
            if name != "enable" {
                return Err(self.err(format!(
                    "unknown attribute `{name}`; only `#![enable(...)]` is allowed"
                )));
            }
            self.skip_ws()?;
            self.expect(b'(', "`(` after `enable`")?;
            loop {
                self.skip_ws()?;
                if self.peek() == Some(b')') {
                    self.pos += 1;
                    break;
                }
                let (ext, _) = self.ident()?;
                out.push(ext);
                self.skip_ws()?;
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    _ => {
                        return Err(self.err(format!(
                            "expected `,` or `)` in `#![enable(...)]`, found {}",
                            self.describe_here()
                        )));
                    }
                }
            }
            self.skip_ws()?;
            self.expect(b']', "`]` closing `#![enable(...)]`")?;
        }
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(format!("expected {what}, found {}", self.describe_here())))
        }
    }

    fn ident(&mut self) -> Result<(String, Span), SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'r') && self.peek_at(1) == Some(b'#') {
            self.pos += 2;
        }
        match self.peek() {
            Some(c) if is_ident_start(c) => {}
            _ => {
                self.pos = start;
                return Err(self.err(format!("expected a name, found {}", self.describe_here())));
            }
        }
        while let Some(c) = self.peek() {
            if !is_ident_char(c) {
                break;
            }
            self.pos += 1;
        }
        let raw = &self.text[start..self.pos];
        let name = raw.strip_prefix("r#").unwrap_or(raw).to_string();
        Ok((
            name,
            Span {
                start,
                end: self.pos,
            },
        ))
    }

    fn value(&mut self) -> Result<Node, SyntaxError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.err(format!("values nested more than {MAX_DEPTH} levels deep")));
        }
        self.depth += 1;
        let r = self.value_inner();
        self.depth -= 1;
        r
    }

    fn value_inner(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Err(self.err("unexpected end of file: a value is missing".to_string()));
        };
        match c {
            b'(' => self.paren(start, None),
            b'[' => {
                self.pos += 1;
                let items = self.items(start, '[', ']')?;
                Ok(self.node(Kind::List(items), start))
            }
            b'{' => {
                self.pos += 1;
                let mut entries = Vec::new();
                loop {
                    self.skip_ws()?;
                    self.unclosed(start)?;
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        break;
                    }
                    let key = self.value()?;
                    self.skip_ws()?;
                    self.expect(b':', "`:` after the map key")?;
                    self.skip_ws()?;
                    let value = self.value()?;
                    entries.push(Entry { key, value });
                    self.skip_ws()?;
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            break;
                        }
                        _ => return Err(self.sep_error(start, '{', '}')),
                    }
                }
                Ok(self.node(Kind::Map(entries), start))
            }
            b'"' => {
                let s = self.string()?;
                Ok(self.node(Kind::Str(s), start))
            }
            b'r' if matches!(self.peek_at(1), Some(b'"') | Some(b'#'))
                && (self.peek_at(1) == Some(b'"') || self.raw_string_ahead(1)) =>
            {
                self.pos += 1;
                let s = self.raw_string()?;
                Ok(self.node(Kind::Str(s), start))
            }
            b'b' if self.peek_at(1) == Some(b'"') => {
                self.pos += 1;
                let s = self.string()?;
                Ok(self.node(Kind::Str(s), start))
            }
            b'\'' => {
                self.pos += 1;
                let mut escaped = false;
                loop {
                    match self.peek() {
                        None | Some(b'\n') => {
                            return Err(SyntaxError {
                                offset: start,
                                message: "unclosed character literal".to_string(),
                            });
                        }
                        Some(b'\\') if !escaped => escaped = true,
                        Some(b'\'') if !escaped => {
                            self.pos += 1;
                            break;
                        }
                        _ => escaped = false,
                    }
                    self.pos += 1;
                }
                Ok(self.node(Kind::Atom, start))
            }
            c if c.is_ascii_digit() || c == b'+' || c == b'-' || c == b'.' => {
                self.pos += 1;
                while let Some(c) = self.peek() {
                    let sign_in_exponent = (c == b'+' || c == b'-')
                        && matches!(self.b.get(self.pos - 1), Some(b'e') | Some(b'E'))
                        && !self.text[start..self.pos].starts_with("0x");
                    if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || sign_in_exponent {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                if let Some(e) = self.unquoted_date_or_time(start) {
                    return Err(e);
                }
                Ok(self.node(Kind::Atom, start))
            }
            c if is_ident_start(c) => {
                let (_, span) = self.ident()?;
                let after = self.pos;
                self.skip_ws()?;
                if self.peek() == Some(b'(') {
                    self.paren(start, Some(span))
                } else {
                    self.pos = after;
                    Ok(self.node(Kind::Atom, start))
                }
            }
            _ => Err(self.err(format!("expected a value, found {}", self.describe_here()))),
        }
    }

    /// A number followed by `-dd-dd` (a date) or `:dd` (a clock time) written without
    /// quotes: an error that says so, at the start of the value.
    fn unquoted_date_or_time(&self, start: usize) -> Option<SyntaxError> {
        let rest = &self.b[start..];
        let digits = |s: &[u8], n: usize| s.len() >= n && s[..n].iter().all(u8::is_ascii_digit);
        let is_date = digits(rest, 4)
            && rest.get(4) == Some(&b'-')
            && digits(&rest[5..], 2)
            && rest.get(7) == Some(&b'-')
            && digits(&rest[8..], 2);
        if is_date {
            let d = &self.text[start..start + 10];
            return Some(SyntaxError {
                offset: start,
                message: format!(
                    "`{d}` looks like a date without quotes; dates are strings: write \"{d}\""
                ),
            });
        }
        let h = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        let is_time = (1..=2).contains(&h)
            && rest.get(h) == Some(&b':')
            && digits(&rest[h + 1..], 2)
            && !rest.get(h + 3).is_some_and(u8::is_ascii_digit);
        if is_time {
            let t = &self.text[start..start + h + 3];
            return Some(SyntaxError {
                offset: start,
                message: format!(
                    "`{t}` looks like a clock time without quotes; clock times are strings: write \"{}{t}\"",
                    if h == 1 { "0" } else { "" }
                ),
            });
        }
        None
    }

    fn raw_string_ahead(&self, from: usize) -> bool {
        let mut k = from;
        while self.peek_at(k) == Some(b'#') {
            k += 1;
        }
        k > from && self.peek_at(k) == Some(b'"')
    }

    fn sep_error(&self, open: usize, o: char, c: char) -> SyntaxError {
        let what = if self.pos >= self.b.len() {
            format!("end of file; the `{o}` opened here is never closed")
        } else {
            self.describe_here()
        };
        let at = if self.pos >= self.b.len() {
            open
        } else {
            self.pos
        };
        SyntaxError {
            offset: at,
            message: format!("expected `,` or `{c}`, found {what}"),
        }
    }

    /// At the end of the text inside an open bracket: point at the bracket.
    fn unclosed(&self, open: usize) -> Result<(), SyntaxError> {
        if self.pos >= self.b.len() {
            let c = self.b.get(open).map_or('(', |&c| char::from(c));
            return Err(SyntaxError {
                offset: open,
                message: format!("unexpected end of file: the `{c}` opened here is never closed"),
            });
        }
        Ok(())
    }

    fn node(&self, kind: Kind, start: usize) -> Node {
        Node {
            kind,
            start,
            end: self.pos,
        }
    }

    /// After an opening `[` or `(` at `open`: comma-separated values up to and including
    /// the closing bracket (a trailing comma is allowed).
    fn items(
        &mut self,
        open: usize,
        open_ch: char,
        close_ch: char,
    ) -> Result<Vec<Node>, SyntaxError> {
        let close = close_ch as u8;
        let mut items = Vec::new();
        loop {
            self.skip_ws()?;
            self.unclosed(open)?;
            if self.peek() == Some(close) {
                self.pos += 1;
                return Ok(items);
            }
            items.push(self.value()?);
            self.skip_ws()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b) if b == close => {
                    self.pos += 1;
                    return Ok(items);
                }
                _ => return Err(self.sep_error(open, open_ch, close_ch)),
            }
        }
    }

    /// At `(`: a struct (`ident:` follows), a tuple, or `()`.
    fn paren(&mut self, start: usize, name: Option<Span>) -> Result<Node, SyntaxError> {
        let open = self.pos;
        self.pos += 1; // `(`
        self.skip_ws()?;
        let is_struct = self.peek() == Some(b')') || {
            let save = self.pos;
            let ok = self.ident().is_ok() && {
                let _ = self.skip_ws();
                self.peek() == Some(b':') && self.peek_at(1) != Some(b':')
            };
            self.pos = save;
            ok
        };
        if is_struct {
            let mut fields = Vec::new();
            loop {
                self.skip_ws()?;
                self.unclosed(open)?;
                if self.peek() == Some(b')') {
                    self.pos += 1;
                    break;
                }
                let (fname, name_span) = self.ident().map_err(|_| {
                    self.err(format!(
                        "expected a field name, found {}",
                        self.describe_here()
                    ))
                })?;
                self.skip_ws()?;
                self.expect(b':', &format!("`:` after field name `{fname}`"))?;
                self.skip_ws()?;
                let value = self.value()?;
                fields.push(Field {
                    name: fname,
                    name_span,
                    value,
                });
                self.skip_ws()?;
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.sep_error(open, '(', ')')),
                }
            }
            Ok(self.node(Kind::Struct { name, fields }, start))
        } else {
            let items = self.items(open, '(', ')')?;
            Ok(self.node(Kind::Tuple { name, items }, start))
        }
    }

    /// At `"`: a string with escapes; returns its content.
    fn string(&mut self) -> Result<String, SyntaxError> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        while let Some(rest) = self.text.get(self.pos..) {
            let Some(c) = rest.chars().next() else {
                break;
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                '\\' => {
                    let esc = rest[1..].chars().next();
                    self.pos += 1 + esc.map_or(0, char::len_utf8);
                    match esc {
                        Some('n') => out.push('\n'),
                        Some('t') => out.push('\t'),
                        Some('r') => out.push('\r'),
                        Some('0') => out.push('\0'),
                        Some('"') => out.push('"'),
                        Some('\\') => out.push('\\'),
                        Some('\'') => out.push('\''),
                        Some(other) => {
                            // \u{…}, \x.. and line continuations: keep the text; ron
                            // decides whether it is valid when deserializing.
                            out.push('\\');
                            out.push(other);
                        }
                        None => break,
                    }
                }
                c => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
        Err(SyntaxError {
            offset: open,
            message: "unclosed string: the `\"` opened here has no closing `\"`".to_string(),
        })
    }

    /// After the `r` of a raw string: `#…#"…"#…#`.
    fn raw_string(&mut self) -> Result<String, SyntaxError> {
        let open = self.pos.saturating_sub(1);
        let mut hashes = 0;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.pos += 1;
        }
        self.expect(b'"', "`\"` opening the raw string")?;
        let body_start = self.pos;
        let close = format!("\"{}", "#".repeat(hashes));
        match self.text[body_start..].find(&close) {
            Some(k) => {
                self.pos = body_start + k + close.len();
                Ok(self.text[body_start..body_start + k].to_string())
            }
            None => Err(SyntaxError {
                offset: open,
                message: "unclosed raw string".to_string(),
            }),
        }
    }
}

/// Map keys written twice in one map (serde would silently keep the last): the second
/// key node of each pair, with the key's name.
pub fn duplicate_keys<'n>(node: &'n Node, text: &str) -> Vec<(&'n Node, String)> {
    let mut out = Vec::new();
    dup_rec(node, text, &mut out);
    out
}

fn dup_rec<'n>(node: &'n Node, text: &str, out: &mut Vec<(&'n Node, String)>) {
    match &node.kind {
        Kind::Map(entries) => {
            for (i, e) in entries.iter().enumerate() {
                let k = e.key_name(text);
                if entries[..i].iter().any(|p| p.key_name(text) == k) {
                    out.push((&e.key, k));
                }
                dup_rec(&e.value, text, out);
            }
        }
        Kind::Struct { fields, .. } => fields.iter().for_each(|f| dup_rec(&f.value, text, out)),
        Kind::Tuple { items, .. } | Kind::List(items) => {
            items.iter().for_each(|n| dup_rec(n, text, out))
        }
        Kind::Str(_) | Kind::Atom => {}
    }
}

/// Field paths: the value at `path`, going through `Some(…)`-like newtype wrappers.
///
/// Returns the deepest node reached and how many segments were matched, so a path to a
/// field that is not written (it has its default) lands on the struct that would hold it.
pub fn locate<'n>(root: &'n Node, text: &str, path: &FieldPath) -> (&'n Node, usize) {
    let mut node = root;
    let mut matched = 0;
    for seg in &path.0 {
        match step(node, text, seg) {
            Some(next) => {
                node = next;
                matched += 1;
            }
            None => break,
        }
    }
    (node, matched)
}

fn unwrap_newtype(node: &Node) -> Option<&Node> {
    match &node.kind {
        Kind::Tuple {
            name: Some(_),
            items,
        } if items.len() == 1 => Some(&items[0]),
        _ => None,
    }
}

fn step<'n>(node: &'n Node, text: &str, seg: &Seg) -> Option<&'n Node> {
    match (&node.kind, seg) {
        (Kind::Struct { fields, .. }, Seg::Field(name)) => {
            fields.iter().find(|f| &f.name == name).map(|f| &f.value)
        }
        (Kind::Map(entries), Seg::Field(name)) => entries
            .iter()
            .find(|e| &e.key_name(text) == name)
            .map(|e| &e.value),
        (Kind::List(items), Seg::Index(i)) => items.get(*i),
        (Kind::Tuple { name: None, items }, Seg::Index(i)) => items.get(*i),
        (Kind::Tuple { items, .. }, Seg::Index(i)) if items.len() > 1 => items.get(*i),
        _ => unwrap_newtype(node).and_then(|inner| step(inner, text, seg)),
    }
}

/// The field path of the innermost value (or field name) containing byte `offset`, and that
/// value's node.
pub fn path_at<'n>(root: &'n Node, text: &str, offset: usize) -> (FieldPath, &'n Node) {
    let mut path = FieldPath::root();
    let mut node = root;
    loop {
        let next: Option<(Option<Seg>, &Node)> = match &node.kind {
            Kind::Struct { fields, .. } => fields
                .iter()
                .find(|f| f.name_span.start <= offset && offset < f.value.end.max(f.name_span.end))
                .map(|f| (Some(Seg::Field(f.name.clone())), &f.value)),
            Kind::Map(entries) => entries
                .iter()
                .find(|e| e.key.start <= offset && offset < e.value.end)
                .map(|e| (Some(Seg::Field(e.key_name(text))), &e.value)),
            Kind::List(items) => items
                .iter()
                .enumerate()
                .find(|(_, n)| n.start <= offset && offset < n.end)
                .map(|(i, n)| (Some(Seg::Index(i)), n)),
            Kind::Tuple { name, items } => {
                if name.is_some() && items.len() == 1 {
                    let n = &items[0];
                    (n.start <= offset && offset < n.end).then_some((None, n))
                } else {
                    items
                        .iter()
                        .enumerate()
                        .find(|(_, n)| n.start <= offset && offset < n.end)
                        .map(|(i, n)| (Some(Seg::Index(i)), n))
                }
            }
            Kind::Str(_) | Kind::Atom => None,
        };
        match next {
            Some((seg, n)) => {
                if let Some(seg) = seg {
                    path.0.push(seg);
                }
                node = n;
            }
            None => return (path, node),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = 1 + before.bytes().filter(|&c| c == b'\n').count();
    let line_start = before.rfind('\n').map_or(0, |k| k + 1);
    let col = 1 + text[line_start..offset].chars().count();
    (line, col)
}

/// The byte offset of a 1-based line and column (in characters), clamped to the text.
pub fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text[start..].find('\n') {
            Some(k) => start += k + 1,
            None => return text.len(),
        }
    }
    let mut off = start;
    for (n, (k, c)) in text[start..].char_indices().enumerate() {
        if n + 1 >= col.max(1) || c == '\n' {
            return start + k;
        }
        off = start + k + c.len_utf8();
    }
    off
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip() {
        for s in [
            "agents.teams[1].shifts[0].heads",
            "reasons[2].channel_mix.phone",
            "simulation.seed",
            "a[\"two words\"].b",
        ] {
            assert_eq!(FieldPath::parse(s).unwrap().to_string(), s);
        }
        for bad in ["", "a..b", "a[x]", "a.", ".a", "a]b", "a b"] {
            assert!(FieldPath::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn locate_and_path_at_agree() {
        let text = r#"#![enable(implicit_some)]
S(a: (b: [1, (c: "x")]), m: {"k": Some(LogNormal(cv: 2))}, t: Days([1.0, 2.0]))"#;
        let doc = parse_document(text).unwrap();
        assert_eq!(doc.extensions, vec!["implicit_some".to_string()]);
        for p in ["a.b[1].c", "a.b[0]", "m.k.cv", "t[1]"] {
            let path = FieldPath::parse(p).unwrap();
            let (node, matched) = locate(&doc.root, text, &path);
            assert_eq!(matched, path.0.len(), "{p}");
            let (back, _) = path_at(&doc.root, text, node.start);
            assert_eq!(back, path, "{p}");
        }
        // A field that is not written lands on the struct that would hold it.
        let (node, matched) = locate(&doc.root, text, &FieldPath::parse("a.zz").unwrap());
        assert_eq!((matched, &text[node.start..node.start + 4]), (1, "(b: "));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse_document("S(a: 1,\n  b 2)").unwrap_err();
        assert_eq!(line_col("S(a: 1,\n  b 2)", e.offset), (2, 5));
        assert!(
            e.message.contains("`:` after field name `b`"),
            "{}",
            e.message
        );
        let e = parse_document("S(a: \"x)").unwrap_err();
        assert_eq!(e.offset, 5);
        assert!(parse_document("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]").is_err());
    }

    #[test]
    fn line_col_and_offset_are_inverse() {
        let text = "ab\ncé\n\nxyz";
        for off in [0, 1, 3, 4, 6, 7, 8, 10] {
            let (l, c) = line_col(text, off);
            assert_eq!(offset_of(text, l, c), off, "{off}");
        }
    }
}
