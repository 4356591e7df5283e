//! The router called directly (axum's `oneshot`): what needs no process, socket or sandbox —
//! which platform a route names, what a caller without a session gets, what a webhook's secret
//! decides. The other suites start the real binary for what only a process shows.

mod support;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use switchboard_payload::customer::CustomerMessage;
use switchboard_payload::platforms;
use switchboard_protocol::Platform;
use switchboard_protocol::headers::answer;
use switchboard_server::cli::ServeArgs;
use switchboard_server::config::{self, Config};
use switchboard_server::platforms::Platforms;
use switchboard_server::secrets::Secrets;
use switchboard_server::serve::router;
use switchboard_server::state::AppState;
use tower::ServiceExt;

/// A console with only E云 configured (pointing nowhere: no call here goes upstream).
struct Console {
    router: Router,
    data: tempfile::TempDir,
    _dist: tempfile::TempDir,
    _shutdown: tokio::sync::watch::Sender<bool>,
}

impl Console {
    fn new() -> Console {
        let data = tempfile::tempdir().unwrap();
        let dist = support::dist();
        let config = Config {
            wechat: Some(config::Wechat {
                base_url: "http://127.0.0.1:9".into(),
                authorization: "router-test-key".into(),
                w_id: "router-test-wid".into(),
                media_hosts: Vec::new(),
                public_url: None,
                pull_every_secs: 30,
                finder_username: None,
            }),
            ..Config::default_limits()
        };
        let (shutdown, shutting_down) = tokio::sync::watch::channel(false);
        let state = AppState::new(
            Platforms::from_config(&config).unwrap(),
            Secrets::load_or_create(data.path()).unwrap(),
            config,
            data.path(),
            None,
            shutting_down,
            None,
        )
        .unwrap();
        let args = ServeArgs {
            config: None,
            listen: "127.0.0.1:0".parse().unwrap(),
            data_dir: data.path().to_owned(),
            dist: dist.path().to_owned(),
            database: None,
        };
        Console {
            router: router(state, &args),
            data,
            _dist: dist,
            _shutdown: shutdown,
        }
    }

    /// The answer to one request: status, headers and body text.
    async fn answer(&self, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.unwrap().to_bytes();
        (
            parts.status,
            parts.headers,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    fn webhook_secret(&self, platform: Platform) -> String {
        Secrets::load_or_create(self.data.path())
            .unwrap()
            .webhook_secret(platform)
    }
}

fn post_json(path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn health_is_answered_to_anyone() {
    let console = Console::new();
    let (status, _, body) = console
        .answer(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("accepting writes"), "{body}");
}

#[tokio::test]
async fn a_hook_names_a_configured_platform_or_is_not_found() {
    let console = Console::new();
    // An id no platform has, and a platform this console has no credentials for.
    for platform in ["nope", "yunhu"] {
        let (status, _, body) = console
            .answer(post_json(&format!("/hooks/{platform}/x"), "{}"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{platform}");
        let error: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            error["error"],
            format!("platform \"{platform}\" is not configured")
        );
    }
}

#[tokio::test]
async fn the_api_wants_a_session() {
    let console = Console::new();
    for path in ["/api/config", "/api/events?after=0", "/api/webhooks"] {
        let (status, headers, body) = console
            .answer(Request::get(path).body(Body::empty()).unwrap())
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}: {body}");
        assert_eq!(headers["cache-control"], "no-store", "{path}");
    }
}

#[tokio::test]
async fn the_server_speaks_the_consoles_language_or_the_browsers() {
    let console = Console::new();
    // The login page: the browser's language before the console has set one.
    let (status, headers, page) = console
        .answer(
            Request::get("/login")
                .header("accept-language", "zh-CN,zh;q=0.9,en;q=0.8")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<html lang=\"zh-CN\">"), "{page}");
    assert!(
        page.contains("用你的坐席名和密码登录") && page.contains(">密码<"),
        "{page}"
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["vary"], "cookie, accept-language");
    let (_, _, english) = console
        .answer(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    assert!(english.contains("<html lang=\"en\">") && english.contains(">Password<"));
    // An error the console shows: the console's choice (its cookie) wins over the browser's.
    let refused = |cookie: &str| {
        Request::get("/api/config")
            .header("accept-language", "en-US")
            .header("cookie", cookie)
            .body(Body::empty())
            .unwrap()
    };
    let (status, _, body) = console.answer(refused("switchboard_language=zh-CN")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["error"], "请先登录：登录已失效或尚未登录");
    let (_, _, body) = console.answer(refused("switchboard_language=en")).await;
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        error["error"],
        "log in first: your session has ended or was never started"
    );
    // A failed login in Chinese, through the app's JSON route.
    let (status, _, body) = console
        .answer(
            Request::post("/api/login")
                .header("content-type", "application/json")
                .header("cookie", "switchboard_language=zh-CN")
                .body(Body::from(
                    r#"{"name":"nobody","password":"not the password"}"#,
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["error"], "名称与密码不匹配任何坐席。");
}

#[tokio::test]
async fn a_webhook_is_stored_only_under_its_secret() {
    let console = Console::new();
    let message = CustomerMessage {
        message_id: "3876235366388279544",
        delivery_id: "1",
        customer_id: "wxid_a",
        own_id: "wxid_me",
        text: "在吗",
        sent_at_ms: 1_700_000_000_000,
        ..CustomerMessage::default()
    };
    let delivery = &platforms::of(Platform::Wechat)
        .customer_message(&message)
        .to_string();
    let (status, headers, body) = console
        .answer(post_json("/hooks/wechat/not-the-secret", delivery))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(headers.get(answer::SEQ).is_none());

    let secret = console.webhook_secret(Platform::Wechat);
    let path = format!("/hooks/wechat/{secret}");
    let (status, headers, body) = console.answer(post_json(&path, delivery)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let seq = headers[answer::SEQ].to_str().unwrap().to_owned();
    // The same delivery again (E云 retries) is the row already stored.
    let (status, headers, _) = console.answer(post_json(&path, delivery)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[answer::SEQ].to_str().unwrap(), seq);
    assert!(headers.get(answer::DUPLICATE).is_some());
}
