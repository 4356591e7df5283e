//! What every handler shares: the event log, the configured platforms, our secrets, one HTTP
//! client for upstreams, and a signal that fires when the log grows (the live stream waits on it).

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::{oneshot, watch};

use crate::config::Config;
use crate::event_log::{Appended, Direction, EventLog, NewEvent, StoredEvent};
use crate::platforms::Platforms;
use crate::secrets::Secrets;

/// Cheap to clone: every extractor and layer of every request clones it, so it is one `Arc`.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub log: Arc<EventLog>,
    pub platforms: Platforms,
    pub secrets: Secrets,
    pub config: Config,
    pub client: reqwest::Client,
    /// The newest seq; bumped after every durable append.
    pub newest: Arc<watch::Sender<i64>>,
    /// Flips to true when the server is shutting down, so live streams end.
    pub shutting_down: watch::Receiver<bool>,
    /// Uploads kept for platforms that fetch media by URL (E云).
    pub hosted: crate::hosted::HostedFiles,
    /// Set in sandbox mode: where the emulated platforms listen and how to reach our own intake.
    pub sandbox: Option<Arc<crate::sandbox::Sandbox>>,
    /// The one writer: appends queue here and are committed in batches.
    writer: std::sync::mpsc::Sender<Job>,
}

type Job = (Append, oneshot::Sender<anyhow::Result<Appended>>);

/// Most events committed in one transaction.
const MAX_BATCH: usize = 512;

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
        hosted: crate::hosted::HostedFiles,
        shutting_down: watch::Receiver<bool>,
        sandbox: Option<Arc<crate::sandbox::Sandbox>>,
    ) -> anyhow::Result<AppState> {
        let newest = log.last_seq().context("reading the event log")?;
        let client = reqwest::Client::builder()
            // A redirect could lead anywhere: never follow one.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(config.upstream_timeout_secs.min(10)))
            .timeout(Duration::from_secs(config.upstream_timeout_secs))
            .build()
            .context("building the HTTP client")?;
        let log = Arc::new(log);
        let newest = Arc::new(watch::channel(newest).0);
        let writer = spawn_writer(log.clone(), newest.clone())?;
        Ok(AppState(Arc::new(Shared {
            log,
            platforms,
            secrets,
            config,
            client,
            newest,
            shutting_down,
            hosted,
            sandbox,
            writer,
        })))
    }

    /// Queues an append for the writer and returns once the row is durable (live streams are
    /// woken by then).
    pub async fn append(&self, event: Append) -> anyhow::Result<Appended> {
        let (reply, outcome) = oneshot::channel();
        self.writer
            .send((event, reply))
            .map_err(|_| anyhow::anyhow!("the event log writer stopped"))?;
        outcome
            .await
            .map_err(|_| anyhow::anyhow!("the event log writer stopped"))?
    }

    pub async fn events_after(&self, after: i64, limit: usize) -> anyhow::Result<Vec<StoredEvent>> {
        let log = self.log.clone();
        tokio::task::spawn_blocking(move || log.after(after, limit))
            .await
            .context("the event log reader stopped")?
            .context("reading the event log")
    }

    /// The newest `limit` events before `before`, in log order.
    pub async fn events_before(
        &self,
        before: i64,
        limit: usize,
    ) -> anyhow::Result<Vec<StoredEvent>> {
        let log = self.log.clone();
        tokio::task::spawn_blocking(move || log.before(before, limit))
            .await
            .context("the event log reader stopped")?
            .context("reading the event log")
    }
}

impl Append {
    fn as_new_event(&self) -> NewEvent<'_> {
        NewEvent {
            platform: &self.platform,
            direction: self.direction,
            content_type: self.content_type.as_deref(),
            headers: &self.headers,
            body: &self.body,
            request_seq: self.request_seq,
            dedupe_key: self.dedupe_key.as_deref(),
        }
    }
}

/// The writer thread: takes whatever appends are waiting (up to [`MAX_BATCH`]), commits them in
/// one transaction — one sync to disk — then answers each caller. Under load, batches grow by
/// themselves; alone, an append is committed at once.
fn spawn_writer(
    log: Arc<EventLog>,
    newest: Arc<watch::Sender<i64>>,
) -> anyhow::Result<std::sync::mpsc::Sender<Job>> {
    let (sender, jobs) = std::sync::mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("event-log-writer".into())
        .spawn(move || {
            while let Ok(first) = jobs.recv() {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match jobs.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let outcomes = {
                    let events: Vec<NewEvent<'_>> = batch
                        .iter()
                        .map(|(append, _)| append.as_new_event())
                        .collect();
                    log.append_batch(&events)
                };
                match outcomes {
                    Ok(outcomes) => {
                        let stored = outcomes
                            .iter()
                            .filter_map(|outcome| match outcome {
                                Ok(Appended::Stored(seq)) => Some(*seq),
                                _ => None,
                            })
                            .max();
                        if let Some(seq) = stored {
                            newest.send_if_modified(|newest| {
                                let grew = seq > *newest;
                                *newest = (*newest).max(seq);
                                grew
                            });
                        }
                        for ((_, reply), outcome) in batch.into_iter().zip(outcomes) {
                            let _ = reply.send(outcome.context("appending to the event log"));
                        }
                    }
                    Err(error) => {
                        tracing::error!("the event log refused a batch: {error}");
                        for (_, reply) in batch {
                            let _ = reply
                                .send(Err(anyhow::anyhow!("appending to the event log: {error}")));
                        }
                    }
                }
            }
        })
        .context("starting the event log writer")?;
    Ok(sender)
}
