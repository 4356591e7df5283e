//! The tree as a flat list of visible rows: what is expanded decides what is listed, and only
//! the rows on screen are rendered, so a 1 MB message stays responsive.

use std::collections::HashSet;

use switchboard_payload::tree::Node;

/// Key of the root row.
pub const ROOT: &str = "r";

/// How to reach a node from the root: a child index, or into a string's nested payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Child(usize),
    Nested,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: String,
    pub steps: Vec<Step>,
    pub depth: usize,
    pub expandable: bool,
    pub expanded: bool,
    /// Inside a payload nested in a string: its byte ranges are not the input's.
    pub in_nested: bool,
}

pub fn node_at<'a>(root: &'a Node, steps: &[Step]) -> Option<&'a Node> {
    steps.iter().try_fold(root, |node, step| match step {
        Step::Child(index) => node.children.get(*index),
        Step::Nested => node.nested.as_deref().map(|nested| &nested.tree),
    })
}

/// The steps a row key names (`r.0.n.3`): a key is derived from its steps, so no listing of the
/// visible rows is needed to find the node it points at.
pub fn steps_of(key: &str) -> Option<Vec<Step>> {
    let mut parts = key.split('.');
    if parts.next() != Some(ROOT) {
        return None;
    }
    parts
        .map(|part| match part {
            "n" => Some(Step::Nested),
            index => index.parse().ok().map(Step::Child),
        })
        .collect()
}

/// Only the root open: how a new payload starts.
pub fn initially_expanded() -> HashSet<String> {
    HashSet::from([ROOT.to_owned()])
}

fn child_key(parent: &str, step: Step) -> String {
    match step {
        Step::Child(index) => format!("{parent}.{index}"),
        Step::Nested => format!("{parent}.n"),
    }
}

/// Every visible row, depth first, in the input's order.
pub fn flatten(root: &Node, expanded: &HashSet<String>) -> Vec<Row> {
    let mut rows = Vec::new();
    visit(
        root,
        ROOT.to_owned(),
        Vec::new(),
        0,
        false,
        expanded,
        &mut rows,
    );
    rows
}

fn visit(
    node: &Node,
    key: String,
    steps: Vec<Step>,
    depth: usize,
    in_nested: bool,
    expanded: &HashSet<String>,
    rows: &mut Vec<Row>,
) {
    let expandable = !node.children.is_empty() || node.nested.is_some();
    let is_expanded = expandable && expanded.contains(&key);
    rows.push(Row {
        key: key.clone(),
        steps: steps.clone(),
        depth,
        expandable,
        expanded: is_expanded,
        in_nested,
    });
    if !is_expanded {
        return;
    }
    if let Some(nested) = &node.nested {
        let mut nested_steps = steps.clone();
        nested_steps.push(Step::Nested);
        visit(
            &nested.tree,
            child_key(&key, Step::Nested),
            nested_steps,
            depth + 1,
            true,
            expanded,
            rows,
        );
    }
    for (index, child) in node.children.iter().enumerate() {
        let mut child_steps = steps.clone();
        child_steps.push(Step::Child(index));
        visit(
            child,
            child_key(&key, Step::Child(index)),
            child_steps,
            depth + 1,
            in_nested,
            expanded,
            rows,
        );
    }
}

/// The key of the deepest row whose value range holds `offset` (in the input's own bytes),
/// with the keys of its ancestors so they can be expanded.
pub fn key_at_offset(root: &Node, offset: usize) -> Vec<String> {
    let mut keys = vec![ROOT.to_owned()];
    let mut node = root;
    let mut key = ROOT.to_owned();
    'descend: loop {
        for (index, child) in node.children.iter().enumerate() {
            let covers = |range: Option<[usize; 2]>| {
                range.is_some_and(|[start, end]| offset >= start && offset < end)
            };
            if covers(child.range) || covers(child.tag_range) {
                key = child_key(&key, Step::Child(index));
                keys.push(key.clone());
                node = child;
                continue 'descend;
            }
        }
        return keys;
    }
}

/// Every expandable key down to `depth` levels: the initial view of a small payload.
pub fn keys_to_depth(root: &Node, depth: usize) -> Vec<String> {
    let mut keys = Vec::new();
    collect(root, ROOT.to_owned(), depth, &mut keys);
    keys
}

fn collect(node: &Node, key: String, depth: usize, keys: &mut Vec<String>) {
    if depth == 0 || (node.children.is_empty() && node.nested.is_none()) {
        return;
    }
    keys.push(key.clone());
    if let Some(nested) = &node.nested {
        collect(&nested.tree, child_key(&key, Step::Nested), depth - 1, keys);
    }
    for (index, child) in node.children.iter().enumerate() {
        collect(child, child_key(&key, Step::Child(index)), depth - 1, keys);
    }
}

/// How many nodes a tree holds, to decide how much to expand at first.
pub fn count(node: &Node) -> usize {
    1 + node.children.iter().map(count).sum::<usize>()
        + node.nested.as_ref().map_or(0, |nested| count(&nested.tree))
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_payload::{Options, inspect};

    #[test]
    fn flattening_follows_expansion_and_offsets_find_rows() {
        let inspection = inspect(&[0x0a, 0x02, 0x08, 0x05, 0x10, 0x07], &Options::default());
        let collapsed = flatten(&inspection.tree, &HashSet::new());
        assert_eq!(collapsed.len(), 1);
        let open: HashSet<String> = keys_to_depth(&inspection.tree, 4).into_iter().collect();
        let rows = flatten(&inspection.tree, &open);
        let keys: Vec<&str> = rows.iter().map(|row| row.key.as_str()).collect();
        assert_eq!(keys, ["r", "r.0", "r.0.0", "r.1"]);
        assert_eq!(
            node_at(&inspection.tree, &rows[2].steps)
                .unwrap()
                .value
                .as_deref(),
            Some("5")
        );
        assert_eq!(key_at_offset(&inspection.tree, 3), ["r", "r.0", "r.0.0"]);
        assert_eq!(key_at_offset(&inspection.tree, 5), ["r", "r.1"]);
        for row in &rows {
            assert_eq!(steps_of(&row.key).as_ref(), Some(&row.steps));
        }
        assert_eq!(
            steps_of("r.2.n.0"),
            Some(vec![Step::Child(2), Step::Nested, Step::Child(0)])
        );
        assert_eq!(steps_of("x.1"), None);
    }
}
