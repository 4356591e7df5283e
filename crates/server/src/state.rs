//! What every handler shares: the event log, the configured platforms, our secrets, one HTTP
//! client for upstreams, and a signal that fires when the log grows (the live stream waits on it).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::sync::{broadcast, oneshot, watch};

use crate::config::Config;
use crate::event_log::{
    AppendTurn, Appended, Direction, EventLog, LogError, NewEvent, Platform, Row, Slice, redact,
};
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
    /// For media and storage URLs: public addresses only ([`crate::public_address`]).
    pub media_client: reqwest::Client,
    /// The newest seq; bumped after every durable append.
    pub newest: Arc<watch::Sender<i64>>,
    /// Every committed row, sent once for all live streams (large ones by seq only).
    pub live: broadcast::Sender<Live>,
    /// Slots for reading large request bodies ([`crate::body_guard`]).
    pub large_bodies: Arc<tokio::sync::Semaphore>,
    /// How many refused webhook deliveries each source address may still leave.
    pub rejections: crate::rejections::RejectionLimiter,
    /// Whether the log takes writes, as the writer last saw.
    pub health: Arc<LogHealth>,
    /// Flips to true when the server is shutting down, so live streams end.
    pub shutting_down: watch::Receiver<bool>,
    /// Who is logged in.
    pub sessions: crate::sessions::Sessions,
    /// The team's agents and canned replies.
    pub agents: Arc<crate::agents::Agents>,
    /// Failed logins per name and address.
    pub login_limits: crate::login_limits::LoginLimiter,
    /// Password checks at once (each costs 19 MiB and tens of milliseconds).
    pub password_checks: Arc<tokio::sync::Semaphore>,
    /// While the team has no agent: the one-time token of the link that creates the first admin.
    setup_token: std::sync::Mutex<Option<String>>,
    /// Who has the desk open, and what they last said they were doing.
    pub presence: crate::presence::Board,
    /// Uploads kept for platforms that fetch media by URL (E云).
    pub hosted: crate::hosted::HostedFiles,
    /// Set in sandbox mode: where the emulated platforms listen and how to reach our own intake.
    pub sandbox: Option<Arc<crate::sandbox::Sandbox>>,
    /// How each platform that keeps a connection or polls is receiving ([`crate::receive`]).
    pub receiving: Arc<crate::receive::board::Board>,
    /// The PostgreSQL database this instance shares with others, if it does.
    pub database: Option<Arc<crate::database::Database>>,
    /// The one writer: appends queue here and are committed in batches.
    writer: std::sync::mpsc::Sender<Job>,
}

/// `/files` handlers need only the hosted files.
impl axum::extract::FromRef<AppState> for crate::hosted::HostedFiles {
    fn from_ref(state: &AppState) -> Self {
        state.hosted.clone()
    }
}

enum Job {
    Append(Append, oneshot::Sender<anyhow::Result<Appended>>),
    /// A durable write outside `events`, to learn whether the log takes writes again.
    Probe(oneshot::Sender<Result<(), String>>),
}

/// Most events committed in one transaction.
const MAX_BATCH: usize = 512;

/// Rows up to this size travel to live streams whole; larger ones by seq, read from the log by
/// each stream, so the fan-out's buffer stays small ([`LIVE_BUFFER`] × this at most).
pub const LIVE_INLINE_BYTES: usize = 16 * 1024;

/// Committed rows the fan-out keeps for streams that are behind (a stream writes every
/// 20 ms at most: at 20 k rows/s that is 400 rows); one further behind reads the log instead.
const LIVE_BUFFER: usize = 2048;

/// A committed row, as live streams receive it.
#[derive(Debug, Clone)]
pub enum Live {
    Row(Arc<LiveRow>),
    /// Too large to hold for every stream: read it from the log.
    Large(i64),
    /// Who is looking at or typing in a conversation ([`switchboard_protocol::Presence`] as
    /// JSON): streamed as it happens, never stored.
    Presence(Arc<str>),
}

/// A row on its way to every live stream, turned into the stream's JSON once for all of them.
#[derive(Debug)]
pub struct LiveRow {
    pub event: Row,
    json: std::sync::OnceLock<String>,
}

