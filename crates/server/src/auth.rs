//! Login: an agent's name and password (argon2id, [`crate::agents`]) buy an HttpOnly,
//! SameSite=Strict session cookie of their own. Every `/api` route but `/api/login` needs it;
//! a cross-origin request is refused outright. While the team has no agent at all, the link
//! `switchboard serve` prints (`/login?setup=…`, good for one use) creates the first admin.

use std::net::{IpAddr, SocketAddr};

use axum::Extension;
use axum::Form;
use axum::Json;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::header::{CACHE_CONTROL, VARY};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;
use switchboard_protocol::Me;

use crate::api::ApiError;
use crate::state::AppState;
use crate::words::{Language, Said};

pub const SESSION_COOKIE: &str = "switchboard_session";

/// The agent a request's session belongs to, put on every `/api` request by
/// [`require_session`].
#[derive(Debug, Clone)]
pub struct CurrentAgent(pub String);

#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    /// The one-time setup token: this login creates the first admin.
    #[serde(default)]
    setup: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SetupQuery {
    setup: Option<String>,
}

type Peer = Option<Extension<ConnectInfo<SocketAddr>>>;

fn address_of(peer: Peer) -> Option<IpAddr> {
    peer.map(|Extension(ConnectInfo(address))| address.ip())
}

/// Why a login did not happen.
enum Refusal {
    Wrong,
    /// Too many failures for this name or address: try again after this many seconds.
    Limited(u64),
    Invalid(Said),
    Failed(ApiError),
}

impl Refusal {
    fn words(&self) -> Said {
        match self {
            Refusal::Wrong => Said::new(
                "That name and password do not match an agent.",
                "名称与密码不匹配任何坐席。",
            ),
            Refusal::Limited(seconds) => {
                let minutes = seconds.div_ceil(60);
                Said::new(
                    if minutes == 1 {
                        "Too many failed logins: try again in a minute.".to_owned()
                    } else {
                        format!("Too many failed logins: try again in {minutes} minutes.")
                    },
                    format!("登录失败次数过多：请 {minutes} 分钟后再试。"),
                )
            }
            Refusal::Invalid(reason) => reason.clone(),
            Refusal::Failed(_) => Said::new(
                "The server could not log you in; its log says why.",
                "服务器无法让你登录；原因见服务器日志。",
            ),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Refusal::Wrong => StatusCode::UNAUTHORIZED,
            Refusal::Limited(_) => StatusCode::TOO_MANY_REQUESTS,
            Refusal::Invalid(_) => StatusCode::BAD_REQUEST,
            Refusal::Failed(error) => error.status,
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Refusal::Limited(seconds) => Some(*seconds),
            _ => None,
        }
    }

    /// `response` with `Retry-After` when the login was refused for a while.
    fn with_retry_after(&self, mut response: Response) -> Response {
        if let Some(seconds) = self.retry_after() {
            response
                .headers_mut()
                .insert("retry-after", HeaderValue::from(seconds));
        }
        response
    }
}

/// A new session's cookie for `agent` (whose password hash, when given, the login checked):
/// `Secure` when the console is reached over https.
fn session_cookie(
    state: &AppState,
    agent: &str,
    password_hash: Option<&str>,
) -> Result<Cookie<'static>, Refusal> {
    let id = state
        .sessions
        .start(agent, password_hash)
        .map_err(|_| Refusal::Wrong)?;
    Ok(Cookie::build((SESSION_COOKIE, id))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.served_over_https())
        .path("/")
        .max_age(time::Duration::days(crate::sessions::SESSION_DAYS))
        .build())
}

