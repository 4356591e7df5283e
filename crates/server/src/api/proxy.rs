//! `/api/proxy/{platform}/{path}`: forwards one allowed call to that platform's configured
//! upstream with its credentials, logs the request and the response (linked), and turns every
//! upstream failure into a JSON error with 502 or 504.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use switchboard_protocol::Platform;
use switchboard_protocol::headers::{annotation, answer, pseudo};

use super::ApiError;
use super::route_platform::Configured;
use crate::auth::CurrentAgent;
use crate::event_log::Direction;
use crate::platforms::{Exchange, Outgoing, PlatformRules};
use crate::state::{AppState, Append};

/// Request headers the browser may pass upstream; everything else (cookies first) stays here.
const FORWARDED_REQUEST_HEADERS: &[&str] = &["content-type", "accept"];
/// Longest upstream body quoted back in an error.
const QUOTED_BODY_LIMIT: usize = 4096;

pub async fn forward(
    State(state): State<AppState>,
    Configured(rules): Configured,
    Extension(CurrentAgent(agent)): Extension<CurrentAgent>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let platform = rules.platform();
    // The raw path (still percent-encoded): an encoded `/` or `..` can never match a route.
    let prefix = format!("/api/proxy/{platform}");
    let path = uri
        .path()
        .strip_prefix(&prefix)
        .unwrap_or_default()
        .to_owned();
    if !rules.allows(&method, &path) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!("{method} {path} is not an allowed {platform} call"),
        ));
    }
    let query = uri
        .query()
        .map(|query| {
            url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let forwarded_headers = headers
        .iter()
        .filter(|(name, _)| FORWARDED_REQUEST_HEADERS.contains(&name.as_str()))
        .filter_map(|(name, value)| Some((name.to_string(), value.to_str().ok()?.to_owned())))
        .collect();
    // The agent is the session's: whatever the browser said is dropped; so is a claim to be
    // one of the server's own profile lookups.
    let mut annotations = crate::header_text::loggable(&headers, |name| {
        annotation::ALL.contains(&name.as_str())
            && name.as_str() != annotation::AGENT
            && name.as_str() != annotation::LOOKUP
    });
    annotations.push((annotation::AGENT.to_owned(), agent));
    let outgoing = Outgoing {
        method,
        path,
        query,
        headers: forwarded_headers,
        body: body.to_vec(),
        annotations,
    };
    let exchange = send(&state, rules.as_ref(), outgoing).await?;
    Ok(exchange.into_response())
}

impl IntoResponse for Exchange {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body).into_response();
        let headers = response.headers_mut();
        if let Some(value) = self
            .content_type
            .and_then(|value| HeaderValue::from_str(&value).ok())
        {
            headers.insert("content-type", value);
        }
        headers.insert(answer::REQUEST_SEQ, self.request_seq.into());
        headers.insert(answer::RESPONSE_SEQ, self.response_seq.into());
        response
    }
}

/// Authorizes, logs, sends, logs the answer. Upstream errors (unreachable, timeout, non-2xx,
/// redirect, oversized) come back as `ApiError`s with 502/504 and the upstream's own words.
pub async fn send(
    state: &AppState,
    rules: &dyn PlatformRules,
    outgoing: Outgoing,
) -> Result<Exchange, ApiError> {
    let (url, outgoing) = authorized(rules, outgoing)?;
    send_to(state, rules, url, outgoing).await
}

/// The call with the platform's credentials, and the URL below its base it goes to.
fn authorized(
    rules: &dyn PlatformRules,
    mut outgoing: Outgoing,
) -> Result<(reqwest::Url, Outgoing), ApiError> {
    rules
        .authorize(&mut outgoing)
        .map_err(|error| ApiError::new(StatusCode::BAD_REQUEST, format!("{error:#}")))?;
    let mut url = rules.base_url().clone();
    url.set_path(&format!(
        "{}{}",
        url.path().trim_end_matches('/'),
        outgoing.path
    ));
    if !outgoing.query.is_empty() {
        url.query_pairs_mut().extend_pairs(&outgoing.query);
    }
    Ok((url, outgoing))
}

/// Sends an already authorized request to `url` (a platform's API, or the storage host its
/// upload flow names), logging both sides.
pub async fn send_to(
    state: &AppState,
    rules: &dyn PlatformRules,
    url: reqwest::Url,
    outgoing: Outgoing,
) -> Result<Exchange, ApiError> {
    send_with(state, &state.client, rules, url, outgoing, None).await
}

/// Sends to a storage URL a platform's answer named (Mixin's `upload_url`): public addresses
/// only.
pub async fn send_to_storage(
    state: &AppState,
    rules: &dyn PlatformRules,
    url: reqwest::Url,
    outgoing: Outgoing,
) -> Result<Exchange, ApiError> {
    state
        .check_media_url(&url)
        .map_err(|message| ApiError::new(StatusCode::FORBIDDEN, message))?;
    send_with(state, &state.media_client, rules, url, outgoing, None).await
}

