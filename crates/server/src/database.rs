//! The PostgreSQL database that any number of instances share (`serve --database`): what the
//! server keeps there (the event log, the team and its sessions, the webhook secrets), one
//! connection pool, and a small runtime of its own that drives it. The server's storage is
//! synchronous (one writer thread, readers on the blocking pool), so callers block on
//! [`Database::run`].
//!
//! Each part keeps its own tables and brings them up to date when it opens ([`Database::migrate`]):
//! its list of migrations, each applied once, recorded in `switchboard_migrations` by part and
//! number, under an advisory lock so instances starting together migrate once.

use std::future::Future;
use std::sync::Arc;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

/// Why the database did not do what it was asked.
#[derive(Debug)]
pub enum DatabaseError {
    /// No connection could be had (or a call could not be made).
    Unreachable(String),
    Postgres(tokio_postgres::Error),
}

impl std::fmt::Display for DatabaseError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseError::Unreachable(why) => {
                write!(formatter, "the database is unreachable: {why}")
            }
            DatabaseError::Postgres(error) => write_postgres_error(formatter, error),
        }
    }
}

/// A PostgreSQL error in a sentence: the database's own message and code where it gave one.
pub fn write_postgres_error(
    formatter: &mut std::fmt::Formatter<'_>,
    error: &tokio_postgres::Error,
) -> std::fmt::Result {
    match error.as_db_error() {
        Some(db) => write!(
            formatter,
            "PostgreSQL: {} ({})",
            db.message(),
            db.code().code()
        ),
        None => write!(formatter, "PostgreSQL: {error}"),
    }
}

impl std::error::Error for DatabaseError {}

impl From<tokio_postgres::Error> for DatabaseError {
    fn from(error: tokio_postgres::Error) -> DatabaseError {
        DatabaseError::Postgres(error)
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as i64)
}

/// Taken while migrating.
const MIGRATE_LOCK: i64 = 0x5357_4c4f_4702;

/// Connections one instance keeps to the database at most.
const POOL_SIZE: usize = 16;

/// The longest a caller waits for a connection (from the pool, or a new one).
const WAIT_MOST: std::time::Duration = std::time::Duration::from_secs(5);

/// Every connection's bounds, so a database that stalls, or an instance whose host dies, holds
/// nobody for long: a statement or a wait for a lock fails after 15 s; a transaction left idle
/// (its client gone quiet) is ended after 10 s, releasing its locks; and the server drops a
/// connection whose peer stopped answering TCP keepalives (5 s idle, 3 probes 2 s apart), which
/// frees a dead instance's leads in about 11 s instead of the system's default two hours. The
/// URL's own `options` come first and stay.
fn bound(config: &mut tokio_postgres::Config) {
    const BOUNDS: &str = "-c statement_timeout=15000 -c lock_timeout=15000 \
        -c idle_in_transaction_session_timeout=10000 -c tcp_keepalives_idle=5 \
        -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3 -c tcp_user_timeout=11000";
    let options = match config.get_options() {
        Some(given) if !given.is_empty() => format!("{given} {BOUNDS}"),
        _ => BOUNDS.to_owned(),
    };
    config
        .options(&options)
        .connect_timeout(WAIT_MOST)
        .keepalives(true)
        .keepalives_idle(std::time::Duration::from_secs(5));
}

pub struct Database {
    /// Runs the pool's connections; `None` only while dropping.
    runtime: Option<tokio::runtime::Runtime>,
    pool: Pool,
    /// For connections of their own (a watch, a lock held), outside the pool.
    config: tokio_postgres::Config,
}

