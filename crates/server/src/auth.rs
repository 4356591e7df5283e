//! Login: the access token (generated at first start, printed with the URL) is traded for an
//! HttpOnly, SameSite=Strict session cookie. Every `/api` route but `/api/login` needs it, and a
//! cross-origin request is refused outright.

use axum::Form;
use axum::Json;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;

use crate::api::ApiError;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "switchboard_session";

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    token: Option<String>,
}

/// A new session's cookie: `Secure` when the console is reached over https (`public_url`).
fn session_cookie(state: &AppState) -> Result<Cookie<'static>, ApiError> {
    let id = state.sessions.start()?;
    Ok(Cookie::build((SESSION_COOKIE, id))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.served_over_https())
        .path("/")
        .max_age(time::Duration::days(crate::sessions::SESSION_DAYS))
        .build())
}

/// `GET /login`: the form, or — with `?token=` (the link printed at start) — the login itself.
pub async fn page(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(form): Query<TokenForm>,
) -> Response {
    match form.token {
        Some(token) => log_in(&state, jar, &token),
        None => Html(login_html(None)).into_response(),
    }
}

/// `POST /login` (form field `token`).
pub async fn submit(
    State(state): State<AppState>,
    jar: CookieJar,
    Form(form): Form<TokenForm>,
) -> Response {
    log_in(&state, jar, form.token.as_deref().unwrap_or_default())
}

fn log_in(state: &AppState, jar: CookieJar, token: &str) -> Response {
    if state.secrets.is_access_token(token.trim()) {
        match session_cookie(state) {
            Ok(cookie) => (jar.add(cookie), Redirect::to("/")).into_response(),
            Err(error) => error.into_response(),
        }
    } else {
        (
            StatusCode::UNAUTHORIZED,
            Html(login_html(Some("That access token is not right."))),
        )
            .into_response()
    }
}

#[derive(Debug, Deserialize)]
pub struct TokenJson {
    token: String,
}

/// `POST /api/login` `{"token": …}` for the app's own form: 204 and the cookie, or 401.
pub async fn api_login(
    State(state): State<AppState>,
    jar: CookieJar,
    Json(body): Json<TokenJson>,
) -> Response {
    if state.secrets.is_access_token(body.token.trim()) {
        match session_cookie(&state) {
            Ok(cookie) => (jar.add(cookie), StatusCode::NO_CONTENT).into_response(),
            Err(error) => error.into_response(),
        }
    } else {
        ApiError::new(StatusCode::UNAUTHORIZED, "that access token is not right").into_response()
    }
}

/// `POST /api/logout`: ends this session on the server, not only in this browser.
pub async fn logout(State(state): State<AppState>, jar: CookieJar) -> Response {
    if let Some(cookie) = jar.get(SESSION_COOKIE)
        && let Err(error) = state.sessions.end(cookie.value())
    {
        return ApiError::from(error).into_response();
    }
    (
        jar.remove(Cookie::build(SESSION_COOKIE).path("/").build()),
        StatusCode::NO_CONTENT,
    )
        .into_response()
}

/// Layer for `/api`: a valid session cookie, and no cross-origin caller.
pub async fn require_session(
    State(state): State<AppState>,
    jar: CookieJar,
    request: Request,
    next: Next,
) -> Response {
    if let Err(error) = same_origin(request.method(), request.headers()) {
        return error.into_response();
    }
    let signed_in = jar
        .get(SESSION_COOKIE)
        .is_some_and(|cookie| state.sessions.is_live(cookie.value()));
    if !signed_in {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "log in first: open the link `switchboard serve` printed",
        )
        .into_response();
    }
    next.run(request).await
}

/// Layer for the login routes: the same-origin rule only.
pub async fn require_same_origin(request: Request, next: Next) -> Response {
    match same_origin(request.method(), request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// A request whose `Origin` is not this server is refused (CORS stays closed, and a page on
/// another site cannot drive the API with the user's cookie).
fn same_origin(method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(origin) = headers.get("origin").and_then(|value| value.to_str().ok()) else {
        return Ok(());
    };
    let host = headers
        .get("host")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let same = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        == Some(host);
    if same || (method == Method::GET && origin == "null") {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!("cross-origin request from {origin} refused"),
        ))
    }
}

fn login_html(error: Option<&str>) -> String {
    let error = error
        .map(|message| format!("<p class=\"error\" role=\"alert\">{message}</p>"))
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Log in · Switchboard</title><link rel=\"stylesheet\" href=\"/login.css\"></head><body><main>\
         <h1>Switchboard</h1><p>Paste the access token that <code>switchboard serve</code> printed \
         (it is also in <code>access-token</code> in the data directory).</p>{error}\
         <form method=\"post\" action=\"/login\"><label for=\"token\">Access token</label>\
         <input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" autofocus required>\
         <button type=\"submit\">Log in</button></form></main></body></html>"
    )
}

pub async fn login_css() -> impl IntoResponse {
    (
        [(
            "content-type",
            HeaderValue::from_static("text/css; charset=utf-8"),
        )],
        "body{font:16px/1.5 system-ui,sans-serif;background:#f5f6f8;color:#1d2430;margin:0}\
         main{max-width:26rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 2px 12px #0002}\
         h1{margin-top:0}form{display:grid;gap:.5rem}input{font:inherit;padding:.5rem;border:1px solid #b8c0cc;border-radius:6px}\
         button{font:inherit;padding:.5rem;border:0;border-radius:6px;background:#2457d6;color:#fff;cursor:pointer}\
         .error{color:#b3261e}code{background:#eef0f3;padding:0 .25rem;border-radius:4px}",
    )
}
