//! A tower layer over every route: a request's body is read whole here, within
//! `limits.body_timeout_secs` and `body_limit`, before any handler runs — so a client that
//! sends slowly or too much is answered 408 or 413 and holds nothing after. Large bodies
//! (over [`LARGE_BODY`], or of unknown length) are read `limits.large_bodies` at a time; past
//! that they are answered 503 with `Retry-After`, which bounds the memory they can take.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::api::ApiError;
use crate::state::AppState;

/// A body up to this size is small: webhooks, sends and log queries.
pub const LARGE_BODY: u64 = 64 * 1024;

pub async fn read_whole_body(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    let chunked = parts.headers.contains_key(header::TRANSFER_ENCODING);
    if !chunked && declared.unwrap_or(0) == 0 {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let limit = state.config.body_limit;
    if declared.is_some_and(|length| length > limit as u64) {
        return too_large(limit);
    }
    let _slot = if chunked || declared.is_some_and(|length| length > LARGE_BODY) {
        match state.large_bodies.clone().try_acquire_owned() {
            Ok(slot) => Some(slot),
            Err(_) => {
                let mut response = ApiError::said(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "too many large requests at once; try again",
                    "同时进行的大请求过多；请重试",
                )
                .into_response();
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
                return response;
            }
        }
    } else {
        None
    };
    let timeout = Duration::from_secs(state.config.limits.body_timeout_secs);
    let bytes = match tokio::time::timeout(timeout, Limited::new(body, limit).collect()).await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(error)) if error.downcast_ref::<LengthLimitError>().is_some() => {
            return too_large(limit);
        }
        Ok(Err(error)) => {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("reading the request body: {error}"),
            )
            .into_response();
        }
        Err(_) => {
            let mut response = ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request body did not arrive within {} s",
                    timeout.as_secs()
                ),
            )
            .into_response();
            response.headers_mut().insert(
                header::CONNECTION,
                header::HeaderValue::from_static("close"),
            );
            return response;
        }
    };
    // The slot is held until the answer is ready: the handler works on the body meanwhile.
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn too_large(limit: usize) -> Response {
    ApiError::said(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the request body is larger than {limit} bytes"),
        format!("请求内容超过 {limit} 字节"),
    )
    .into_response()
}