/// How long a login waits for a password check before the server says it is busy.
const CHECK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Checks the name and password (or creates the first admin with the setup token) and starts
/// a session.
async fn log_in(
    state: &AppState,
    form: LoginForm,
    address: Option<IpAddr>,
) -> Result<Cookie<'static>, Refusal> {
    let name = form.name.trim().to_owned();
    if let Some(setup) = form.setup.as_deref() {
        return set_up_first_admin(state, setup, name, form.password).await;
    }
    // What could never be an agent's name or password is refused at the cost of a real check,
    // and is neither remembered nor logged.
    if !switchboard_protocol::desk::is_agent_name(&name)
        || form.password.len() > crate::agents::MAX_PASSWORD_BYTES
    {
        let password = form.password;
        let _ = tokio::task::spawn_blocking(move || crate::agents::verify_decoy(&password)).await;
        return Err(Refusal::Wrong);
    }
    match state.login_limits.attempt(&name, address).await {
        Ok(Ok(())) => {}
        Ok(Err(wait)) => return Err(Refusal::Limited(wait.as_secs().max(1))),
        Err(error) => return Err(Refusal::Failed(ApiError::internal(error))),
    }
    // Hashing is costly on purpose: a few at a time, off the async threads; the slot goes with
    // the work, so a caller who hangs up does not free it early.
    let slot = tokio::time::timeout(CHECK_WAIT, state.password_checks.clone().acquire_owned())
        .await
        .map_err(|_| {
            Refusal::Failed(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "too many logins at once: try again in a moment",
            ))
        })?
        .map_err(|error| Refusal::Failed(ApiError::internal(error.into())))?;
    let agents = state.agents.clone();
    let verified = {
        let name = name.clone();
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            agents.verify(&name, &form.password)
        })
        .await
    };
    match verified {
        Ok(Ok(Some((agent, hash)))) => {
            // The login stands: an attempt not given back only ages out.
            if let Err(error) = state.login_limits.succeeded(&agent.name, address).await {
                tracing::warn!("giving a good login's attempt back: {error:#}");
            }
            session_cookie(state, &agent.name, Some(&hash))
        }
        Ok(Ok(None)) => {
            tracing::warn!(agent = %name, "a failed login");
            Err(Refusal::Wrong)
        }
        Ok(Err(error)) => Err(Refusal::Failed(ApiError::internal(error))),
        Err(error) => Err(Refusal::Failed(ApiError::internal(error.into()))),
    }
}

/// The setup link's form: creates the first admin, once, while the team has no agent.
async fn set_up_first_admin(
    state: &AppState,
    setup: &str,
    name: String,
    password: String,
) -> Result<Cookie<'static>, Refusal> {
    if !state.setup_token_matches(setup) {
        return Err(Refusal::Invalid(Said::new(
            "That setup link has been used or has expired: log in with your name and password.",
            "此设置链接已用过或已过期：请用你的名称和密码登录。",
        )));
    }
    let agents = state.agents.clone();
    let added = {
        let name = name.clone();
        tokio::task::spawn_blocking(move || agents.add_first_admin(&name, &password)).await
    };
    match added {
        Ok(Ok(true)) => {
            state.setup_done();
            tracing::info!(agent = %name, "the first admin was created");
            session_cookie(state, &name, None)
        }
        Ok(Ok(false)) => Err(Refusal::Invalid(Said::new(
            "An admin exists already: log in with your name and password.",
            "管理员已存在：请用你的名称和密码登录。",
        ))),
        Ok(Err(error)) => match error.downcast::<crate::agents::AgentError>() {
            Ok(mistake) => Err(Refusal::Invalid(Said::new(
                format!("{mistake}."),
                format!("{}。", mistake.chinese()),
            ))),
            Err(error) => Err(Refusal::Failed(ApiError::internal(error))),
        },
        Err(error) => Err(Refusal::Failed(ApiError::internal(error.into()))),
    }
}

/// `GET /login`: the form (with `?setup=`, the form that creates the first admin).
pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<SetupQuery>,
) -> Response {
    let setup = query.setup.filter(|token| state.setup_token_matches(token));
    login_page(Html(login_html(
        Language::of(&headers),
        None,
        setup.as_deref(),
    )))
}

/// `POST /login` (form fields `name`, `password`, and `setup` from the setup link).
pub async fn submit(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    peer: Peer,
    Form(form): Form<LoginForm>,
) -> Response {
    let language = Language::of(&headers);
    let setup = form.setup.clone();
    match log_in(&state, form, address_of(peer)).await {
        Ok(cookie) => (jar.add(cookie), Redirect::to("/")).into_response(),
        Err(refusal) => {
            let setup = setup.filter(|token| state.setup_token_matches(token));
            let page = (
                refusal.status(),
                Html(login_html(
                    language,
                    Some(refusal.words().in_language(language)),
                    setup.as_deref(),
                )),
            );
            refusal.with_retry_after(login_page(page))
        }
    }
}

