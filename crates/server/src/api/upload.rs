//! `POST /api/upload/{platform}` (multipart, field `file`): carries a browser file through the
//! platform's upload flow ([`PlatformRules::upload`], in the platform's folder) and answers
//! `{platform, id, url?, size, upstream}` where `id` is what a send needs.

use std::sync::Arc;

use axum::Extension;
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use futures_util::future::BoxFuture;
use switchboard_protocol::Uploaded;
use switchboard_protocol::headers::annotation;

use super::ApiError;
use super::proxy::{send, send_keeping, send_to, send_to_storage};
use super::route_platform::Configured;
use crate::auth::CurrentAgent;
use crate::platforms::{Courier, Exchange, File, Outgoing, PlatformRules};
use crate::state::AppState;

pub async fn upload(
    State(state): State<AppState>,
    Configured(rules): Configured,
    Extension(CurrentAgent(agent)): Extension<CurrentAgent>,
    multipart: Multipart,
) -> Result<Json<Uploaded>, ApiError> {
    let file = read_file(multipart).await?;
    let size = file.bytes.len() as u64;
    let courier = ProxyCourier {
        state: state.clone(),
        rules: rules.clone(),
        agent: Some(agent),
    };
    let upload = rules.upload(&courier, file).await?;
    Ok(Json(Uploaded {
        platform: rules.platform(),
        id: upload.id,
        url: upload.url,
        size,
        upstream: upload.upstream,
    }))
}

/// The calls of an upload flow or a receiving session go the proxy's way: authorized, bounded
/// and logged.
pub struct ProxyCourier {
    pub state: AppState,
    pub rules: Arc<dyn PlatformRules>,
    /// The agent whose request this is (`None`: the server's own receiving or lookups); every
    /// call it makes is stored with their name.
    pub agent: Option<String>,
}

impl ProxyCourier {
    fn stamped(&self, mut call: Outgoing) -> Outgoing {
        if let Some(agent) = &self.agent {
            call.annotations
                .retain(|(name, _)| name.as_str() != annotation::AGENT);
            call.annotations
                .push((annotation::AGENT.to_owned(), agent.clone()));
        }
        call
    }
}

impl Courier for ProxyCourier {
    fn send(&self, call: Outgoing) -> BoxFuture<'_, Result<Exchange, ApiError>> {
        Box::pin(send(&self.state, self.rules.as_ref(), self.stamped(call)))
    }

    fn send_keeping<'a>(
        &'a self,
        call: Outgoing,
        worth_keeping: &'a (dyn Fn(&[u8]) -> bool + Sync),
    ) -> BoxFuture<'a, Result<Exchange, ApiError>> {
        Box::pin(send_keeping(
            &self.state,
            self.rules.as_ref(),
            self.stamped(call),
            worth_keeping,
        ))
    }

    fn send_to(
        &self,
        url: reqwest::Url,
        call: Outgoing,
    ) -> BoxFuture<'_, Result<Exchange, ApiError>> {
        Box::pin(send_to(
            &self.state,
            self.rules.as_ref(),
            url,
            self.stamped(call),
        ))
    }

    fn send_to_storage(
        &self,
        url: reqwest::Url,
        call: Outgoing,
    ) -> BoxFuture<'_, Result<Exchange, ApiError>> {
        Box::pin(send_to_storage(
            &self.state,
            self.rules.as_ref(),
            url,
            self.stamped(call),
        ))
    }

    fn host<'a>(&'a self, file: &'a File) -> BoxFuture<'a, Result<String, ApiError>> {
        Box::pin(async move {
            self.state
                .hosted
                .store(&file.name, &file.bytes)
                .await
                .map_err(|error| {
                    ApiError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        format!("keeping the upload: {error}"),
                    )
                })
        })
    }
}

async fn read_file(mut multipart: Multipart) -> Result<File, ApiError> {
    let unreadable = |error: axum::extract::multipart::MultipartError| {
        ApiError::new(
            error.status(),
            format!("reading the upload: {}", error.body_text()),
        )
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("upload").to_owned();
        let content_type = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_owned();
        let bytes = field.bytes().await.map_err(unreadable)?.to_vec();
        return Ok(File {
            name,
            content_type,
            bytes,
        });
    }
    Err(ApiError::new(
        StatusCode::BAD_REQUEST,
        "the upload has no field named \"file\"",
    ))
}
