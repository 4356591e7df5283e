//! What the payload is: the chain of encodings, platform, schema and confidence — and the
//! dropdowns that override each guess.

use leptos::prelude::*;
use switchboard_payload::Platform;
use switchboard_payload::protobuf::schema::Schemas;
use switchboard_payload::unwrap::Format;

use super::state::InspectorState;
use crate::i18n::use_i18n;

#[component]
pub fn SummaryBar() -> impl IntoView {
    let state = expect_context::<InspectorState>();
    let i18n = use_i18n();
    let chain = move || {
        state.inspection.with(|shared| {
            shared
                .0
                .chain
                .iter()
                .map(|format| crate::i18n::format_name(i18n, *format))
                .collect::<Vec<_>>()
                .join(" → ")
        })
    };
    let platform = move || {
        state.inspection.with(|shared| {
            shared.0.platform.map_or_else(
                || i18n.t("unknown-platform"),
                |platform| crate::i18n::platform_name(i18n, platform),
            )
        })
    };
    let schema = move || {
        state.inspection.with(|shared| match &shared.0.schema {
            Some(schema) => i18n.f(
                "schema-confidence",
                &[
                    ("schema", (&schema.name).into()),
                    ("confidence", format!("{:.2}", schema.confidence).into()),
                ],
            ),
            None => i18n.t("unknown-schema"),
        })
    };
    // Said where the tree is read, so nobody takes a skipped string for a plain one.
    let unexpanded = move || {
        state.inspection.with(|shared| {
            (shared.0.unexpanded > 0).then(|| {
                i18n.f(
                    "unexpanded",
                    &[
                        ("count", shared.0.unexpanded.into()),
                        (
                            "mib",
                            (switchboard_payload::tree::EXPANSION_BYTES / (1024 * 1024)).into(),
                        ),
                    ],
                )
            })
        })
    };
    view! {
        <section class="summary-bar" aria-label=move || i18n.t("detected-label")>
            <div class="detected">
                <span class="chain" data-testid="chain">{chain}</span>
                <span class="badge platform" data-testid="platform">{platform}</span>
                <span class="badge schema" data-testid="schema">{schema}</span>
                {move || unexpanded().map(|note| view! { <span class="badge warning" role="note" data-testid="unexpanded">{note}</span> })}
            </div>
            <div class="overrides">
                <OverrideSelect
                    label="override-format"
                    choices=Format::ALL.iter().map(|f| { let f = *f; (f.id().to_owned(), Signal::derive(move || crate::i18n::format_name(i18n, f))) }).collect()
                    current=Signal::derive(move || state.format.get().map(|f| f.id().to_owned()))
                    on_pick=Callback::new(move |id: Option<String>| state.format.set(id.as_deref().and_then(Format::from_id)))
                />
                <OverrideSelect
                    label="override-platform"
                    choices=Platform::ALL.iter().map(|p| { let p = *p; (p.id().to_owned(), Signal::derive(move || crate::i18n::platform_name(i18n, p))) }).collect()
                    current=Signal::derive(move || state.platform.get().map(|p| p.id().to_owned()))
                    on_pick=Callback::new(move |id: Option<String>| state.platform.set(id.as_deref().and_then(Platform::from_id)))
                />
                // Lists the user's schemas as they are added or removed.
                {move || view! {
                    <OverrideSelect
                        label="override-schema"
                        choices=schema_choices(state.schemas.get().as_deref())
                        current=Signal::derive(move || state.schema.get())
                        on_pick=Callback::new(move |id: Option<String>| state.schema.set(id))
                    />
                }}
            </div>
        </section>
    }
}

/// The user's own messages first, then ours (the well-known types left out).
fn schema_choices(schemas: Option<&Schemas>) -> Vec<(String, Signal<String>)> {
    let schemas = schemas.unwrap_or_else(|| Schemas::builtin());
    let ours = schemas.names().into_iter().filter(|name| {
        !name.starts_with("google.") && !schemas.imported().iter().any(|own| own == name)
    });
    schemas
        .imported()
        .iter()
        .map(String::as_str)
        .chain(ours)
        .map(|name| (name.to_owned(), Signal::stored(name.to_owned())))
        .collect()
}

/// One override: "auto" (the detected value) or a forced choice.
#[component]
fn OverrideSelect(
    /// The catalog id of its label.
    label: &'static str,
    /// (id, name shown in the agent's language)
    choices: Vec<(String, Signal<String>)>,
    current: Signal<Option<String>>,
    on_pick: Callback<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            {move || i18n.t(label)}" "
            <select
                aria-label=move || i18n.t(label)
                on:change=move |event| {
                    let value = event_target_value(&event);
                    on_pick.run((value != "auto").then_some(value));
                }
                prop:value=move || current.get().unwrap_or_else(|| "auto".to_owned())
            >
                <option value="auto">{move || i18n.t("override-auto")}</option>
                {choices
                    .into_iter()
                    .map(|(id, name)| view! { <option value=id>{name}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}
