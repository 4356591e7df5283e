//! What the payload is: the chain of encodings, platform, schema and confidence — and the
//! dropdowns that override each guess.

use leptos::prelude::*;
use switchboard_payload::Platform;
use switchboard_payload::protobuf::schema::Schemas;
use switchboard_payload::unwrap::Format;

use super::state::InspectorState;

#[component]
pub fn SummaryBar() -> impl IntoView {
    let state = expect_context::<InspectorState>();
    let chain = move || {
        state.inspection.with(|shared| {
            shared
                .0
                .chain
                .iter()
                .map(|format| format.name())
                .collect::<Vec<_>>()
                .join(" → ")
        })
    };
    let platform = move || {
        state
            .inspection
            .with(|shared| shared.0.platform.map_or("unknown platform", |p| p.name()))
    };
    let schema = move || {
        state.inspection.with(|shared| match &shared.0.schema {
            Some(schema) => format!("{} · confidence {:.2}", schema.name, schema.confidence),
            None => "unknown schema".to_owned(),
        })
    };
    // Said where the tree is read, so nobody takes a skipped string for a plain one.
    let unexpanded = move || state.inspection.with(|shared| shared.0.expansion_note());
    view! {
        <section class="summary-bar" aria-label="Detected">
            <div class="detected">
                <span class="chain" data-testid="chain">{chain}</span>
                <span class="badge platform" data-testid="platform">{platform}</span>
                <span class="badge schema" data-testid="schema">{schema}</span>
                {move || unexpanded().map(|note| view! { <span class="badge warning" role="note" data-testid="unexpanded">{note}</span> })}
            </div>
            <div class="overrides">
                <OverrideSelect
                    label="Format"
                    choices=Format::ALL.iter().map(|f| (f.id().to_owned(), f.name().to_owned())).collect()
                    current=Signal::derive(move || state.format.get().map(|f| f.id().to_owned()))
                    on_pick=Callback::new(move |id: Option<String>| state.format.set(id.as_deref().and_then(Format::from_id)))
                />
                <OverrideSelect
                    label="Platform"
                    choices=Platform::ALL.iter().map(|p| (p.id().to_owned(), p.name().to_owned())).collect()
                    current=Signal::derive(move || state.platform.get().map(|p| p.id().to_owned()))
                    on_pick=Callback::new(move |id: Option<String>| state.platform.set(id.as_deref().and_then(Platform::from_id)))
                />
                <OverrideSelect
                    label="Schema"
                    choices=Schemas::builtin()
                        .names()
                        .into_iter()
                        .filter(|name| !name.starts_with("google."))
                        .map(|name| (name.to_owned(), name.to_owned()))
                        .collect()
                    current=Signal::derive(move || state.schema.get())
                    on_pick=Callback::new(move |id: Option<String>| state.schema.set(id))
                />
            </div>
        </section>
    }
}

/// One override: "auto" (the detected value) or a forced choice.
#[component]
fn OverrideSelect(
    label: &'static str,
    /// (id, name shown)
    choices: Vec<(String, String)>,
    current: Signal<Option<String>>,
    on_pick: Callback<Option<String>>,
) -> impl IntoView {
    view! {
        <label>
            {label}" "
            <select
                aria-label=label
                on:change=move |event| {
                    let value = event_target_value(&event);
                    on_pick.run((value != "auto").then_some(value));
                }
                prop:value=move || current.get().unwrap_or_else(|| "auto".to_owned())
            >
                <option value="auto">"auto"</option>
                {choices
                    .into_iter()
                    .map(|(id, name)| view! { <option value=id>{name}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}
