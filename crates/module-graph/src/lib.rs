//! Finds dependency cycles between the modules of a Rust crate by reading its source files: an
//! equivalent of `cargo modules dependencies --acyclic`, std only and cheap enough to run in
//! `cargo test`.
//!
//! ```no_run
//! let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
//! let graph = switchboard_module_graph::Graph::of_crate(&root).unwrap();
//! for cycle in graph.cycles() {
//!     panic!("module cycle:\n{}", graph.explain(&cycle));
//! }
//! ```
//!
//! # Rules
//!
//! - **Nodes** are file modules: a crate root (`lib.rs`/`main.rs`, module path `""`), `foo.rs`
//!   or `foo/mod.rs`, found by following `mod x;` declarations (`#[path = "..."]` is honoured).
//!   Inline `mod name { ... }` blocks belong to the file they are written in.
//! - **Test code is skipped**: any item carrying `#[cfg(test)]` (e.g. `#[cfg(test)] mod tests
//!   { ... }` or `#[cfg(test)] mod x;`, whose file is then not read at all) and any inline
//!   `mod tests { ... }`, since test code may reach anywhere.
//! - **An edge A → B** means a non-test line in A's file names something in module B through a
//!   path starting with `crate::`, `self::`, `super::` (relative to A, or to the inline module
//!   the line is in; `super::super::` too) or with the name of a child module that A declares
//!   (`mod yunhu;` then `yunhu::recognize(..)`). Paths are found in `use` items, including brace
//!   groups (`use crate::{a::b, c::{self, d}};`) and globs (`use super::*;`), and anywhere in
//!   expressions and types. `$crate::` (macros), `::`-prefixed paths and `pub(in ..)` are
//!   ignored.
//! - **Resolution**: a path names the deepest existing file module along it, so
//!   `crate::platforms::yunhu::endpoint_schemas` is `platforms::yunhu` if that file module
//!   exists, else `platforms`. `super::*` names the parent module itself.
//! - **Dropped edges**: edges from a module to itself, and every edge *to* the crate root. The
//!   root only declares modules and re-exports them, so a path like `crate::Platform` names a
//!   re-export, not a dependency on the root. Edges *from* the root are kept.
//! - **Comments and literals** (`//`, `///`, `//!`, nested `/* */`, strings, byte strings, raw
//!   strings `r#"..."#`, char literals) are lexed away before paths are looked for; lifetimes
//!   such as `'a` are not mistaken for char literals.
//!
//! A cycle is a strongly connected component (Tarjan) with more than one module.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// One module: its path below the crate root, e.g. "platforms::yunhu" ("" = the crate root).
pub type ModulePath = String;

/// The modules of one crate and the references between them.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Every file module, with the file it lives in.
    files: BTreeMap<ModulePath, PathBuf>,
    /// `(from, to)` with the file and line of the first reference that makes the edge.
    edges: BTreeMap<(ModulePath, ModulePath), (PathBuf, usize)>,
}

impl Graph {
    /// Reads the crate whose root file is `root` (a lib.rs or main.rs), following `mod x;`
    /// declarations to `x.rs` or `x/mod.rs` (or to the file a `#[path = "..."]` names).
    ///
    /// Fails if a file cannot be read, or a declared module has no file.
    pub fn of_crate(root: &Path) -> io::Result<Graph> {
        let mut files = Vec::new();
        let dir = root.parent().unwrap_or(Path::new("")).to_path_buf();
        load(Vec::new(), root.to_path_buf(), dir, &mut files)?;
        let known: BTreeSet<&[String]> = files.iter().map(|f| f.path.as_slice()).collect();
        let mut graph = Graph::default();
        for f in &files {
            graph.files.insert(f.path.join("::"), f.file.clone());
        }
        for f in &files {
            for (scope, segs, line) in f.refs.iter().flat_map(|(scope, found)| {
                found.iter().map(move |(segs, line)| (scope, segs, *line))
            }) {
                let Some(abs) = absolute(f, scope, segs) else {
                    continue;
                };
                let mut to = abs.as_slice(); // the deepest module along it (the root always is)
                while !known.contains(to) {
                    to = &to[..to.len() - 1];
                }
                if !to.is_empty() && to != f.path.as_slice() {
                    let key = (f.path.join("::"), to.join("::"));
                    graph.edges.entry(key).or_insert((f.file.clone(), line));
                }
            }
        }
        Ok(graph)
    }

