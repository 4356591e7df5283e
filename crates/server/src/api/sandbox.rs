//! `POST /api/sandbox/{platform}/customer-message` `{text?, customer?, callback?, format?, to?, channel?}`: the simulated
//! customer writes in. The webhook goes over real HTTP into our own intake, exactly as the
//! platform's would — unless `callback` is false (a lost callback: only the platform keeps it).
//! Where the platform pushes on a socket our server keeps (Mixin Blaze), the emulator pushes it
//! there and the answer waits (a few seconds at most) until our server acknowledged it.
//!
//! `POST /api/events/{seq}/replay`: a logged webhook posted again into our own intake, with the
//! headers and body it came with (what "Copy as curl" sends, without a shell).
//!
//! `POST /api/sandbox/{platform}/drop-connection` `{refuse_for_secs?}`: the emulator closes the
//! platform's socket to our server and, with `refuse_for_secs`, refuses it that long.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use switchboard_protocol::Platform;

use super::ApiError;
use super::route_platform::RoutePlatform;
use crate::sandbox::common::Carried;
use crate::sandbox::customer::CustomerMessage;
use crate::sandbox::lock;
use crate::state::AppState;
use switchboard_payload::platforms;

#[derive(Debug, Serialize)]
pub struct Delivered {
    pub platform: Platform,
    pub message_id: String,
    /// The intake's answer (0: no callback was sent).
    pub status: u16,
    /// Where the webhook landed in the log (a pushed frame: not known here).
    pub seq: Option<i64>,
    /// A pushed message our server has not acknowledged yet (no connection open, or not yet):
    /// the platform keeps it and pushes it again.
    pub queued: bool,
}

/// How long a pushed message may take to be acknowledged before the answer says `queued`.
const PUSH_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

pub async fn customer_message(
    State(state): State<AppState>,
    RoutePlatform(platform): RoutePlatform,
    body: Bytes,
) -> Result<Json<Delivered>, ApiError> {
    let sandbox = state.sandbox.clone().ok_or_else(sandbox_off)?;
    let request: CustomerMessage = optional_json(
        &body,
        "{text?, customer?, callback?, format?, to?, channel?, group?}",
    )?;
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
    if let Some(to) = &request.to
        && !(platform == Platform::Yunhu && to == "bot")
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "{platform} customers cannot write to {to:?}; only Yunhu's can write to \"bot\""
            ),
        ));
    }
    if let Some(channel) = &request.channel
        && !(platform == Platform::Wechat && channel == "finder")
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("{platform} has no {channel:?} channel; only WeChat has \"finder\" (视频号)"),
        ));
    }
    if request.group && platform != Platform::Wecom {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("the sandbox's {platform} customers write in no group; WeCom's do"),
        ));
    }
    let delivery = sandbox.customer_message(platform, &request);
    if !request.callback {
        return Ok(Json(Delivered {
            platform,
            message_id: delivery.message_id,
            status: 0,
            seq: None,
            queued: false,
        }));
    }
    let taken = match &delivery.carried {
        // Held for our server's next pull: the answer does not wait for it.
        Carried::Pulled(fetched) => Some(fetched()),
        Carried::Socket(acknowledged) => {
            let started = std::time::Instant::now();
            Some(loop {
                match acknowledged() {
                    Some(true) => break true,
                    Some(false) if started.elapsed() < PUSH_WAIT => {
                        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    }
                    _ => break false,
                }
            })
        }
        Carried::Webhook => None,
    };
    if let Some(taken) = taken {
        return Ok(Json(Delivered {
            platform,
            message_id: delivery.message_id,
            status: if taken { 200 } else { 0 },
            seq: None,
            queued: !taken,
        }));
    }
    let headers: Vec<(&str, &str)> = delivery
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let response = post_to_intake(&state, &sandbox, platform, &headers, delivery.body).await?;
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
        queued: false,
    }))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DropConnection {
    pub refuse_for_secs: Option<u64>,
}

pub async fn drop_connection(
    State(state): State<AppState>,
    RoutePlatform(platform): RoutePlatform,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let sandbox = state.sandbox.clone().ok_or_else(sandbox_off)?;
    let request: DropConnection = optional_json(&body, "{refuse_for_secs?}")?;
    let refuse_for = request
        .refuse_for_secs
        .map(|secs| std::time::Duration::from_secs(secs.min(3600)));
    if sandbox.drop_connection(platform, refuse_for) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("{platform} keeps no connection to drop: it delivers to our webhook"),
        ))
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefuseProfiles {
    /// How many of the next profile calls get the platform's error answer (default 1).
    pub count: Option<u32>,
}

