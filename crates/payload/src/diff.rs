//! Two decoded payloads compared field by field: what was added, removed or changed, where.
//!
//! Fields are matched by their labels (names, numbers, keys), a label seen several times (a
//! repeated field, an array's items) by its occurrence, so a field inserted early does not make
//! every later one look changed. Values are compared as the tree shows them: the exact text of
//! a scalar, the reading of a length-delimited field, the type of a message.

use std::collections::HashMap;

use serde::Serialize;

use crate::tree::{Node, NodeKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// Where, by labels from the root: `msg/content/text`, a repeated one `chat_ids[2]`.
    pub at: String,
    /// The node's path in the first tree and in the second (what the UI marks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_path: Option<String>,
    /// What it was and what it is: a scalar's value, else its kind or type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Its bytes in each payload's decoded bytes (the inspection's `bytes`), to show them side
    /// by side; none inside a nested payload, whose ranges are its own bytes'.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before_range: Option<[usize; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_range: Option<[usize; 2]>,
}

/// The changes from `before` to `after`, in the order of the trees.
pub fn diff(before: &Node, after: &Node) -> Vec<Change> {
    let mut changes = Vec::new();
    compare(before, after, String::new(), false, &mut changes);
    changes
}

/// `nested`: inside a payload decoded from a string or an inflated frame, whose paths start
/// afresh and so name no row of the outer tree: its changes carry no path.
fn compare(before: &Node, after: &Node, at: String, nested: bool, changes: &mut Vec<Change>) {
    let path = |node: &Node| (!nested).then(|| node.path.clone());
    let (was, is) = (summary(before), summary(after));
    if was != is {
        changes.push(Change {
            kind: ChangeKind::Changed,
            at: at.clone(),
            before_path: path(before),
            after_path: path(after),
            before: Some(was),
            after: Some(is),
            before_range: range(before, nested),
            after_range: range(after, nested),
        });
    }
    match (&before.nested, &after.nested) {
        (Some(was), Some(is)) => compare(&was.tree, &is.tree, join(&at, "↳"), true, changes),
        (Some(was), None) => changes.push(gone(&was.tree, join(&at, "↳"), true)),
        (None, Some(is)) => changes.push(came(&is.tree, join(&at, "↳"), true)),
        (None, None) => {}
    }
    let before_keys = keys(&before.children);
    let after_keys = keys(&after.children);
    let after_index: HashMap<&str, usize> = after_keys
        .iter()
        .enumerate()
        .map(|(index, key)| (key.as_str(), index))
        .collect();
    let mut matched = vec![false; after.children.len()];
    for (child, key) in before.children.iter().zip(&before_keys) {
        let place = join(&at, key);
        match after_index.get(key.as_str()) {
            Some(&index) if !matched[index] => {
                matched[index] = true;
                compare(child, &after.children[index], place, nested, changes);
            }
            _ => changes.push(gone(child, place, nested)),
        }
    }
    for ((child, key), matched) in after.children.iter().zip(&after_keys).zip(matched) {
        if !matched {
            changes.push(came(child, join(&at, key), nested));
        }
    }
}

fn gone(node: &Node, at: String, nested: bool) -> Change {
    Change {
        kind: ChangeKind::Removed,
        at,
        before_path: (!nested).then(|| node.path.clone()),
        after_path: None,
        before: Some(summary(node)),
        after: None,
        before_range: range(node, nested),
        after_range: None,
    }
}

fn came(node: &Node, at: String, nested: bool) -> Change {
    Change {
        kind: ChangeKind::Added,
        at,
        before_path: None,
        after_path: (!nested).then(|| node.path.clone()),
        before: None,
        after: Some(summary(node)),
        before_range: None,
        after_range: range(node, nested),
    }
}

/// A node's bytes, tag included (what a field takes on the wire).
fn range(node: &Node, nested: bool) -> Option<[usize; 2]> {
    if nested {
        return None;
    }
    let value = node.range?;
    Some(
        node.tag_range
            .map_or(value, |tag| [tag[0].min(value[0]), value[1]]),
    )
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}/{key}")
    }
}