    /// Every module, sorted; `""` is the crate root.
    pub fn modules(&self) -> Vec<ModulePath> {
        self.files.keys().cloned().collect()
    }

    /// Edges as (from, to), sorted, each once.
    pub fn edges(&self) -> Vec<(ModulePath, ModulePath)> {
        self.edges.keys().cloned().collect()
    }

    /// Every cycle: the strongly connected components with more than one module, each sorted,
    /// and the list sorted.
    pub fn cycles(&self) -> Vec<Vec<ModulePath>> {
        let mut t = Tarjan::default();
        for v in self.files.keys() {
            if !t.index.contains_key(v.as_str()) {
                t.visit(self, v);
            }
        }
        t.found.retain(|c| c.len() > 1);
        t.found.sort();
        t.found
    }

    /// For a cycle, one concrete loop a human can follow: a -> b -> ... -> a, each step with the
    /// file:line of one reference that makes the edge. The loop starts at `cycle[0]` and is a
    /// shortest one through it inside `cycle`.
    pub fn explain(&self, cycle: &[ModulePath]) -> String {
        let Some(start) = cycle.first().map(String::as_str) else {
            return "empty cycle".to_string();
        };
        let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        let mut last = None;
        while let Some(u) = queue.pop_front() {
            if self.successors(u).any(|w| w == start) {
                last = Some(u);
                break;
            }
            for w in self.successors(u) {
                if cycle.iter().any(|m| m == w) && w != start && !parent.contains_key(w) {
                    parent.insert(w, u);
                    queue.push_back(w);
                }
            }
        }
        let Some(mut u) = last else {
            return format!("no loop through {} inside {cycle:?}", label(start));
        };
        let mut path = vec![start, u];
        while u != start {
            u = parent[u];
            path.push(u);
        }
        path.reverse();
        let labels: Vec<&str> = path.iter().map(|m| label(m)).collect();
        let mut out = labels.join(" -> ");
        for step in path.windows(2) {
            let (file, line) = &self.edges[&(step[0].to_string(), step[1].to_string())];
            let (a, b) = (label(step[0]), label(step[1]));
            let _ = write!(out, "\n  {a} -> {b}: {}:{line}", file.display());
        }
        out
    }

    /// The modules `from` has an edge to.
    fn successors<'g>(&'g self, from: &'g str) -> impl Iterator<Item = &'g str> + 'g {
        let edges = self.edges.keys().filter(move |(a, _)| a == from);
        edges.map(|(_, b)| b.as_str())
    }
}

/// How a module is shown to humans: the root is `crate`.
fn label(module: &str) -> &str {
    if module.is_empty() { "crate" } else { module }
}

/// Tarjan's strongly connected components, over module names.
#[derive(Default)]
struct Tarjan<'g> {
    index: BTreeMap<&'g str, usize>,
    low: BTreeMap<&'g str, usize>,
    stack: Vec<&'g str>,
    found: Vec<Vec<ModulePath>>,
}

impl<'g> Tarjan<'g> {
    fn visit(&mut self, graph: &'g Graph, v: &'g str) {
        let n = self.index.len();
        self.index.insert(v, n);
        self.low.insert(v, n);
        self.stack.push(v);
        for w in graph.successors(v) {
            let reached = match self.index.get(w) {
                None => {
                    self.visit(graph, w);
                    self.low[w]
                }
                Some(&i) if self.stack.contains(&w) => i,
                Some(_) => continue,
            };
            self.low.insert(v, self.low[v].min(reached));
        }
        if self.low[v] == self.index[v] {
            let at = self.stack.iter().rposition(|&w| w == v).unwrap_or(0);
            let mut component: Vec<ModulePath> = self.stack.drain(at..).map(String::from).collect();
            component.sort();
            self.found.push(component);
        }
    }
}

/// One file module as read: where it is, what it declares and what it refers to.
struct FileMod {
    path: Vec<String>,
    file: PathBuf,
    decls: Vec<Decl>,
    /// Paths, grouped by the inline modules they are written in.
    refs: Vec<(Vec<String>, Found)>,
}

/// `mod name;` at `line`, inside the inline modules `scope` of its file; `attr` is its
/// `#[path = ".."]`.
struct Decl {
    scope: Vec<String>,
    name: String,
    line: usize,
    attr: Option<String>,
}

