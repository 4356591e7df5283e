//! Where payloads come in: a paste area, a file picker, and drag-and-drop on the whole page.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::InspectorState;
use crate::i18n::use_i18n;

/// The source of what was typed or pasted (the paste area keeps showing it).
const PASTED: &str = "pasted";

/// Reads a dropped or picked file into bytes.
pub async fn read_file(file: web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|error| {
            use_i18n().f(
                "file-unreadable",
                &[
                    ("name", file.name().into()),
                    ("error", crate::api::js_text(error).into()),
                ],
            )
        })?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Loads the first file of a drop or a picker into the inspector.
pub fn load_first_file(state: InspectorState, files: Option<web_sys::FileList>) {
    let Some(file) = files.and_then(|files| files.get(0)) else {
        return;
    };
    leptos::task::spawn_local(async move {
        let name = file.name();
        match read_file(file).await {
            Ok(bytes) => state.load(bytes, name),
            Err(error) => state.notice.set(Some(error)),
        }
    });
}

#[component]
pub fn InputPanel() -> impl IntoView {
    let state = expect_context::<InspectorState>();
    let i18n = use_i18n();
    // The paste area shows what was pasted; a loaded file replaces it with a summary.
    let pasted = RwSignal::new(String::new());
    Effect::new(move |_| {
        let source = state.source.get();
        if source != PASTED {
            pasted.set(String::new());
        }
    });
    let placeholder = move || {
        let source = state.source.get();
        let size = state.input.with(|bytes| bytes.len());
        if source.is_empty() || source == PASTED {
            i18n.t("paste-placeholder")
        } else {
            i18n.f(
                "paste-loaded",
                &[("source", source.into()), ("bytes", size.into())],
            )
        }
    };
    let on_file = move |event: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event.target().unwrap().unchecked_into();
        load_first_file(state, input.files());
        input.set_value("");
    };
    view! {
        <section class="input-panel" aria-label=move || i18n.t("input-label")>
            <textarea
                class="paste-area"
                aria-label=move || i18n.t("payload-label")
                spellcheck="false"
                placeholder=placeholder
                prop:value=move || pasted.get()
                on:input=move |event| {
                    let text = event_target_value(&event);
                    pasted.set(text.clone());
                    state.load(text.into_bytes(), PASTED);
                }
            ></textarea>
            <div class="input-actions">
                <label class="button">
                    {move || i18n.t("open-file")}
                    <input class="visually-hidden" type="file" aria-label=move || i18n.t("open-file-label") on:change=on_file/>
                </label>
                <span class="hint">{move || i18n.t("drop-hint")}</span>
            </div>
        </section>
    }
}