/// Each child's label, with its occurrence when the label repeats: `data[0]`, `data[1]`.
/// Linear in the children (a packed field or an array may have a million).
fn keys(children: &[Node]) -> Vec<String> {
    let labels: Vec<String> = children.iter().map(label_of).collect();
    let mut totals: HashMap<&str, usize> = HashMap::new();
    for label in &labels {
        *totals.entry(label.as_str()).or_default() += 1;
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    labels
        .iter()
        .map(|label| {
            if totals[label.as_str()] == 1 {
                return label.clone();
            }
            let occurrence = seen.entry(label.as_str()).or_default();
            *occurrence += 1;
            format!("{label}[{}]", *occurrence - 1)
        })
        .collect()
}

fn label_of(node: &Node) -> String {
    match node.field_number {
        Some(number) if node.label.is_empty() => number.to_string(),
        _ => node.label.clone(),
    }
}

/// What a node is, in one comparable line.
fn summary(node: &Node) -> String {
    let reading = node
        .reading
        .and_then(|index| node.readings.get(index))
        .map(|reading| format!(" (as {reading})"))
        .unwrap_or_default();
    match (&node.value, &node.type_name) {
        (Some(value), _) => format!("{value:?}{reading}"),
        (None, Some(type_name)) => format!("{type_name}{reading}"),
        (None, None) => format!("{}{reading}", kind_word(node.kind)),
    }
}

fn kind_word(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Object => "object",
        NodeKind::Array => "array",
        NodeKind::Message => "message",
        NodeKind::Group => "group",
        NodeKind::String => "string",
        NodeKind::Number => "number",
        NodeKind::Bool => "bool",
        NodeKind::Null => "null",
        NodeKind::Varint => "varint",
        NodeKind::Fixed32 => "fixed32",
        NodeKind::Fixed64 => "fixed64",
        NodeKind::Bytes => "bytes",
        NodeKind::Packed => "packed",
        NodeKind::Element => "element",
        NodeKind::Attribute => "attribute",
        NodeKind::Text => "text",
        NodeKind::Frame => "frame",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, inspect};

    fn tree(text: &str) -> Node {
        inspect(text.as_bytes(), &Options::default()).tree
    }

    #[test]
    fn one_changed_field_is_one_change() {
        let changes = diff(
            &tree(r#"{"msg":{"text":"hello","id":"1"},"ids":[1,2]}"#),
            &tree(r#"{"msg":{"text":"hello world","id":"1"},"ids":[1,2]}"#),
        );
        assert_eq!(changes.len(), 1, "{changes:?}");
        let change = &changes[0];
        assert_eq!(change.kind, ChangeKind::Changed);
        assert_eq!(change.at, "msg/text");
        assert_eq!(change.before.as_deref(), Some("\"hello\""));
        assert_eq!(change.after.as_deref(), Some("\"hello world\""));
        assert_eq!(change.before_path.as_deref(), Some("/msg/text"));
    }

    #[test]
    fn added_and_removed_by_label_not_by_position() {
        let changes = diff(
            &tree(r#"{"a":1,"b":2,"c":3}"#),
            &tree(r#"{"new":0,"a":1,"c":3}"#),
        );
        let said: Vec<(ChangeKind, &str)> =
            changes.iter().map(|c| (c.kind, c.at.as_str())).collect();
        assert_eq!(
            said,
            [(ChangeKind::Removed, "b"), (ChangeKind::Added, "new")]
        );
    }

    #[test]
    fn repeated_protobuf_fields_match_by_occurrence() {
        // field 1 = 1, field 1 = 2  →  field 1 = 1, field 1 = 3, field 1 = 4
        let changes = diff(
            &inspect(&[0x08, 0x01, 0x08, 0x02], &Options::default()).tree,
            &inspect(&[0x08, 0x01, 0x08, 0x03, 0x08, 0x04], &Options::default()).tree,
        );
        let said: Vec<(ChangeKind, &str)> =
            changes.iter().map(|c| (c.kind, c.at.as_str())).collect();
        assert_eq!(
            said,
            [(ChangeKind::Changed, "1[1]"), (ChangeKind::Added, "1[2]")]
        );
        assert!(diff(&tree("[1,2]"), &tree("[1,2]")).is_empty());
    }
}
