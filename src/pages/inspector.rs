use crate::components::inspector::actions_bar::{ActionsBar, shared_payload};
use crate::components::inspector::bytes_view::BytesView;
use crate::components::inspector::events_view::EventsView;
use crate::components::inspector::input_panel::{InputPanel, load_first_file};
use crate::components::inspector::state::InspectorState;
use crate::components::inspector::summary_bar::SummaryBar;
use crate::components::inspector::tree_view::TreeView;
use leptos::prelude::*;
use switchboard_protocol::{Direction, Page};

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
    // `/inspect#log=SEQ` (the desk's "inspect"): read once the navigation has settled — the
    // router writes the URL after it renders the page.
    set_timeout(
        move || {
            let seq = window().location().hash().ok().and_then(|hash| {
                hash.strip_prefix("#log=")
                    .and_then(|seq| seq.parse::<i64>().ok())
            });
            if let Some(seq) = seq {
                load_from_log(state, seq);
            }
        },
        std::time::Duration::ZERO,
    );
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

/// `/inspect#log=SEQ` (the desk's "inspect" on a bubble): that row of the event log, as stored.
fn load_from_log(state: InspectorState, seq: i64) {
    leptos::task::spawn_local(async move {
        let url = format!("/api/events?after={}&limit=1", seq - 1);
        match crate::api::get_json::<Page>(&url).await {
            Ok(page) => match page.events.into_iter().next().filter(|row| row.seq == seq) {
                Some(row) => {
                    let direction = row.direction;
                    // A request's body may not say what it is; its path does.
                    if direction == Direction::Outbound {
                        let schema = row
                            .upstream_path()
                            .as_deref()
                            .and_then(|path| {
                                switchboard_payload::platforms::of(row.platform)
                                    .endpoint_schemas(path)
                            })
                            .map(|(request, _)| request.to_owned());
                        state.schema.set(schema);
                    }
                    let source = format!("event log #{seq} ({} {direction})", row.platform);
                    state.load(row.body, &source);
                }
                None => state
                    .notice
                    .set(Some(format!("The event log has no row {seq}."))),
            },
            Err(error) => state.notice.set(Some(format!(
                "Could not read row {seq} of the event log: {error}"
            ))),
        }
    });
}
