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
    let _server = RunningServer::start(&data, dist.path());
    assert!(data.is_dir());
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