/// The next profile calls to `platform`'s emulator are refused in its own error shape (a rate
/// limit where the platform has one), so a test sees the desk get by with short ids and the
/// server try again later.
pub async fn refuse_profiles(
    State(state): State<AppState>,
    RoutePlatform(platform): RoutePlatform,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let sandbox = state.sandbox.clone().ok_or_else(sandbox_off)?;
    let request: RefuseProfiles = optional_json(&body, "{count?}")?;
    if platforms::of(platform).lookups().is_none() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("{platform} has no profile endpoint: its payloads carry names"),
        ));
    }
    sandbox
        .state
        .directory
        .refuse(platform, request.count.unwrap_or(1).min(1000));
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, serde::Deserialize)]
pub struct ReceivedQuery {
    #[serde(default)]
    contains: String,
}

/// `GET /api/sandbox/{platform}/received?contains=TEXT`: `{"requests", "containing"}` — how
/// many requests `platform`'s emulator received (of the newest kept) and how many carried
/// `TEXT`. A test's proof that a note never reached a platform.
pub async fn received(
    State(state): State<AppState>,
    RoutePlatform(platform): RoutePlatform,
    axum::extract::Query(query): axum::extract::Query<ReceivedQuery>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    let sandbox = state.sandbox.clone().ok_or_else(sandbox_off)?;
    let (requests, containing) = sandbox.state.received.count(platform, &query.contains);
    Ok(axum::Json(serde_json::json!({
        "requests": requests,
        "containing": containing,
    })))
}

/// A request body of the `shape` described, or its defaults when the body is empty.
fn optional_json<T: Default + serde::de::DeserializeOwned>(
    body: &[u8],
    shape: &str,
) -> Result<T, ApiError> {
    if body.is_empty() {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|error| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("the request is not {shape}: {error}"),
        )
    })
}

fn sandbox_off() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "the sandbox is off: platforms are configured for real",
    )
}

/// A webhook to our own intake over real HTTP, at the platform's webhook URL, as the platform
/// would post it.
async fn post_to_intake(
    state: &AppState,
    sandbox: &crate::sandbox::Sandbox,
    platform: Platform,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Result<reqwest::Response, ApiError> {
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
        .body(body);
    for (name, value) in headers {
        post = post.header(*name, *value);
    }
    post.send().await.map_err(|error| {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            format!("posting the webhook failed: {}", error.without_url()),
        )
    })
}

#[derive(Debug, Serialize)]
pub struct Replayed {
    /// The intake's answer.
    pub status: u16,
    /// Where it landed in the log: a new row, or the one it duplicates.
    pub seq: Option<i64>,
    pub duplicate: bool,
}

/// Sandbox only: against a real platform, a replay would be a forged delivery.
pub async fn replay(
    State(state): State<AppState>,
    axum::extract::Path(seq): axum::extract::Path<i64>,
) -> Result<Json<Replayed>, ApiError> {
    let sandbox = state.sandbox.clone().ok_or_else(sandbox_off)?;
    let log = state.log.clone();
    let row = tokio::task::spawn_blocking(move || log.after(seq.saturating_sub(1), 1))
        .await
        .map_err(|_| anyhow::anyhow!("the event log reader stopped"))?
        .map_err(|error| anyhow::anyhow!("reading the event log: {error}"))?
        .into_iter()
        .find(|row| row.seq == seq)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no row {seq} in the log")))?;
    if !switchboard_protocol::curl::is_webhook(&row) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("row {seq} is no webhook that came over HTTP: only those can be replayed"),
        ));
    }
    let (headers, _) = switchboard_protocol::curl::sendable_headers(&row);
    let response =
        post_to_intake(&state, &sandbox, row.platform, &headers, row.body.clone()).await?;
    let answer = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    Ok(Json(Replayed {
        status: response.status().as_u16(),
        seq: answer(switchboard_protocol::headers::answer::SEQ).and_then(|seq| seq.parse().ok()),
        duplicate: answer(switchboard_protocol::headers::answer::DUPLICATE).as_deref()
            == Some("true"),
    }))
}
