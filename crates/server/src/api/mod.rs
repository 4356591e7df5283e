//! The browser's API under `/api` (all of it behind the session cookie except `/api/login`).

pub mod config;
pub mod events;
pub mod media;
pub mod proxy;
pub mod sandbox;
pub mod upload;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A JSON error: `{"error": "...", ...extra}` with a status. Never a bare 500.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: serde_json::Value,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: serde_json::json!({ "error": message.into() }),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> ApiError {
        self.body[key] = value.into();
        self
    }

    pub fn internal(error: anyhow::Error) -> ApiError {
        tracing::error!("{error:#}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("{error:#}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> ApiError {
        ApiError::internal(error)
    }
}

/// The platform a route names, if it is configured.
pub fn configured(
    state: &crate::state::AppState,
    platform: &str,
) -> Result<std::sync::Arc<dyn crate::platforms::PlatformRules>, ApiError> {
    state.platforms.get(platform).cloned().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("platform {platform:?} is not configured"),
        )
    })
}
