//! The team in Settings: every agent, who is online, and for an admin the form that adds one,
//! the buttons that disable (their sessions end at once) or enable them again, and a new
//! password for another agent (their sessions end too).

use leptos::prelude::*;
use switchboard_protocol::{Agent, Me};

use crate::api;
use crate::i18n::use_i18n;

#[component]
pub fn TeamCard() -> impl IntoView {
    let i18n = use_i18n();
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
                Err(failure) => error.set(Some(failure.describe(i18n))),
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
                Err(failure) => error.set(Some(failure.describe(i18n))),
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
        <section class="settings-card team-card" aria-label=move || i18n.t("agents-title")>
            <h2>{move || i18n.t("agents-title")}</h2>
            <ul class="agent-list">
                {move || agents.get().into_iter().map(|agent| {
                    let name = agent.name.clone();
                    let path = js_sys::encode_uri_component(&name).as_string().unwrap_or_default();
                    let toggle = if agent.disabled { "enable" } else { "disable" };
                    let url = format!("/api/agents/{path}/{toggle}");
                    let (toggle_words, toggle_label) = if agent.disabled {
                        ("agent-enable", "agent-enable-label")
                    } else {
                        ("agent-disable", "agent-disable-label")
                    };
                    let mine = me.get().is_some_and(|me| me.name == agent.name);
                    view! {
                        <li class="agent" data-agent=name.clone() class:disabled=agent.disabled>
                            <strong>{name.clone()}</strong>
                            {agent.admin.then(|| view! { " " <span class="kind-badge">{move || i18n.t("agent-admin")}</span> })}
                            {agent.online.then(|| view! { " " <span class="online" title=move || i18n.t("agent-online-title")>{move || i18n.t("agent-online")}</span> })}
                            {agent.disabled.then(|| view! { " " <span class="muted">{move || i18n.t("agent-disabled")}</span> })}
                            {(is_admin() && !mine).then(|| {
                                let url = url.clone();
                                let reset = name.clone();
                                let label_name = name.clone();
                                let password_name = name.clone();
                                view! {
                                    " "
                                    <button type="button" class="link-button" aria-label=move || i18n.f(toggle_label, &[("name", (&label_name).into())]) on:click=move |_| act(url.clone(), serde_json::json!({}))>
                                        {move || i18n.t(toggle_words)}
                                    </button>
                                    " "
                                    <button type="button" class="link-button" aria-label=move || i18n.f("agent-set-password-label", &[("name", (&password_name).into())]) on:click=move |_| {
                                        new_password.set(String::new());
                                        resetting.set(Some(reset.clone()));
                                    }>{move || i18n.t("agent-set-password")}</button>
                                }
                            })}
                            {
                                let for_agent = name.clone();
                                let password_url = format!("/api/agents/{path}/password");
                                move || (resetting.get().as_deref() == Some(for_agent.as_str())).then(|| {
                                    let password_url = password_url.clone();
                                    let form_label = i18n.f("agent-new-password-for", &[("name", (&for_agent).into())]);
                                    view! {
                                        <form class="agent-form" aria-label=form_label on:submit=move |event: leptos::ev::SubmitEvent| {
                                            event.prevent_default();
                                            let body = serde_json::json!({ "password": new_password.get_untracked() });
                                            resetting.set(None);
                                            act(password_url.clone(), body);
                                        }>
                                            <label>{move || i18n.t("agent-new-password")}" "<input type="password" autocomplete="new-password" minlength="8" prop:value=move || new_password.get() on:input=move |event| new_password.set(event_target_value(&event)) required/></label>
                                            <button class="button" type="submit">{move || i18n.t("agent-set")}</button>
                                            <button class="link-button" type="button" on:click=move |_| resetting.set(None)>{move || i18n.t("cancel")}</button>
                                        </form>
                                    }
                                })
                            }
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || is_admin().then(|| view! {
                <form class="agent-form" aria-label=move || i18n.t("agent-add-label") on:submit=add>
                    <label>{move || i18n.t("login-name")}" "<input prop:value=move || name.get() on:input=move |event| name.set(event_target_value(&event)) autocomplete="off" required/></label>
                    <label>{move || i18n.t("login-password")}" "<input type="password" autocomplete="new-password" minlength="8" prop:value=move || password.get() on:input=move |event| password.set(event_target_value(&event)) required/></label>
                    <label><input type="checkbox" prop:checked=move || admin.get() on:change=move |event| admin.set(event_target_checked(&event))/>" "{move || i18n.t("agent-admin")}</label>
                    <button class="button" type="submit">{move || i18n.t("agent-add")}</button>
                </form>
            })}
            {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        </section>
    }
}
