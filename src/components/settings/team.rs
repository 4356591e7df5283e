//! The team in Settings: every agent, who is online, and for an admin the form that adds one,
//! the buttons that disable (their sessions end at once) or enable them again, and a new
//! password for another agent (their sessions end too).

use leptos::prelude::*;
use switchboard_protocol::{Agent, Me};

use crate::api;

#[component]
pub fn TeamCard() -> impl IntoView {
    let agents = RwSignal::new(Vec::<Agent>::new());
    let me = RwSignal::new(None::<Me>);
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            if let Ok(who) = api::get_json::<Me>("/api/me").await {
                me.set(Some(who));
            }
            match api::get_json::<Vec<Agent>>("/api/agents").await {
                Ok(list) => agents.set(list),
                Err(failure) => error.set(Some(failure.to_string())),
            }
        });
    };
    reload();
    let act = move |url: String, body: serde_json::Value| {
        leptos::task::spawn_local(async move {
            match api::post_json(&url, &body).await {
                Ok(_) => {
                    error.set(None);
                    reload();
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
        });
    };
    let is_admin = move || me.get().is_some_and(|me| me.admin);
    // The agent whose new password is being typed, and the password.
    let resetting = RwSignal::new(None::<String>);
    let new_password = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let admin = RwSignal::new(false);
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let body = serde_json::json!({
            "name": name.get_untracked().trim(),
            "password": password.get_untracked(),
            "admin": admin.get_untracked(),
        });
        name.set(String::new());
        password.set(String::new());
        admin.set(false);
        act("/api/agents".into(), body);
    };
    view! {
        <section class="settings-card team-card" aria-label="Agents">
            <h2>"Agents"</h2>
            <ul class="agent-list">
                {move || agents.get().into_iter().map(|agent| {
                    let name = agent.name.clone();
                    let path = js_sys::encode_uri_component(&name).as_string().unwrap_or_default();
                    let toggle = if agent.disabled { "enable" } else { "disable" };
                    let url = format!("/api/agents/{path}/{toggle}");
                    let mine = me.get().is_some_and(|me| me.name == agent.name);
                    view! {
                        <li class="agent" data-agent=name.clone() class:disabled=agent.disabled>
                            <strong>{name.clone()}</strong>
                            {agent.admin.then(|| view! { " " <span class="kind-badge">"admin"</span> })}
                            {agent.online.then(|| view! { " " <span class="online" title="Has the desk open">"● online"</span> })}
                            {agent.disabled.then(|| view! { " " <span class="muted">"disabled"</span> })}
                            {(is_admin() && !mine).then(|| {
                                let url = url.clone();
                                let reset = name.clone();
                                view! {
                                    " "
                                    <button type="button" class="link-button" aria-label=format!("{toggle} {name}") on:click=move |_| act(url.clone(), serde_json::json!({}))>
                                        {toggle}
                                    </button>
                                    " "
                                    <button type="button" class="link-button" aria-label=format!("set password for {name}") on:click=move |_| {
                                        new_password.set(String::new());
                                        resetting.set(Some(reset.clone()));
                                    }>"set password"</button>
                                }
                            })}
                            {
                                let for_agent = name.clone();
                                let password_url = format!("/api/agents/{path}/password");
                                move || (resetting.get().as_deref() == Some(for_agent.as_str())).then(|| {
                                    let password_url = password_url.clone();
                                    view! {
                                        <form class="agent-form" aria-label=format!("New password for {}", for_agent) on:submit=move |event: leptos::ev::SubmitEvent| {
                                            event.prevent_default();
                                            let body = serde_json::json!({ "password": new_password.get_untracked() });
                                            resetting.set(None);
                                            act(password_url.clone(), body);
                                        }>
                                            <label>"New password "<input type="password" autocomplete="new-password" minlength="8" prop:value=move || new_password.get() on:input=move |event| new_password.set(event_target_value(&event)) required/></label>
                                            <button class="button" type="submit">"Set"</button>
                                            <button class="link-button" type="button" on:click=move |_| resetting.set(None)>"cancel"</button>
                                        </form>
                                    }
                                })
                            }
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || is_admin().then(|| view! {
                <form class="agent-form" aria-label="Add an agent" on:submit=add>
                    <label>"Name "<input prop:value=move || name.get() on:input=move |event| name.set(event_target_value(&event)) autocomplete="off" required/></label>
                    <label>"Password "<input type="password" autocomplete="new-password" minlength="8" prop:value=move || password.get() on:input=move |event| password.set(event_target_value(&event)) required/></label>
                    <label><input type="checkbox" prop:checked=move || admin.get() on:change=move |event| admin.set(event_target_checked(&event))/>" admin"</label>
                    <button class="button" type="submit">"Add agent"</button>
                </form>
            })}
            {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        </section>
    }
}
