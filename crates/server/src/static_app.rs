//! Serves the built browser app. Unknown paths get `index.html` so the app's router can show the
//! right page (or its own 404) on a deep link.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use tower_http::services::{ServeDir, ServeFile};

pub fn routes(dist: &Path) -> Router {
    let index = dist.join("index.html");
    if index.is_file() {
        Router::new().fallback_service(ServeDir::new(dist).fallback(ServeFile::new(index)))
    } else {
        let dist = dist.to_path_buf();
        Router::new().fallback(move || app_not_built(dist.clone()))
    }
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
