//! `GET /api/config`: which platforms are configured, what the desk may do with each, and how
//! each is receiving. No secrets. `GET /api/webhooks`: the intake URLs to give each platform
//! that posts webhooks (they carry our secret; Mixin has none).

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use switchboard_protocol::{LogHealth, Mode, PlatformView, Receive, ServerConfig, Webhook};

use crate::state::AppState;

pub async fn show(State(state): State<AppState>) -> Json<ServerConfig> {
    Json(ServerConfig {
        mode: if state.sandbox.is_some() {
            Mode::Sandbox
        } else {
            Mode::Live
        },
        platforms: state
            .platforms
            .iter()
            .map(|rules| PlatformView {
                id: rules.platform(),
                name: rules.platform().name().to_owned(),
                capabilities: rules.capabilities(),
                receive: state
                    .receiving
                    .get(rules.platform())
                    .unwrap_or_else(Receive::webhook),
                webhook: rules.has_webhook(),
            })
            .collect(),
        public_url: state.config.public_url.clone(),
        log: Some(LogHealth::of(state.log_health().await)),
    })
}

/// Each URL starts with the configured `public_url` or, without one, the address the browser
/// opened (the platforms may not reach it: the settings page says so).
pub async fn webhooks(State(state): State<AppState>, headers: HeaderMap) -> Json<Vec<Webhook>> {
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
            .filter(|rules| rules.has_webhook())
            .map(|rules| Webhook {
                platform: rules.platform(),
                url: format!(
                    "{base}/hooks/{}/{}",
                    rules.platform().id(),
                    state.secrets.webhook_secret(rules.platform())
                ),
            })
            .collect(),
    )
}
