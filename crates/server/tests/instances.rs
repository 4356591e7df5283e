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

/// Two instances on a fresh database: its URL, the servers, and what they keep on disk.
fn two_instances() -> (String, Vec<RunningServer>, Vec<tempfile::TempDir>) {
    let database = support::database_named(&format!("i_{}", uuid::Uuid::new_v4().simple()));
    let dist = dist();
    let data = vec![
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        dist,
    ];
    let servers: Vec<RunningServer> = data[..2]
        .iter()
        .map(|dir| {
            RunningServer::start_with(Options {
                database: Some(database.clone()),
                ..Options::new(dir.path(), data[2].path())
            })
        })
        .collect();
    (database, servers, data)
}

#[tokio::test]
async fn an_agent_online_on_one_instance_is_online_on_both_and_sees_what_the_other_announces() {
    if !on_postgres() {
        eprintln!(
            "skipped: instances share a database in PostgreSQL (the suite's PostgreSQL pass)"
        );
        return;
    }
    let (_database, servers, _dirs) = two_instances();
    let clients = [
        servers[0].logged_in_client().await,
        servers[1].logged_in_client().await,
    ];
    let online_on_1 = || async {
        let team = support::get_json(&clients[1], &servers[1].url("/api/agents")).await;
        team.as_array()
            .unwrap()
            .iter()
            .find(|agent| agent["name"] == "admin")
            .unwrap()["online"]
            .as_bool()
            .unwrap()
    };
    let within = |what: &'static str, wanted: bool| async move {
        let until = std::time::Instant::now() + Duration::from_secs(15);
        while online_on_1().await != wanted {
            assert!(std::time::Instant::now() < until, "{what} within 15 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    within("no stream: offline", false).await;
    // The desk is open on instance 0 only.
    let stream = clients[0]
        .get(servers[0].url("/api/events/stream?after=999999999"))
        .send()
        .await
        .unwrap();
    within(
        "instance 1 sees the agent of instance 0's stream online",
        true,
    )
    .await;
    // Typing announced through instance 1 reaches the stream on instance 0. Presence is lossy
    // by design (a page says it again every few seconds), so it is said again until heard.
    let mut body = stream.bytes_stream();
    let mut seen = String::new();
    let until = std::time::Instant::now() + Duration::from_secs(15);
    while !seen.contains("event: presence") {
        assert!(
            std::time::Instant::now() < until,
            "the other instance's presence arrives within 15 s"
        );
        let announced = clients[1]
            .post(servers[1].url("/api/presence"))
            .json(&serde_json::json!({"platform": "douyin", "conversation": "c1", "activity": "typing"}))
            .send()
            .await
            .unwrap();
        assert_eq!(announced.status(), 204);
        if let Ok(chunk) = tokio::time::timeout(Duration::from_secs(1), body.next()).await {
            seen.push_str(&String::from_utf8_lossy(&chunk.unwrap().unwrap()));
        }
    }
    assert!(
        seen.contains(r#""conversation":"c1","activity":"typing","agent":"admin""#),
        "{seen}"
    );
    drop(body);
    within("the stream closed: offline on instance 1 too", false).await;
}

#[tokio::test]
async fn failed_logins_spread_over_instances_are_limited_as_on_one() {
    if !on_postgres() {
        eprintln!(
            "skipped: instances share a database in PostgreSQL (the suite's PostgreSQL pass)"
        );
        return;
    }
    let (_database, servers, _dirs) = two_instances();
    let attempt = |server: &RunningServer, password: &str| {
        reqwest::Client::new()
            .post(server.url("/api/login"))
            .json(&serde_json::json!({"name": support::ADMIN, "password": password}))
            .send()
    };
    // A guesser behind a load balancer: five tries, alternately on each instance.
    for n in 0..5 {
        let refused = attempt(&servers[n % 2], "guess guess").await.unwrap();
        assert_eq!(refused.status(), 401, "try {n}");
    }
    for server in &servers {
        let limited = attempt(server, support::ADMIN_PASSWORD).await.unwrap();
        assert_eq!(
            limited.status(),
            429,
            "the name is locked on every instance after five tries in all"
        );
    }
}

#[tokio::test]
async fn a_stream_on_one_instance_shows_what_both_write_in_order() {
    if !on_postgres() {
        eprintln!("skipped: instances share a log in PostgreSQL (the suite's PostgreSQL pass)");
        return;
    }
    let (database, servers, _dirs) = two_instances();
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
    // A delivery retried to the other instance is stored once: the database's unique index,
    // not one process's memory, refuses the second.
    let douyin = support::webhook_secret_in(&database, "douyin");
    let body = br#"{"event":"im_receive_msg","from_user_id":"a","to_user_id":"b","content":{"text":"once"}}"#;
    let mut seqs = Vec::new();
    for server in servers.iter().chain(&servers) {
        let delivered = reqwest::Client::new()
            .post(server.url(&format!("/hooks/douyin/{douyin}")))
            .header(
                "X-Douyin-Signature",
                switchboard_server::platforms::douyin::signature(
                    switchboard_server::sandbox::credentials::DOUYIN_CLIENT_SECRET,
                    body,
                ),
            )
            .header("content-type", "application/json")
            .body(&body[..])
            .send()
            .await
            .unwrap();
        assert_eq!(delivered.status(), 200);
        seqs.push(
            delivered.headers()["x-switchboard-seq"]
                .to_str()
                .unwrap()
                .to_owned(),
        );
        if seqs.len() > 1 {
            assert!(delivered.headers().contains_key("x-switchboard-duplicate"));
        }
    }
    assert!(seqs.iter().all(|seq| *seq == seqs[0]), "{seqs:?}");
    let before = all_events(&clients[0], &servers[0]).await;
    let after = before.last().map_or(0, |row| row["seq"].as_i64().unwrap());
    let stream = clients[0]
        .get(servers[0].url("/api/events/stream"))
        .header("Last-Event-ID", after.to_string())
        .send()
        .await
        .unwrap();

    // Customers write through both instances, alternately, on platforms that deliver by
    // webhook (each instance runs a sandbox of its own, and only one receives from sockets);
    // each instance's writer commits its own rows.
    for n in 0..20 {
        let (client, server) = (&clients[n % 2], &servers[n % 2]);
        let response = client
            .post(server.url(&format!(
                "/api/sandbox/{}/customer-message",
                ["douyin", "wecom"][n / 2 % 2]
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

/// Reads a live stream's ids, sending each to `ids` as it comes, until the stream ends.
async fn follow(response: reqwest::Response, ids: tokio::sync::mpsc::UnboundedSender<i64>) {
    let mut stream = response.bytes_stream();
    let mut buffer = String::new();
    while let Some(Ok(chunk)) = stream.next().await {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            for id in block.lines().filter_map(|line| line.strip_prefix("id:")) {
                let _ = ids.send(id.trim().parse().unwrap());
            }
        }
    }
}

async fn receive_state(client: &reqwest::Client, server: &RunningServer, platform: &str) -> String {
    support::receive_of(client, server, platform).await["state"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The failover: two instances, webhooks posted to both in turn, a live stream on each; one is
/// killed (`kill -9`) mid-load. Every webhook an instance acknowledged is in the log once; the
/// dead instance's stream resumes on the living one with its `Last-Event-ID`, with no gap and no
/// repeat; what the dead one received for (Mixin's Blaze, E云's pull) moves to the living one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_an_instance_dies_its_streams_resume_on_the_other_and_its_receivers_move() {
    if !on_postgres() {
        eprintln!("skipped: instances share a log in PostgreSQL (the suite's PostgreSQL pass)");
        return;
    }
    let database = support::database_named(&format!("f_{}", uuid::Uuid::new_v4().simple()));
    let dist = dist();
    let data = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let mut servers: Vec<RunningServer> = data
        .iter()
        .map(|dir| {
            RunningServer::start_with(Options {
                database: Some(database.clone()),
                ..Options::new(dir.path(), dist.path())
            })
        })
        .collect();
    // One login: the session holds on both.
    let client = servers[0].logged_in_client().await;

    // One instance receives for each platform that keeps a line open or pulls; the other stands by.
    let mut leader = 0;
    for platform in ["mixin", "wechat"] {
        let started = std::time::Instant::now();
        loop {
            let states = [
                receive_state(&client, &servers[0], platform).await,
                receive_state(&client, &servers[1], platform).await,
            ];
            let standing_by = states.iter().filter(|state| *state == "standby").count();
            if standing_by == 1 {
                if platform == "mixin" {
                    leader = usize::from(states[0] == "standby");
                }
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{platform}: one receives, one stands by: {states:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let survivor = 1 - leader;

    let after = all_events(&client, &servers[survivor])
        .await
        .last()
        .map_or(0, |row| row["seq"].as_i64().unwrap());
    let mut streams = Vec::new();
    for server in &servers {
        let (ids, seen) = tokio::sync::mpsc::unbounded_channel();
        let response = client
            .get(server.url("/api/events/stream"))
            .header("Last-Event-ID", after.to_string())
            .send()
            .await
            .unwrap();
        tokio::spawn(follow(response, ids));
        streams.push(seen);
    }

    // The load: webhooks to each instance in turn; the leader is killed after 60 of them.
    let secret = support::webhook_secret_in(&database, "wecom");
    let http = reqwest::Client::new();
    let mut acknowledged = Vec::new();
    for n in 0..160 {
        if n == 60 {
            servers[leader].kill();
        }
        let server = &servers[n % 2];
        let marker = format!("failover-load-{n}");
        let delivered = http
            .post(server.url(&format!("/hooks/wecom/{secret}")))
            .json(&serde_json::json!({ "messageType": 0, "marker": marker }))
            .timeout(Duration::from_secs(5))
            .send()
            .await;
        if let Ok(delivered) = delivered
            && delivered.status() == 200
        {
            acknowledged.push(marker);
        }
    }
    assert!(
        acknowledged.len() >= 100,
        "{} acknowledged",
        acknowledged.len()
    );

    // Every acknowledged webhook is in the log exactly once.
    let rows = all_events(&client, &servers[survivor]).await;
    let bodies: Vec<String> = rows
        .iter()
        .map(|row| String::from_utf8_lossy(&support::body_of(row)).into_owned())
        .collect();
    for marker in &acknowledged {
        let quoted = format!("\"{marker}\"");
        let stored = bodies.iter().filter(|body| body.contains(&quoted)).count();
        assert_eq!(stored, 1, "{marker} stored {stored} times");
    }
    let logged: Vec<i64> = rows
        .iter()
        .map(|row| row["seq"].as_i64().unwrap())
        .filter(|seq| *seq > after)
        .collect();
    let last = *logged.last().unwrap();

    // The dead instance's stream ended; it resumes on the living one from its last id.
    let mut seen_on_dead = Vec::new();
    while let Ok(id) = streams[leader].try_recv() {
        seen_on_dead.push(id);
    }
    let resume_from = seen_on_dead.last().copied().unwrap_or(after);
    let (ids, mut resumed) = tokio::sync::mpsc::unbounded_channel();
    let response = client
        .get(servers[survivor].url("/api/events/stream"))
        .header("Last-Event-ID", resume_from.to_string())
        .send()
        .await
        .unwrap();
    tokio::spawn(follow(response, ids));
    let mut whole = seen_on_dead.clone();
    while whole.last().is_none_or(|id| *id < last) {
        let id = tokio::time::timeout(Duration::from_secs(10), resumed.recv())
            .await
            .unwrap_or_else(|_| panic!("row {last} within 10 s"))
            .unwrap();
        whole.push(id);
    }
    whole.retain(|id| *id <= last);
    assert_eq!(
        whole, logged,
        "the dead instance's stream, resumed: no gap, no repeat"
    );

    // The living instance's own stream saw everything too.
    let mut on_survivor = Vec::new();
    while on_survivor.last().is_none_or(|id| *id < last) {
        let id = tokio::time::timeout(Duration::from_secs(10), streams[survivor].recv())
            .await
            .unwrap_or_else(|_| panic!("row {last} within 10 s on the survivor"))
            .unwrap();
        on_survivor.push(id);
    }
    on_survivor.retain(|id| *id <= last);
    assert_eq!(on_survivor, logged);

    // The receivers move to the living instance within seconds.
    for platform in ["mixin", "wechat"] {
        let started = std::time::Instant::now();
        loop {
            let state = receive_state(&client, &servers[survivor], platform).await;
            if state != "standby" {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{platform} still standing by"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
