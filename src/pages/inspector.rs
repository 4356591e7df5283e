use crate::components::inspector::actions_bar::{ActionsBar, shared_payload};
use crate::components::inspector::bytes_view::BytesView;
use crate::components::inspector::events_view::EventsView;
use crate::components::inspector::input_panel::{InputPanel, load_first_file};
use crate::components::inspector::state::InspectorState;
use crate::components::inspector::summary_bar::SummaryBar;
use crate::components::inspector::tree_view::TreeView;
use leptos::prelude::*;

/// Any payload, decoded down to the byte.
#[component]
pub fn Inspector() -> impl IntoView {
    let state = InspectorState::new();
    provide_context(state);
    // A share link carries its payload in the fragment.
    match shared_payload() {
        Some(Ok(bytes)) => state.load(bytes, "shared link"),
        Some(Err(error)) => state.notice.set(Some(error)),
        None => {}
    }
    let has_input = move || state.input.with(|bytes| !bytes.is_empty());
    let error = move || {
        state.inspection.with(|shared| {
            shared.0.error.as_ref().map(|error| {
                format!(
                    "{} at byte {}: {} — everything before it is shown.",
                    error.format.name(),
                    error.offset,
                    error.message
                )
            })
        })
    };
    view! {
        <div
            class="inspector"
            on:dragover=|event: leptos::ev::DragEvent| event.prevent_default()
            on:drop=move |event: leptos::ev::DragEvent| {
                event.prevent_default();
                let files = event.data_transfer().and_then(|transfer| transfer.files());
                load_first_file(state, files);
            }
        >
            <h1 class="page-title">"Inspector"</h1>
            <InputPanel/>
            <Show
                when=has_input
                fallback=|| view! {
                    <section class="empty-state">
                        <h2>"Nothing to inspect yet"</h2>
                        <div class="empty-state-body">
                            <p>"Paste or drop a payload — JSON, protobuf (binary, hex or base64), gzip frames, Node console dumps — to see exactly what it says."</p>
                        </div>
                    </section>
                }
            >
                <SummaryBar/>
                <ActionsBar/>
                {move || error().map(|error| view! { <p class="decode-error" role="alert">{error}</p> })}
                <div class="inspector-views">
                    <TreeView/>
                    <BytesView/>
                </div>
                <EventsView/>
            </Show>
        </div>
    }
}
