//! What a stranger can make the server hold, tried as an attacker would against the real
//! binary: refused deliveries that would fill the disk, log pages and live streams that would
//! take its memory, a full disk and a closed stderr that would stop the log writer, and
//! half-sent requests that would use up its connections.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use support::{Options, RunningServer, all_events, body_of, dist, webhook_secret};

fn directory_bytes(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .unwrap()
        .map(|entry| entry.unwrap().metadata().unwrap().len())
        .sum()
}

#[tokio::test]
async fn refused_deliveries_are_bounded_records_and_rate_limited_per_address() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    let before = all_events(&client, &server).await.len();
    let disk_before = directory_bytes(data.path());
    let http = reqwest::Client::new();
    let body: Vec<u8> = (0..2 * 1024 * 1024)
        .map(|index| (index % 251) as u8)
        .collect();
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let response = http
            .post(server.url("/hooks/wecom/not-the-secret"))
            .body(body.clone())
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(
        statuses.iter().filter(|status| **status == 401).count(),
        30,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|status| **status == 429).count(),
        10,
        "past 30 a minute from one address, refused deliveries are not recorded: {statuses:?}"
    );
    let events = all_events(&client, &server).await;
    // The server's own pulls (a call and its answer) may have written meanwhile.
    let rejected: Vec<&serde_json::Value> = events[before..]
        .iter()
        .filter(|event| event["platform"] != "wechat")
        .collect();
    assert_eq!(rejected.len(), 30);
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&body))
    };
    for event in rejected {
        assert_eq!(event["direction"], "rejected");
        assert_eq!(body_of(event), body[..4096], "the first 4 KiB are kept");
        let headers: Vec<(String, String)> =
            serde_json::from_value(event["headers"].clone()).unwrap();
        let header = |name: &str| {
            headers
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        };
        assert_eq!(header(":size").as_deref(), Some("2097152"));
        assert_eq!(header(":sha256"), Some(digest.clone()));
        assert_eq!(header(":truncated").as_deref(), Some("true"));
    }
    // 80 MiB were sent; what stayed is the records (and SQLite's write-ahead log of them).
    let grown = directory_bytes(data.path()).saturating_sub(disk_before);
    assert!(
        grown < 2 * 1024 * 1024,
        "the data directory grew {grown} bytes"
    );
    // The real secret still works from the same address.
    let accepted = http
        .post(server.url(&format!(
            "/hooks/wecom/{}",
            webhook_secret(data.path(), "wecom")
        )))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 200);
}

