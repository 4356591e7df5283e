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
        comparison.as_ref().is_some_and(|changes| {
            changes
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
            {move || state.comparison.get().map(|changes| view! {
                <p class="changes-count" role="status" data-testid="changes-count">
                    {i18n.f("changes-count", &[("count", changes.len().into())])}
                </p>
                <ul class="changes">
                    {changes.iter().map(change_row).collect_view()}
                </ul>
            })}
        </details>
    }
}

fn change_row(change: &Change) -> impl IntoView + use<> {
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
        </li>
    }
}
