//! The platform a route names (`/api/proxy/{platform}/…`, `/hooks/{platform}/{secret}`, …),
//! parsed once into a [`Platform`] so no handler takes it as a string. A route that names no
//! platform, or one that is not configured, is a 404 as any unknown path is.

use std::sync::Arc;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::StatusCode;
use axum::http::request::Parts;
use switchboard_protocol::Platform;

use super::ApiError;
use crate::platforms::PlatformRules;
use crate::state::AppState;

/// The `{platform}` segment of the route, one of [`Platform::ALL`].
#[derive(Debug, Clone, Copy)]
pub struct RoutePlatform(pub Platform);

impl<S: Send + Sync> FromRequestParts<S> for RoutePlatform {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let id = segment(parts, state).await?;
        id.parse()
            .map(RoutePlatform)
            .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, format!("no such platform: {id:?}")))
    }
}

/// The configured rules of the platform the route names.
#[derive(Clone)]
pub struct Configured(pub Arc<dyn PlatformRules>);

impl FromRequestParts<AppState> for Configured {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let id = segment(parts, state).await?;
        id.parse::<Platform>()
            .ok()
            .and_then(|platform| state.platforms.get(platform).cloned())
            .map(Configured)
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    format!("platform {id:?} is not configured"),
                )
            })
    }
}

/// The route's `{platform}` segment as it came.
async fn segment<S: Send + Sync>(parts: &mut Parts, state: &S) -> Result<String, ApiError> {
    let params = RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|error| ApiError::new(StatusCode::NOT_FOUND, error.body_text()))?;
    params
        .iter()
        .find(|(name, _)| *name == "platform")
        .map(|(_, value)| value.to_owned())
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "this route names no platform"))
}