/// Paths found by [`tree`], with their lines.
type Found = Vec<(Vec<String>, usize)>;

/// Reads `file` as module `path`, then the files of the modules it declares; `dir` is where those
/// live (the file's directory for a crate root, a mod.rs or a `#[path]` file, else `dir/name/`).
fn load(path: Vec<String>, file: PathBuf, dir: PathBuf, out: &mut Vec<FileMod>) -> io::Result<()> {
    let up = |f: &Path| f.parent().unwrap_or(Path::new("")).to_path_buf();
    let src = fs::read_to_string(&file)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", file.display())))?;
    let (decls, refs) = scan(&lex(&src));
    for d in &decls {
        let (name, mut dir) = (&d.name, dir.clone());
        dir.extend(&d.scope);
        let (child, child_dir) = match &d.attr {
            Some(p) => {
                let base = if d.scope.is_empty() { up(&file) } else { dir };
                (base.join(p), up(&base.join(p)))
            }
            None => {
                let flat = dir.join(format!("{name}.rs"));
                let nested = dir.join(name).join("mod.rs");
                let Some(child) = [flat, nested].into_iter().find(|f| f.is_file()) else {
                    let msg = format!("{}:{}: no file for `mod {name};`", file.display(), d.line);
                    return Err(io::Error::new(io::ErrorKind::NotFound, msg));
                };
                (child, dir.join(name))
            }
        };
        let module = path.iter().chain(&d.scope).chain([name]).cloned().collect();
        load(module, child, child_dir, out)?;
    }
    out.push(FileMod {
        path,
        file,
        decls,
        refs,
    });
    Ok(())
}

