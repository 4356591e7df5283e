//! Mixin's API check, shared by its HTTP routes and Blaze: a Bearer EdDSA token from our session
//! for exactly this request, errors in Mixin's `{error:{status, code, description}}` shape.

use std::collections::HashSet;

use axum::Json;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::platforms::mixin::{now_secs, verify};
use crate::sandbox::common::Refused;
use crate::sandbox::common::credentials::{MIXIN_SESSION_ID, MIXIN_USER_ID};

pub fn error(code: u16, description: &str) -> Response {
    // Mixin answers errors with HTTP 202 and the real code inside.
    (StatusCode::ACCEPTED, Json(serde_json::json!({ "error": { "status": 202, "code": code, "description": description } })))
        .into_response()
}

/// The real check: a Bearer EdDSA token from our session, for exactly this request.
pub fn authenticate(
    seen_request_ids: &mut HashSet<String>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), Refused> {
    let token = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or_else(|| error(401, "Unauthorized, maybe invalid token."))?;
    let path_and_query = uri
        .path_and_query()
        .map_or(uri.path(), |value| value.as_str());
    let key = crate::sandbox::common::mixin_signing_key().verifying_key();
    let claims = verify(
        token,
        &key,
        method.as_str(),
        path_and_query,
        body,
        now_secs(),
    )
    .map_err(|reason| {
        error(
            401,
            &format!("Unauthorized, maybe invalid token. ({reason:?})"),
        )
    })?;
    if claims.uid != MIXIN_USER_ID || claims.sid != MIXIN_SESSION_ID || claims.scp != "FULL" {
        return Err(Refused::from(error(
            401,
            "Unauthorized, maybe invalid token. (uid/sid/scp)",
        )));
    }
    let request_id = headers
        .get("x-request-id")
        .and_then(|value| value.to_str().ok());
    if request_id != Some(claims.jti.as_str()) {
        return Err(Refused::from(error(
            401,
            "Unauthorized, maybe invalid token. (jti ≠ X-Request-Id)",
        )));
    }
    if !seen_request_ids.insert(claims.jti) {
        return Err(Refused::from(error(
            401,
            "Unauthorized, maybe invalid token. (replayed)",
        )));
    }
    Ok(())
}
