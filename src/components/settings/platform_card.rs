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
    let (can, cannot) = describe(i18n, &platform.capabilities);
    // Whether the browser took the last Copy.
    let copied = RwSignal::new(None::<bool>);
    let name = platform_name(i18n, platform.id);
    let field_id = format!("webhook-{}", platform.id);
    let webhook_view = match webhook {
        Some(url) => {
            let copy_url = url.clone();
            let copy = move |_| {
                let written = clipboard::write_text(&copy_url);
                leptos::task::spawn_local(async move { copied.set(Some(written.await)) });
            };
            view! {
                <label for=field_id.clone()>{i18n.t("settings-webhook-url")}</label>
                <div class="webhook-field">
                    <input id=field_id readonly value=url class="webhook-url"
                        on:focus=|event| select_all(&event)/>
                    <button class="button" type="button" on:click=copy>{i18n.t("settings-copy")}</button>
                </div>
                {move || copied.get().map(|taken| if taken {
                    view! { <p class="notice" role="status">{i18n.t("settings-copied")}</p> }.into_any()
                } else {
                    view! {
                        <p class="error" role="alert">{i18n.t("settings-copy-refused")}</p>
                    }
                    .into_any()
                })}
            }
            .into_any()
        }
        None if !platform.webhook => view! {
            <p class="muted no-webhook">
                {i18n.f(
                    "settings-no-webhook",
                    &[
                        ("platform", platform_name(i18n, platform.id).into()),
                        ("over", i18n.t(switchboard_desk::receiving::transport_name(platform.receive.transport)).into()),
                    ],
                )}
            </p>
        }
        .into_any(),
        None => view! {
            <p class="error" role="alert">{i18n.t("settings-webhook-missing")}</p>
        }
        .into_any(),
    };
    let receive_state = serde_json::to_value(platform.receive.state)
        .ok()
        .and_then(|state| state.as_str().map(str::to_owned));
    let mut receiving = sentence(
        i18n,
        &switchboard_desk::receiving::describe(&platform.receive, js_sys::Date::now() as i64),
    );
    if platform.webhook && platform.receive.transport != switchboard_protocol::Transport::Webhook {
        receiving.push_str(&i18n.t("receiving-also-webhook"));
    }
    let label = name.clone();
    view! {
        <section class="platform-card" data-platform=platform.id.id() aria-label=label>
            <h2>{name}</h2>
            <p class="receive" data-state=receive_state>{receiving}</p>
            {webhook_view}
            <p class="capabilities">
                <span class="muted">{i18n.t("settings-desk-can")}" "</span>
                {if can.is_empty() { i18n.t("settings-desk-can-nothing") } else { can.join(" · ") }}
            </p>
            {(!cannot.is_empty()).then(|| view! {
                <p class="capabilities muted">{i18n.t("settings-desk-cannot")}" "{cannot.join(" · ")}</p>
            })}
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
