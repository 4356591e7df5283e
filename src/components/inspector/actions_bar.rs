//! Copy the tree as JSON, a node's path or value; download the JSON; a share link carrying the
//! payload compressed in the URL fragment (never sent to a server); clear.

use leptos::prelude::*;
use switchboard_payload::share;
use wasm_bindgen::JsCast;

use super::rows::node_at;
use super::state::InspectorState;
use crate::i18n::use_i18n;

pub fn copy_to_clipboard(state: InspectorState, text: String, what: &'static str) {
    let i18n = use_i18n();
    let written = crate::components::clipboard::write_text(&text);
    leptos::task::spawn_local(async move {
        let what = i18n.t(what);
        state.notice.set(Some(if written.await {
            i18n.f("copied-what", &[("what", what.into())])
        } else {
            i18n.f("copy-refused-what", &[("what", what.into())])
        }));
    });
}

fn download(name: &str, text: &str) -> Result<(), wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let anchor: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    web_sys::Url::revoke_object_url(&url)
}

/// The payload and view of a share link in the current URL, if any.
pub fn shared_payload() -> Option<Result<(Vec<u8>, share::View), String>> {
    let hash = window().location().hash().ok()?;
    share::parse(hash.strip_prefix('#')?, 16 * 1024 * 1024)
}

/// The view the inspector shows now, as a share link keeps it.
fn current_view(state: InspectorState) -> share::View {
    share::View {
        format: state
            .format
            .get_untracked()
            .map(|format| format.id().to_owned()),
        platform: state
            .platform
            .get_untracked()
            .map(|platform| platform.id().to_owned()),
        schema: state.schema.get_untracked(),
        readings: state.choices.get_untracked().0,
    }
}

/// Shows a shared payload in the view it was shared in.
pub fn open_shared(state: InspectorState, payload: Vec<u8>, view: share::View, source: String) {
    use switchboard_payload::unwrap::Format;
    state
        .format
        .set(view.format.as_deref().and_then(Format::from_id));
    state.platform.set(
        view.platform
            .as_deref()
            .and_then(switchboard_payload::Platform::from_id),
    );
    state.schema.set(view.schema);
    state.load(payload, source);
    // After `load`, which starts a new payload with no choices.
    state
        .choices
        .set(switchboard_payload::tree::ReadingChoices(view.readings));
}

/// Posts a logged webhook into the intake again (sandbox only) and says where it landed.
fn replay(state: InspectorState, seq: i64) {
    let i18n = use_i18n();
    leptos::task::spawn_local(async move {
        #[derive(serde::Deserialize)]
        struct Replayed {
            seq: Option<i64>,
            duplicate: bool,
        }
        let url = format!("/api/events/{seq}/replay");
        let said = match crate::api::post_json(&url, &serde_json::json!({})).await {
            Ok((_, text)) => match serde_json::from_str::<Replayed>(&text) {
                Ok(Replayed {
                    seq: Some(landed),
                    duplicate,
                }) => i18n.f(
                    if duplicate {
                        "replayed-duplicate"
                    } else {
                        "replayed"
                    },
                    &[("seq", landed.to_string().into())],
                ),
                Ok(Replayed { seq: None, .. }) | Err(_) => {
                    i18n.f("replay-failed", &[("error", text.into())])
                }
            },
            Err(error) => i18n.f("replay-failed", &[("error", error.describe(i18n).into())]),
        };
        state.notice.set(Some(said));
    });
}