/// Which answers a call keeps in the log: all of them (every proxied call), or, for the
/// server's own read-only pulls, only those that bring something (a pull page with no news
/// every half minute is not worth two rows; its request is then not kept either).
pub type KeepAnswer<'a> = Option<&'a (dyn Fn(&[u8]) -> bool + Sync)>;

/// Like [`send`], keeping the call and its answer only when the answer is an error or
/// `worth_keeping` says so.
pub async fn send_keeping(
    state: &AppState,
    rules: &dyn PlatformRules,
    outgoing: Outgoing,
    worth_keeping: &(dyn Fn(&[u8]) -> bool + Sync),
) -> Result<Exchange, ApiError> {
    let (url, outgoing) = authorized(rules, outgoing)?;
    send_with(
        state,
        &state.client,
        rules,
        url,
        outgoing,
        Some(worth_keeping),
    )
    .await
}

async fn send_with(
    state: &AppState,
    client: &reqwest::Client,
    rules: &dyn PlatformRules,
    url: reqwest::Url,
    outgoing: Outgoing,
    keep: KeepAnswer<'_>,
) -> Result<Exchange, ApiError> {
    let platform = rules.platform();
    let request_row = Append {
        platform,
        direction: Direction::Outbound,
        content_type: header_value(&outgoing.headers, "content-type"),
        headers: log_headers(rules, &outgoing.method, &url, &outgoing.headers)
            .into_iter()
            .chain(outgoing.annotations.iter().cloned())
            .collect(),
        body: outgoing.body.clone(),
        request_seq: None,
        dedupe_key: None,
    };
    // A call the browser makes is durable before it leaves; a pull's only with its answer.
    let (mut request_seq, mut request_row) = match keep {
        None => (Some(state.append(request_row).await?.seq()), None),
        Some(_) => (None, Some(request_row)),
    };

    let mut request = client.request(outgoing.method.clone(), url.clone());
    for (name, value) in &outgoing.headers {
        request = request.header(name, value);
    }
    let result = request.body(outgoing.body).send().await;
    let response = match result {
        Ok(response) => response,
        Err(error) => {
            let failure = if error.is_timeout() {
                UpstreamFailure::Timeout
            } else {
                UpstreamFailure::Unreachable(describe(&error))
            };
            let message = format!("{platform} {failure}");
            let request_seq = logged(state, &mut request_row, &mut request_seq).await?;
            log_failure(state, platform, request_seq, &message).await?;
            return Err(ApiError::new(failure.status(), message)
                .with("upstream_status", serde_json::Value::Null));
        }
    };
    let status = response.status();
    let response_headers = crate::header_text::loggable(response.headers(), |name| {
        name.as_str() != annotation::AGENT
    });
    let content_type = header_value(&response_headers, "content-type");
    let body = match read_limited(response, state.config.body_limit).await {
        Ok(body) => body,
        Err(failure) => {
            let message = format!("{platform}: {failure}");
            let request_seq = logged(state, &mut request_row, &mut request_seq).await?;
            log_failure(state, platform, request_seq, &message).await?;
            return Err(
                ApiError::new(failure.status(), message).with("upstream_status", status.as_u16())
            );
        }
    };
    if let Some(worth_keeping) = keep
        && status.is_success()
        && !worth_keeping(&body)
    {
        return Ok(Exchange {
            request_seq: 0,
            response_seq: 0,
            status,
            content_type,
            body,
        });
    }
    let request_seq = logged(state, &mut request_row, &mut request_seq).await?;
    let mut logged_headers = vec![(pseudo::STATUS.to_owned(), status.as_u16().to_string())];
    logged_headers.extend(response_headers);
    let response_seq = state
        .append(Append {
            platform,
            direction: Direction::Response,
            content_type: content_type.clone(),
            headers: logged_headers,
            body: body.clone(),
            request_seq: Some(request_seq),
            dedupe_key: None,
        })
        .await?
        .seq();
    if !status.is_success() {
        let message = if status.is_redirection() {
            format!("{platform} answered with a redirect ({status}), which is not followed")
        } else {
            format!("{platform} answered {status}")
        };
        let quoted =
            String::from_utf8_lossy(&body[..body.len().min(QUOTED_BODY_LIMIT)]).into_owned();
        return Err(ApiError::new(StatusCode::BAD_GATEWAY, message)
            .with("upstream_status", status.as_u16())
            .with("upstream_body", quoted)
            .with("request_seq", request_seq)
            .with("response_seq", response_seq));
    }
    Ok(Exchange {
        request_seq,
        response_seq,
        status,
        content_type,
        body,
    })
}

