//! Two `switchboard serve` instances on one PostgreSQL database: a live stream on either shows
//! every row, whichever instance wrote it, once and in seq order. Runs on the suite's PostgreSQL
//! pass (`SWITCHBOARD_TEST_BACKEND=postgres`).

mod support;

use std::time::Duration;

use futures_util::StreamExt;
use support::{Options, RunningServer, all_events, dist, on_postgres};

/// The ids of the live stream's rows, read until one reaches `last`.
async fn stream_until(response: reqwest::Response, last: i64) -> Vec<i64> {
    let mut stream = response.bytes_stream();
    let mut buffer = String::new();
    let mut ids = Vec::new();
    while ids.last().is_none_or(|id| *id < last) {
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .unwrap_or_else(|_| panic!("row {last} within 10 s; had {ids:?}"))
            .expect("the stream stays open")
            .unwrap();
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            ids.extend(
                block
                    .lines()
                    .filter_map(|line| line.strip_prefix("id:"))
                    .map(|id| id.trim().parse::<i64>().unwrap()),
            );
        }
    }
    ids
}

#[tokio::test]
async fn a_stream_on_one_instance_shows_what_both_write_in_order() {
    if !on_postgres() {
        eprintln!("skipped: instances share a log in PostgreSQL (the suite's PostgreSQL pass)");
        return;
    }
    let database = support::database_named(&format!("i_{}", uuid::Uuid::new_v4().simple()));
    let dist = dist();
    let data = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let servers: Vec<RunningServer> = data
        .iter()
        .map(|dir| {
            RunningServer::start_with(Options {
                database: Some(database.clone()),
                ..Options::new(dir.path(), dist.path())
            })
        })
        .collect();
    let clients = [
        servers[0].logged_in_client().await,
        servers[1].logged_in_client().await,
    ];
    // One team, one set of sessions: a login on one instance holds on the other (a browser
    // that reconnects elsewhere stays logged in), and one webhook URL reaches either.
    let me = clients[0]
        .get(servers[1].url("/api/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200, "instance 0's session on instance 1");
    let secret = support::webhook_secret_in(&database, "wecom");
    for server in &servers {
        let delivered = reqwest::Client::new()
            .post(server.url(&format!("/hooks/wecom/{secret}")))
            .json(&serde_json::json!({ "messageType": 0 }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            delivered.status(),
            200,
            "{}",
            delivered.text().await.unwrap()
        );
    }
    // A file hosted for E云 through one instance is served by the other (E云 fetches it from
    // whichever the load balancer picks).
    let hosted = support::upload(
        &clients[0],
        &servers[0],
        "wechat",
        (b"\x89PNG\r\n\x1a\nfile", "图.png", "image/png"),
    )
    .await;
    let url = reqwest::Url::parse(hosted.url.as_deref().unwrap()).unwrap();
    let fetched = reqwest::get(servers[1].url(url.path())).await.unwrap();
    assert_eq!(fetched.status(), 200, "{url}");
    assert_eq!(
        &fetched.bytes().await.unwrap()[..],
        b"\x89PNG\r\n\x1a\nfile"
    );
    let before = all_events(&clients[0], &servers[0]).await;
    let after = before.last().map_or(0, |row| row["seq"].as_i64().unwrap());
    let stream = clients[0]
        .get(servers[0].url("/api/events/stream"))
        .header("Last-Event-ID", after.to_string())
        .send()
        .await
        .unwrap();

    // Customers write through both instances, alternately; each instance's writer commits
    // its own rows.
    for n in 0..20 {
        let (client, server) = (&clients[n % 2], &servers[n % 2]);
        let response = client
            .post(server.url(&format!(
                "/api/sandbox/{}/customer-message",
                ["douyin", "yunhu"][n / 2 % 2]
            )))
            .json(&serde_json::json!({ "text": format!("message {n}") }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    let logged: Vec<i64> = all_events(&clients[1], &servers[1])
        .await
        .iter()
        .map(|row| row["seq"].as_i64().unwrap())
        .filter(|seq| *seq > after)
        .collect();
    let last = *logged.last().unwrap();
    let streamed = stream_until(stream, last).await;
    let streamed: Vec<i64> = streamed.into_iter().filter(|seq| *seq <= last).collect();
    assert_eq!(
        streamed, logged,
        "instance 0's stream shows every row of both, once, in order"
    );
    // Both wrote: the rows are not all one instance's.
    let texts: Vec<String> = all_events(&clients[0], &servers[0])
        .await
        .iter()
        .filter(|row| row["seq"].as_i64().unwrap() > after)
        .map(|row| String::from_utf8_lossy(&support::body_of(row)).into_owned())
        .collect();
    for n in [0, 1, 18, 19] {
        assert!(
            texts
                .iter()
                .any(|text| text.contains(&format!("message {n}"))),
            "message {n}"
        );
    }
}
