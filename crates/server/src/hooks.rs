//! `POST /hooks/{platform}/{secret}`: webhook intake. A delivery is stored before it is
//! acknowledged — malformed bodies too, since that is what the inspector is for. Refused
//! deliveries (wrong secret, bad signature) are stored as `rejected` — bounded summaries, a few
//! a minute per source address — and never become messages.

use std::net::SocketAddr;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use switchboard_protocol::headers::{answer, pseudo};

use crate::api::ApiError;
use crate::api::route_platform::Configured;
use crate::event_log::{Appended, Direction};
use crate::platforms::Verdict;
use crate::rejections::RejectedRecord;
use crate::state::{AppState, Append};

/// Request headers kept with a delivery (the log redacts credential-bearing ones anyway).
fn kept_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    crate::header_text::loggable(headers, |name| {
        // Only the server says which agent caused a row: a sender cannot claim one.
        !matches!(name.as_str(), "host" | "connection" | "content-length")
            && name.as_str() != switchboard_protocol::headers::annotation::AGENT
    })
}

pub async fn receive(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    Configured(rules): Configured,
    Path((_, secret)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let platform = rules.platform();
    if !rules.has_webhook() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("{platform} posts no webhooks: the server receives it over its own connection"),
        ));
    }
    let content_type = headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let verdict = if state.secrets.is_webhook_secret(rules.platform(), &secret) {
        rules.verify_webhook(&headers, &body)
    } else {
        Verdict::Reject("the webhook path's secret is wrong".into())
    };
    if let Verdict::Reject(reason) = verdict {
        if !state
            .rejections
            .allow(peer.map(|Extension(ConnectInfo(address))| address.ip()))
        {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too many refused deliveries",
            )
            .with("retry_after_secs", 60));
        }
        // Credentials out before the cut, so none is kept half-redacted at the 4 KiB edge.
        let mut redacted = body.to_vec();
        crate::state::redact_body(&mut redacted, &rules.credentials());
        let record = RejectedRecord::of(&redacted);
        let mut logged = crate::rejections::bounded_headers(kept_headers(&headers));
        logged.push((pseudo::REJECTED.to_owned(), reason.clone()));
        logged.extend(record.headers());
        let seq = state
            .append(Append {
                platform,
                direction: Direction::Rejected,
                content_type,
                headers: logged,
                body: record.prefix,
                request_seq: None,
                dedupe_key: None,
            })
            .await?
            .seq();
        tracing::warn!(platform = platform.id(), seq, "webhook rejected: {reason}");
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, reason));
    }
    let appended = state
        .append(Append {
            platform,
            direction: Direction::Inbound,
            content_type,
            headers: kept_headers(&headers),
            body: body.to_vec(),
            request_seq: None,
            dedupe_key: rules.dedupe_key(&headers, &body),
        })
        .await?;
    let acknowledgement = rules.acknowledge(&body);
    let mut response = (StatusCode::OK, acknowledgement.body).into_response();
    response.headers_mut().insert(
        "content-type",
        HeaderValue::from_static(acknowledgement.content_type),
    );
    let (seq, duplicate) = match appended {
        Appended::Stored(seq) => (seq, "false"),
        Appended::Duplicate(seq) => (seq, "true"),
    };
    response.headers_mut().insert(answer::SEQ, seq.into());
    response
        .headers_mut()
        .insert(answer::DUPLICATE, HeaderValue::from_static(duplicate));
    Ok(response)
}