/// `POST /api/login` `{"name", "password"}` for the app's own form: 204 and the cookie, or
/// 401 / 429 (with `Retry-After`).
pub async fn api_login(
    State(state): State<AppState>,
    jar: CookieJar,
    peer: Peer,
    Json(form): Json<LoginForm>,
) -> Response {
    match log_in(&state, form, address_of(peer)).await {
        Ok(cookie) => (jar.add(cookie), StatusCode::NO_CONTENT).into_response(),
        Err(Refusal::Failed(error)) => error.into_response(),
        Err(refusal) => {
            let words = refusal.words();
            let mut error = ApiError::said(refusal.status(), words.english, words.chinese);
            if let Some(seconds) = refusal.retry_after() {
                error = error.with("retry_after_secs", seconds);
            }
            refusal.with_retry_after(error.into_response())
        }
    }
}

/// `GET /api/me`: who this session is.
pub async fn me(
    State(state): State<AppState>,
    Extension(CurrentAgent(name)): Extension<CurrentAgent>,
) -> Result<Json<Me>, ApiError> {
    // Off the async threads: on PostgreSQL the team is a round trip away.
    let agents = state.agents.clone();
    let agent = tokio::task::spawn_blocking(move || agents.get(&name))
        .await
        .map_err(|error| ApiError::internal(error.into()))??
        .ok_or_else(|| ApiError::said(StatusCode::UNAUTHORIZED, "log in first", "请先登录"))?;
    Ok(Json(Me {
        name: agent.name,
        admin: agent.admin,
    }))
}

/// `POST /api/logout`: ends this session on the server, not only in this browser.
pub async fn logout(State(state): State<AppState>, jar: CookieJar) -> Response {
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        let (state, session) = (state.clone(), cookie.value().to_owned());
        match tokio::task::spawn_blocking(move || state.sessions.end(&session)).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => return ApiError::from(error).into_response(),
            Err(error) => return ApiError::internal(error.into()).into_response(),
        }
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
    let agent = match jar.get(SESSION_COOKIE) {
        Some(cookie) => state.sessions.agent_of(cookie.value()).await,
        None => None,
    };
    let Some(agent) = agent else {
        return ApiError::said(
            StatusCode::UNAUTHORIZED,
            "log in first: your session has ended or was never started",
            "请先登录：登录已失效或尚未登录",
        )
        .into_response();
    };
    let mut request = request;
    request.extensions_mut().insert(CurrentAgent(agent));
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

fn login_html(language: Language, error: Option<&str>, setup: Option<&str>) -> String {
    let error = error
        .map(|message| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(message)))
        .unwrap_or_default();
    let say = |english, chinese| language.pick(english, chinese);
    let (intro, setup_field, button, password_autocomplete) = match setup {
        Some(token) => (
            say(
                "<p>Create the first admin: choose your name and a password (at least 8 \
                 characters). This link works once.</p>",
                "<p>创建第一位管理员：选择你的名称和密码（至少 8 个字符）。此链接只能使用一次。</p>",
            ),
            format!(
                "<input type=\"hidden\" name=\"setup\" value=\"{}\">",
                escape(token)
            ),
            say("Create admin and log in", "创建管理员并登录"),
            "new-password",
        ),
        None => (
            say(
                "<p>Log in with your agent name and password. An admin adds agents in Settings or \
                 with <code>switchboard agent add</code>.</p>",
                "<p>用你的坐席名和密码登录。管理员可在“设置”中添加坐席，或运行 \
                 <code>switchboard agent add</code>。</p>",
            ),
            String::new(),
            say("Log in", "登录"),
            "current-password",
        ),
    };
    let lang = language.tag();
    let title = say("Log in · Switchboard", "登录 · Switchboard");
    let name = say("Name", "名称");
    let password = say("Password", "密码");
    format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/login.css\"></head><body><main>\
         <h1>Switchboard</h1>{intro}{error}\
         <form method=\"post\" action=\"/login\">{setup_field}<label for=\"name\">{name}</label>\
         <input id=\"name\" name=\"name\" autocomplete=\"username\" autofocus required>\
         <label for=\"password\">{password}</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"{password_autocomplete}\" required>\
         <button type=\"submit\">{button}</button></form></main></body></html>"
    )
}

/// The login page as sent: in the reader's language, so neither kept by a cache nor shared
/// across languages.
fn login_page(page: impl IntoResponse) -> Response {
    let mut response = page.into_response();
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(VARY, HeaderValue::from_static("cookie, accept-language"));
    response
}

/// Text for HTML: what a caller typed never becomes markup.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
