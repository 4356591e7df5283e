//! Serves the built browser app. Unknown paths get `index.html` so the app's router can show the
//! right page (or its own 404) on a deep link. Each file goes out in the best encoding the
//! browser accepts, from the `.br` / `.gz` files written beside it at build time
//! (`tools/precompress.mjs`); Trunk's content-hashed assets are cached for a year, everything
//! else (`index.html` first) is revalidated on every load.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use tower_http::services::{ServeDir, ServeFile};

pub fn routes(dist: &Path) -> Router {
    let index = dist.join("index.html");
    if index.is_file() {
        let files = ServeDir::new(dist)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(
                ServeFile::new(index)
                    .precompressed_br()
                    .precompressed_gzip(),
            );
        Router::new()
            .fallback_service(files)
            .layer(axum::middleware::from_fn(cache_policy))
    } else {
        let dist = dist.to_path_buf();
        Router::new().fallback(move || app_not_built(dist.clone()))
    }
}

async fn cache_policy(request: Request, next: Next) -> Response {
    let immutable = is_content_hashed(request.uri().path());
    let mut response = next.run(request).await;
    // A hashed name that is not there falls back to index.html: that answer must not stick.
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if response.status().is_success() {
        let headers = response.headers_mut();
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if immutable && !is_page {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            }),
        );
        // The same name is sent brotli, gzip or plain: caches must keep them apart.
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// Trunk names built assets `NAME-HASH.EXT` (and `NAME-HASH_bg.wasm`), HASH 16 hex digits: such
/// a file never changes under its name.
fn is_content_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(name, hash)| {
        !name.is_empty() && hash.len() == 16 && hash.bytes().all(|byte| byte.is_ascii_hexdigit())
    })
}

async fn app_not_built(dist: PathBuf) -> impl IntoResponse {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(format!(
            "<!DOCTYPE html><title>Switchboard</title><h1>The app is not built</h1>\
             <p>No <code>index.html</code> in <code>{}</code>. Build it with <code>./x run</code>.</p>",
            html_escape(&dist.display().to_string())
        )),
    )
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunks_hashed_names_are_recognised() {
        assert!(is_content_hashed(
            "/switchboard-app-1f0c9e2b7a6d5c4b_bg.wasm"
        ));
        assert!(is_content_hashed("/switchboard-app-1f0c9e2b7a6d5c4b.js"));
        assert!(is_content_hashed("/style-00aa11bb22cc33dd.css"));
        assert!(!is_content_hashed("/index.html"));
        assert!(!is_content_hashed("/desk"));
        assert!(!is_content_hashed("/app-123.js"));
        assert!(!is_content_hashed("/-1f0c9e2b7a6d5c4b.js"));
    }
}
