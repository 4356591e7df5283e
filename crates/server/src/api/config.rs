//! `GET /api/config`: which platforms are configured and what the desk may do with each. No
//! secrets. `GET /api/webhooks`: the intake URLs to give each platform (they carry our secret).

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::Serialize;

use crate::platforms::Capabilities;
use crate::state::AppState;

#[derive(Debug, Serialize)]
pub struct ConfigView {
    /// "sandbox" (emulated platforms) or "live".
    pub mode: &'static str,
    pub platforms: Vec<PlatformView>,
    /// The configured `public_url` the webhook URLs start with (not a secret); `None` = they
    /// use the address the browser opened.
    pub public_url: Option<String>,
    /// Whether the event log takes writes (as `/healthz` says).
    pub log: crate::health::HealthView,
}

#[derive(Debug, Serialize)]
pub struct PlatformView {
    pub id: &'static str,
    pub name: &'static str,
    pub capabilities: Capabilities,
}

pub async fn show(State(state): State<AppState>) -> Json<ConfigView> {
    Json(ConfigView {
        mode: if state.sandbox.is_some() {
            "sandbox"
        } else {
            "live"
        },
        platforms: state
            .platforms
            .iter()
            .map(|rules| PlatformView {
                id: rules.platform().id(),
                name: rules.platform().name(),
                capabilities: rules.capabilities(),
            })
            .collect(),
        public_url: state.config.public_url.clone(),
        log: crate::health::HealthView::of(state.log_health().await),
    })
}

#[derive(Debug, Serialize)]
pub struct WebhookView {
    pub platform: &'static str,
    pub url: String,
}

/// Each URL starts with the configured `public_url` or, without one, the address the browser
/// opened (the platforms may not reach it: the settings page says so).
pub async fn webhooks(State(state): State<AppState>, headers: HeaderMap) -> Json<Vec<WebhookView>> {
    let base = match &state.config.public_url {
        Some(public_url) => public_url.trim_end_matches('/').to_owned(),
        None => {
            let host = headers
                .get("host")
                .and_then(|value| value.to_str().ok())
                .unwrap_or("localhost");
            format!("http://{host}")
        }
    };
    Json(
        state
            .platforms
            .iter()
            .map(|rules| WebhookView {
                platform: rules.platform().id(),
                url: format!(
                    "{base}/hooks/{}/{}",
                    rules.platform().id(),
                    state.secrets.webhook_secret(rules.platform())
                ),
            })
            .collect(),
    )
}
