//! One configured platform: how it receives (and how that is going), the webhook URL to give it
//! (selectable, with Copy) where it posts webhooks, and what the desk can do there.

use leptos::prelude::*;

use super::capabilities::describe;
use crate::api::PlatformView;
use crate::components::clipboard;

#[component]
pub fn PlatformCard(platform: PlatformView, webhook: Option<String>) -> impl IntoView {
    let (can, cannot) = describe(&platform.capabilities);
    // Whether the browser took the last Copy.
    let copied = RwSignal::new(None::<bool>);
    let name = platform.name.clone();
    let field_id = format!("webhook-{}", platform.id);
    let webhook_view = match webhook {
        Some(url) => {
            let copy_url = url.clone();
            let copy = move |_| {
                let written = clipboard::write_text(&copy_url);
                leptos::task::spawn_local(async move { copied.set(Some(written.await)) });
            };
            view! {
                <label for=field_id.clone()>"Webhook URL"</label>
                <div class="webhook-field">
                    <input id=field_id readonly value=url class="webhook-url"
                        on:focus=|event| select_all(&event)/>
                    <button class="button" type="button" on:click=copy>"Copy"</button>
                </div>
                {move || copied.get().map(|taken| if taken {
                    view! { <p class="notice" role="status">"Copied."</p> }.into_any()
                } else {
                    view! {
                        <p class="error" role="alert">
                            "The browser refused the clipboard: select the URL and copy it by hand."
                        </p>
                    }
                    .into_any()
                })}
            }
            .into_any()
        }
        None if !platform.webhook => view! {
            <p class="muted no-webhook">
                {format!(
                    "{} posts no webhooks: the server keeps {} open itself, so there is no URL to \
                     give it.",
                    platform.name,
                    switchboard_desk::receiving::transport_name(platform.receive.transport),
                )}
            </p>
        }
        .into_any(),
        None => view! {
            <p class="error" role="alert">"The server listed no webhook URL for this platform."</p>
        }
        .into_any(),
    };
    let receive_state = serde_json::to_value(platform.receive.state)
        .ok()
        .and_then(|state| state.as_str().map(str::to_owned));
    let mut receiving = switchboard_desk::receiving::describe(
        &platform.receive,
        js_sys::Date::now() as i64,
        crate::components::desk::time::clock_time,
    );
    if platform.webhook && platform.receive.transport != switchboard_protocol::Transport::Webhook {
        receiving.push_str(" It also receives on its webhook URL.");
    }
    view! {
        <section class="platform-card" data-platform=platform.id.id() aria-label=platform.name>
            <h2>{name}</h2>
            <p class="receive" data-state=receive_state>{receiving}</p>
            {webhook_view}
            <p class="capabilities">
                <span class="muted">"The desk can: "</span>
                {if can.is_empty() { "nothing yet".to_owned() } else { can.join(" · ") }}
            </p>
            {(!cannot.is_empty()).then(|| view! {
                <p class="capabilities muted">"Not on this platform: " {cannot.join(" · ")}</p>
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
