//! Settings: the server's mode and, for each configured platform, the webhook URL to give it and
//! what the desk can do there. The URLs carry our webhook secret, so they load only behind the
//! session (the login form shows first when it is missing).

use leptos::prelude::*;
use switchboard_protocol::{LogHealth, Mode, ServerConfig};

use crate::api::{self, ApiError};
use crate::components::login::Login;
use crate::components::settings::Webhook;
use crate::components::settings::canned::CannedCard;
use crate::components::settings::notifications::NotificationsCard;
use crate::components::settings::platform_card::PlatformCard;
use crate::components::settings::team::TeamCard;
use crate::i18n::{I18n, clock_time, use_i18n};

#[derive(Debug, Clone, PartialEq)]
enum Loaded {
    Loading,
    LoggedOut,
    Failed(String),
    Ready(ServerConfig, Vec<Webhook>),
}

#[component]
pub fn Settings() -> impl IntoView {
    let i18n = use_i18n();
    let loaded = RwSignal::new(Loaded::Loading);
    let load = move || {
        loaded.set(Loaded::Loading);
        leptos::task::spawn_local(async move { loaded.set(fetch(i18n).await) });
    };
    load();
    let log_out = move |_| {
        leptos::task::spawn_local(async move {
            match api::post_json("/api/logout", &serde_json::json!({})).await {
                Ok(_) | Err(ApiError::LoggedOut) => loaded.set(Loaded::LoggedOut),
                Err(error) => loaded.set(Loaded::Failed(i18n.f(
                    "settings-logout-failed",
                    &[("error", error.describe(i18n).into())],
                ))),
            }
        });
    };
    view! {
        <div class="settings">
            <h1 class="page-title">{move || i18n.t("nav-settings")}</h1>
            // Redrawn when what is loaded changes; a new language redraws only the words
            // (each reads it in a closure of its own), so typed forms survive a switch.
            {move || { let loaded = loaded.get(); untrack(|| match loaded {
                Loaded::Loading => view! { <p class="muted" role="status">{move || i18n.t("loading")}</p> }.into_any(),
                Loaded::LoggedOut => view! { <Login on_success=move |_| load()/> }.into_any(),
                Loaded::Failed(message) => view! {
                    <div class="decode-error" role="alert">
                        <p>{move || i18n.t("settings-load-failed")}" "{message}</p>
                        <button class="button" type="button" on:click=move |_| load()>{move || i18n.t("retry")}</button>
                    </div>
                }
                .into_any(),
                Loaded::Ready(config, webhooks) => {
                    let mode = config.mode;
                    let log = config.log.clone();
                    let public_url = config.public_url.clone();
                    view! {
                    <p class="mode" data-mode=mode_id(mode)>{move || mode_text(i18n, mode)}</p>
                    {move || log_health_view(i18n, log.as_ref())}
                    <p class="muted">
                        {move || i18n.t("settings-secrets-where")}" "<code>"webhook-secrets/PLATFORM"</code>" "
                        {move || i18n.t("settings-secrets-keep")}" "<code>"switchboard rotate-secret PLATFORM"</code>" "
                        {move || i18n.t("settings-secrets-rotate")}
                    </p>
                    <p class="muted public-url">{move || public_url_text(i18n, public_url.as_deref())}</p>
                    {config.platforms.is_empty().then(|| view! {
                        <p class="notice">{move || i18n.t("settings-no-platform")}</p>
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
                    <NotificationsCard/>
                    <button class="button" type="button" on:click=log_out>{move || i18n.t("log-out")}</button>
                    }
                    .into_any()
                }
            })}}
        </div>
    }
}

async fn fetch(i18n: I18n) -> Loaded {
    let outcome = async {
        let config = api::get_json::<ServerConfig>("/api/config").await?;
        let webhooks = api::get_json::<Vec<Webhook>>("/api/webhooks").await?;
        Ok::<_, ApiError>((config, webhooks))
    };
    match outcome.await {
        Ok((config, webhooks)) => Loaded::Ready(config, webhooks),
        Err(ApiError::LoggedOut) => Loaded::LoggedOut,
        Err(error) => Loaded::Failed(error.describe(i18n)),
    }
}

/// Where the URLs' address comes from, and how to change it when the platforms cannot reach the
/// address this browser used (a public name, HTTPS through a proxy).
fn public_url_text(i18n: I18n, public_url: Option<&str>) -> String {
    match public_url {
        Some(url) => i18n.f("settings-public-url", &[("url", url.into())]),
        None => i18n.t("settings-public-url-unset"),
    }
}

/// The event log's state: quiet while it takes writes, an alert when it does not (webhooks are
/// then refused with 500 and platforms retry; `/healthz` answers 503).
fn log_health_view(i18n: I18n, health: Option<&LogHealth>) -> AnyView {
    match health.and_then(|health| health.failure.as_ref()) {
        None => {
            view! { <p class="muted log-health" data-log="ok">{i18n.t("log-ok")}</p> }.into_any()
        }
        Some(failure) => {
            let words = i18n.f(
                "log-failing",
                &[
                    ("since", clock_time(failure.since_ms).into()),
                    ("reason", (&failure.reason).into()),
                ],
            );
            view! {
                <p class="notice log-health" role="alert" data-log="failing">{words}</p>
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

fn mode_text(i18n: I18n, mode: Mode) -> String {
    i18n.t(match mode {
        Mode::Sandbox => "mode-sandbox",
        Mode::Live => "mode-live",
    })
}
