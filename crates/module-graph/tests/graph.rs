//! Fixture crates written into a temp dir, read back as module graphs.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use switchboard_module_graph::Graph;

/// A fixture crate in its own temp dir, removed on drop.
struct Fixture(PathBuf);

impl Fixture {
    /// Writes `files` (paths relative to the crate's `src/`); the root is `src/lib.rs`.
    fn new(files: &[(&str, &str)]) -> Fixture {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("module-graph-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join("src").join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Fixture(dir)
    }

    fn graph(&self) -> Graph {
        Graph::of_crate(&self.0.join("src/lib.rs")).unwrap()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn edges(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn cycle(list: &[&str]) -> Vec<String> {
    list.iter().map(|m| m.to_string()).collect()
}

#[test]
fn siblings_form_a_cycle_and_explain_names_files_and_lines() {
    let fx = Fixture::new(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        (
            "a.rs",
            "pub fn g() {}\n\npub fn call() {\n    crate::b::f();\n}\n",
        ),
        ("b.rs", "use super::a::g;\n\npub fn f() {\n    g();\n}\n"),
    ]);
    let graph = fx.graph();
    assert_eq!(graph.modules(), cycle(&["", "a", "b"]));
    assert_eq!(graph.edges(), edges(&[("a", "b"), ("b", "a")]));
    let cycles = graph.cycles();
    assert_eq!(cycles, vec![cycle(&["a", "b"])]);
    let text = graph.explain(&cycles[0]);
    assert!(text.starts_with("a -> b -> a\n"), "{text}");
    assert!(
        text.contains("a -> b: ") && text.contains("a.rs:4"),
        "{text}"
    );
    assert!(
        text.contains("b -> a: ") && text.contains("b.rs:1"),
        "{text}"
    );
}

#[test]
fn parent_and_child_form_a_cycle() {
    let fx = Fixture::new(&[
        ("lib.rs", "pub mod platforms;\n"),
        (
            "platforms/mod.rs",
            "pub fn helper() {}\n\npub fn run() {\n    yunhu::x();\n}\n\nmod yunhu;\n",
        ),
        (
            "platforms/yunhu.rs",
            "use super::helper;\n\npub fn x() {\n    helper();\n}\n",
        ),
    ]);
    let graph = fx.graph();
    let expected = edges(&[
        ("platforms", "platforms::yunhu"),
        ("platforms::yunhu", "platforms"),
    ]);
    assert_eq!(graph.edges(), expected);
    assert_eq!(
        graph.cycles(),
        vec![cycle(&["platforms", "platforms::yunhu"])]
    );
    let text = graph.explain(&graph.cycles()[0]);
    assert!(
        text.contains("mod.rs:4") && text.contains("yunhu.rs:1"),
        "{text}"
    );
}

#[test]
fn comments_literals_and_tests_make_no_edges() {
    let a = r####"//! Module docs: crate::b::f
/// Calls crate::b::f.
/** Block doc: super::b */
/* outer /* nested crate::b */ still a comment: crate::b */
pub fn noise<'a>(x: &'a str) -> &'a str {
    let _ = "crate::b::f \" still the string: super::b";
    let _ = r"crate::b";
    let _ = r#"crate::b "quoted" super::b"#;
    let _ = br##"crate::b"# super::b"##;
    let _ = b"crate::b";
    let _ = ('"', '\'', b'"', '\u{1F600}', 'x');
    let _ = ('"', "crate::b::in_string", '"');
    let _label: &'static str = "crate::b";
    'outer: loop {
        break 'outer;
    }
    crate::c::real(); // the only edge, after all the noise
    x
}

macro_rules! via_dollar_crate {
    () => {
        $crate::b::f()
    };
}

#[cfg(test)]
mod tests {
    use crate::b::*;
    use super::super::b;
}

mod tests {
    use crate::b::f;
}

#[cfg(test)]
mod only_in_tests;

#[cfg(test)]
pub fn helper() {
    crate::b::f();
}
"####;
    let fx = Fixture::new(&[
        ("lib.rs", "mod a;\nmod b;\nmod c;\n"),
        ("a.rs", a),
        ("b.rs", "pub fn f() {}\n"),
        ("c.rs", "pub fn real() {}\n"),
    ]);
    let graph = fx.graph();
    assert_eq!(graph.modules(), cycle(&["", "a", "b", "c"]));
    assert_eq!(graph.edges(), edges(&[("a", "c")]));
    assert!(graph.cycles().is_empty());
}

#[test]
fn brace_groups_reach_every_module_they_name() {
    let fx = Fixture::new(&[
        ("lib.rs", "mod a;\nmod b;\nmod c;\nmod d;\nmod e;\n"),
        (
            "c.rs",
            "use crate::{\n    a::{self, x},\n    b::y,\n};\nuse crate::{d::{z as renamed}, e as _};\n",
        ),
        ("a.rs", "pub fn x() {}\n"),
        ("b.rs", "pub fn y() {}\n"),
        ("d.rs", "pub fn z() {}\n"),
        ("e.rs", ""),
    ]);
    let graph = fx.graph();
    let expected = edges(&[("c", "a"), ("c", "b"), ("c", "d"), ("c", "e")]);
    assert_eq!(graph.edges(), expected);
}

