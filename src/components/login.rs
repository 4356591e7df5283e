//! Shown when the server asks for a session: trades the access token for the session cookie.

use leptos::prelude::*;

use crate::api;

#[component]
pub fn Login(#[prop(into)] on_success: Callback<()>) -> impl IntoView {
    let token = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let value = token.get_untracked();
        leptos::task::spawn_local(async move {
            match api::post_json("/api/login", &serde_json::json!({ "token": value.trim() })).await
            {
                Ok(_) => on_success.run(()),
                Err(api::ApiError::LoggedOut) => {
                    error.set(Some("That access token is not right.".into()))
                }
                Err(other) => error.set(Some(other.to_string())),
            }
        });
    };
    view! {
        <form class="login" on:submit=submit aria-label="Log in">
            <h2>"Log in"</h2>
            <p class="muted">
                "Paste the access token " <code>"switchboard serve"</code>
                " printed (also in the data directory's " <code>"access-token"</code> ")."
            </p>
            <label for="access-token">"Access token"</label>
            <input
                id="access-token"
                type="password"
                autocomplete="current-password"
                prop:value=move || token.get()
                on:input=move |event| token.set(event_target_value(&event))
            />
            <button class="button" type="submit">"Log in"</button>
            {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        </form>
    }
}
