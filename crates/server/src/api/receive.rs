//! `POST /api/receive/{platform}/now`: the desk's "pull now" — the platform's receiving task
//! stops waiting and runs its next pull (or connection attempt) at once. What it finds reaches
//! the desk through the log, like everything.

use axum::extract::State;
use axum::http::StatusCode;

use super::ApiError;
use super::route_platform::Configured;
use crate::state::AppState;

pub async fn now(
    State(state): State<AppState>,
    Configured(rules): Configured,
) -> Result<StatusCode, ApiError> {
    let platform = rules.platform();
    if state.receiving.wake(platform) {
        Ok(StatusCode::ACCEPTED)
    } else {
        Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "{platform} is not being pulled or connected by the server (it posts webhooks, or receiving stopped: see Settings)"
            ),
        ))
    }
}