/// Posts `count` accepted WeCom webhooks of `size` bytes each.
async fn post_large_webhooks(server: &RunningServer, secret: &str, count: usize, size: usize) {
    let http = reqwest::Client::new();
    for index in 0..count {
        let body = vec![b'a' + (index % 26) as u8; size];
        let response = http
            .post(server.url(&format!("/hooks/wecom/{secret}")))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
}

/// A live-stream request on a raw socket that is then never read.
fn open_stream_without_reading(server: &RunningServer, cookie: &str) -> TcpStream {
    let address = server.base_url.trim_start_matches("http://");
    let mut socket = TcpStream::connect(address).unwrap();
    // A small receive buffer, as a stalled phone would have.
    write!(
        socket,
        "GET /api/events/stream?after=0 HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\n\r\n"
    )
    .unwrap();
    socket
}

#[tokio::test]
async fn log_pages_and_stalled_streams_hold_bounded_memory() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let stderr = data.path().join("stderr.log");
    let mut options = Options::new(data.path(), dist.path());
    options.stderr = Some(&stderr);
    options
        .env
        .push(("SWITCHBOARD_LIMITS_STREAM_STALL_SECS", "3".into()));
    let server = RunningServer::start_with(options);
    let secret = webhook_secret(data.path(), "wecom");
    const ROW: usize = 2 * 1024 * 1024;
    post_large_webhooks(&server, &secret, 40, ROW).await;
    let resident_before = server.memory_kb("VmRSS");

    // One first page over 80 MiB of rows: bounded by bytes, `more` says what is left.
    let client = server.logged_in_client().await;
    let response = client
        .get(server.url("/api/events?after=0&limit=5000"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.bytes().await.unwrap();
    assert!(
        text.len() < 16 * 1024 * 1024,
        "a page is bounded by bytes, got {} bytes",
        text.len()
    );
    let page: serde_json::Value = serde_json::from_slice(&text).unwrap();
    assert_eq!(page["more"], true);
    let next_after = page["next_after"].as_i64().unwrap();
    assert!(next_after > 0);

    // Eight clients that never read: each holds what one event needs, not the log.
    let (cookie, _) = support::log_in(&server).await;
    let stalled: Vec<TcpStream> = (0..8)
        .map(|_| open_stream_without_reading(&server, &cookie))
        .collect();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let grown_mb = server.memory_kb("VmRSS").saturating_sub(resident_before) / 1024;
    eprintln!("8 stalled streams: the server grew {grown_mb} MiB");
    assert!(
        grown_mb < 400,
        "8 stalled streams over 80 MiB grew the server by {grown_mb} MiB"
    );

    // A stalled stream is dropped (the server says so), and reading it then ends: an SSE
    // stream never ends by itself.
    let deadline = Instant::now() + Duration::from_secs(60);
    let dropped = || {
        std::fs::read_to_string(&stderr)
            .unwrap_or_default()
            .matches("live stream dropped: the client stopped reading")
            .count()
    };
    while dropped() < stalled.len() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(dropped(), stalled.len(), "every stalled stream is dropped");
    for mut socket in stalled {
        socket
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut sink = Vec::new();
        let outcome = socket.read_to_end(&mut sink);
        assert!(
            outcome.is_ok(),
            "the server closed the stalled stream: {outcome:?}"
        );
    }
    assert!(
        server.memory_kb("VmRSS") / 1024 < resident_before / 1024 + 400,
        "memory is let go"
    );
}

/// Mounts a tmpfs of `megabytes` at a new temporary directory (root only: CI runs as root).
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(megabytes: u32) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .ok()?;
        status.success().then_some(Tmpfs { dir })
    }

    fn path(&self) -> &std::path::Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Fills the file system at `dir` with one file until it is full.
fn fill(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while file.write_all(&chunk).is_ok() {}
    // The last bytes that fit, so not even a small page is left.
    while file.write_all(&[0u8; 512]).is_ok() {}
    while file.write_all(&[0u8]).is_ok() {}
    path
}

async fn health(server: &RunningServer) -> (u16, serde_json::Value) {
    let response = reqwest::get(server.url("/healthz")).await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn a_full_disk_fails_writes_and_the_log_takes_them_again_once_there_is_room() {
    if support::on_postgres() {
        // The log is the database's then, on the database's disk, not the data directory's.
        eprintln!("skipped: the log is in PostgreSQL on this run");
        return;
    }
    let Some(disk) = Tmpfs::mount(48) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root and must mount a tmpfs for this test"
        );
        eprintln!("skipped: mounting a tmpfs needs root");
        return;
    };
    let data = disk.path().join("data");
    let dist = dist();
    let stderr = disk.path().join("stderr.log");
    let mut options = Options::new(&data, dist.path());
    // Everything on the one small disk, stderr included: the case that killed the writer.
    options.stderr = Some(&stderr);
    options.env.push(("SWITCHBOARD_LOG", "info".into()));
    let server = RunningServer::start_with(options);
    let secret = webhook_secret(&data, "wecom");
    let http = reqwest::Client::new();
    let post = |body: Vec<u8>| {
        http.post(server.url(&format!("/hooks/wecom/{secret}")))
            .body(body)
            .send()
    };
    assert_eq!(health(&server).await.0, 200);
    assert_eq!(
        post(b"{\"before\":1}".to_vec()).await.unwrap().status(),
        200
    );

    let filler = fill(disk.path());
    let mut refused = 0;
    for index in 0..20 {
        let status = post(vec![b'x'; 256 * 1024 + index]).await.unwrap().status();
        assert!(
            status == 200 || status == 500,
            "stored or refused, never lost: {status}"
        );
        refused += usize::from(status == 500);
    }
    assert!(refused > 0, "a full disk refuses writes");
    let (status, view) = health(&server).await;
    assert_eq!(status, 503, "{view}");
    assert_eq!(view["log"], "failing");
    assert!(view["failure"]["reason"].as_str().unwrap().len() > 3);

    std::fs::remove_file(filler).unwrap();
    let (status, view) = health(&server).await;
    assert_eq!(status, 200, "room again, no restart: {view}");
    let response = post(b"{\"after\":1}".to_vec()).await.unwrap();
    assert_eq!(response.status(), 200, "webhooks are accepted again");
    let client = server.logged_in_client().await;
    let events = all_events(&client, &server).await;
    assert_eq!(body_of(events.last().unwrap()), b"{\"after\":1}");
    let config = support::get_json(&client, &server.url("/api/config")).await;
    assert_eq!(config["log"]["log"], "accepting writes");
}

