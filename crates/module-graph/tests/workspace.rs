//! The workspace's own crates have no module cycles: the test command's check that a module
//! never reaches, through others, back to itself (see the crate's rules).

use std::path::PathBuf;

use switchboard_module_graph::Graph;

/// Every crate root of the workspace.
const ROOTS: [&str; 7] = [
    "src/lib.rs",
    "crates/protocol/src/lib.rs",
    "crates/wire/src/lib.rs",
    "crates/payload/src/lib.rs",
    "crates/desk/src/lib.rs",
    "crates/server/src/lib.rs",
    "crates/module-graph/src/lib.rs",
];

#[test]
fn no_crate_of_the_workspace_has_a_module_cycle() {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut found = Vec::new();
    for root in ROOTS {
        let graph = Graph::of_crate(&workspace.join(root)).unwrap();
        assert!(
            graph.modules().len() > 1 || root.contains("protocol") || root.contains("module-graph"),
            "{root} read"
        );
        for cycle in graph.cycles() {
            found.push(format!(
                "{root}: {}\n{}",
                cycle.join(" ↔ "),
                graph.explain(&cycle)
            ));
        }
    }
    assert!(found.is_empty(), "module cycles:\n{}", found.join("\n"));
}