/// The absolute module path (segments below the root) that `segs`, written in `f` inside the
/// inline modules `scope`, names; `None` if it does not start inside this crate.
fn absolute(f: &FileMod, scope: &[String], segs: &[String]) -> Option<Vec<String>> {
    let here = || f.path.iter().chain(scope).cloned().collect::<Vec<_>>();
    let declared = |name: &str| f.decls.iter().any(|d| d.name == name && d.scope == scope);
    let (mut base, mut rest) = match segs[0].as_str() {
        "crate" => (Vec::new(), &segs[1..]),
        "self" => (here(), &segs[1..]),
        "super" => (here(), segs),
        name if declared(name) => (
            here().into_iter().chain([name.to_string()]).collect(),
            &segs[1..],
        ),
        _ => return None,
    };
    while let Some(tail) = rest.strip_prefix(&["super".to_string()]) {
        base.pop()?;
        rest = tail;
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// A token of Rust source, once comments are gone.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// The contents of a string literal of any kind.
    Str(String),
    /// `::`
    Sep,
    /// Any other character; `'` stands for a lifetime or char literal, `0` for a number.
    Punct(char),
}

struct Token {
    tok: Tok,
    line: usize,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits `src` into tokens, dropping comments and the contents of char literals.
fn lex(src: &str) -> Vec<Token> {
    let s: Vec<char> = src.chars().collect();
    let at = |i: usize| s.get(i).copied().unwrap_or('\0');
    let find = |i: usize, stop: fn(char) -> bool| (i..s.len()).find(|&j| stop(s[j]));
    let ident_end = |i: usize| find(i, |c| !is_ident_char(c)).unwrap_or(s.len());
    let mut out = Vec::new();
    let (mut i, mut line, mut seen) = (0, 1, 0);
    while i < s.len() {
        let (c, start) = (s[i], i);
        let tok = if c.is_whitespace() {
            i += 1;
            continue;
        } else if c == '/' && at(i + 1) == '/' {
            i = find(i, |c| c == '\n').unwrap_or(s.len());
            continue;
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < s.len() {
                match (s[i], at(i + 1)) {
                    ('/', '*') => (depth, i) = (depth + 1, i + 2),
                    ('*', '/') => (depth, i) = (depth - 1, i + 2),
                    _ => i += 1,
                }
                if depth == 0 {
                    break;
                }
            }
            continue;
        } else if c == '"' {
            // A string (also after `b` or `c`, which lex as identifiers before it).
            i += 1;
            while i < s.len() && s[i] != '"' {
                i += if s[i] == '\\' { 2 } else { 1 };
            }
            let end = i.min(s.len());
            i = end + 1;
            Tok::Str(s[start + 1..end].iter().collect())
        } else if is_ident_start(c) {
            i = ident_end(i);
            let word: String = s[start..i].iter().collect();
            let hashes = (i..s.len()).take_while(|&j| s[j] == '#').count();
            if matches!(word.as_str(), "r" | "br" | "cr") && at(i + hashes) == '"' {
                let close: Vec<char> = std::iter::once('"').chain(vec!['#'; hashes]).collect();
                let body = i + hashes + 1;
                let end = (body..s.len()).find(|&j| s[j..].starts_with(&close));
                let end = end.unwrap_or(s.len());
                i = (end + close.len()).min(s.len());
                Tok::Str(s[body..end].iter().collect())
            } else if word == "r" && hashes == 1 && is_ident_start(at(i + 1)) {
                i = ident_end(i + 1); // a raw identifier, r#type
                Tok::Ident(s[start + 2..i].iter().collect())
            } else {
                Tok::Ident(word)
            }
        } else if c.is_ascii_digit() {
            i = ident_end(i);
            Tok::Punct('0')
        } else if c == '\'' {
            i = if at(i + 1) == '\\' {
                // An escaped char literal: '\n', '\'', '\u{1F600}'.
                find(i + 3, |c| c == '\'').map_or(s.len(), |j| j + 1)
            } else if at(i + 2) == '\'' {
                i + 3 // 'x'
            } else {
                ident_end(i + 1) // a lifetime or label: 'a, 'static
            };
            Tok::Punct('\'')
        } else if c == ':' && at(i + 1) == ':' {
            i += 2;
            Tok::Sep
        } else {
            i += 1;
            Tok::Punct(c)
        };
        line += s[seen..start].iter().filter(|&&c| c == '\n').count();
        seen = start;
        out.push(Token { tok, line });
    }
    out
}

/// Finds the `mod x;` declarations and the paths in a file's tokens, skipping test code.
fn scan(toks: &[Token]) -> (Vec<Decl>, Vec<(Vec<String>, Found)>) {
    let is = |j: usize, t: Tok| toks.get(j).is_some_and(|x| x.tok == t);
    let (mut decls, mut refs) = (Vec::new(), Vec::new());
    let mut scopes: Vec<(String, usize)> = Vec::new(); // inline modules, with their brace depth
    let names = |scopes: &[(String, usize)]| scopes.iter().map(|s| s.0.clone()).collect();
    let (mut depth, mut i) = (0, 0);
    let (mut test, mut path_attr) = (false, None);
    while i < toks.len() {
        let open = i + 1 + usize::from(is(i + 1, Tok::Punct('!')));
        if is(i, Tok::Punct('#')) && is(open, Tok::Punct('[')) {
            let close = matching(toks, open);
            if open == i + 1 {
                // An outer attribute; inner ones (`#![..]`) are ignored.
                let attr = &toks[open + 1..close];
                test |= is_cfg_test(attr);
                path_attr = path_attr.or_else(|| path_of(attr));
            }
            i = close + 1;
            continue;
        }
        if test {
            i = skip_item(toks, i);
            (test, path_attr) = (false, None);
            continue;
        }
        match &toks[i].tok {
            Tok::Ident(w) if w == "mod" => {
                if let Some(Tok::Ident(name)) = toks.get(i + 1).map(|t| &t.tok) {
                    if is(i + 2, Tok::Punct(';')) {
                        decls.push(Decl {
                            scope: names(&scopes),
                            name: name.clone(),
                            line: toks[i].line,
                            attr: path_attr.take(),
                        });
                        i += 3;
                    } else if name == "tests" {
                        i = skip_item(toks, i);
                    } else if is(i + 2, Tok::Punct('{')) {
                        depth += 1;
                        scopes.push((name.clone(), depth));
                        i += 3;
                    } else {
                        i += 2;
                    }
                    path_attr = None;
                    continue;
                }
            }
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                if scopes.last().is_some_and(|s| s.1 == depth) {
                    scopes.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Ident(w) if is(i + 1, Tok::Sep) && path_starts_at(toks, i) => {
                let mut found = Vec::new();
                i = tree(toks, i + 1, vec![w.clone()], toks[i].line, &mut found);
                refs.push((names(&scopes), found));
                continue;
            }
            _ => {}
        }
        if matches!(toks[i].tok, Tok::Punct(';' | '{' | '}')) {
            path_attr = None;
        }
        i += 1;
    }
    (decls, refs)
}

/// Whether the identifier at `toks[i]` can start a path: not after `::`, `$` (`$crate`), `.`
/// (a method), nor as `pub(in path)`.
fn path_starts_at(toks: &[Token], i: usize) -> bool {
    let prev = |k: usize| i.checked_sub(k).map(|j| &toks[j].tok);
    let restricted = prev(1) == Some(&Tok::Ident("in".into()))
        && prev(2) == Some(&Tok::Punct('('))
        && prev(3) == Some(&Tok::Ident("pub".into()));
    !restricted && !matches!(prev(1), Some(Tok::Sep | Tok::Punct('$' | '.')))
}

/// Reads the rest of a path whose segments so far are `segs` (`toks[j]` is the token after them),
/// pushing every complete path into `out`; returns the index after the path.
fn tree(
    toks: &[Token],
    mut j: usize,
    mut segs: Vec<String>,
    mut line: usize,
    out: &mut Found,
) -> usize {
    while toks.get(j).is_some_and(|t| t.tok == Tok::Sep) {
        match toks.get(j + 1).map(|t| (&t.tok, t.line)) {
            Some((Tok::Ident(seg), l)) => {
                segs.push(seg.clone());
                line = l;
                j += 2;
            }
            Some((Tok::Punct('*'), _)) => {
                out.push((segs, line));
                return j + 2;
            }
            Some((Tok::Punct('{'), _)) => return group(toks, j + 2, &segs, out),
            _ => break, // a turbofish `::<`
        }
    }
    out.push((segs, line));
    j
}

/// Reads a use-tree brace group after `prefix::{`, from `toks[j]` to its closing `}`.
fn group(toks: &[Token], mut j: usize, prefix: &[String], out: &mut Found) -> usize {
    while let Some(t) = toks.get(j) {
        match &t.tok {
            Tok::Punct('}') => return j + 1,
            Tok::Ident(w) if w == "as" => j += 2, // `x as y`: skip the alias
            Tok::Ident(w) if w == "self" => {
                out.push((prefix.to_vec(), t.line));
                j += 1;
            }
            Tok::Ident(w) => {
                let segs = prefix.iter().cloned().chain([w.clone()]).collect();
                j = tree(toks, j + 1, segs, t.line, out);
            }
            Tok::Punct('*') => {
                out.push((prefix.to_vec(), t.line));
                j += 1;
            }
            Tok::Punct('{') => j = group(toks, j + 1, prefix, out),
            _ => j += 1,
        }
    }
    j
}

/// The index of the bracket closing the one at `toks[open]` (or `toks.len()`).
fn matching(toks: &[Token], open: usize) -> usize {
    let mut nest = 0;
    for (j, t) in toks.iter().enumerate().skip(open) {
        match t.tok {
            Tok::Punct('[' | '(' | '{') => nest += 1,
            Tok::Punct(']' | ')' | '}') => nest -= 1,
            _ => {}
        }
        if nest == 0 {
            return j;
        }
    }
    toks.len()
}

/// The index after the item starting at `toks[j]`: after its `;` or its `{ .. }` body, whichever
/// comes first outside brackets (or at an enclosing closing bracket).
fn skip_item(toks: &[Token], mut j: usize) -> usize {
    while let Some(t) = toks.get(j) {
        match t.tok {
            Tok::Punct('{') => return matching(toks, j) + 1,
            Tok::Punct('(' | '[') => j = matching(toks, j) + 1,
            Tok::Punct(';') => return j + 1,
            Tok::Punct(')' | ']' | '}') => return j,
            _ => j += 1,
        }
    }
    j
}

/// Whether an attribute's tokens are `cfg(..test..)` without a `not`.
fn is_cfg_test(attr: &[Token]) -> bool {
    let has = |w: &str| attr.iter().any(|t| t.tok == Tok::Ident(w.into()));
    let cfg = attr
        .first()
        .is_some_and(|t| t.tok == Tok::Ident("cfg".into()));
    cfg && has("test") && !has("not")
}

/// The file of a `path = "..."` attribute.
fn path_of(attr: &[Token]) -> Option<String> {
    let [key, eq, value] = attr else { return None };
    let is_path = key.tok == Tok::Ident("path".into()) && eq.tok == Tok::Punct('=');
    match &value.tok {
        Tok::Str(p) if is_path => Some(p.clone()),
        _ => None,
    }
}
