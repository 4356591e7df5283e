//! Starts the real `switchboard` binary for integration tests and stops it when dropped.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The admin every test server starts with (added with `switchboard agent add`).
pub const ADMIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "admin password one";

pub struct RunningServer {
    child: Child,
    pub base_url: String,
    /// The one-time link that creates the first admin (`/login?setup=…`), when the server
    /// printed one (a team without agents).
    pub setup_link: Option<String>,
    /// Where the sandbox's emulators listen (sandbox mode only).
    pub sandbox_url: Option<String>,
}

pub struct Options<'a> {
    pub data_dir: &'a Path,
    pub dist: &'a Path,
    pub config: Option<&'a Path>,
    pub env: Vec<(&'a str, String)>,
    /// Where the server's stderr goes (a file to search), or inherited.
    pub stderr: Option<&'a Path>,
    /// Give the server a stderr pipe whose reading end is closed at once (every write fails).
    pub stderr_closed: bool,
    /// Add [`ADMIN`] before the server starts (off: the server prints the setup link).
    pub first_admin: bool,
    /// Keep the log in this PostgreSQL database (another instance's too), whichever backend
    /// the run uses.
    pub database: Option<String>,
}

impl<'a> Options<'a> {
    pub fn new(data_dir: &'a Path, dist: &'a Path) -> Options<'a> {
        Options {
            data_dir,
            dist,
            config: None,
            env: Vec::new(),
            stderr: None,
            stderr_closed: false,
            first_admin: true,
            database: None,
        }
    }
}

impl RunningServer {
    /// Runs `switchboard serve` on a free loopback port with the given data and dist directories,
    /// and waits until it prints the address it listens on.
    pub fn start(data_dir: &Path, dist: &Path) -> Self {
        Self::start_with(Options::new(data_dir, dist))
    }

