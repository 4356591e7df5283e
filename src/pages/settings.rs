//! Settings: the server's mode and, for each configured platform, the webhook URL to give it and
//! what the desk can do there. The URLs carry our webhook secret, so they load only behind the
//! session (the login form shows first when it is missing).

use leptos::prelude::*;
use switchboard_protocol::{LogHealth, Mode, ServerConfig};

use crate::api::{self, ApiError};
use crate::components::login::Login;
use crate::components::settings::Webhook;
use crate::components::settings::canned::CannedCard;
use crate::components::settings::platform_card::PlatformCard;
use crate::components::settings::team::TeamCard;

#[derive(Debug, Clone, PartialEq)]
enum Loaded {
    Loading,
    LoggedOut,
    Failed(String),
    Ready(ServerConfig, Vec<Webhook>),
}

#[component]
pub fn Settings() -> impl IntoView {
    let loaded = RwSignal::new(Loaded::Loading);
    let load = move || {
        loaded.set(Loaded::Loading);
        leptos::task::spawn_local(async move { loaded.set(fetch().await) });
    };
    load();
    let log_out = move |_| {
        leptos::task::spawn_local(async move {
            match api::post_json("/api/logout", &serde_json::json!({})).await {
                Ok(_) | Err(ApiError::LoggedOut) => loaded.set(Loaded::LoggedOut),
                Err(error) => loaded.set(Loaded::Failed(format!("logging out failed: {error}"))),
            }
        });
    };
    view! {
        <div class="settings">
            <h1 class="page-title">"Settings"</h1>
            {move || match loaded.get() {
                Loaded::Loading => view! { <p class="muted" role="status">"Loading…"</p> }.into_any(),
                Loaded::LoggedOut => view! { <Login on_success=move |_| load()/> }.into_any(),
                Loaded::Failed(message) => view! {
                    <div class="decode-error" role="alert">
                        <p>"The settings could not be loaded: " {message}</p>
                        <button class="button" type="button" on:click=move |_| load()>"Retry"</button>
                    </div>
                }
                .into_any(),
                Loaded::Ready(config, webhooks) => view! {
                    <p class="mode" data-mode=mode_id(config.mode)>{mode_text(config.mode)}</p>
                    {log_health_view(config.log.as_ref())}
                    <p class="muted">
                        "Give each platform its webhook URL. Its last segment is that platform's \
                         webhook secret (" <code>"webhook-secrets/PLATFORM"</code>
                         " in the data directory): keep it as private as a password. "
                         <code>"switchboard rotate-secret PLATFORM"</code>
                         " replaces one; the old URL stops working at once."
                    </p>
                    <p class="muted public-url">{public_url_text(config.public_url.as_deref())}</p>
                    {config.platforms.is_empty().then(|| view! {
                        <p class="notice">"No platform is configured."</p>
                    })}
                    {config
                        .platforms
                        .into_iter()
                        .map(|platform| {
                            let webhook = webhooks
                                .iter()
                                .find(|webhook| webhook.platform == platform.id)
                                .map(|webhook| webhook.url.clone());
                            view! { <PlatformCard platform webhook/> }
                        })
                        .collect_view()}
                    <TeamCard/>
                    <CannedCard/>
                    <button class="button" type="button" on:click=log_out>"Log out"</button>
                }
                .into_any(),
            }}
        </div>
    }
}

async fn fetch() -> Loaded {
    let outcome = async {
        let config = api::get_json::<ServerConfig>("/api/config").await?;
        let webhooks = api::get_json::<Vec<Webhook>>("/api/webhooks").await?;
        Ok::<_, ApiError>((config, webhooks))
    };
    match outcome.await {
        Ok((config, webhooks)) => Loaded::Ready(config, webhooks),
        Err(ApiError::LoggedOut) => Loaded::LoggedOut,
        Err(error) => Loaded::Failed(error.to_string()),
    }
}

/// Where the URLs' address comes from, and how to change it when the platforms cannot reach the
/// address this browser used (a public name, HTTPS through a proxy).
fn public_url_text(public_url: Option<&str>) -> String {
    match public_url {
        Some(url) => format!("The URLs start with the configured public_url, {url}."),
        None => "The URLs use the address this browser opened. If the platforms reach this \
                 server at another one (a public name, HTTPS through a proxy), set public_url \
                 in the configuration (or SWITCHBOARD_PUBLIC_URL) and restart."
            .to_owned(),
    }
}

/// The event log's state: quiet while it takes writes, an alert when it does not (webhooks are
/// then refused with 500 and platforms retry; `/healthz` answers 503).
fn log_health_view(health: Option<&LogHealth>) -> AnyView {
    match health.and_then(|health| health.failure.as_ref()) {
        None => view! { <p class="muted log-health" data-log="ok">"The event log is taking writes."</p> }.into_any(),
        Some(failure) => {
            let since = crate::components::desk::time::clock_time(failure.since_ms);
            view! {
                <p class="notice log-health" role="alert" data-log="failing">
                    "The event log is not taking writes (since " {since} "): " {failure.reason.clone()}
                    ". Webhooks are refused until it does; the platforms retry them. It recovers by \
                     itself once the cause is gone (for a full disk: free space)."
                </p>
            }
            .into_any()
        }
    }
}

fn mode_id(mode: Mode) -> &'static str {
    match mode {
        Mode::Sandbox => "sandbox",
        Mode::Live => "live",
    }
}

fn mode_text(mode: Mode) -> &'static str {
    match mode {
        Mode::Sandbox => {
            "Sandbox mode: every platform is emulated on this machine; messages come from the \
             simulated customer, and nothing reaches a real platform."
        }
        Mode::Live => "Live mode: the platforms below are configured for real.",
    }
}