impl LiveRow {
    pub fn new(event: Row) -> LiveRow {
        LiveRow {
            event,
            json: std::sync::OnceLock::new(),
        }
    }

    /// The row as `/api/events/stream` sends it (made by the first stream that needs it).
    pub fn json(&self) -> &str {
        self.json
            .get_or_init(|| serde_json::to_string(&self.event).unwrap_or_default())
    }
}

/// The last write failure, until a write succeeds again.
#[derive(Debug, Default)]
pub struct LogHealth {
    failure: std::sync::Mutex<Option<WriteFailure>>,
}

pub use switchboard_protocol::WriteFailure;

impl LogHealth {
    pub fn failure(&self) -> Option<WriteFailure> {
        self.lock().clone()
    }

    fn record(&self, outcome: Result<(), String>) {
        let mut failure = self.lock();
        match outcome {
            Ok(()) => *failure = None,
            Err(reason) => {
                let since_ms = failure.as_ref().map_or_else(now_ms, |known| known.since_ms);
                *failure = Some(WriteFailure { reason, since_ms });
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<WriteFailure>> {
        self.failure
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as i64)
}

/// An event to append, owning its data so it can cross into the blocking pool.
#[derive(Debug, Clone)]
pub struct Append {
    pub platform: Platform,
    pub direction: Direction,
    pub content_type: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub request_seq: Option<i64>,
    pub dedupe_key: Option<String>,
}

impl AppState {
    /// The state of a server keeping what it keeps in `database` (PostgreSQL) when given,
    /// else in `data_dir`.
    pub fn new(
        platforms: Platforms,
        secrets: Secrets,
        config: Config,
        data_dir: &std::path::Path,
        database: Option<Arc<crate::database::Database>>,
        shutting_down: watch::Receiver<bool>,
        sandbox: Option<Arc<crate::sandbox::Sandbox>>,
    ) -> anyhow::Result<AppState> {
        let log = crate::event_log::open(data_dir, database.as_ref())?;
        // On a thread of its own: a backend may block on a runtime, and this one may be async.
        let newest_seq = std::thread::scope(|scope| scope.spawn(|| log.last_seq()).join())
            .map_err(|_| anyhow::anyhow!("reading the event log panicked"))?
            .context("reading the event log")?;
        let hosted = match &database {
            Some(database) => crate::hosted::HostedFiles::on(database.clone())?,
            None => crate::hosted::HostedFiles::new(data_dir),
        };
        let (sessions, agents) = match &database {
            Some(database) => (
                crate::sessions::Sessions::on(database.clone())?,
                crate::agents::Agents::on(database.clone())?,
            ),
            None => (
                crate::sessions::Sessions::open(data_dir)?,
                crate::agents::Agents::open(data_dir)?,
            ),
        };
        let agents = Arc::new(agents);
        let setup_token = agents.is_empty()?.then(crate::secrets::random_token);
        let client = reqwest::Client::builder()
            // A redirect could lead anywhere: never follow one.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(config.upstream_timeout_secs.min(10)))
            .timeout(Duration::from_secs(config.upstream_timeout_secs))
            .build()
            .context("building the HTTP client")?;
        let media_client =
            crate::public_address::client(config.upstream_timeout_secs, sandbox.is_some())?;
        let newest = Arc::new(watch::channel(newest_seq).0);
        let live = broadcast::channel(LIVE_BUFFER).0;
        let health = Arc::new(LogHealth::default());
        let rejections =
            crate::rejections::RejectionLimiter::new(config.limits.rejected_per_minute);
        let large_bodies = Arc::new(tokio::sync::Semaphore::new(config.limits.large_bodies));
        // A log other instances write to as well: live rows come from the log, in seq order,
        // read by the tail whenever any instance commits; the writer only wakes it.
        let tail = if log.is_shared() {
            let wake = Arc::new(Wake::default());
            spawn_tail(Tail {
                log: log.clone(),
                after: newest_seq,
                newest: newest.clone(),
                live: live.clone(),
                wake: wake.clone(),
                shutting_down: shutting_down.clone(),
            })?;
            let woken = wake.clone();
            log.watch_commits(Arc::new(move || woken.wake()));
            Some(wake)
        } else {
            None
        };
        let writer = spawn_writer(Writer {
            log: log.clone(),
            newest: newest.clone(),
            live: live.clone(),
            health: health.clone(),
            tail,
        })?;
        let login_limits = match &database {
            Some(database) => crate::login_limits::LoginLimiter::on(database.clone())?,
            None => crate::login_limits::LoginLimiter::default(),
        };
        // Presence the other instances announce goes to this instance's streams.
        let presence = match &database {
            Some(database) => {
                let live = live.clone();
                crate::presence::Board::shared(
                    database.clone(),
                    Arc::new(move |json: &str| {
                        let _ = live.send(Live::Presence(Arc::from(json)));
                    }),
                )
            }
            None => crate::presence::Board::default(),
        };
        Ok(AppState(Arc::new(Shared {
            log,
            platforms,
            secrets,
            config,
            client,
            media_client,
            newest,
            live,
            rejections,
            large_bodies,
            health,
            shutting_down,
            hosted,
            sessions,
            agents,
            login_limits,
            password_checks: Arc::new(tokio::sync::Semaphore::new(2)),
            setup_token: std::sync::Mutex::new(setup_token),
            presence,
            sandbox,
            receiving: Arc::default(),
            database,
            writer,
        })))
    }

    /// The one-time token of the first admin's setup link, while the team has no agent.
    pub fn setup_token(&self) -> Option<String> {
        let mut token = self.lock_setup();
        if token.is_some() && !self.agents.is_empty().unwrap_or(false) {
            // An agent was added another way (`switchboard agent add`): the link is void.
            *token = None;
        }
        token.clone()
    }

    pub fn setup_token_matches(&self, candidate: &str) -> bool {
        self.setup_token()
            .is_some_and(|token| crate::secrets::constant_time_eq(candidate, &token))
    }

    /// The first admin exists: the setup link is used up.
    pub fn setup_done(&self) {
        *self.lock_setup() = None;
    }

    fn lock_setup(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.setup_token
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Streams `presence` to every live stream (never stored).
    pub fn announce(&self, presence: &switchboard_protocol::Presence) {
        if let Ok(json) = serde_json::to_string(presence) {
            let _ = self.live.send(Live::Presence(Arc::from(json)));
        }
        self.presence.spread(presence);
    }

    /// Queues an append for the writer and returns once the row is durable (live streams are
    /// woken by then).
    pub async fn append(&self, mut event: Append) -> anyhow::Result<Appended> {
        if let Some(rules) = self.platforms.get(event.platform) {
            redact_credentials(&mut event, &rules.credentials());
        }
        let (reply, outcome) = oneshot::channel();
        self.writer
            .send(Job::Append(event, reply))
            .map_err(|_| anyhow::anyhow!("the event log writer stopped"))?;
        outcome
            .await
            .map_err(|_| anyhow::anyhow!("the event log writer stopped"))?
    }

    /// Whether the log takes writes now. After a failure the writer is asked to prove it with a
    /// durable write, so a log that has room again reports healthy before the next webhook.
    pub async fn log_health(&self) -> Result<(), WriteFailure> {
        let Some(failure) = self.health.failure() else {
            return Ok(());
        };
        let (reply, outcome) = oneshot::channel();
        if self.writer.send(Job::Probe(reply)).is_err() {
            return Err(failure);
        }
        match tokio::time::timeout(Duration::from_secs(5), outcome).await {
            Ok(Ok(Ok(()))) => Ok(()),
            _ => Err(self.health.failure().unwrap_or(failure)),
        }
    }

    /// Refuses a media or storage URL that names a non-public address (in sandbox mode the
    /// platforms are loopback emulators, and so are their media).
    pub fn check_media_url(&self, url: &reqwest::Url) -> Result<(), String> {
        if self.sandbox.is_some() {
            return Ok(());
        }
        crate::public_address::check_literal(url)
    }

    pub async fn events_after(&self, after: i64, limit: usize) -> anyhow::Result<Vec<Row>> {
        Ok(self
            .events_after_within(after, limit, usize::MAX)
            .await?
            .events)
    }

    /// Like [`AppState::events_after`], stopping once the bodies pass `max_bytes`.
    pub async fn events_after_within(
        &self,
        after: i64,
        limit: usize,
        max_bytes: usize,
    ) -> anyhow::Result<Slice> {
        let log = self.log.clone();
        tokio::task::spawn_blocking(move || log.after_within(after, limit, max_bytes))
            .await
            .context("the event log reader stopped")?
            .context("reading the event log")
    }

    /// The newest events before `before`, in log order, bounded by count and body bytes.
    pub async fn events_before_within(
        &self,
        before: i64,
        limit: usize,
        max_bytes: usize,
    ) -> anyhow::Result<Slice> {
        let log = self.log.clone();
        tokio::task::spawn_blocking(move || log.before_within(before, limit, max_bytes))
            .await
            .context("the event log reader stopped")?
            .context("reading the event log")
    }
}

impl Append {
    fn as_new_event(&self) -> NewEvent<'_> {
        NewEvent {
            platform: self.platform,
            direction: self.direction,
            content_type: self.content_type.as_deref(),
            headers: &self.headers,
            body: &self.body,
            request_seq: self.request_seq,
            dedupe_key: self.dedupe_key.as_deref(),
        }
    }

    /// The row as stored at `seq` (headers redacted as the log redacts them).
    fn into_stored(self, seq: i64, received_at_ms: i64) -> Row {
        Row {
            seq,
            headers: redact(&self.headers),
            platform: self.platform,
            direction: self.direction,
            received_at_ms,
            content_type: self.content_type,
            body: self.body,
            request_seq: self.request_seq,
        }
    }
}

/// Credentials shorter than this are not searched for: they would match ordinary text.
const SHORTEST_REDACTED: usize = 8;

/// Every credential value in the row's body and header values replaced by `[redacted]`:
/// some travel inside bodies (wkteam's `sessionId`, E云's `wId`, WeCom callbacks' `token`),
/// where no header rule can see them.
fn redact_credentials(event: &mut Append, credentials: &[String]) {
    redact_body(&mut event.body, credentials);
    for credential in credentials {
        if credential.len() < SHORTEST_REDACTED {
            continue;
        }
        for (_, value) in &mut event.headers {
            if value.contains(credential.as_str()) {
                *value = value.replace(credential.as_str(), crate::event_log::REDACTED);
            }
        }
    }
}

/// Replaces every credential (of at least [`SHORTEST_REDACTED`] bytes) in `body`, in place;
/// a body that holds none is not copied.
pub fn redact_body(body: &mut Vec<u8>, credentials: &[String]) {
    for credential in credentials {
        let needle = credential.as_bytes();
        if needle.len() >= SHORTEST_REDACTED
            && body.windows(needle.len()).any(|window| window == needle)
        {
            *body = replace_all(body, needle, crate::event_log::REDACTED.as_bytes());
        }
    }
}

fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = rest
        .windows(needle.len())
        .position(|window| window == needle)
    {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// What the writer thread owns.
struct Writer {
    log: Arc<EventLog>,
    newest: Arc<watch::Sender<i64>>,
    live: broadcast::Sender<Live>,
    health: Arc<LogHealth>,
    /// Set when the log is shared: live rows are the tail's to send, the writer wakes it.
    tail: Option<Arc<Wake>>,
}

/// The writer thread: takes whatever appends are waiting (up to [`MAX_BATCH`]), commits them in
/// one transaction — one sync to disk — then answers each caller. Under load, batches grow by
/// themselves; alone, an append is committed at once. It outlives any failure: a full disk
/// fails the batch (and shows on `/healthz`) and the next batch tries again; a panic inside a
/// commit fails that batch only.
fn spawn_writer(writer: Writer) -> anyhow::Result<std::sync::mpsc::Sender<Job>> {
    let (sender, jobs) = std::sync::mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("event-log-writer".into())
        .spawn(move || {
            while let Ok(first) = jobs.recv() {
                // A log other instances append to: wait for the turn first, so what arrives
                // meanwhile joins this batch rather than waiting for the next turn.
                let turn = match &first {
                    Job::Append(..) => {
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| writer.log.turn()))
                            .unwrap_or_else(|panic| {
                                Err(LogError::Unreachable(format!(
                                    "taking a turn to append panicked: {}",
                                    panic_message(&panic)
                                )))
                            })
                    }
                    Job::Probe(_) => Ok(None),
                };
                let mut batch = Vec::new();
                let mut probes = Vec::new();
                let mut next = Some(first);
                while let Some(job) = next.take() {
                    match job {
                        Job::Append(append, reply) => batch.push((append, reply)),
                        Job::Probe(reply) => probes.push(reply),
                    }
                    if batch.len() < MAX_BATCH {
                        next = jobs.try_recv().ok();
                    }
                }
                if !batch.is_empty() {
                    writer.commit(batch, turn);
                }
                if !probes.is_empty() {
                    let outcome = writer.probe();
                    for reply in probes {
                        let _ = reply.send(outcome.clone());
                    }
                }
            }
        })
        .context("starting the event log writer")?;
    Ok(sender)
}

type Pending = (Append, oneshot::Sender<anyhow::Result<Appended>>);

impl Writer {
    fn commit(
        &self,
        batch: Vec<Pending>,
        turn: Result<Option<Box<dyn AppendTurn + '_>>, LogError>,
    ) {
        let committed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let events: Vec<NewEvent<'_>> = batch
                .iter()
                .map(|(append, _)| append.as_new_event())
                .collect();
            match turn {
                Ok(Some(turn)) => turn.append_batch(&events),
                Ok(None) => self.log.append_batch(&events),
                Err(error) => Err(error),
            }
        }));
        let batch_result = match committed {
            Ok(Ok(result)) => Ok(result),
            Ok(Err(error)) => Err(error.to_string()),
            Err(panic) => Err(format!("the writer panicked: {}", panic_message(&panic))),
        };
        let result = match batch_result {
            Ok(result) => result,
            Err(reason) => {
                tracing::error!("the event log refused a batch: {reason}");
                self.health.record(Err(reason.clone()));
                for (_, reply) in batch {
                    let _ =
                        reply.send(Err(anyhow::anyhow!("appending to the event log: {reason}")));
                }
                return;
            }
        };
        // SQLite may undo only the failing statement on a full disk and commit the rest: a
        // batch whose rows failed for want of space is a failing log all the same.
        let storage_failure = result.outcomes.iter().find_map(|outcome| match outcome {
            Err(error) if error.is_storage_failure() => Some(error.to_string()),
            _ => None,
        });
        self.health.record(storage_failure.map_or(Ok(()), Err));
        if let Some(tail) = &self.tail {
            tail.wake();
            for ((_, reply), outcome) in batch.into_iter().zip(result.outcomes) {
                let _ = reply.send(outcome.context("appending to the event log"));
            }
            return;
        }
        let stored = result
            .outcomes
            .iter()
            .filter_map(|outcome| match outcome {
                Ok(Appended::Stored(seq)) => Some(*seq),
                _ => None,
            })
            .max();
        if let Some(seq) = stored {
            raise(&self.newest, seq);
        }
        for ((append, reply), outcome) in batch.into_iter().zip(result.outcomes) {
            if let Ok(Appended::Stored(seq)) = outcome {
                // No receiver is fine: no stream is open.
                let _ = self.live.send(if append.body.len() <= LIVE_INLINE_BYTES {
                    Live::Row(Arc::new(LiveRow::new(
                        append.into_stored(seq, result.received_at_ms),
                    )))
                } else {
                    Live::Large(seq)
                });
            }
            let _ = reply.send(outcome.context("appending to the event log"));
        }
    }

    fn probe(&self) -> Result<(), String> {
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.log.probe_write()));
        let outcome = match outcome {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(error.to_string()),
            Err(panic) => Err(format!("the writer panicked: {}", panic_message(&panic))),
        };
        self.health.record(outcome.clone());
        outcome
    }
}