#[component]
pub fn ActionsBar() -> impl IntoView {
    let state = expect_context::<InspectorState>();
    let i18n = use_i18n();
    let share_link = RwSignal::new(None::<String>);
    let curl = RwSignal::new(None::<String>);
    // A row that came over HTTP can be sent again; the command names this server's address.
    let curl_command = move || {
        let row = state.log_row.get()?;
        let origin = window().location().origin().ok()?;
        switchboard_protocol::curl::as_curl(&row, &origin)
    };
    // In sandbox mode a webhook from the log can go into the intake again, without a shell.
    let replayable = move || {
        let row = state.log_row.get()?;
        (state.sandbox.get() && switchboard_protocol::curl::is_webhook(&row)).then_some(row.seq)
    };
    let selected_node = move |pick: fn(&switchboard_payload::tree::Node) -> Option<String>| {
        let shared = state.inspection.get_untracked();
        let steps = super::rows::steps_of(&state.selected.get_untracked()?)?;
        node_at(&shared.0.tree, &steps).and_then(pick)
    };
    let has_input = move || state.input.with(|bytes| !bytes.is_empty());
    // The JSON is of what is shown: not of a large payload still being decoded.
    let has_decoded = move || {
        state
            .input
            .with(|bytes| !bytes.is_empty() && state.off_thread.decoded(bytes))
    };
    let has_selection = move || state.selected.get().is_some();
    view! {
        <section class="actions-bar" aria-label=move || i18n.t("actions-label")>
            <button disabled=move || !has_decoded() on:click=move |_| {
                let json = state.inspection.with_untracked(|shared| shared.0.to_json_pretty());
                copy_to_clipboard(state, json, "what-json");
            }>{move || i18n.t("copy-json")}</button>
            <button disabled=move || !has_decoded() on:click=move |_| {
                let json = state.inspection.with_untracked(|shared| shared.0.to_json_pretty());
                if download("switchboard-inspection.json", &json).is_err() {
                    state.notice.set(Some(i18n.t("download-refused")));
                }
            }>{move || i18n.t("download-json")}</button>
            <button disabled=move || !has_selection() on:click=move |_| {
                if let Some(path) = selected_node(|node| Some(if node.path.is_empty() { "/".into() } else { node.path.clone() })) {
                    copy_to_clipboard(state, path, "what-path");
                }
            }>{move || i18n.t("copy-path")}</button>
            <button disabled=move || !has_selection() on:click=move |_| {
                if let Some(value) = selected_node(|node| node.value.clone()) {
                    copy_to_clipboard(state, value, "what-value");
                }
            }>{move || i18n.t("copy-value")}</button>
            <button disabled=move || !has_input() on:click=move |_| {
                let view = current_view(state);
                let fragment = state.input.with_untracked(|bytes| share::fragment(bytes, &view));
                let location = window().location();
                let base = format!(
                    "{}{}",
                    location.origin().unwrap_or_default(),
                    location.pathname().unwrap_or_default()
                );
                let link = format!("{base}#{fragment}");
                let _ = window().history().map(|history| {
                    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&link))
                });
                share_link.set(Some(link.clone()));
                copy_to_clipboard(state, link, "what-share-link");
            }>{move || i18n.t("share-link")}</button>
            {move || replayable().map(|seq| view! {
                <button on:click=move |_| replay(state, seq)>{move || i18n.t("replay")}</button>
            })}
            {move || curl_command().map(|command| view! {
                <button on:click=move |_| {
                    curl.set(Some(command.clone()));
                    copy_to_clipboard(state, command.clone(), "what-curl");
                }>{move || i18n.t("copy-curl")}</button>
            })}
            <button disabled=move || !has_input() on:click=move |_| {
                share_link.set(None);
                curl.set(None);
                let _ = window().history().map(|history| {
                    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/inspect"))
                });
                state.clear();
            }>{move || i18n.t("clear")}</button>
            {move || curl.get().filter(|_| state.log_row.with(Option::is_some)).map(|command| view! {
                <textarea class="curl-command" readonly rows="6" spellcheck="false" aria-label=move || i18n.t("curl-label") prop:value=command></textarea>
            })}
            {move || share_link.get().map(|link| view! {
                <input class="share-link" readonly aria-label=move || i18n.t("share-link") prop:value=link/>
            })}
            <span class="notice" role="status">{move || state.notice.get()}</span>
        </section>
    }
}
