//! "Your schemas": the `.proto` files this browser keeps — add (pick, drop or paste), remove,
//! and why the last change did not compile (file:line:column).

use leptos::prelude::*;
use switchboard_payload::protobuf::imported::ProtoFile;
use wasm_bindgen::JsCast;

use super::input_panel::read_file;
use super::schemas::UserSchemas;
use crate::i18n::use_i18n;

/// The name a pasted file gets when none is typed.
const PASTED_NAME: &str = "pasted.proto";

/// Whether a drop is of `.proto` files (the page's drop then adds them here).
pub fn all_proto_files(files: &web_sys::FileList) -> bool {
    files.length() > 0
        && (0..files.length())
            .filter_map(|index| files.get(index))
            .all(|file| file.name().ends_with(".proto"))
}

/// Reads every file of a pick or a drop as `.proto` text and adds them.
pub fn add_files(user: UserSchemas, files: web_sys::FileList) {
    let files: Vec<web_sys::File> = (0..files.length())
        .filter_map(|index| files.get(index))
        .collect();
    leptos::task::spawn_local(async move {
        let mut added = Vec::new();
        for file in files {
            let name = file.name();
            match read_file(file).await.map(String::from_utf8) {
                Ok(Ok(text)) => added.push(ProtoFile { name, text }),
                Ok(Err(_)) => {
                    let i18n = use_i18n();
                    user.error.set(Some(
                        switchboard_payload::protobuf::imported::CompileError::general(
                            i18n.f("schemas-not-text", &[("name", name.into())]),
                        ),
                    ));
                    return;
                }
                Err(error) => {
                    user.error.set(Some(
                        switchboard_payload::protobuf::imported::CompileError::general(error),
                    ));
                    return;
                }
            }
        }
        user.add(added);
    });
}

#[component]
pub fn SchemaPanel() -> impl IntoView {
    let user = expect_context::<UserSchemas>();
    let i18n = use_i18n();
    let pasted = RwSignal::new(String::new());
    let pasted_name = RwSignal::new(String::new());
    let on_pick = move |event: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event.target().unwrap().unchecked_into();
        if let Some(files) = input.files() {
            add_files(user, files);
        }
        input.set_value("");
    };
    let add_pasted = move |_| {
        let text = pasted.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        let name = pasted_name.get_untracked().trim().to_owned();
        let name = if name.is_empty() {
            PASTED_NAME.to_owned()
        } else {
            name
        };
        user.add(vec![ProtoFile { name, text }]);
        pasted.set(String::new());
        pasted_name.set(String::new());
    };
    let title = move || {
        i18n.f(
            "schemas-title",
            &[("count", user.files.with(Vec::len).into())],
        )
    };
    view! {
        <details class="schema-panel" data-testid="schema-panel">
            <summary>{title}</summary>
            <p class="hint">{move || i18n.t("schemas-hint")}</p>
            <ul class="schema-files">
                <For
                    each=move || user.files.get()
                    key=|file| file.name.clone()
                    children=move |file| {
                        let name = file.name.clone();
                        let label = {
                            let name = name.clone();
                            move || i18n.f("schemas-remove-label", &[("name", name.clone().into())])
                        };
                        view! {
                            <li>
                                <code>{file.name.clone()}</code>
                                <button
                                    aria-label=label
                                    on:click=move |_| user.remove(&name)
                                >
                                    {move || i18n.t("schemas-remove")}
                                </button>
                            </li>
                        }
                    }
                />
            </ul>
            <div class="schema-actions">
                <label class="button">
                    {move || i18n.t("schemas-add-files")}
                    <input
                        class="visually-hidden"
                        type="file"
                        multiple
                        accept=".proto"
                        aria-label=move || i18n.t("schemas-add-files-label")
                        on:change=on_pick
                    />
                </label>
                {move || user.compiling.get().then(|| view! { <span class="hint" role="status">{move || i18n.t("schemas-compiling")}</span> })}
            </div>
            <textarea
                class="schema-paste"
                spellcheck="false"
                aria-label=move || i18n.t("schemas-paste-label")
                placeholder=move || i18n.t("schemas-paste-placeholder")
                prop:value=move || pasted.get()
                on:input=move |event| pasted.set(event_target_value(&event))
            ></textarea>
            <div class="schema-actions">
                <input
                    type="text"
                    aria-label=move || i18n.t("schemas-paste-name-label")
                    placeholder=PASTED_NAME
                    prop:value=move || pasted_name.get()
                    on:input=move |event| pasted_name.set(event_target_value(&event))
                />
                <button on:click=add_pasted>{move || i18n.t("schemas-paste-add")}</button>
            </div>
            {move || user.error.get().map(|error| view! {
                <p class="decode-error" role="alert" data-testid="schema-error">
                    {i18n.f("schemas-error", &[("error", error.to_string().into())])}
                </p>
            })}
        </details>
    }
}
