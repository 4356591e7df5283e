//! The PostgreSQL database that any number of instances share (`serve --database`): what the
//! server keeps there (the event log, the team and its sessions, the webhook secrets), one
//! connection pool, and a small runtime of its own that drives it. The server's storage is
//! synchronous (one writer thread, readers on the blocking pool), so callers block on
//! [`Database::run`].
//!
//! The schema is a list of migrations, applied in order at start, each once, recorded in
//! `switchboard_migrations`, under an advisory lock so instances starting together migrate once.

use std::future::Future;
use std::sync::Arc;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use crate::event_log::{LogError, now_ms};

/// Taken while migrating.
const MIGRATE_LOCK: i64 = 0x5357_4c4f_4702;

/// Connections one instance keeps to the database at most.
const POOL_SIZE: usize = 16;

/// The schema, one migration after another: each is applied once, in its own transaction, and
/// recorded by its number (its place here, from 1). Never edit one that has shipped: add one.
pub fn migrations() -> Vec<String> {
    vec![
        crate::event_log::postgres_schema(),
        crate::agents::postgres_schema().to_owned(),
        crate::hosted::POSTGRES_SCHEMA.to_owned(),
    ]
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
    pub fn open(url: &str) -> Result<Arc<Database>, LogError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|error| LogError::Unreachable(format!("the database URL: {error}")))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("postgres")
            .enable_all()
            .build()
            .map_err(|error| LogError::Unreachable(format!("starting its runtime: {error}")))?;
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
            .build()
            .map_err(|error| LogError::Unreachable(error.to_string()))?;
        let database = Database {
            runtime: Some(runtime),
            pool,
            config,
        };
        database.run(async {
            let mut client = database.client().await?;
            migrate(&mut client).await
        })?;
        Ok(Arc::new(database))
    }

    /// Runs `work` on the database's runtime and waits for it. From a thread inside another
    /// runtime (the server's blocking pool, or async code at start) it waits on a thread of its
    /// own: a runtime cannot be blocked on from inside another.
    pub fn run<T: Send>(
        &self,
        work: impl Future<Output = Result<T, LogError>> + Send,
    ) -> Result<T, LogError> {
        let runtime = self.runtime.as_ref().expect("held until dropped");
        if tokio::runtime::Handle::try_current().is_err() {
            return runtime.block_on(work);
        }
        std::thread::scope(|scope| {
            scope
                .spawn(|| runtime.block_on(work))
                .join()
                .unwrap_or_else(|_| Err(LogError::Unreachable("a database call panicked".into())))
        })
    }

    /// Runs `task` on the database's runtime, in the background.
    pub fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        self.runtime
            .as_ref()
            .expect("held until dropped")
            .spawn(task);
    }

    /// A pooled connection.
    pub async fn client(&self) -> Result<Object, LogError> {
        self.pool
            .get()
            .await
            .map_err(|error| LogError::Unreachable(error.to_string()))
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

async fn migrate(client: &mut Object) -> Result<(), LogError> {
    let transaction = client.transaction().await?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])
        .await?;
    transaction
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS switchboard_migrations (
                version INTEGER PRIMARY KEY,
                applied_at_ms BIGINT NOT NULL
            )",
        )
        .await?;
    let applied: i32 = transaction
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM switchboard_migrations",
            &[],
        )
        .await?
        .get(0);
    for (index, migration) in migrations().iter().enumerate() {
        let version = index as i32 + 1;
        if version <= applied {
            continue;
        }
        transaction.batch_execute(migration).await?;
        transaction
            .execute(
                "INSERT INTO switchboard_migrations (version, applied_at_ms) VALUES ($1, $2)",
                &[&version, &now_ms()],
            )
            .await?;
    }
    transaction.commit().await?;
    Ok(())
}

/// How often an instance asks for a lead it does not hold, and checks one it holds.
const LEAD_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

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
            match self.try_lead(key).await {
                Ok(Some(lease)) => return lease,
                Ok(None) => {}
                Err(error) => tracing::warn!("asking for the lead: {error}"),
            }
            tokio::time::sleep(LEAD_EVERY).await;
        }
    }

    async fn try_lead(&self, key: i64) -> Result<Option<Lease>, LogError> {
        let (client, connection) = self.config.connect(NoTls).await?;
        let (closed_sender, closed) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            let _ = connection.await;
            let _ = closed_sender.send(());
        });
        let held: bool = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&key])
            .await?
            .get(0);
        Ok(held.then_some(Lease { client, closed }))
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
                    let answered = tokio::time::timeout(LEAD_EVERY, self.client.simple_query("SELECT 1")).await;
                    if !matches!(answered, Ok(Ok(_))) {
                        return;
                    }
                }
            }
        }
    }
}
