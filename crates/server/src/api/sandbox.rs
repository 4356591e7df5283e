//! `POST /api/sandbox/{platform}/customer-message` `{text?, customer?, callback?, format?}`: the simulated
//! customer writes in. The webhook goes over real HTTP into our own intake, exactly as the
//! platform's would — unless `callback` is false (a lost callback: only the platform keeps it).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use switchboard_protocol::Platform;

use super::ApiError;
use super::route_platform::RoutePlatform;
use crate::sandbox::customer::CustomerMessage;
use crate::sandbox::lock;
use crate::state::AppState;

#[derive(Debug, Serialize)]
pub struct Delivered {
    pub platform: Platform,
    pub message_id: String,
    /// The intake's answer (0: no callback was sent).
    pub status: u16,
    /// Where the webhook landed in the log.
    pub seq: Option<i64>,
}

pub async fn customer_message(
    State(state): State<AppState>,
    RoutePlatform(platform): RoutePlatform,
    body: Bytes,
) -> Result<Json<Delivered>, ApiError> {
    let Some(sandbox) = state.sandbox.clone() else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "the sandbox is off: platforms are configured for real",
        ));
    };
    let request: CustomerMessage = if body.is_empty() {
        CustomerMessage::default()
    } else {
        serde_json::from_slice(&body).map_err(|error| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("the request is not {{text?, customer?, callback?, format?}}: {error}"),
            )
        })?
    };
    let format = request.format.as_deref().unwrap_or("text");
    let formats = crate::sandbox::customer::formats(platform);
    if !formats.contains(&format) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "{platform} has no {format:?} messages; it has {}",
                formats.join(", ")
            ),
        ));
    }
    let delivery = sandbox.customer_message(platform, &request);
    if !request.callback {
        return Ok(Json(Delivered {
            platform,
            message_id: delivery.message_id,
            status: 0,
            seq: None,
        }));
    }
    let intake = lock(&sandbox.state.intake).clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the intake is not listening yet",
        )
    })?;
    let mut post = state
        .client
        .post(format!(
            "{intake}/hooks/{platform}/{}",
            state.secrets.webhook_secret(platform)
        ))
        .body(delivery.body);
    for (name, value) in &delivery.headers {
        post = post.header(name, value);
    }
    let response = post.send().await.map_err(|error| {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            format!("posting the webhook failed: {}", error.without_url()),
        )
    })?;
    let status = response.status().as_u16();
    let seq = response
        .headers()
        .get(switchboard_protocol::headers::answer::SEQ)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok());
    Ok(Json(Delivered {
        platform,
        message_id: delivery.message_id,
        status,
        seq,
    }))
}