    pub fn start_with(options: Options<'_>) -> Self {
        let database = options
            .database
            .clone()
            .or_else(|| database_of(options.data_dir));
        if options.first_admin {
            // Already there when the data directory is reused (a restart): refused, fine.
            agent_command_on(
                options.data_dir,
                database.clone(),
                &["add", ADMIN, "--admin"],
                Some(ADMIN_PASSWORD),
            );
        }
        let mut command = Command::new(env!("CARGO_BIN_EXE_switchboard"));
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(options.data_dir)
            .arg("--dist")
            .arg(options.dist)
            .env("SWITCHBOARD_LOG", "warn")
            .env_remove("SWITCHBOARD_DATABASE")
            .stdout(Stdio::piped());
        if let Some(database) = database {
            command.arg("--database").arg(database);
        }
        if let Some(config) = options.config {
            command.arg("--config").arg(config);
        }
        for (name, value) in &options.env {
            command.env(name, value);
        }
        match options.stderr {
            Some(path) => command.stderr(std::fs::File::create(path).unwrap()),
            None if options.stderr_closed => command.stderr(Stdio::piped()),
            None => command.stderr(Stdio::inherit()),
        };
        let mut child = command.spawn().expect("the switchboard binary starts");
        drop(child.stderr.take());
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first_line = lines
            .next()
            .expect("the server prints its address")
            .unwrap();
        let base_url = first_line
            .trim()
            .strip_prefix("Switchboard is running at ")
            .unwrap_or_else(|| panic!("unexpected first line: {first_line:?}"))
            .trim_end_matches('/')
            .to_owned();
        let login_line = lines
            .next()
            .expect("the server prints its login link")
            .unwrap();
        let setup_link = login_line
            .split_once("/login?setup=")
            .map(|(_, token)| format!("/login?setup={}", token.trim()));
        let mode_line = lines.next().expect("the server prints its mode").unwrap();
        let sandbox_url = mode_line
            .strip_prefix("Sandbox mode: every platform is emulated at ")
            .map(str::to_owned);
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        RunningServer {
            child,
            base_url,
            setup_link,
            sandbox_url,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// A client holding a session cookie of [`ADMIN`].
    pub async fn logged_in_client(&self) -> reqwest::Client {
        self.client_of(ADMIN, ADMIN_PASSWORD).await
    }

    /// A client holding a session cookie of this agent.
    pub async fn client_of(&self, name: &str, password: &str) -> reqwest::Client {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = client
            .post(self.url("/api/login"))
            .json(&serde_json::json!({ "name": name, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204, "logging in as {name}");
        client
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A line of `/proc/PID/status` in kB (`VmRSS`, `VmHWM`, …).
    pub fn memory_kb(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{field}:")))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc status"))
    }

    /// Kills the process without letting it clean up (a crash).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs `switchboard agent ARGS --data-dir DIR`, with `password` as standard input; its
/// output, and whether it succeeded.
pub fn agent_command(data_dir: &Path, args: &[&str], password: Option<&str>) -> (bool, String) {
    agent_command_on(data_dir, database_of(data_dir), args, password)
}

/// [`agent_command`] on the team in `database` (PostgreSQL) when given.
pub fn agent_command_on(
    data_dir: &Path,
    database: Option<String>,
    args: &[&str],
    password: Option<&str>,
) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_switchboard"));
    command
        .arg("agent")
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("SWITCHBOARD_DATABASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(database) = database {
        command.arg("--database").arg(database);
    }
    if password.is_some() {
        command.arg("--password-stdin");
    }
    let mut child = command.spawn().expect("switchboard agent starts");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        if let Some(password) = password {
            writeln!(stdin, "{password}").unwrap();
        }
    }
    let output = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// Logs in once as [`ADMIN`]: the `name=value` of the session cookie, and the whole
/// `Set-Cookie`.
pub async fn log_in(server: &RunningServer) -> (String, String) {
    let response = reqwest::Client::new()
        .post(server.url("/api/login"))
        .json(&serde_json::json!({ "name": ADMIN, "password": ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204, "logging in");
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    (set_cookie.split(';').next().unwrap().to_owned(), set_cookie)
}

/// Every event in the log, via the API.
pub async fn all_events(
    client: &reqwest::Client,
    server: &RunningServer,
) -> Vec<serde_json::Value> {
    let mut events = Vec::new();
    let mut after = 0;
    loop {
        let page: serde_json::Value =
            read_json(client.get(server.url(&format!("/api/events?after={after}&limit=1000"))))
                .await;
        events.extend(page["events"].as_array().unwrap().iter().cloned());
        after = page["next_after"].as_i64().unwrap();
        if !page["more"].as_bool().unwrap() {
            return events;
        }
    }
}

/// `events` without the server's own profile lookups and their answers (they come whenever a
/// new customer writes).
pub fn without_lookups(events: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
    let lookups: std::collections::HashSet<i64> = events
        .iter()
        .filter(|event| has_header(event, switchboard_protocol::headers::annotation::LOOKUP))
        .filter_map(|event| event["seq"].as_i64())
        .collect();
    events
        .into_iter()
        .filter(|event| {
            !event["seq"]
                .as_i64()
                .is_some_and(|seq| lookups.contains(&seq))
                && !event["request_seq"]
                    .as_i64()
                    .is_some_and(|seq| lookups.contains(&seq))
        })
        .collect()
}

/// The text of an answer to `request`.
pub async fn text(request: reqwest::RequestBuilder) -> String {
    request.send().await.unwrap().text().await.unwrap()
}

/// The answer to `request`, read as JSON.
pub async fn read_json<T: serde::de::DeserializeOwned>(request: reqwest::RequestBuilder) -> T {
    request.send().await.unwrap().json().await.unwrap()
}

/// GETs `url` and reads the answer as JSON.
pub async fn get_json(client: &reqwest::Client, url: &str) -> serde_json::Value {
    read_json(client.get(url)).await
}

/// Whether a logged event carries the header `name` (a pseudo-header such as `:seed`).
pub fn has_header(event: &serde_json::Value, name: &str) -> bool {
    event["headers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|header| header[0] == name)
}

/// Whether a logged event is one of the seed's example payloads (written at startup).
pub fn is_seed(event: &serde_json::Value) -> bool {
    has_header(event, ":seed")
}

/// Whether a logged event was made by the server's own receiving (a Blaze acknowledgement, a
/// pull), not by the call or delivery a test makes.
pub fn is_receiving(event: &serde_json::Value) -> bool {
    has_header(event, ":receiver")
}

/// How `platform` is receiving, as `/api/config` says.
pub async fn receive_of(
    client: &reqwest::Client,
    server: &RunningServer,
    platform: &str,
) -> serde_json::Value {
    let config = get_json(client, &server.url("/api/config")).await;
    config["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["id"] == platform)
        .unwrap_or_else(|| panic!("{platform} is configured: {config}"))["receive"]
        .clone()
}

/// A multipart form with one file in the field `file`, as the desk uploads.
pub fn file_form(bytes: &[u8], name: &str, mime: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes.to_vec())
            .file_name(name.to_owned())
            .mime_str(mime)
            .unwrap(),
    )
}

/// Uploads a file through `/api/upload/{platform}`: what a send then names.
pub async fn upload(
    client: &reqwest::Client,
    server: &RunningServer,
    platform: &str,
    (bytes, name, mime): (&[u8], &str, &str),
) -> switchboard_payload::compose::Attachment {
    let uploaded: serde_json::Value = read_json(
        client
            .post(server.url(&format!("/api/upload/{platform}")))
            .multipart(file_form(bytes, name, mime)),
    )
    .await;
    switchboard_payload::compose::Attachment {
        id: uploaded["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{platform}: {uploaded}"))
            .to_owned(),
        url: uploaded["url"].as_str().map(str::to_owned),
        mime_type: mime.into(),
        size: uploaded["size"].as_u64().unwrap(),
        name: name.into(),
        ..Default::default()
    }
}

/// An event's body bytes.
pub fn body_of(event: &serde_json::Value) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(event["body_base64"].as_str().unwrap())
        .unwrap()
}

/// `platform`'s webhook secret, from the data directory.
pub fn webhook_secret(data_dir: &Path, platform: &str) -> String {
    if let Some(database) = database_of(data_dir) {
        return webhook_secret_in(&database, platform);
    }
    std::fs::read_to_string(data_dir.join("webhook-secrets").join(platform))
        .unwrap()
        .trim()
        .to_owned()
}

/// `platform`'s webhook secret in a shared database.
pub fn webhook_secret_in(database: &str, platform: &str) -> String {
    let database = database.to_owned();
    let platform = platform.to_owned();
    // On a thread of its own: the caller may be inside a runtime already.
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(&database, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(connection);
            client
                .query_one(
                    "SELECT secret FROM webhook_secrets WHERE platform = $1",
                    &[&platform],
                )
                .await
                .unwrap()
                .get::<_, String>(0)
        })
    })
    .join()
    .unwrap()
}

