//! The decoded tree: collapsible, keyboard-navigable (arrows, Enter, Home/End), virtualized so
//! only the rows on screen exist in the DOM.

use std::sync::Arc;

use leptos::prelude::*;
use switchboard_payload::tree::{Node, NodeKind};

use super::rows::{self, Row, Step, node_at};
use super::state::InspectorState;
use crate::i18n::{I18n, use_i18n};

/// Fixed row height (px): the virtual list positions rows by index.
pub const ROW_HEIGHT: f64 = 24.0;
/// Rows rendered beyond the visible ones, above and below.
const OVERSCAN: usize = 20;
/// Expand everything this deep at first when the tree is small enough.
const INITIAL_DEPTH: usize = 4;
const SMALL_TREE: usize = 400;

/// The visible rows, compared by identity: a new listing always re-renders.
#[derive(Clone)]
struct RowList(Arc<Vec<Row>>);

impl PartialEq for RowList {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

#[component]
pub fn TreeView() -> impl IntoView {
    let state = expect_context::<InspectorState>();
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(480.0_f64);
    let container: NodeRef<leptos::html::Div> = NodeRef::new();

    // A new payload opens to a useful depth when small; a big one shows its top level only.
    Effect::new(move |_| {
        let shared = state.inspection.get();
        let tree = &shared.0.tree;
        let depth = if rows::count(tree) <= SMALL_TREE {
            INITIAL_DEPTH
        } else {
            1
        };
        let keys = rows::keys_to_depth(tree, depth);
        // Only a change re-lists the rows (a large payload's top level is 100 000 of them).
        if state
            .expanded
            .with_untracked(|expanded| keys.iter().any(|key| !expanded.contains(key)))
        {
            state.expanded.update(|expanded| expanded.extend(keys));
        }
    });

    // Rows carry the inspection they were made from: a new inspection with the same shape
    // (another schema, another reading) must still re-render every row.
    // Shared, not copied: a large payload's top level alone is 100 000 rows.
    let rows_of = Memo::new(move |_| {
        let shared = state.inspection.get();
        let rows = state
            .expanded
            .with(|expanded| rows::flatten(&shared.0.tree, expanded));
        (shared, RowList(Arc::new(rows)))
    });
    let visible_rows = move || rows_of.with(|(_, rows)| rows.0.clone());
    let window = move || {
        let rows = visible_rows();
        let first = ((scroll_top.get() / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN);
        let last = (first + (viewport.get() / ROW_HEIGHT) as usize + 2 * OVERSCAN).min(rows.len());
        (first, rows[first.min(rows.len())..last].to_vec())
    };

    let scroll_to_row = move |index: usize| {
        if let Some(element) = container.get() {
            let top = index as f64 * ROW_HEIGHT;
            let height = element.client_height() as f64;
            let current = element.scroll_top() as f64;
            if top < current {
                element.set_scroll_top(top as i32);
            } else if top + ROW_HEIGHT > current + height {
                element.set_scroll_top((top + ROW_HEIGHT - height) as i32);
            }
        }
    };
    // Keep the selected row on screen, whoever selected it (keyboard, bytes view).
    Effect::new(move |_| {
        let Some(key) = state.selected.get() else {
            return;
        };
        if let Some(index) = rows_of.with(|(_, rows)| rows.0.iter().position(|row| row.key == key))
        {
            scroll_to_row(index);
        }
    });

    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        let rows = visible_rows();
        if rows.is_empty() {
            return;
        }
        let current = state
            .selected
            .get()
            .and_then(|key| rows.iter().position(|row| row.key == key));
        let select = |index: usize| state.selected.set(Some(rows[index].key.clone()));
        let handled = match (event.key().as_str(), current) {
            ("ArrowDown", None) | ("Home", _) => {
                select(0);
                true
            }
            ("ArrowDown", Some(index)) => {
                select((index + 1).min(rows.len() - 1));
                true
            }
            ("ArrowUp", Some(index)) => {
                select(index.saturating_sub(1));
                true
            }
            ("End", _) => {
                select(rows.len() - 1);
                true
            }
            ("ArrowRight", Some(index)) => {
                let row = &rows[index];
                if row.expandable && !row.expanded {
                    toggle(state, &row.key);
                } else if row.expanded && index + 1 < rows.len() {
                    select(index + 1);
                }
                true
            }
            ("ArrowLeft", Some(index)) => {
                let row = &rows[index];
                if row.expanded {
                    toggle(state, &row.key);
                } else if let Some(parent) = rows[..index].iter().rposition(|r| r.depth < row.depth)
                {
                    select(parent);
                }
                true
            }
            ("Enter" | " ", Some(index)) => {
                if rows[index].expandable {
                    toggle(state, &rows[index].key);
                }
                true
            }
            _ => false,
        };
        if handled {
            event.prevent_default();
        }
    };

    let total_height = move || {
        format!(
            "{}px",
            rows_of.with(|(_, rows)| rows.0.len()) as f64 * ROW_HEIGHT
        )
    };
    let active = move || state.selected.get().map(|key| row_id(&key));
    view! {
        <div
            class="tree"
            role="tree"
            aria-label=move || use_i18n().t("tree-label")
            tabindex="0"
            node_ref=container
            aria-activedescendant=active
            on:keydown=on_keydown
            on:scroll=move |_| {
                if let Some(element) = container.get() {
                    scroll_top.set(element.scroll_top() as f64);
                    viewport.set(element.client_height() as f64);
                }
            }
        >
            <div class="tree-spacer" style:height=total_height>
                {move || {
                    // Rows are drawn in the agent's language: a switch redraws the window.
                    use_i18n().locale();
                    let (first, rows) = window();
                    let offset = format!("translateY({}px)", first as f64 * ROW_HEIGHT);
                    view! {
                        <div class="tree-window" style:transform=offset>
                            {rows.into_iter().map(|row| view! { <TreeRow row/> }).collect_view()}
                        </div>
                    }
                }}
            </div>
        </div>
    }
}

pub fn row_id(key: &str) -> String {
    format!("tree-row-{}", key.replace('.', "-"))
}

pub fn toggle(state: InspectorState, key: &str) {
    state.expanded.update(|expanded| {
        if !expanded.remove(key) {
            expanded.insert(key.to_owned());
        }
    });
}

#[component]
fn TreeRow(row: Row) -> impl IntoView {
    let state = expect_context::<InspectorState>();
    let shared = state.inspection.get_untracked();
    let Some(node) = node_at(&shared.0.tree, &row.steps) else {
        return ().into_any();
    };
    let key = row.key.clone();
    let is_selected = Memo::new({
        let key = key.clone();
        move |_| state.selected.get().as_deref() == Some(key.as_str())
    });
    // The root of a nested payload says how it was found.
    let nested_marker = match row.steps.split_last() {
        Some((Step::Nested, parent_steps)) => node_at(&shared.0.tree, parent_steps)
            .and_then(|parent| Some((parent.kind, parent.nested.as_ref()?)))
            .map(|(parent_kind, nested)| {
                // Inflated from a frame of a stream, or found inside a string.
                let (plain, with_schema) = if parent_kind == NodeKind::Frame {
                    ("nested-from-frame", "nested-from-frame-as")
                } else {
                    ("nested-from-string", "nested-from-string-as")
                };
                let i18n = use_i18n();
                let chain: Vec<String> = nested
                    .chain
                    .iter()
                    .map(|format| crate::i18n::format_name(i18n, *format))
                    .collect();
                let chain = chain.join(" → ");
                match &nested.schema {
                    Some(schema) => i18n.f(
                        with_schema,
                        &[("chain", chain.into()), ("schema", schema.into())],
                    ),
                    None => i18n.f(plain, &[("chain", chain.into())]),
                }
            }),
        _ => None,
    };
    let toggle_key = key.clone();
    let select_key = key.clone();
    let node_path = node.path.clone();
    let indent = format!("{}px", row.depth * 16);
    view! {
        <div
            class="tree-row"
            class:selected=move || is_selected.get()
            class:in-nested=row.in_nested
            class:changed=move || super::compare_view::changed(state, &node_path)
            id=row_id(&key)
            role="treeitem"
            aria-expanded=row.expandable.then_some(if row.expanded { "true" } else { "false" })
            aria-selected=move || if is_selected.get() { "true" } else { "false" }
            data-key=key.clone()
            on:click=move |_| state.selected.set(Some(select_key.clone()))
        >
            <span class="indent" style:width=indent></span>
            <button
                class="twisty"
                tabindex="-1"
                aria-hidden="true"
                disabled=!row.expandable
                on:click=move |event| {
                    event.stop_propagation();
                    toggle(state, &toggle_key);
                }
            >
                {if !row.expandable { " " } else if row.expanded { "▾" } else { "▸" }}
            </button>
            {match nested_marker {
                Some(marker) => view! { <span class="nested-marker">{marker}</span> }.into_any(),
                None => row_content(use_i18n(), node).into_any(),
            }}
            <ReadingSwitch
                path=node.path.clone()
                label=node.label.clone()
                readings=node.readings.clone()
                current=node.reading.unwrap_or(0)
            />
        </div>
    }
    .attr("aria-level", (row.depth + 1).to_string())
    .into_any()
}

fn row_content(i18n: I18n, node: &Node) -> impl IntoView + use<> {
    let label = if node.label.is_empty() {
        i18n.t("tree-root")
    } else {
        node.label.clone()
    };
    let number = node
        .field_number
        .filter(|number| number.to_string() != node.label)
        .map(|number| format!("#{number}"));
    let wire = node.wire_type.map(|wire| wire.name());
    let kind = node
        .type_name
        .clone()
        .unwrap_or_else(|| i18n.t(kind_name(node.kind)));
    let value = node.value.clone().map(|value| {
        let shown: String = value.chars().take(300).collect();
        if value.chars().count() > 300 {
            format!("{shown}…")
        } else {
            shown
        }
    });
    let interpretations = node
        .interpretations
        .iter()
        .map(|i| format!("{}={}", i.name, i.value))
        .collect::<Vec<_>>()
        .join(" ");
    let range = node.range.map(|[start, end]| format!("@{start}..{end}"));
    let summary = (!node.children.is_empty())
        .then(|| i18n.f("tree-items", &[("count", node.children.len().into())]));
    view! {
        <span class="label">{label}</span>
        {number.map(|number| view! { <span class="field-number">{number}</span> })}
        {wire.map(|wire| view! { <span class="wire">{wire}</span> })}
        <span class="kind">{kind}</span>
        {value.map(|value| view! { <span class="value">{value}</span> })}
        {summary.map(|summary| view! { <span class="summary">{summary}</span> })}
        {(!interpretations.is_empty()).then(|| view! { <span class="interpretations">{interpretations}</span> })}
        {range.map(|range| view! { <span class="range">{range}</span> })}
    }
}

/// The kind's catalog id (the words are the wire formats' own: "varint", "fixed32").
fn kind_name(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Object => "kind-object",
        NodeKind::Array => "kind-array",
        NodeKind::Message => "kind-message",
        NodeKind::Group => "kind-group",
        NodeKind::String => "kind-string",
        NodeKind::Number => "kind-number",
        NodeKind::Bool => "kind-bool",
        NodeKind::Null => "kind-null",
        NodeKind::Varint => "kind-varint",
        NodeKind::Fixed32 => "kind-fixed32",
        NodeKind::Fixed64 => "kind-fixed64",
        NodeKind::Bytes => "kind-bytes",
        NodeKind::Packed => "kind-packed",
        NodeKind::Element => "kind-element",
        NodeKind::Attribute => "kind-attribute",
        NodeKind::Text => "kind-text",
        NodeKind::Frame => "kind-frame",
    }
}

/// For an ambiguous length-delimited field: every reading, and switching in place. (Given the
/// node's parts, not the node: a node holds its whole subtree.)
#[component]
fn ReadingSwitch(
    path: String,
    label: String,
    readings: Vec<&'static str>,
    current: usize,
) -> impl IntoView {
    let state = expect_context::<InspectorState>();
    let i18n = use_i18n();
    if readings.len() < 2 {
        return ().into_any();
    }
    view! {
        <select
            class="reading-switch"
            aria-label=i18n.f("read-as-label", &[("field", label.into())])
            tabindex="-1"
            on:click=|event| event.stop_propagation()
            on:change=move |event| {
                if let Ok(index) = event_target_value(&event).parse::<usize>() {
                    state.choices.update(|choices| choices.0.push((path.clone(), index)));
                }
            }
        >
            {readings
                .iter()
                .enumerate()
                .map(|(index, name)| {
                    view! { <option value=index.to_string() selected=index == current>{i18n.f("read-as", &[("reading", (*name).into())])}</option> }
                })
                .collect_view()}
        </select>
    }
    .into_any()
}
