//! Canned replies in Settings: the team's shortcuts and texts (`/shortcut` in the composer),
//! with `{{customer.name}}` and `{{agent.name}}` filled in when one is picked.

use leptos::prelude::*;
use switchboard_protocol::CannedReply;

use crate::api;
use crate::i18n::use_i18n;

#[component]
pub fn CannedCard() -> impl IntoView {
    let i18n = use_i18n();
    let replies = RwSignal::new(Vec::<CannedReply>::new());
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match api::get_json::<Vec<CannedReply>>("/api/canned").await {
                Ok(list) => replies.set(list),
                Err(failure) => error.set(Some(failure.describe(i18n))),
            }
        });
    };
    reload();
    let change = move |method: &'static str, shortcut: String, body: Option<serde_json::Value>| {
        leptos::task::spawn_local(async move {
            let path = js_sys::encode_uri_component(&shortcut)
                .as_string()
                .unwrap_or_default();
            match api::send_json(method, &format!("/api/canned/{path}"), body.as_ref()).await {
                Ok(_) => {
                    error.set(None);
                    reload();
                }
                Err(failure) => error.set(Some(failure.describe(i18n))),
            }
        });
    };
    let shortcut = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let body = serde_json::json!({ "text": text.get_untracked() });
        change(
            "PUT",
            shortcut
                .get_untracked()
                .trim()
                .trim_start_matches('/')
                .to_owned(),
            Some(body),
        );
        shortcut.set(String::new());
        text.set(String::new());
    };
    view! {
        <section class="settings-card canned-card" aria-label=move || i18n.t("canned-label")>
            <h2>{move || i18n.t("canned-label")}</h2>
            <p class="muted">
                {move || i18n.t("canned-how")}" "<code>"{{customer.name}}"</code>" "<code>"{{agent.name}}"</code>
            </p>
            <ul class="canned-list">
                {move || replies.get().into_iter().map(|reply| {
                    let shortcut = reply.shortcut.clone();
                    let delete_label = format!("/{}", reply.shortcut);
                    view! {
                        <li class="canned" data-shortcut=reply.shortcut.clone()>
                            <strong>{format!("/{}", reply.shortcut)}</strong>" "<span>{reply.text.clone()}</span>" "
                            <button type="button" class="link-button" aria-label=move || i18n.f("canned-delete-label", &[("shortcut", (&delete_label).into())]) on:click=move |_| change("DELETE", shortcut.clone(), None)>{move || i18n.t("canned-delete")}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="canned-form" aria-label=move || i18n.t("canned-add-label") on:submit=save>
                <label>{move || i18n.t("canned-shortcut")}" "<input prop:value=move || shortcut.get() on:input=move |event| shortcut.set(event_target_value(&event)) required/></label>
                <label>{move || i18n.t("canned-text")}" "<textarea rows="2" prop:value=move || text.get() on:input=move |event| text.set(event_target_value(&event)) required></textarea></label>
                <button class="button" type="submit">{move || i18n.t("canned-save")}</button>
            </form>
            {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        </section>
    }
}