impl Database {
    /// Connects to the database at `url` (`postgres://user:password@host:port/name`) and brings
    /// its schema up to date.
    pub fn open(url: &str) -> Result<Arc<Database>, DatabaseError> {
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|error| DatabaseError::Unreachable(format!("the database URL: {error}")))?;
        bound(&mut config);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("postgres")
            .enable_all()
            .build()
            .map_err(|error| {
                DatabaseError::Unreachable(format!("starting its runtime: {error}"))
            })?;
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(WAIT_MOST))
            .create_timeout(Some(WAIT_MOST))
            .recycle_timeout(Some(WAIT_MOST))
            .build()
            .map_err(|error| DatabaseError::Unreachable(error.to_string()))?;
        Ok(Arc::new(Database {
            runtime: Some(runtime),
            pool,
            config,
        }))
    }

    /// Runs `work` on the database's runtime and waits for it. From a thread inside another
    /// runtime (the server's blocking pool, or async code at start) it waits on a thread of its
    /// own: a runtime cannot be blocked on from inside another.
    pub fn run<T: Send, E: From<DatabaseError> + Send>(
        &self,
        work: impl Future<Output = Result<T, E>> + Send,
    ) -> Result<T, E> {
        let runtime = self.runtime.as_ref().expect("held until dropped");
        if tokio::runtime::Handle::try_current().is_err() {
            return runtime.block_on(work);
        }
        std::thread::scope(|scope| {
            scope
                .spawn(|| runtime.block_on(work))
                .join()
                .unwrap_or_else(|_| {
                    Err(DatabaseError::Unreachable("a database call panicked".into()).into())
                })
        })
    }

    /// Runs `task` on the database's runtime, in the background.
    pub fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        self.runtime
            .as_ref()
            .expect("held until dropped")
            .spawn(task);
    }

    /// Runs `work` on the database's runtime and awaits it from any other runtime, blocking
    /// no thread. It runs to its end even if the caller stops waiting.
    pub async fn run_async<T: Send + 'static>(
        &self,
        work: impl Future<Output = T> + Send + 'static,
    ) -> Result<T, DatabaseError> {
        self.runtime
            .as_ref()
            .expect("held until dropped")
            .spawn(work)
            .await
            .map_err(|error| DatabaseError::Unreachable(format!("a database call failed: {error}")))
    }

    /// A pooled connection.
    pub async fn client(&self) -> Result<Object, DatabaseError> {
        self.pool
            .get()
            .await
            .map_err(|error| DatabaseError::Unreachable(error.to_string()))
    }

    /// Runs one statement on a pooled connection and waits; the rows it changed.
    pub fn execute(
        &self,
        statement: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<u64, DatabaseError> {
        self.run(async { Ok(self.client().await?.execute(statement, params).await?) })
    }

    /// How to connect, for a connection of one's own.
    pub fn config(&self) -> &tokio_postgres::Config {
        &self.config
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        // Never blocks, so dropping is safe anywhere, async code included.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Database {
    /// Brings `part`'s tables up to date: applies its `steps` not applied yet, in order, in one
    /// transaction, each recorded by its number (its place in `steps`, from 1). Never edit a
    /// step that has shipped: add one.
    pub fn migrate(&self, part: &str, steps: &[&str]) -> Result<(), DatabaseError> {
        self.run(async {
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            transaction
                .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])
                .await?;
            transaction
                .batch_execute(
                    "CREATE TABLE IF NOT EXISTS switchboard_migrations (
                        part TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        applied_at_ms BIGINT NOT NULL,
                        PRIMARY KEY (part, version)
                    )",
                )
                .await?;
            let applied: i32 = transaction
                .query_one(
                    "SELECT COALESCE(MAX(version), 0) FROM switchboard_migrations WHERE part = $1",
                    &[&part],
                )
                .await?
                .get(0);
            for (index, step) in steps.iter().enumerate() {
                let version = index as i32 + 1;
                if version <= applied {
                    continue;
                }
                transaction.batch_execute(step).await?;
                transaction
                    .execute(
                        "INSERT INTO switchboard_migrations (part, version, applied_at_ms) VALUES ($1, $2, $3)",
                        &[&part, &version, &now_ms()],
                    )
                    .await?;
            }
            transaction.commit().await?;
            Ok(())
        })
    }
}

/// How often an instance asks for a lead it does not hold, and checks one it holds.
const LEAD_EVERY: std::time::Duration = std::time::Duration::from_secs(1);
/// How long the database may take to answer a lead's check before the lead counts as lost.
const LEASE_ANSWER_MOST: std::time::Duration = std::time::Duration::from_secs(4);

/// The leads: one instance at a time does each of these. Fixed numbers (they are the
/// database's, across versions of the server).
pub mod leads {
    use switchboard_payload::Platform;

    /// Receiving for `platform` (its Blaze connection, push socket or pull).
    pub fn receiving(platform: Platform) -> i64 {
        0x5357_4c4f_4800
            + match platform {
                Platform::Yunhu => 1,
                Platform::Douyin => 2,
                Platform::Wecom => 3,
                Platform::Mixin => 4,
                Platform::Wechat => 5,
            }
    }

