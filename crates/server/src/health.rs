//! `GET /healthz`: 200 while the event log takes writes, 503 with the reason otherwise. Open
//! to all (load balancers and monitors call it without a session): it says nothing but that.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::state::{AppState, WriteFailure};

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct HealthView {
    /// "accepting writes" or "failing".
    pub log: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<WriteFailure>,
}

impl HealthView {
    pub fn of(outcome: Result<(), WriteFailure>) -> HealthView {
        match outcome {
            Ok(()) => HealthView {
                log: "accepting writes",
                failure: None,
            },
            Err(failure) => HealthView {
                log: "failing",
                failure: Some(failure),
            },
        }
    }
}

pub async fn show(State(state): State<AppState>) -> Response {
    let view = HealthView::of(state.log_health().await);
    let status = if view.failure.is_none() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(view),
    )
        .into_response()
}
