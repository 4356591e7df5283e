//! `GET /healthz`: 200 while the event log takes writes, 503 with the reason otherwise. Open
//! to all (load balancers and monitors call it without a session): it says nothing but that.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use switchboard_protocol::LogHealth;

use crate::state::AppState;

pub async fn show(State(state): State<AppState>) -> Response {
    let view = LogHealth::of(state.log_health().await);
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
