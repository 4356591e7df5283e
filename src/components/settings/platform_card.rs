//! One configured platform: how it receives (and how that is going), the webhook URL to give it
//! (selectable, with Copy) where it posts webhooks, and what the desk can do there.

use leptos::prelude::*;

use super::capabilities::describe;
use crate::api::PlatformView;
use crate::components::clipboard;
use crate::i18n::{platform_name, sentence, use_i18n};

#[component]
pub fn PlatformCard(platform: PlatformView, webhook: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let capabilities = platform.capabilities;
    let can_cannot = Memo::new(move |_| describe(i18n, &capabilities));
    // Whether the browser took the last Copy.
    let copied = RwSignal::new(None::<bool>);
    let id = platform.id;
    let name = move || platform_name(i18n, id);
    let field_id = format!("webhook-{}", platform.id);
    let webhook_view = match webhook {
        Some(url) => {
            let copy_url = url.clone();
            let copy = move |_| {
                let written = clipboard::write_text(&copy_url);
                leptos::task::spawn_local(async move { copied.set(Some(written.await)) });
            };
            view! {
                <label for=field_id.clone()>{move || i18n.t("settings-webhook-url")}</label>
                <div class="webhook-field">
                    <input id=field_id readonly value=url class="webhook-url"
                        on:focus=|event| select_all(&event)/>
                    <button class="button" type="button" on:click=copy>{move || i18n.t("settings-copy")}</button>
                </div>
                {move || copied.get().map(|taken| if taken {
                    view! { <p class="notice" role="status">{move || i18n.t("settings-copied")}</p> }.into_any()
                } else {
                    view! {
                        <p class="error" role="alert">{move || i18n.t("settings-copy-refused")}</p>
                    }
                    .into_any()
                })}
            }
            .into_any()
        }
        None if !platform.webhook => view! {
            <p class="muted no-webhook">
                {move || i18n.f(
                    if platform.receive.transport == switchboard_protocol::Transport::Poll {
                        "settings-no-webhook-pulled"
                    } else {
                        "settings-no-webhook"
                    },
                    &[
                        ("platform", platform_name(i18n, id).into()),
                        ("over", i18n.t(switchboard_desk::receiving::transport_name(platform.receive.transport)).into()),
                    ],
                )}
            </p>
        }
        .into_any(),
        None => view! {
            <p class="error" role="alert">{move || i18n.t("settings-webhook-missing")}</p>
        }
        .into_any(),
    };
    let receive_state = serde_json::to_value(platform.receive.state)
        .ok()
        .and_then(|state| state.as_str().map(str::to_owned));
    let receive = platform.receive.clone();
    let also_webhook =
        platform.webhook && platform.receive.transport != switchboard_protocol::Transport::Webhook;
    let receiving = move || {
        let mut words = sentence(
            i18n,
            &switchboard_desk::receiving::describe(&receive, js_sys::Date::now() as i64),
        );
        if also_webhook {
            words.push_str(&i18n.t("receiving-also-webhook"));
        }
        words
    };
    view! {
        <section class="platform-card" data-platform=platform.id.id() aria-label=name>
            <h2>{name}</h2>
            <p class="receive" data-state=receive_state>{receiving}</p>
            {webhook_view}
            <p class="capabilities">
                <span class="muted">{move || i18n.t("settings-desk-can")}" "</span>
                {move || can_cannot.with(|(can, _)| if can.is_empty() { i18n.t("settings-desk-can-nothing") } else { can.join(" · ") })}
            </p>
            {move || can_cannot.with(|(_, cannot)| (!cannot.is_empty()).then(|| {
                let cannot = cannot.join(" · ");
                view! { <p class="capabilities muted">{i18n.t("settings-desk-cannot")}" "{cannot}</p> }
            }))}
        </section>
    }
}

fn select_all(event: &leptos::ev::FocusEvent) {
    if let Some(input) = event
        .target()
        .and_then(|target| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(target).ok())
    {
        input.select();
    }
}