    /// The team-wide background work: profile lookups and automatic assignment.
    pub const BACKGROUND: i64 = 0x5357_4c4f_4900;
}

/// A lead held: a session-level advisory lock on a connection of its own. Dropped (or its
/// connection lost), the lock is released and another instance takes the lead.
pub struct Lease {
    client: tokio_postgres::Client,
    closed: tokio::sync::oneshot::Receiver<()>,
}

impl Database {
    /// Waits until this instance holds the lead for `key` (one instance at a time across all
    /// that share the database), asking every [`LEAD_EVERY`].
    pub async fn lead(&self, key: i64) -> Lease {
        loop {
            match self.stand_by(key).await {
                Ok(lease) => return lease,
                Err(error) => tracing::warn!("asking for the lead: {error}"),
            }
            tokio::time::sleep(LEAD_EVERY).await;
        }
    }

    /// Asks for the lead on one connection of its own until it is granted (the lock is the
    /// connection's) or the connection fails.
    async fn stand_by(&self, key: i64) -> Result<Lease, DatabaseError> {
        let (client, connection) = self.config.connect(NoTls).await?;
        let (closed_sender, mut closed) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            let _ = connection.await;
            let _ = closed_sender.send(());
        });
        loop {
            let held: bool = client
                .query_one("SELECT pg_try_advisory_lock($1)", &[&key])
                .await?
                .get(0);
            if held {
                return Ok(Lease { client, closed });
            }
            tokio::select! {
                _ = &mut closed => {
                    return Err(DatabaseError::Unreachable("the connection asking for the lead closed".into()));
                }
                _ = tokio::time::sleep(LEAD_EVERY) => {}
            }
        }
    }
}

impl Lease {
    /// Resolves once the lead may be lost: the connection closed, or the database stopped
    /// answering it. The holder stops leading then; the lock goes with the connection.
    pub async fn lost(&mut self) {
        loop {
            tokio::select! {
                _ = &mut self.closed => return,
                _ = tokio::time::sleep(LEAD_EVERY) => {
                    // Generous: on a loaded machine a second is no proof the database is gone.
                    let answered = tokio::time::timeout(LEASE_ANSWER_MOST, self.client.simple_query("SELECT 1")).await;
                    if !matches!(answered, Ok(Ok(_))) {
                        return;
                    }
                }
            }
        }
    }
}

/// Notifications a listener holds at most before `heard` takes them.
const NOTIFICATIONS_QUEUED: usize = 4096;

/// Listens on `channel` on a connection of its own (by `config`, so no task holds the
/// [`Database`] and keeps it from being dropped): calls `listening` once the `LISTEN` is
/// in effect (what was said before it is not heard: read again what matters), then `heard`
/// with every notification's payload, in order. Returns when the connection is lost.
pub async fn listen(
    config: &tokio_postgres::Config,
    channel: &str,
    listening: &(dyn Fn() + Send + Sync),
    heard: &(dyn Fn(&str) + Send + Sync),
) -> Result<(), DatabaseError> {
    use futures_util::StreamExt;
    let (client, mut connection) = config.connect(NoTls).await?;
    // Bounded: should `heard` fall behind, what the channel cannot hold is dropped (a wake-up
    // or a presence; both are repeated).
    let (notifications, mut received) = tokio::sync::mpsc::channel(NOTIFICATIONS_QUEUED);
    let channel_name = channel.to_owned();
    // The connection is driven here, by polling its messages: notifications arrive among
    // them.
    let driver = tokio::spawn(async move {
        let mut messages =
            futures_util::stream::poll_fn(move |context| connection.poll_message(context));
        while let Some(message) = messages.next().await {
            match message {
                Ok(tokio_postgres::AsyncMessage::Notification(notification)) => {
                    if let Err(tokio::sync::mpsc::error::TrySendError::Closed(_)) =
                        notifications.try_send(notification)
                    {
                        return;
                    }
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!("the connection listening on {channel_name} failed: {error}");
                    return;
                }
            }
        }
    });
    client.batch_execute(&format!("LISTEN {channel}")).await?;
    listening();
    while let Some(notification) = received.recv().await {
        heard(notification.payload());
    }
    driver.abort();
    Err(DatabaseError::Unreachable(format!(
        "the connection listening on {channel} closed"
    )))
}