/// A wake-up for the tail: set by any number of wakers, taken by the one waiter.
#[derive(Default)]
pub struct Wake {
    woken: std::sync::Mutex<bool>,
    signal: std::sync::Condvar,
}

impl Wake {
    pub fn wake(&self) {
        *self
            .woken
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = true;
        self.signal.notify_one();
    }

    /// Waits until woken or `most` has passed.
    fn wait(&self, most: Duration) {
        let woken = self
            .woken
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (mut woken, _) = self
            .signal
            .wait_timeout_while(woken, most, |woken| !*woken)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *woken = false;
    }
}

/// How often the tail reads the log unwoken: a wake-up lost with a connection costs at most
/// this much delay.
const TAIL_UNWOKEN: Duration = Duration::from_secs(1);
/// Rows the tail reads at a time.
const TAIL_BATCH: usize = 512;
/// The least time between two reads of the tail. Under load every instance's every commit wakes
/// it, and a query per commit per instance cost the database more than the appends (measured:
/// with two instances, PostgreSQL's CPU per row went from ~60 µs to ~100 µs). A quiet log's row
/// still goes out at once; a busy one's go out together, at most this much later.
const TAIL_PACE: Duration = Duration::from_millis(10);

/// Follows a log that several instances write: every committed row, in seq order — which is
/// commit order, so reading after the last row sent skips nothing — goes to this instance's
/// live streams, whichever instance wrote it.
struct Tail {
    log: Arc<EventLog>,
    /// The last row sent.
    after: i64,
    newest: Arc<watch::Sender<i64>>,
    live: broadcast::Sender<Live>,
    wake: Arc<Wake>,
    shutting_down: watch::Receiver<bool>,
}

