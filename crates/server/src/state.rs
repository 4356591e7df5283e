//! What every handler shares: the event log, the configured platforms, our secrets, one HTTP
//! client for upstreams, and a signal that fires when the log grows (the live stream waits on it).

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::watch;

use crate::config::Config;
use crate::event_log::{Appended, Direction, EventLog, NewEvent, StoredEvent};
use crate::platforms::Platforms;
use crate::secrets::Secrets;

#[derive(Clone)]
pub struct AppState {
    pub log: Arc<EventLog>,
    pub platforms: Platforms,
    pub secrets: Arc<Secrets>,
    pub config: Arc<Config>,
    pub client: reqwest::Client,
    /// The newest seq; bumped after every durable append.
    pub newest: Arc<watch::Sender<i64>>,
    /// Flips to true when the server is shutting down, so live streams end.
    pub shutting_down: watch::Receiver<bool>,
    /// Set in sandbox mode: where the emulated platforms listen and how to reach our own intake.
    pub sandbox: Option<Arc<crate::sandbox::Sandbox>>,
}

/// An event to append, owning its data so it can cross into the blocking pool.
#[derive(Debug, Clone)]
pub struct Append {
    pub platform: String,
    pub direction: Direction,
    pub content_type: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub request_seq: Option<i64>,
    pub dedupe_key: Option<String>,
}

impl AppState {
    pub fn new(
        log: EventLog,
        platforms: Platforms,
        secrets: Secrets,
        config: Config,
        shutting_down: watch::Receiver<bool>,
    ) -> anyhow::Result<AppState> {
        let newest = log.last_seq().context("reading the event log")?;
        let client = reqwest::Client::builder()
            // A redirect could lead anywhere: never follow one.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(config.upstream_timeout_secs.min(10)))
            .timeout(Duration::from_secs(config.upstream_timeout_secs))
            .build()
            .context("building the HTTP client")?;
        Ok(AppState {
            log: Arc::new(log),
            platforms,
            secrets: Arc::new(secrets),
            config: Arc::new(config),
            client,
            newest: Arc::new(watch::channel(newest).0),
            shutting_down,
            sandbox: None,
        })
    }

    /// Appends in the blocking pool, returns once the row is durable, and wakes live streams.
    pub async fn append(&self, event: Append) -> anyhow::Result<Appended> {
        let log = self.log.clone();
        let appended = tokio::task::spawn_blocking(move || {
            log.append(&NewEvent {
                platform: &event.platform,
                direction: event.direction,
                content_type: event.content_type.as_deref(),
                headers: &event.headers,
                body: &event.body,
                request_seq: event.request_seq,
                dedupe_key: event.dedupe_key.as_deref(),
            })
        })
        .await
        .context("the event log writer stopped")?
        .context("appending to the event log")?;
        if let Appended::Stored(seq) = appended {
            self.newest.send_if_modified(|newest| {
                let grew = seq > *newest;
                *newest = (*newest).max(seq);
                grew
            });
        }
        Ok(appended)
    }

    pub async fn events_after(&self, after: i64, limit: usize) -> anyhow::Result<Vec<StoredEvent>> {
        let log = self.log.clone();
        tokio::task::spawn_blocking(move || log.after(after, limit))
            .await
            .context("the event log reader stopped")?
            .context("reading the event log")
    }
}
