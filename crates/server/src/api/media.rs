//! `GET /api/media/{platform}?url=…`: fetches an image (or other media) from one of the
//! platform's media hosts — with the Referer Yunhu insists on — so the desk can show it.
//! Nothing else: other hosts get 403, redirects are not followed, and what comes back can never
//! run as a page of ours.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;

use super::ApiError;
use super::route_platform::Configured;
use crate::platforms::host_allowed;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct MediaQuery {
    url: String,
}

/// Types passed through as they are; anything else is served as an opaque download.
const SHOWN_TYPES: &[&str] = &["image/", "video/", "audio/"];

pub async fn fetch(
    State(state): State<AppState>,
    Configured(rules): Configured,
    Query(query): Query<MediaQuery>,
) -> Result<Response, ApiError> {
    let url = reqwest::Url::parse(&query.url)
        .map_err(|error| ApiError::new(StatusCode::BAD_REQUEST, format!("not a URL: {error}")))?;
    let host = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "the URL has no host",
            ));
        }
    };
    if !matches!(url.scheme(), "http" | "https") || !host_allowed(rules.media_hosts(), &host) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!("{host} is not one of {}'s media hosts", rules.platform()),
        ));
    }
    state
        .check_media_url(&url)
        .map_err(|message| ApiError::new(StatusCode::FORBIDDEN, message))?;
    let mut request = state.media_client.get(url);
    if let Some(referer) = rules.media_referer() {
        request = request.header("Referer", referer);
    }
    let response = request.send().await.map_err(|error| {
        let status = if error.is_timeout() {
            StatusCode::GATEWAY_TIMEOUT
        } else {
            StatusCode::BAD_GATEWAY
        };
        ApiError::new(
            status,
            format!(
                "the media host could not be reached: {}",
                super::proxy::describe(&error)
            ),
        )
        .with("upstream_status", serde_json::Value::Null)
    })?;
    let status = response.status();
    if !status.is_success() {
        return Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            format!("the media host answered {status}"),
        )
        .with("upstream_status", status.as_u16()));
    }
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .filter(|value| {
            SHOWN_TYPES.iter().any(|prefix| value.starts_with(prefix)) && !value.contains("svg")
        })
        .unwrap_or("application/octet-stream")
        .to_owned();
    let mut body = Vec::new();
    let mut chunks = response.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk
            .map_err(|_| ApiError::new(StatusCode::BAD_GATEWAY, "the media download broke off"))?;
        if body.len() + chunk.len() > state.config.body_limit {
            return Err(ApiError::new(
                StatusCode::BAD_GATEWAY,
                "the media file is larger than the body limit",
            ));
        }
        body.extend_from_slice(&chunk);
    }
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        "content-type",
        HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    // Whatever the bytes are, they never run as a document of ours.
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    headers.insert(
        "cache-control",
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(response)
}