fn spawn_tail(mut tail: Tail) -> anyhow::Result<()> {
    std::thread::Builder::new()
        .name("event-log-tail".into())
        .spawn(move || {
            // Ends with the server: when it shuts down or its state is gone.
            while tail.shutting_down.has_changed().is_ok() && !*tail.shutting_down.borrow() {
                tail.wake.wait(TAIL_UNWOKEN);
                let read_at = Instant::now();
                tail.send_new_rows();
                // Wake-ups meanwhile are kept: the next read comes right after the pause.
                std::thread::sleep(TAIL_PACE.saturating_sub(read_at.elapsed()));
            }
        })
        .context("starting the event log tail")?;
    Ok(())
}

impl Tail {
    fn send_new_rows(&mut self) {
        if self.live.receiver_count() == 0 && self.skip_to_end() {
            return;
        }
        loop {
            let slice =
                match self
                    .log
                    .after_within(self.after, TAIL_BATCH, TAIL_BATCH * LIVE_INLINE_BYTES)
                {
                    Ok(slice) => slice,
                    Err(error) => {
                        tracing::warn!("the live tail could not read the log: {error}");
                        return;
                    }
                };
            for row in slice.events {
                self.after = row.seq;
                // No receiver is fine: no stream is open.
                let _ = self.live.send(if row.body.len() <= LIVE_INLINE_BYTES {
                    Live::Row(Arc::new(LiveRow::new(row)))
                } else {
                    Live::Large(row.seq)
                });
            }
            raise(&self.newest, self.after);
            if !slice.more {
                return;
            }
        }
    }