/// A built-app directory holding just an `index.html` with this body.
pub fn dist_with_index(html: &str) -> tempfile::TempDir {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), html).unwrap();
    dist
}

/// The smallest built app: an `index.html` titled Switchboard.
pub fn dist() -> tempfile::TempDir {
    dist_with_index("<!DOCTYPE html><title>Switchboard</title>")
}

/// Whether this run of the suite keeps the servers' logs in PostgreSQL
/// (`SWITCHBOARD_TEST_BACKEND=postgres`, with the cluster `./x test` starts), not SQLite.
pub fn on_postgres() -> bool {
    std::env::var("SWITCHBOARD_TEST_BACKEND").is_ok_and(|backend| backend == "postgres")
}

/// The database the server of `data_dir` keeps its log in on a PostgreSQL run: one per data
/// directory, made on first use, so a restart on the same directory finds its log again.
pub fn database_of(data_dir: &Path) -> Option<String> {
    if !on_postgres() {
        return None;
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(data_dir.as_os_str().as_encoded_bytes());
    Some(database_named(&format!("d_{}", hex::encode(&digest[..12]))))
}

/// The test cluster's database `name` (made if missing), as a URL.
pub fn database_named(name: &str) -> String {
    let admin = std::env::var("SWITCHBOARD_TEST_POSTGRES")
        .expect("a PostgreSQL run names its cluster in SWITCHBOARD_TEST_POSTGRES");
    let name = name.to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // On a thread of its own: the caller may be inside a runtime already.
    let create = name.clone();
    std::thread::spawn(move || {
        runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
                .await
                .expect("the test cluster answers");
            tokio::spawn(connection);
            let exists = client
                .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&create])
                .await
                .unwrap()
                .is_some();
            if !exists {
                client
                    .batch_execute(&format!("CREATE DATABASE {create}"))
                    .await
                    .unwrap();
            }
        })
    })
    .join()
    .unwrap();
    let mut url = url::Url::parse(&std::env::var("SWITCHBOARD_TEST_POSTGRES").unwrap()).unwrap();
    url.set_path(&name);
    url.to_string()
}

/// The log of the server of `data_dir`, opened beside it (or after it stopped), on whichever
/// backend this run uses.
pub fn open_log(data_dir: &Path) -> std::sync::Arc<switchboard_server::event_log::EventLog> {
    use switchboard_server::event_log::{PostgresLog, SqliteLog};
    match database_of(data_dir) {
        Some(url) => std::sync::Arc::new(
            std::thread::spawn(move || PostgresLog::open(&url).unwrap())
                .join()
                .unwrap(),
        ),
        None => std::sync::Arc::new(SqliteLog::open(&data_dir.join("events.sqlite")).unwrap()),
    }
}
