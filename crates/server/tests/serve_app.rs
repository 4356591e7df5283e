//! `switchboard serve` serves the built app over real HTTP.

mod support;

use support::RunningServer;

fn dist_with_app() -> tempfile::TempDir {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!DOCTYPE html><title>Switchboard</title>",
    )
    .unwrap();
    std::fs::write(dist.path().join("app-123.js"), "export default 1;").unwrap();
    dist
}

#[tokio::test]
async fn serves_index_for_app_routes_and_files_as_themselves() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist_with_app();
    let server = RunningServer::start(data.path(), dist.path());

    for path in ["/", "/desk", "/inspect", "/nope"] {
        let response = reqwest::get(server.url(path)).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("<title>Switchboard"),
            "{path} serves index.html so the app's router decides"
        );
    }

    let script = reqwest::get(server.url("/app-123.js")).await.unwrap();
    assert_eq!(script.status(), 200);
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert_eq!(script.text().await.unwrap(), "export default 1;");
}

#[tokio::test]
async fn creates_its_data_directory() {
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("nested/data");
    let dist = dist_with_app();
    let server = RunningServer::start(&data, dist.path());
    assert!(data.is_dir());
    // A login and a webhook, so every file the server keeps exists.
    let _client = server.logged_in_client().await;
    use std::os::unix::fs::PermissionsExt;
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the data directory is the owner's only");
    for file in std::fs::read_dir(&data).unwrap() {
        let path = file.unwrap().path();
        if path.is_file() {
            assert_eq!(mode(&path), 0o600, "{}", path.display());
        }
    }
    if support::on_postgres() {
        // The log, the team and the secrets are the database's then.
        return;
    }
    for name in ["events.sqlite", "team.sqlite", "webhook-secrets/douyin"] {
        assert!(data.join(name).is_file(), "{name}");
    }
    let secrets = data.join("webhook-secrets");
    assert_eq!(mode(&secrets), 0o700);
    for file in std::fs::read_dir(&secrets).unwrap() {
        assert_eq!(mode(&file.unwrap().path()), 0o600);
    }
}

#[tokio::test]
async fn says_how_to_build_the_app_when_it_is_missing() {
    let data = tempfile::tempdir().unwrap();
    let empty_dist = tempfile::tempdir().unwrap();
    let server = RunningServer::start(data.path(), empty_dist.path());

    let response = reqwest::get(server.url("/desk")).await.unwrap();
    assert_eq!(response.status(), 503);
    let body = response.text().await.unwrap();
    assert!(body.contains("The app is not built"), "{body}");
    assert!(body.contains("./x run"), "{body}");
}

#[tokio::test]
async fn the_app_goes_out_precompressed_and_hashed_assets_are_cached_for_good() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist_with_app();
    let wasm = "switchboard-app-1f0c9e2b7a6d5c4b_bg.wasm";
    let raw = vec![0u8; 10_000];
    std::fs::write(dist.path().join(wasm), &raw).unwrap();
    std::fs::write(dist.path().join(format!("{wasm}.br")), b"brotli bytes").unwrap();
    std::fs::write(dist.path().join(format!("{wasm}.gz")), b"gzip bytes").unwrap();
    std::fs::write(dist.path().join("index.html.br"), b"brotli index").unwrap();
    let server = RunningServer::start(data.path(), dist.path());
    // No automatic decompression: what goes over the wire, as the browser receives it.
    let http = reqwest::Client::new();
    let fetch = |path: String, accept: &'static str| {
        http.get(server.url(&path))
            .header("accept-encoding", accept)
            .send()
    };

    let brotli = fetch(format!("/{wasm}"), "gzip, deflate, br, zstd")
        .await
        .unwrap();
    assert_eq!(brotli.headers()["content-encoding"], "br");
    assert_eq!(brotli.headers()["content-type"], "application/wasm");
    assert_eq!(brotli.headers()["vary"], "accept-encoding");
    assert_eq!(
        brotli.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(brotli.bytes().await.unwrap().as_ref(), b"brotli bytes");

    let gzip = fetch(format!("/{wasm}"), "gzip").await.unwrap();
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    assert_eq!(gzip.bytes().await.unwrap().as_ref(), b"gzip bytes");

    let plain = fetch(format!("/{wasm}"), "identity").await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap().len(), raw.len());

    for path in ["/", "/desk"] {
        let index = fetch(path.to_owned(), "br").await.unwrap();
        assert_eq!(index.headers()["cache-control"], "no-cache", "{path}");
        assert_eq!(index.headers()["content-encoding"], "br", "{path}");
    }
    let gone = fetch("/switchboard-app-0000000000000000.js".to_owned(), "br")
        .await
        .unwrap();
    assert_eq!(
        gone.headers()["cache-control"],
        "no-cache",
        "an old build's name falls back to the page, which must not be cached for good"
    );
    let unhashed = fetch("/app-123.js".to_owned(), "br").await.unwrap();
    assert_eq!(unhashed.headers()["cache-control"], "no-cache");
}