    /// With no live stream or watcher on this instance, rows read would go to no one: the tail
    /// moves to the log's end without reading them (an instance taking only webhooks reads
    /// nothing back). The end is read before the receivers are counted again, so a receiver
    /// that subscribed after that count reads the log itself up to at least this end in its
    /// catch-up, and one that subscribed before it is counted: no row is missed either way.
    /// `false`: someone listens after all, or the end could not be read; read the rows.
    fn skip_to_end(&mut self) -> bool {
        let end = match self.log.last_seq() {
            Ok(end) => end,
            Err(error) => {
                tracing::warn!("the live tail could not read the log's end: {error}");
                return false;
            }
        };
        if self.live.receiver_count() > 0 {
            return false;
        }
        self.after = self.after.max(end);
        raise(&self.newest, self.after);
        true
    }
}

/// Moves the newest seq up to `seq` (never down), telling its watchers only when it moved.
fn raise(newest: &watch::Sender<i64>, seq: i64) {
    newest.send_if_modified(|newest| {
        let grew = seq > *newest;
        *newest = (*newest).max(seq);
        grew
    });
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::event_log::{AnsweredLookup, Batch, LogStore, SqliteLog};

    /// SQLite, counting the rows the tail reads.
    struct Counted {
        log: SqliteLog,
        rows_read: AtomicUsize,
    }

    impl LogStore for Counted {
        fn append(&self, event: &NewEvent<'_>) -> Result<Appended, LogError> {
            self.log.append(event)
        }
        fn append_batch(&self, events: &[NewEvent<'_>]) -> Result<Batch, LogError> {
            self.log.append_batch(events)
        }
        fn probe_write(&self) -> Result<(), LogError> {
            self.log.probe_write()
        }
        fn after_within(&self, after: i64, limit: usize, most: usize) -> Result<Slice, LogError> {
            let slice = self.log.after_within(after, limit, most)?;
            self.rows_read
                .fetch_add(slice.events.len(), Ordering::Relaxed);
            Ok(slice)
        }
        fn desk_rows_after(&self, after: i64, limit: usize) -> Result<Slice, LogError> {
            self.log.desk_rows_after(after, limit)
        }
        fn before_within(&self, before: i64, limit: usize, most: usize) -> Result<Slice, LogError> {
            self.log.before_within(before, limit, most)
        }
        fn newest_answer_to(&self, p: Platform, path: &str) -> Result<Option<Vec<u8>>, LogError> {
            self.log.newest_answer_to(p, path)
        }
        fn newest_received(
            &self,
            p: Platform,
            receiver: &str,
            limit: usize,
        ) -> Result<Vec<Vec<u8>>, LogError> {
            self.log.newest_received(p, receiver, limit)
        }
        fn first_seq_since(&self, at_ms: i64) -> Result<i64, LogError> {
            self.log.first_seq_since(at_ms)
        }
        fn answered_lookups_since(
            &self,
            p: Platform,
            since: i64,
            limit: usize,
        ) -> Result<Vec<AnsweredLookup>, LogError> {
            self.log.answered_lookups_since(p, since, limit)
        }
        fn lookups_naming(
            &self,
            p: Platform,
            ids: &[String],
            per: usize,
        ) -> Result<Vec<Row>, LogError> {
            self.log.lookups_naming(p, ids, per)
        }
        fn last_seq(&self) -> Result<i64, LogError> {
            self.log.last_seq()
        }
    }

    fn append(log: &Counted, bodies: &[&str]) {
        for body in bodies {
            log.append_batch(&[NewEvent {
                platform: Platform::Douyin,
                direction: Direction::Inbound,
                content_type: None,
                headers: &[],
                body: body.as_bytes(),
                request_seq: None,
                dedupe_key: None,
            }])
            .unwrap();
        }
    }

    #[test]
    fn a_tail_nobody_listens_to_reads_no_rows_and_sends_a_new_receiver_what_comes_after() {
        let dir = tempfile::tempdir().unwrap();
        let counted = Arc::new(Counted {
            log: SqliteLog::open(&dir.path().join("events.sqlite")).unwrap(),
            rows_read: AtomicUsize::new(0),
        });
        let (_closing, shutting_down) = watch::channel(false);
        let live = broadcast::channel(LIVE_BUFFER).0;
        let mut tail = Tail {
            log: counted.clone(),
            after: 0,
            newest: Arc::new(watch::channel(0).0),
            live: live.clone(),
            wake: Arc::new(Wake::default()),
            shutting_down,
        };
        append(&counted, &["a", "b", "c"]);
        tail.send_new_rows();
        assert_eq!(counted.rows_read.load(Ordering::Relaxed), 0);
        assert_eq!((tail.after, *tail.newest.borrow()), (3, 3));

        // A stream subscribes, then catches up from the log: it reads 1..=3 itself, and the
        // tail sends only what comes after.
        let mut receiver = live.subscribe();
        append(&counted, &["d", "e"]);
        tail.send_new_rows();
        let sent: Vec<i64> = std::iter::from_fn(|| match receiver.try_recv() {
            Ok(Live::Row(row)) => Some(row.event.seq),
            _ => None,
        })
        .collect();
        assert_eq!(sent, [4, 5]);
        assert_eq!(counted.rows_read.load(Ordering::Relaxed), 2);
    }
}