#[tokio::test]
async fn with_stderr_closed_every_request_still_gets_its_answer() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let mut options = Options::new(data.path(), dist.path());
    options.stderr_closed = true;
    options.env.push(("SWITCHBOARD_LOG", "debug".into()));
    let server = RunningServer::start_with(options);
    let secret = webhook_secret(data.path(), "wecom");
    let http = reqwest::Client::new();
    for round in 0..20 {
        // Each of these logs a line (a refused delivery is a warning).
        let refused = http
            .post(server.url("/hooks/wecom/wrong"))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 401, "round {round}");
        let accepted = http
            .post(server.url(&format!("/hooks/wecom/{secret}")))
            .body(format!("{{\"round\":{round}}}"))
            .send()
            .await
            .unwrap();
        assert_eq!(accepted.status(), 200, "round {round}");
    }
    assert_eq!(health(&server).await.0, 200);
}

fn raw_connect(server: &RunningServer) -> TcpStream {
    TcpStream::connect(server.base_url.trim_start_matches("http://")).unwrap()
}

/// Reads until the server closes the connection (or `wait` passes); what it sent.
fn read_until_closed(socket: &mut TcpStream, wait: Duration) -> Option<String> {
    socket.set_read_timeout(Some(wait)).unwrap();
    let mut received = Vec::new();
    match socket.read_to_end(&mut received) {
        Ok(_) => Some(String::from_utf8_lossy(&received).into_owned()),
        // A reset is a close too.
        Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => {
            Some(String::from_utf8_lossy(&received).into_owned())
        }
        Err(_) => None,
    }
}

#[tokio::test]
async fn half_sent_requests_time_out_and_cannot_crowd_out_a_webhook() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let mut options = Options::new(data.path(), dist.path());
    options.env.extend([
        ("SWITCHBOARD_LIMITS_HEADER_TIMEOUT_SECS", "2".to_owned()),
        ("SWITCHBOARD_LIMITS_BODY_TIMEOUT_SECS", "2".to_owned()),
        ("SWITCHBOARD_LIMITS_MAX_CONNECTIONS", "100".to_owned()),
    ]);
    let server = RunningServer::start_with(options);
    let secret = webhook_secret(data.path(), "wecom");
    let address = server.base_url.trim_start_matches("http://").to_owned();

    // 300 clients that never finish their headers: three times the connection cap.
    let mut half_sent: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut socket = raw_connect(&server);
            write!(
                socket,
                "POST /hooks/wecom/{secret} HTTP/1.1\r\nHost: {address}\r\n"
            )
            .unwrap();
            socket
        })
        .collect();
    let started = Instant::now();
    let response = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
        .post(server.url(&format!("/hooks/wecom/{secret}")))
        .body("{\"real\":true}")
        .send()
        .await
        .expect("a real webhook gets through");
    assert_eq!(response.status(), 200);
    eprintln!("the webhook waited {:?}", started.elapsed());
    for socket in half_sent.iter_mut().take(20) {
        assert!(
            read_until_closed(socket, Duration::from_secs(20)).is_some(),
            "a half-sent request is closed"
        );
    }

    // A body that stops halfway is answered 408 and let go.
    let mut slow_body = raw_connect(&server);
    write!(
        slow_body,
        "POST /hooks/wecom/{secret} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 1000\r\n\r\n0123456789"
    )
    .unwrap();
    let answer = read_until_closed(&mut slow_body, Duration::from_secs(20))
        .expect("the server closes a body that stalls");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[tokio::test]
