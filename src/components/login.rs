//! Shown when the server asks for a session: an agent's name and password buy the session
//! cookie.

use leptos::prelude::*;

use crate::api;
use crate::i18n::use_i18n;

#[component]
pub fn Login(#[prop(into)] on_success: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<api::ApiError>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let body = serde_json::json!({
            "name": name.get_untracked().trim(),
            "password": password.get_untracked(),
        });
        leptos::task::spawn_local(async move {
            match api::post_json("/api/login", &body).await {
                Ok(_) => {
                    password.set(String::new());
                    on_success.run(())
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    let error_text = move || {
        error.get().map(|failure| match failure {
            api::ApiError::LoggedOut => i18n.t("login-mismatch"),
            other => other.describe(i18n),
        })
    };
    view! {
        <form class="login" on:submit=submit aria-label=move || i18n.t("login-title")>
            <h2>{move || i18n.t("login-title")}</h2>
            <p class="muted">
                {move || i18n.t("login-hint")}" "<code>"switchboard agent add"</code>
            </p>
            <label for="login-name">{move || i18n.t("login-name")}</label>
            <input
                id="login-name"
                autocomplete="username"
                prop:value=move || name.get()
                on:input=move |event| name.set(event_target_value(&event))
            />
            <label for="login-password">{move || i18n.t("login-password")}</label>
            <input
                id="login-password"
                type="password"
                autocomplete="current-password"
                prop:value=move || password.get()
                on:input=move |event| password.set(event_target_value(&event))
            />
            <button class="button" type="submit">{move || i18n.t("login-submit")}</button>
            {move || error_text().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        </form>
    }
}
