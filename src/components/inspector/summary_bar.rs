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
    view! {
        <section class="summary-bar" aria-label="Detected">
            <div class="detected">
                <span class="chain" data-testid="chain">{chain}</span>
                <span class="badge platform" data-testid="platform">{platform}</span>
                <span class="badge schema" data-testid="schema">{schema}</span>
            </div>
            <div class="overrides">
                <label>
                    "Format "
                    <select
                        aria-label="Format"
                        on:change=move |event| state.format.set(Format::from_id(&event_target_value(&event)))
                        prop:value=move || state.format.get().map_or("auto", |f| f.id())
                    >
                        <option value="auto">"auto"</option>
                        {Format::ALL
                            .iter()
                            .map(|format| view! { <option value=format.id()>{format.name()}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    "Platform "
                    <select
                        aria-label="Platform"
                        on:change=move |event| state.platform.set(Platform::from_id(&event_target_value(&event)))
                        prop:value=move || state.platform.get().map_or("auto", |p| p.id())
                    >
                        <option value="auto">"auto"</option>
                        {Platform::ALL
                            .iter()
                            .map(|platform| view! { <option value=platform.id()>{platform.name()}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    "Schema "
                    <select
                        aria-label="Schema"
                        on:change=move |event| {
                            let value = event_target_value(&event);
                            state.schema.set((value != "auto").then_some(value));
                        }
                        prop:value=move || state.schema.get().unwrap_or_else(|| "auto".to_owned())
                    >
                        <option value="auto">"auto"</option>
                        {Schemas::builtin()
                            .names()
                            .into_iter()
                            .filter(|name| !name.starts_with("google."))
                            .map(|name| view! { <option value=name>{name}</option> })
                            .collect_view()}
                    </select>
                </label>
            </div>
        </section>
    }
}
