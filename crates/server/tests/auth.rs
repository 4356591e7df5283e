//! Login, the session cookie on every API route, closed CORS, security headers, `/api/config`.

mod support;

use support::{RunningServer, text};

fn dist_with_loader() -> tempfile::TempDir {
    support::dist_with_index(
        "<!DOCTYPE html><title>Switchboard</title><script type=\"module\">import init from '/app.js';</script>",
    )
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_api_route_needs_the_session_cookie() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist_with_loader();
    let server = RunningServer::start(data.path(), dist.path());
    let anonymous = client();
    for (method, path) in [
        ("GET", "/api/config"),
        ("GET", "/api/webhooks"),
        ("GET", "/api/events"),
        ("GET", "/api/events/stream"),
        ("POST", "/api/proxy/yunhu/v1/msg/send-message"),
        ("GET", "/api/media/yunhu?url=http://x/"),
        ("POST", "/api/upload/yunhu"),
        ("POST", "/api/sandbox/douyin/customer-message"),
    ] {
        let response = anonymous
            .request(method.parse().unwrap(), server.url(path))
            .header("cookie", "switchboard_session=forged")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{method} {path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["error"].as_str().unwrap().contains("log in"), "{body}");
    }
}

#[tokio::test]
async fn a_name_and_password_buy_an_http_only_strict_cookie() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist_with_loader();
    let server = RunningServer::start(data.path(), dist.path());
    assert!(
        server.setup_link.is_none(),
        "a team with an admin prints no setup link"
    );
    assert!(
        !data.path().join("access-token").exists(),
        "no shared token any more"
    );

    let form = client().get(server.url("/login")).send().await.unwrap();
    assert_eq!(form.status(), 200);
    let html = form.text().await.unwrap();
    assert!(
        html.contains("<form method=\"post\" action=\"/login\">"),
        "{html}"
    );
    assert!(html.contains("name=\"name\"") && html.contains("name=\"password\""));
    assert!(!html.contains("<script"), "the login page runs no script");
    // Its stylesheet is served without a session too (the page links it; CSP allows 'self').
    let css = client().get(server.url("/login.css")).send().await.unwrap();
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(!css.text().await.unwrap().is_empty());

    for (name, password) in [
        (support::ADMIN, "wrong password"),
        ("nobody", support::ADMIN_PASSWORD),
    ] {
        let wrong = client()
            .post(server.url("/login"))
            .form(&[("name", name), ("password", password)])
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401);
        assert!(wrong.headers().get("set-cookie").is_none());
        let page = wrong.text().await.unwrap();
        assert!(page.contains("do not match"), "{page}");
    }

    let right = client()
        .post(server.url("/login"))
        .form(&[
            ("name", support::ADMIN),
            ("password", support::ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 303);
    assert_eq!(right.headers()["location"], "/");
    let cookie = right.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("switchboard_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains(support::ADMIN_PASSWORD));

    let session = cookie.split(';').next().unwrap().to_owned();
    let me: serde_json::Value = client()
        .get(server.url("/api/me"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me, serde_json::json!({"name": "admin", "admin": true}));

    // Logging out ends the session in this browser.
    let logout = client()
        .post(server.url("/api/logout"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);
    assert!(
        logout.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let after = client()
        .get(server.url("/api/me"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);
}

#[tokio::test]
async fn the_first_start_prints_a_link_that_creates_the_first_admin_once() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist_with_loader();
    let mut options = support::Options::new(data.path(), dist.path());
    options.first_admin = false;
    let server = RunningServer::start_with(options);
    let link = server.setup_link.clone().expect("a setup link");
    let page = text(client().get(server.url(&link))).await;
    assert!(page.contains("Create the first admin"), "{page}");
    let token = link.rsplit_once('=').unwrap().1.to_owned();
    assert!(page.contains(&token), "the form carries the token");
    let forged = client()
        .post(server.url("/login"))
        .form(&[
            ("name", "eve"),
            ("password", "eve password"),
            ("setup", "forged"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 400);
    let weak = client()
        .post(server.url("/login"))
        .form(&[("name", "林晓"), ("password", "short"), ("setup", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(weak.status(), 400, "a weak password is refused");
    assert!(weak.text().await.unwrap().contains("8 to 1024"));
    let created = client()
        .post(server.url("/login"))
        .form(&[
            ("name", "林晓"),
            ("password", "林晓的密码真的很长"),
            ("setup", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 303);
    let again = client()
        .post(server.url("/login"))
        .form(&[
            ("name", "eve"),
            ("password", "eve password"),
            ("setup", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 400, "the link works once");
    let stale = text(client().get(server.url(&link))).await;
    assert!(!stale.contains("Create the first admin"));
    let lin = server.client_of("林晓", "林晓的密码真的很长").await;
    let me = support::get_json(&lin, &server.url("/api/me")).await;
    assert_eq!(me, serde_json::json!({"name": "林晓", "admin": true}));
}

#[tokio::test]
async fn failed_logins_are_limited_per_name_with_retry_after() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist_with_loader();
    let server = RunningServer::start(data.path(), dist.path());
    let attempt = |password: &'static str| {
        client()
            .post(server.url("/api/login"))
            .json(&serde_json::json!({"name": support::ADMIN, "password": password}))
            .send()
    };
    for _ in 0..5 {
        assert_eq!(attempt("guess guess").await.unwrap().status(), 401);
    }
    let limited = attempt(support::ADMIN_PASSWORD).await.unwrap();
    assert_eq!(
        limited.status(),
        429,
        "even the right password waits once the name is locked"
    );
    let wait: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    let body: serde_json::Value = limited.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("Too many"),
        "{body}"
    );
}

#[tokio::test]
async fn cross_origin_requests_are_refused_and_cors_stays_closed() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist_with_loader();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let foreign = client
        .post(server.url("/api/sandbox/douyin/customer-message"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    assert!(
        foreign
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    let login = reqwest::Client::new()
        .post(server.url("/api/login"))
        .header("origin", "https://evil.example")
        .json(&serde_json::json!({ "name": support::ADMIN, "password": support::ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 403, "no login from another site either");
    let preflight = client
        .request(reqwest::Method::OPTIONS, server.url("/api/config"))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    let same_origin = client
        .get(server.url("/api/config"))
        .header("origin", server.base_url.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), 200);
}

#[tokio::test]
async fn security_headers_allow_wasm_and_only_the_loader_script() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist_with_loader();
    let server = RunningServer::start(data.path(), dist.path());
    for path in ["/", "/inspect", "/login", "/api/config"] {
        let response = client().get(server.url(path)).send().await.unwrap();
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("'wasm-unsafe-eval'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("'unsafe-inline'"), "{path}: {csp}");
        assert_eq!(
            csp.matches("'sha256-").count(),
            1,
            "exactly the loader is allowed: {csp}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["referrer-policy"], "no-referrer");
    }
}

#[tokio::test]
async fn config_names_platforms_and_capabilities_but_no_secret() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist_with_loader();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let config = text(client.get(server.url("/api/config"))).await;
    let value: serde_json::Value = serde_json::from_str(&config).unwrap();
    assert_eq!(value["mode"], "sandbox");
    let ids: Vec<&str> = value["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["douyin", "mixin", "wechat", "wecom", "yunhu"]);
    let yunhu = value["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "yunhu")
        .unwrap();
    assert_eq!(yunhu["capabilities"]["edit"], true);
    // Yunhu loads a conversation's earlier pages; E云 is pulled for what callbacks missed.
    assert_eq!(yunhu["capabilities"]["history"], true);
    assert_eq!(yunhu["capabilities"]["pull"], false);
    let wechat = value["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "wechat")
        .unwrap();
    assert_eq!(wechat["capabilities"]["history"], false);
    assert_eq!(wechat["capabilities"]["pull"], true);
    // E云 takes media by URL: the sandbox's public address lets the server host them.
    assert_eq!(wechat["capabilities"]["upload"], true);
    assert_eq!(wechat["capabilities"]["send_file"], true);
    let secret = support::webhook_secret(data.path(), "douyin");
    for needle in [
        secret.as_str(),
        support::ADMIN_PASSWORD,
        "sandbox-douyin-client-secret",
        "sandbox-wechat-key",
    ] {
        assert!(!config.contains(needle), "{needle} leaked into /api/config");
    }
    let webhooks = text(client.get(server.url("/api/webhooks"))).await;
    let host = server.base_url.trim_start_matches("http://");
    assert!(
        webhooks.contains(&format!("\"http://{host}/hooks/douyin/{secret}\"")),
        "without a public_url, the address the browser used: {webhooks}"
    );
    assert!(value["public_url"].is_null(), "{config}");
}

#[tokio::test]
async fn webhook_urls_start_with_the_configured_public_url() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist_with_loader();
    let mut options = support::Options::new(data.path(), dist.path());
    options.env.push((
        "SWITCHBOARD_PUBLIC_URL",
        "https://desk.example.com/switchboard/".to_owned(),
    ));
    let server = RunningServer::start_with(options);
    let client = server.logged_in_client().await;
    let webhooks = support::get_json(&client, &server.url("/api/webhooks")).await;
    // Every platform but Mixin, which has no webhooks (Blaze only).
    assert_eq!(webhooks.as_array().unwrap().len(), 4);
    for webhook in webhooks.as_array().unwrap() {
        let platform = webhook["platform"].as_str().unwrap();
        let secret = support::webhook_secret(data.path(), platform);
        assert_eq!(
            webhook["url"],
            format!("https://desk.example.com/switchboard/hooks/{platform}/{secret}")
        );
    }
    let config = support::get_json(&client, &server.url("/api/config")).await;
    assert_eq!(
        config["public_url"],
        "https://desk.example.com/switchboard/"
    );
}

#[test]
fn an_invalid_configuration_names_the_key_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("switchboard.toml");
    std::fs::write(&config, "[douyin]\naccess_token = \"a\"\nclient_secret = \"s\"\nopen_id = \"o\"\nbase_url = \"not a url\"\n").unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("douyin.base_url"), "{stderr}");

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .env("SWITCHBOARD_MIXIN_USER_ID", "u")
        .env("SWITCHBOARD_MIXIN_SESSION_ID", "s")
        .env("SWITCHBOARD_MIXIN_PRIVATE_KEY", "dG9vIHNob3J0")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("mixin.private_key"), "{stderr}");
}

async fn config_status(server: &RunningServer, cookie: &str) -> u16 {
    client()
        .get(server.url("/api/config"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn every_login_is_its_own_session_and_logout_ends_it_on_the_server() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist_with_loader();
    let server = RunningServer::start(data.path(), dist.path());
    let (first, set_cookie) = support::log_in(&server).await;
    let (second, _) = support::log_in(&server).await;
    assert_ne!(first, second, "a random session id per login");
    assert!(!set_cookie.contains("Secure"), "plain http: {set_cookie}");
    assert_eq!(config_status(&server, &first).await, 200);

    let logout = client()
        .post(server.url("/api/logout"))
        .header("cookie", &first)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);
    assert_eq!(
        config_status(&server, &first).await,
        401,
        "a copied cookie is worthless after logout"
    );
    assert_eq!(config_status(&server, &second).await, 200, "others go on");

    let api = client()
        .get(server.url("/api/events?after=0&limit=1"))
        .header("cookie", &second)
        .send()
        .await
        .unwrap();
    assert_eq!(api.headers()["cache-control"], "no-store");
    let refused = client()
        .get(server.url("/api/config"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.headers()["cache-control"], "no-store");
    assert!(api.headers().get("strict-transport-security").is_none());
}

#[tokio::test]
async fn over_https_the_cookie_is_secure_and_hsts_is_sent() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist_with_loader();
    let mut options = support::Options::new(data.path(), dist.path());
    options.env.push((
        "SWITCHBOARD_PUBLIC_URL",
        "https://desk.example.com".to_owned(),
    ));
    let server = RunningServer::start_with(options);
    let (_, set_cookie) = support::log_in(&server).await;
    assert!(set_cookie.contains("Secure"), "{set_cookie}");
    let page = client().get(server.url("/")).send().await.unwrap();
    assert_eq!(
        page.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}
