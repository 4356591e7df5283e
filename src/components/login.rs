//! Shown when the server asks for a session: an agent's name and password buy the session
//! cookie.

use leptos::prelude::*;

use crate::api;

#[component]
pub fn Login(#[prop(into)] on_success: Callback<()>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
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
                Err(api::ApiError::LoggedOut) => {
                    error.set(Some("That name and password do not match an agent.".into()))
                }
                Err(api::ApiError::Status(_, message)) => error.set(Some(message)),
                Err(other) => error.set(Some(other.to_string())),
            }
        });
    };
    view! {
        <form class="login" on:submit=submit aria-label="Log in">
            <h2>"Log in"</h2>
            <p class="muted">
                "Your agent name and password. An admin adds agents in Settings or with "
                <code>"switchboard agent add"</code>"."
            </p>
            <label for="login-name">"Name"</label>
            <input
                id="login-name"
                autocomplete="username"
                prop:value=move || name.get()
                on:input=move |event| name.set(event_target_value(&event))
            />
            <label for="login-password">"Password"</label>
            <input
                id="login-password"
                type="password"
                autocomplete="current-password"
                prop:value=move || password.get()
                on:input=move |event| password.set(event_target_value(&event))
            />
            <button class="button" type="submit">"Log in"</button>
            {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        </form>
    }
}