/// Why a call got no usable answer; the words follow the platform's name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum UpstreamFailure {
    /// No answer (or no whole answer) within the upstream timeout: 504.
    Timeout,
    /// No connection: 502.
    Unreachable(String),
    /// The answer stopped partway: 502.
    BrokeOff(String),
    /// The answer is larger than the body limit: 502.
    TooLarge(usize),
}

impl UpstreamFailure {
    fn status(&self) -> StatusCode {
        match self {
            UpstreamFailure::Timeout => StatusCode::GATEWAY_TIMEOUT,
            UpstreamFailure::Unreachable(_)
            | UpstreamFailure::BrokeOff(_)
            | UpstreamFailure::TooLarge(_) => StatusCode::BAD_GATEWAY,
        }
    }
}

impl std::fmt::Display for UpstreamFailure {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UpstreamFailure::Timeout => formatter.write_str("did not answer in time"),
            UpstreamFailure::Unreachable(why) => write!(formatter, "could not be reached: {why}"),
            UpstreamFailure::BrokeOff(why) => write!(formatter, "the answer broke off: {why}"),
            UpstreamFailure::TooLarge(limit) => {
                write!(
                    formatter,
                    "the answer is larger than the {limit}-byte limit"
                )
            }
        }
    }
}

impl std::error::Error for UpstreamFailure {}

async fn read_limited(
    response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, UpstreamFailure> {
    let mut body = Vec::new();
    let mut chunks = response.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|error| {
            if error.is_timeout() {
                UpstreamFailure::Timeout
            } else {
                UpstreamFailure::BrokeOff(describe(&error))
            }
        })?;
        if body.len() + chunk.len() > limit {
            return Err(UpstreamFailure::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The request's seq, appending its row first if it is not in the log yet.
async fn logged(
    state: &AppState,
    request_row: &mut Option<Append>,
    request_seq: &mut Option<i64>,
) -> anyhow::Result<i64> {
    if let Some(seq) = *request_seq {
        return Ok(seq);
    }
    let row = request_row
        .take()
        .expect("an unlogged request keeps its row");
    let seq = state.append(row).await?.seq();
    *request_seq = Some(seq);
    Ok(seq)
}

/// A failed call is logged as a response row carrying our error, linked to its request.
async fn log_failure(
    state: &AppState,
    platform: Platform,
    request_seq: i64,
    message: &str,
) -> anyhow::Result<()> {
    state
        .append(Append {
            platform,
            direction: Direction::Response,
            content_type: Some("application/json".into()),
            headers: vec![(pseudo::ERROR.to_owned(), message.to_owned())],
            body: serde_json::to_vec(&serde_json::json!({ "error": message }))?,
            request_seq: Some(request_seq),
            dedupe_key: None,
        })
        .await?;
    Ok(())
}

/// The request as logged: pseudo-headers for method and URL, with credential query values
/// redacted (the log's own redaction covers header values).
pub fn log_headers(
    rules: &dyn PlatformRules,
    method: &Method,
    url: &reqwest::Url,
    headers: &[(String, String)],
) -> Vec<(String, String)> {
    let mut shown = url.clone();
    let secret_keys = rules.credential_query_keys();
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(key, value)| {
                let value = if secret_keys.contains(&key.as_ref()) {
                    crate::event_log::REDACTED.to_owned()
                } else {
                    value.into_owned()
                };
                (key.into_owned(), value)
            })
            .collect();
        shown.query_pairs_mut().clear().extend_pairs(&pairs);
    }
    let mut logged = vec![
        (pseudo::METHOD.to_owned(), method.to_string()),
        (pseudo::URL.to_owned(), shown.to_string()),
    ];
    logged.extend(headers.iter().cloned());
    logged
}

fn header_value(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(existing, _)| existing.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.clone())
}

/// reqwest's error with its causes, without the URL (which may carry a credential).
pub fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_connect() {
        "connection failed".to_owned()
    } else if error.is_body() || error.is_decode() {
        "the body could not be read".to_owned()
    } else {
        "the request failed".to_owned()
    };
    // The first source is reqwest's own wrapper; its causes carry no URL.
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_timeout_is_a_gateway_timeout() {
        assert_eq!(
            UpstreamFailure::Timeout.status(),
            StatusCode::GATEWAY_TIMEOUT
        );
        for failure in [
            UpstreamFailure::Unreachable("connection refused".into()),
            UpstreamFailure::BrokeOff("reset".into()),
            UpstreamFailure::TooLarge(8),
        ] {
            assert_eq!(failure.status(), StatusCode::BAD_GATEWAY, "{failure}");
        }
        assert_eq!(
            UpstreamFailure::TooLarge(8).to_string(),
            "the answer is larger than the 8-byte limit"
        );
    }
}
