use crate::components::inspector::actions_bar::{ActionsBar, open_shared, shared_payload};
use crate::components::inspector::bytes_view::BytesView;
use crate::components::inspector::compare_view::CompareView;
use crate::components::inspector::described::describe_when_decoded;
use crate::components::inspector::events_view::EventsView;
use crate::components::inspector::input_panel::{InputPanel, load_first_file};
use crate::components::inspector::schema_panel::{SchemaPanel, add_files, all_proto_files};
use crate::components::inspector::schemas::UserSchemas;
use crate::components::inspector::state::InspectorState;
use crate::components::inspector::summary_bar::SummaryBar;
use crate::components::inspector::tree_view::TreeView;
use leptos::prelude::*;
use switchboard_protocol::{Direction, Page};

use crate::i18n::{I18n, use_i18n};

/// Any payload, decoded down to the byte.
#[component]
pub fn Inspector() -> impl IntoView {
    let i18n = use_i18n();
    let user_schemas = UserSchemas::saved(i18n);
    provide_context(user_schemas);
    let state = InspectorState::new(user_schemas);
    provide_context(state);
    // A share link carries its payload in the fragment.
    match shared_payload() {
        Some(Ok((bytes, view))) => open_shared(state, bytes, view, i18n.t("source-share-link")),
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
                load_from_log(i18n, state, seq);
            }
        },
        std::time::Duration::ZERO,
    );
    let has_input = move || state.input.with(|bytes| !bytes.is_empty());
    let error = move || {
        state.inspection.with(|shared| {
            shared.0.error.as_ref().map(|error| {
                i18n.f(
                    "decode-error",
                    &[
                        (
                            "format",
                            crate::i18n::format_name(i18n, error.format).into(),
                        ),
                        ("offset", error.offset.to_string().into()),
                        ("message", error.message.as_str().into()),
                    ],
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
                // .proto files are schemas to keep, anything else a payload to inspect.
                match files {
                    Some(files) if all_proto_files(&files) => add_files(user_schemas, files),
                    files => load_first_file(state, files),
                }
            }
        >
            <h1 class="page-title">{move || i18n.t("nav-inspector")}</h1>
            <InputPanel/>
            <SchemaPanel/>
            <Show
                when=has_input
                fallback=move || view! {
                    <section class="empty-state">
                        <h2>{move || i18n.t("inspector-empty-title")}</h2>
                        <div class="empty-state-body">
                            <p>{move || i18n.t("inspector-empty-body")}</p>
                        </div>
                    </section>
                }
            >
                <SummaryBar/>
                {move || state.off_thread.decoding.get().map(|bytes| view! {
                    <p class="hint decoding" role="status" data-testid="decoding">
                        {move || i18n.f("decoding-off-thread", &[("bytes", bytes.into())])}
                    </p>
                })}
                {move || state.off_thread.failure.get().map(|error| view! {
                    <p class="decode-error" role="alert">
                        {move || i18n.f("decoding-worker-failed", &[("error", error.describe(i18n).into())])}
                    </p>
                })}
                <ActionsBar/>
                <CompareView/>
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
fn load_from_log(i18n: I18n, state: InspectorState, seq: i64) {
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
                    let source = i18n.f(
                        "source-log-row",
                        &[
                            ("seq", seq.to_string().into()),
                            (
                                "platform",
                                crate::i18n::platform_name(i18n, row.platform).into(),
                            ),
                            (
                                "direction",
                                crate::i18n::direction_name(i18n, direction).into(),
                            ),
                        ],
                    );
                    let platform = row.platform;
                    state.load(row.body.clone(), &source);
                    state.log_row.set(Some(std::sync::Arc::new(row)));
                    describe_when_decoded(state, platform);
                    if let Ok(config) =
                        crate::api::get_json::<switchboard_protocol::ServerConfig>("/api/config")
                            .await
                    {
                        state
                            .sandbox
                            .set(config.mode == switchboard_protocol::Mode::Sandbox);
                    }
                }
                None => state.notice.set(Some(
                    i18n.f("log-row-missing", &[("seq", seq.to_string().into())]),
                )),
            },
            Err(error) => state.notice.set(Some(i18n.f(
                "log-row-unreadable",
                &[
                    ("seq", seq.to_string().into()),
                    ("error", error.describe(i18n).into()),
                ],
            ))),
        }
    });
}