#[test]
fn paths_resolve_to_the_deepest_module_and_root_edges_drop() {
    let fx = Fixture::new(&[
        (
            "lib.rs",
            "pub mod platforms;\nmod x;\npub use platforms::yunhu::Schema;\npub struct Platform;\n",
        ),
        ("platforms/mod.rs", "pub mod yunhu;\nuse super::Platform;\n"),
        (
            "platforms/yunhu.rs",
            "pub struct Schema;\npub fn f() -> crate::Platform { crate::Platform }\n",
        ),
        (
            "x.rs",
            "fn go() {\n    let _ = crate::platforms::yunhu::endpoint_schemas::ALL;\n    \
             let _: crate::platforms::other::Thing;\n    let _ = self::inner::f();\n}\n\
             mod inner {\n    pub fn f() { super::super::platforms::g() }\n}\n",
        ),
    ]);
    let graph = fx.graph();
    let expected = edges(&[
        ("", "platforms::yunhu"),
        ("x", "platforms"),
        ("x", "platforms::yunhu"),
    ]);
    assert_eq!(graph.edges(), expected);
    assert!(graph.cycles().is_empty());
}

#[test]
fn an_acyclic_crate_has_no_cycles() {
    let fx = Fixture::new(&[
        ("lib.rs", "pub mod model;\npub mod view;\npub mod store;\n"),
        ("model.rs", "pub struct Item;\n"),
        (
            "store.rs",
            "use crate::model::Item;\npub fn all() -> Vec<Item> { vec![] }\n",
        ),
        ("view/mod.rs", "mod list;\npub use list::render;\n"),
        (
            "view/list.rs",
            "pub fn render() { let _ = crate::store::all(); }\n",
        ),
    ]);
    let graph = fx.graph();
    assert_eq!(
        graph.modules(),
        cycle(&["", "model", "store", "view", "view::list"])
    );
    let expected = edges(&[
        ("store", "model"),
        ("view", "view::list"),
        ("view::list", "store"),
    ]);
    assert_eq!(graph.edges(), expected);
    assert!(graph.cycles().is_empty());
}

#[test]
fn path_attributes_and_three_module_cycles() {
    let fx = Fixture::new(&[
        (
            "lib.rs",
            "#[path = \"elsewhere/alpha.rs\"]\nmod a;\nmod b;\nmod c;\n",
        ),
        ("elsewhere/alpha.rs", "pub fn a() { crate::b::b() }\n"),
        ("b.rs", "pub fn b() { crate::c::c() }\n"),
        ("c.rs", "pub fn c() { crate::a::a() }\n"),
    ]);
    let graph = fx.graph();
    assert_eq!(graph.cycles(), vec![cycle(&["a", "b", "c"])]);
    let text = graph.explain(&graph.cycles()[0]);
    assert!(text.starts_with("a -> b -> c -> a\n"), "{text}");
    assert!(text.contains("alpha.rs:1"), "{text}");
}

#[test]
fn a_missing_module_file_is_an_error() {
    let fx = Fixture::new(&[("lib.rs", "mod gone;\n")]);
    let err = Graph::of_crate(&fx.0.join("src/lib.rs")).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    assert!(err.to_string().contains("lib.rs:1"), "{err}");
}

#[test]
fn scopes_methods_visibility_and_cfg_not_test() {
    let a = r#"pub(in crate::c) fn hidden() {}
mod kid;
mod quiet;
#[cfg(not(test))]
mod real;
fn m(v: Kid) -> u8 {
    v.quiet::<u8>()
}
mod inner {
    const BRACE: char = '}';
    pub fn g() { super::kid::x() }
    const OPEN: char = '{';
    fn f<'a>(x: &'a str) -> &'static str { use super::helper; "" }
}
fn after() {
    super::b::f();
    real::go();
}
"#;
    let fx = Fixture::new(&[
        ("lib.rs", "mod a;\nmod b;\nmod c;\n"),
        ("a.rs", a),
        ("a/kid.rs", "pub fn x() {}\n"),
        ("a/quiet.rs", ""),
        ("a/real.rs", "pub fn go() {}\n"),
        ("b.rs", "pub fn f() {}\n"),
        ("c.rs", ""),
    ]);
    let graph = fx.graph();
    let modules = ["", "a", "a::kid", "a::quiet", "a::real", "b", "c"];
    assert_eq!(graph.modules(), cycle(&modules));
    // `super::kid` inside `mod inner` is `a::kid` only if `'}'` did not close the inline module;
    // `super::b` after it is `b` only if `'{'` did not open a block.
    let expected = edges(&[("a", "a::kid"), ("a", "a::real"), ("a", "b")]);
    assert_eq!(graph.edges(), expected);
    let text = graph.explain(&cycle(&["a", "b"]));
    assert!(text.starts_with("no loop"), "{text}");
}
