//! Compare with a second payload: what was added, removed and changed from the first, by path;
//! the first one's tree marks the rows that changed.

use std::sync::Arc;

use leptos::prelude::*;
use switchboard_payload::diff::{Change, ChangeKind};

use super::state::InspectorState;
use crate::i18n::use_i18n;

/// Whether the first payload's node at `path` changed in the second one.
pub fn changed(state: InspectorState, path: &str) -> bool {
    state.comparison.with(|comparison| {
        comparison.as_ref().is_some_and(|comparison| {
            comparison
                .changes
                .iter()
                .any(|change| change.before_path.as_deref() == Some(path))
        })
    })
}

#[component]
pub fn CompareView() -> impl IntoView {
    let state = expect_context::<InspectorState>();
    let i18n = use_i18n();
    let pasted = RwSignal::new(String::new());
    // A new first payload is compared with nothing until a second one comes.
    Effect::new(move |_| {
        if state.compare.with(|bytes| bytes.is_empty()) {
            pasted.set(String::new());
        }
    });
    view! {
        <details class="compare">
            <summary>{move || i18n.t("compare-title")}</summary>
            <textarea
                class="paste-area compare-area"
                aria-label=move || i18n.t("compare-label")
                spellcheck="false"
                placeholder=move || i18n.t("compare-placeholder")
                prop:value=move || pasted.get()
                on:input=move |event| {
                    let text = event_target_value(&event);
                    pasted.set(text.clone());
                    state.compare.set(Arc::new(text.into_bytes()));
                }
            ></textarea>
            {move || state.comparison.get().map(|comparison| view! {
                <p class="changes-count" role="status" data-testid="changes-count">
                    {i18n.f("changes-count", &[("count", comparison.changes.len().into())])}
                </p>
                <ul class="changes">
                    {comparison
                        .changes
                        .iter()
                        .map(|change| change_row(change, &comparison.before.0.bytes, &comparison.after_bytes))
                        .collect_view()}
                </ul>
            })}
        </details>
    }
}

/// At most this many bytes of a change are shown on each side.
const SHOWN_BYTES: usize = 32;

/// A change's bytes in hex, cut after [`SHOWN_BYTES`].
fn bytes_of(bytes: &[u8], range: Option<[usize; 2]>) -> Option<String> {
    let [start, end] = range?;
    let field = bytes.get(start..end)?;
    let mut hex: Vec<String> = field
        .iter()
        .take(SHOWN_BYTES)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    if field.len() > SHOWN_BYTES {
        hex.push(use_i18n().f(
            "change-bytes-more",
            &[("count", (field.len() - SHOWN_BYTES).into())],
        ));
    }
    Some(hex.join(" "))
}

fn change_row(change: &Change, before: &[u8], after: &[u8]) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let (mark, kind, id) = match change.kind {
        ChangeKind::Added => ("+", "added", "change-added"),
        ChangeKind::Removed => ("−", "removed", "change-removed"),
        ChangeKind::Changed => ("~", "changed", "change-changed"),
    };
    view! {
        <li class="change" data-kind=kind>
            <span class="change-mark" title=i18n.t(id)>{mark}</span>
            <span class="visually-hidden">{i18n.t(id)}</span>
            <code class="change-at">{change.at.clone()}</code>
            {change.before.clone().map(|before| view! { <span class="change-before">{before}</span> })}
            {(change.kind == ChangeKind::Changed).then_some(" → ")}
            {change.after.clone().map(|after| view! { <span class="change-after">{after}</span> })}
            // The bytes side by side: what the field was on the wire, and what it is.
            <span class="change-bytes">
                <code class="change-bytes-before" title=i18n.t("change-bytes-before")>
                    {bytes_of(before, change.before_range)}
                </code>
                <code class="change-bytes-after" title=i18n.t("change-bytes-after")>
                    {bytes_of(after, change.after_range)}
                </code>
            </span>
        </li>
    }
}