async fn large_bodies_are_read_a_few_at_a_time() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let mut options = Options::new(data.path(), dist.path());
    options
        .env
        .push(("SWITCHBOARD_LIMITS_LARGE_BODIES", "2".to_owned()));
    let server = RunningServer::start_with(options);
    let secret = webhook_secret(data.path(), "wecom");
    let address = server.base_url.trim_start_matches("http://").to_owned();
    let start_large = || {
        let mut socket = raw_connect(&server);
        write!(
            socket,
            "POST /hooks/wecom/{secret} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 1048576\r\n\r\nxxxx"
        )
        .unwrap();
        socket
    };
    let _first = start_large();
    let _second = start_large();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut third = start_large();
    third
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = [0u8; 12];
    third.read_exact(&mut answer).unwrap();
    assert_eq!(&answer, b"HTTP/1.1 503");
    // Small webhooks are not held up by them.
    let small = reqwest::Client::new()
        .post(server.url(&format!("/hooks/wecom/{secret}")))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(small.status(), 200);
}

#[tokio::test]
async fn each_platform_has_its_own_webhook_secret_and_a_rotation_takes_effect_at_once() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let http = reqwest::Client::new();
    let post = |platform: &str, secret: &str| {
        http.post(server.url(&format!("/hooks/{platform}/{secret}")))
            .body("{}")
            .send()
    };
    let wecom = webhook_secret(data.path(), "wecom");
    let wechat = webhook_secret(data.path(), "wechat");
    assert_ne!(wecom, wechat);
    assert_eq!(post("wecom", &wecom).await.unwrap().status(), 200);
    assert_eq!(
        post("wecom", &wechat).await.unwrap().status(),
        401,
        "one platform's URL opens no other's intake"
    );

    // File times can be coarse: the rotation must be a visible change.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let mut rotate = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard"));
    rotate
        .args(["rotate-secret", "wecom", "--data-dir"])
        .arg(data.path());
    if let Some(database) = support::database_of(data.path()) {
        rotate.arg("--database").arg(database);
    }
    let output = rotate.output().unwrap();
    assert!(output.status.success(), "{output:?}");
    if support::on_postgres() {
        // Instances on a shared database take a rotation within a second.
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    let printed = String::from_utf8(output.stdout).unwrap();
    let rotated = webhook_secret(data.path(), "wecom");
    assert_ne!(rotated, wecom);
    assert!(
        printed.contains(&format!("/hooks/wecom/{rotated}")),
        "{printed}"
    );
    assert_eq!(
        post("wecom", &wecom).await.unwrap().status(),
        401,
        "the old URL is refused"
    );
    assert_eq!(
        post("wecom", &rotated).await.unwrap().status(),
        200,
        "no restart needed"
    );
    assert_eq!(
        post("wechat", &wechat).await.unwrap().status(),
        200,
        "others unchanged"
    );

    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["rotate-secret", "telegram", "--data-dir"])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(!refused.status.success());
}

/// A loopback HTTP server that answers every request with a small PNG-typed body; its port.
fn loopback_media_server() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 6\r\nConnection: close\r\n\r\ninside",
            );
        }
    });
    port
}

#[tokio::test]
async fn media_hosts_that_resolve_to_this_machine_are_refused() {
    let port = loopback_media_server();
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let config = data.path().join("switchboard.toml");
    // A live configuration whose media hosts name this machine, by name and by address.
    std::fs::write(
        &config,
        format!(
            "[wecom]\nbase_url = \"http://127.0.0.1:9\"\ntoken = \"t0ken-for-wecom\"\nsession_id = \"session-for-wecom\"\nmedia_hosts = [\"localhost:{port}\", \"127.0.0.1:{port}\"]\n"
        ),
    )
    .unwrap();
    let mut options = Options::new(data.path(), dist.path());
    options.config = Some(&config);
    let server = RunningServer::start_with(options);
    let client = server.logged_in_client().await;
    for url in [
        format!("http://localhost:{port}/a.png"),
        format!("http://127.0.0.1:{port}/a.png"),
    ] {
        let response = client
            .get(server.url("/api/media/wecom"))
            .query(&[("url", &url)])
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        assert!(matches!(status, 403 | 502), "{url}: {status} {body}");
        assert!(body.contains("not a public address"), "{url}: {body}");
        assert!(
            !body.contains("inside"),
            "nothing was fetched from this machine"
        );
    }
}
