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
    })
}

#[derive(Debug, Serialize)]
pub struct WebhookView {
    pub platform: &'static str,
    pub url: String,
}

pub async fn webhooks(State(state): State<AppState>, headers: HeaderMap) -> Json<Vec<WebhookView>> {
    let host = headers
        .get("host")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("localhost");
    Json(
        state
            .platforms
            .iter()
            .map(|rules| WebhookView {
                platform: rules.platform().id(),
                url: format!(
                    "http://{host}/hooks/{}/{}",
                    rules.platform().id(),
                    state.secrets.webhook_secret
                ),
            })
            .collect(),
    )
}
