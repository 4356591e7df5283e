//! The event log in PostgreSQL, for any number of `switchboard serve` instances on one database
//! (`--database postgres://…`).
//!
//! **Seq is commit order.** With concurrent writers an identity column alone is not: a
//! transaction that took seq 10 can commit after one that took 11, and a reader that already
//! passed 11 would skip 10 forever. Here every appending transaction first takes one
//! transaction-scoped advisory lock ([`APPEND_LOCK`]) and only then draws its seqs, so
//! appends — from this instance's writer or any other's — commit one after another in seq
//! order: the lock is released only once the commit is visible, and the next holder draws
//! higher seqs. Each instance commits its appends in batches (the writer thread), so the lock
//! is taken once per batch, not per row.
//!
//! **The lock is not held through the disk's flush.** An appending transaction commits with
//! `synchronous_commit` off, so it returns (and frees the lock) once its commit is in the WAL
//! buffer; only then does its writer wait for the flush, with a synchronous commit of its own
//! row in [`DURABLE`] naming the newest committed seq ([`flush`]). While one instance waits for
//! the disk, the next holds the lock, and concurrent flushes share one fsync (PostgreSQL's
//! group commit). Held through the flush, the lock allowed one commit per fsync to all
//! instances together. The insert, its commit and the flush are sent together
//! ([`insert_and_flush`]): the lock is held across no other round trip to this process than
//! the turn's (the writer gathers its batch once the lock is granted, see [`LogStore::turn`])
//! and, when the batch carries delivery ids, their lookup.
//! Readers read only up to the highest seq in [`DURABLE`]: the WAL is flushed in order, so a
//! row at or below a seq whose commit was flushed is on disk too, and no reader is ever shown
//! a row a crash of the database could take back (whose seq the next append would draw
//! again). A reader that sees seq N therefore sees every row below N, and `after=N` (the
//! stream's `Last-Event-ID`) is exact on any instance. An append is acknowledged only after
//! its flush.
//!
//! The server's storage layer is synchronous (one writer thread, readers on the blocking pool),
//! the same shape for SQLite and PostgreSQL; this backend runs `tokio-postgres` and its
//! `deadpool-postgres` pool on a small runtime of its own and blocks on it.

use std::future::Future;
use std::sync::Arc;

use deadpool_postgres::{GenericClient, Object};

use crate::database::Database;

use super::queries::{self, for_postgres};
use super::store::{
    AnsweredLookup, AppendTurn, Appended, Batch, Direction, LOOKUPS_SCANNED, LogError, LogStore,
    LookupPicker, NewEvent, Platform, RECEIVED_BODY_MOST, Row, Slice, like_escaped,
    like_escaped_pair, lookup_condition, lookup_pattern, now_ms, redact,
};

/// Taken by every appending transaction: appends commit in seq order (see the module's doc).
const APPEND_LOCK: i64 = 0x5357_4c4f_4701;

/// The channel every writer notifies once its appends are durable (see [`DURABLE`]).
const COMMITS: &str = "switchboard_commits";
/// A writer notifies [`COMMITS`] at most this often (and always after its last flush): the
/// readers it wakes read at most every 10 ms anyway, and a notification per commit was a
/// transaction per commit, under a lock of the whole database.
const NOTIFY_EVERY: std::time::Duration = std::time::Duration::from_millis(5);
/// A row per writer (a log opened by an instance): the newest seq its flushed commits cover.
/// The log's readable end is the highest (see the module's doc).
const DURABLE: &str = "events_durable";
/// Where readers stop: the newest seq known to be on disk.
const READABLE_END: &str = "(SELECT COALESCE(MAX(seq), 0) FROM events_durable)";
/// How long a lost watch waits before it connects again.
const WATCH_RETRY: std::time::Duration = std::time::Duration::from_secs(1);

/// Lookup requests read per round trip while [`LogStore::lookups_naming`] looks through them.
const LOOKUPS_PER_READ: i64 = 500;

const COLUMNS: &str =
    "seq, platform, direction, received_at_ms, content_type, headers, body, request_seq";

/// The event log's tables: its first migration ([`Database::migrate`]).
pub fn schema() -> String {
    format!(
        "CREATE TABLE events (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            platform TEXT NOT NULL,
            direction TEXT NOT NULL
                CHECK (direction IN ('inbound', 'outbound', 'response', 'pulled', 'rejected', 'desk')),
            received_at_ms BIGINT NOT NULL,
            content_type TEXT,
            headers TEXT NOT NULL,
            body BYTEA NOT NULL,
            request_seq BIGINT REFERENCES events (seq),
            dedupe_key TEXT,
            UNIQUE (platform, dedupe_key)
        );
        CREATE INDEX events_answers ON events (request_seq) WHERE request_seq IS NOT NULL;
        CREATE INDEX lookup_requests ON events (platform, seq) WHERE {lookups};
        CREATE FUNCTION switchboard_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'the event log is append-only'; END $$;
        CREATE TRIGGER events_are_append_only BEFORE UPDATE OR DELETE ON events
            FOR EACH ROW EXECUTE FUNCTION switchboard_refuse_change();
        CREATE TRIGGER events_are_never_emptied BEFORE TRUNCATE ON events
            FOR EACH STATEMENT EXECUTE FUNCTION switchboard_refuse_change();
        CREATE TABLE writer_probe (id INTEGER PRIMARY KEY, at_ms BIGINT NOT NULL, filler BYTEA);",
        lookups = lookup_condition()
    )
}

/// The second migration: the readable end ([`DURABLE`]). Rows stored before it were committed
/// synchronously, so all of them are durable.
const DURABLE_SCHEMA: &str =
    "CREATE TABLE events_durable (writer BIGINT PRIMARY KEY, seq BIGINT NOT NULL);
    INSERT INTO events_durable (writer, seq) SELECT 0, COALESCE(MAX(seq), 0) FROM events;";

pub struct PostgresLog {
    database: Arc<Database>,
    /// This log's row in [`DURABLE`].
    writer: i64,
    /// Told after every flush; the notifier wakes the readers ([`notify_commits`]).
    flushed: Arc<tokio::sync::Notify>,
}

impl PostgresLog {
    /// Connects to the database at `url` (`postgres://user:password@host:port/name`) and brings
    /// its schema up to date.
    pub fn open(url: &str) -> Result<PostgresLog, LogError> {
        PostgresLog::on(Database::open(url)?)
    }

    /// The log in a database already open, its tables brought up to date.
    pub fn on(database: Arc<Database>) -> Result<PostgresLog, LogError> {
        database.migrate("events", &[&schema(), DURABLE_SCHEMA])?;
        let flushed = Arc::new(tokio::sync::Notify::new());
        database.spawn(notify_commits(Arc::downgrade(&database), flushed.clone()));
        let log = PostgresLog {
            database,
            writer: getrandom::u64()
                .map_err(|error| LogError::Unreachable(format!("no randomness: {error}")))?
                as i64,
            flushed,
        };
        // Rows of writers gone before (each start is a new writer) say no more than the
        // highest: keep that one. A live writer whose row goes writes it again.
        log.run(async {
            log.client()
                .await?
                .batch_execute(&format!(
                    "DELETE FROM {DURABLE} WHERE seq < (SELECT MAX(seq) FROM {DURABLE})"
                ))
                .await?;
            Ok(())
        })?;
        Ok(log)
    }

    fn run<T: Send>(
        &self,
        work: impl Future<Output = Result<T, LogError>> + Send,
    ) -> Result<T, LogError> {
        self.database.run(work)
    }

    async fn client(&self) -> Result<Object, LogError> {
        Ok(self.database.client().await?)
    }

    /// Rows with seq in `seqs`, in log order.
    async fn rows_at(&self, client: &Object, seqs: &[i64]) -> Result<Vec<Row>, LogError> {
        let statement = client
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM events WHERE seq = ANY($1) AND seq <= {READABLE_END}
                 ORDER BY seq"
            ))
            .await?;
        client
            .query(&statement, &[&seqs])
            .await?
            .iter()
            .map(row_from_sql)
            .collect()
    }

    /// The rows a page of `(seq, body size)` allows within `limit` rows and `max_bytes` of
    /// bodies (at least one), and whether more matched: sized first, so a page never holds more
    /// bodies than it returns.
    async fn bounded_page(
        &self,
        client: &Object,
        sizes: &[tokio_postgres::Row],
        limit: usize,
        max_bytes: usize,
    ) -> Result<Slice, LogError> {
        let mut seqs = Vec::new();
        let mut bytes = 0usize;
        let mut more = false;
        for size in sizes {
            let body_bytes = usize::try_from(size.get::<_, i32>(1)).unwrap_or(0);
            if seqs.len() == limit
                || (!seqs.is_empty() && bytes.saturating_add(body_bytes) > max_bytes)
            {
                more = true;
                break;
            }
            bytes += body_bytes;
            seqs.push(size.get::<_, i64>(0));
        }
        Ok(Slice {
            events: self.rows_at(client, &seqs).await?,
            more,
        })
    }
}

/// A connection in an appending transaction that holds [`APPEND_LOCK`] (`PostgresLog::turn`).
struct PostgresTurn<'a> {
    log: &'a PostgresLog,
    /// Taken out once the append committed; still here when the turn is dropped unused, failed
    /// or panicked.
    client: Option<Object>,
}

impl AppendTurn for PostgresTurn<'_> {
    fn append_batch(mut self: Box<Self>, events: &[NewEvent<'_>]) -> Result<Batch, LogError> {
        let received_at_ms = now_ms();
        let writer = self.log.writer;
        // Borrowed, not taken: if anything below fails or panics, the turn still holds the
        // connection and its `Drop` keeps it out of the pool.
        let client = self.client.as_mut().expect("a turn appends once");
        let outcomes = self.log.run(async {
            // Under the lock: no duplicate can be stored meanwhile.
            let planned = Planned::read(&*client, events).await?;
            match insert_and_flush(client, None, &planned, received_at_ms, writer).await {
                Ok(seqs) => planned.outcomes(seqs),
                // One row failed (and with it the transaction, rolled back): again, a
                // savepoint a row (the lock is taken again; rows that came meanwhile from
                // elsewhere come first).
                Err(Unstored::Refused(error)) => {
                    append_each_and_flush(client, writer, events, received_at_ms, error).await
                }
                Err(Unstored::Failed(error)) => Err(error),
            }
        })?;
        self.log.flushed.notify_one();
        // Committed and flushed (or rolled back and appended anew): the connection is clean
        // again.
        drop(self.client.take());
        Ok(Batch {
            received_at_ms,
            outcomes,
        })
    }
}

impl Drop for PostgresTurn<'_> {
    fn drop(&mut self) {
        // Unused, failed or panicked: closing the connection ends its transaction and frees the
        // lock; back in the pool, it would hold both.
        if let Some(client) = self.client.take() {
            drop(Object::take(client));
        }
    }
}

/// How every appending transaction starts: READ COMMITTED whatever the database's default
/// (each statement then sees what committed before it, the previous lock holder's rows
/// included), committing without waiting for the disk ([`flush`] waits, after the lock is
/// free).
const APPEND_SETTINGS: &str =
    "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit TO off";

/// What opens an appending transaction ([`APPEND_SETTINGS`]) and takes [`APPEND_LOCK`], in one
/// round trip.
fn begin_locked() -> String {
    format!("BEGIN; {APPEND_SETTINGS}; SELECT pg_advisory_xact_lock({APPEND_LOCK})")
}

/// An appending transaction ([`APPEND_SETTINGS`]) holding [`APPEND_LOCK`].
async fn begin_append(client: &mut Object) -> Result<deadpool_postgres::Transaction<'_>, LogError> {
    let transaction = client.transaction().await?;
    transaction.batch_execute(APPEND_SETTINGS).await?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&APPEND_LOCK])
        .await?;
    Ok(transaction)
}

/// What `writer` says once its appends committed (without waiting for the disk, to free the
/// lock: [`APPEND_SETTINGS`]): a synchronous commit of its row in [`DURABLE`], which waits for
/// the flush of every commit before it in the WAL — the appends' and those of every seq they
/// found already stored — then names the newest committed seq as readable. Every seq at or
/// below the newest committed one is committed too (seqs are drawn under the lock), and flushed
/// (its commit came first). Every instance's readers are woken after it ([`notify_commits`]).
fn flush(writer: i64) -> String {
    format!(
        "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit TO on;
         INSERT INTO {DURABLE} (writer, seq) SELECT {writer}, COALESCE(MAX(seq), 0) FROM events
             ON CONFLICT (writer) DO UPDATE SET seq = GREATEST({DURABLE}.seq, EXCLUDED.seq);
         COMMIT"
    )
}

/// Wakes every instance's readers after this writer's flushes: a `NOTIFY` on [`COMMITS`] once
/// `flushed` is told, at most every [`NOTIFY_EVERY`], so a burst of commits costs a few
/// notifications and its last one is still followed by one. The notification commits without
/// waiting for the disk (it is no row), and apart from the appends: a notifying commit holds a
/// lock of the whole database until it ends. Holds the database weakly: it ends with it.
async fn notify_commits(database: std::sync::Weak<Database>, flushed: Arc<tokio::sync::Notify>) {
    loop {
        // A flush told meanwhile left a permit: the last of a burst is never lost.
        flushed.notified().await;
        let sent_at = tokio::time::Instant::now();
        let Some(database) = database.upgrade() else {
            return;
        };
        let notified = async {
            database
                .client()
                .await?
                .batch_execute(&format!(
                    "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit TO off;
                     NOTIFY {COMMITS}; COMMIT"
                ))
                .await?;
            Ok::<_, crate::database::DatabaseError>(())
        };
        if let Err(error) = notified.await {
            // The readers still read every second unwoken.
            tracing::warn!("waking the log's readers: {error}");
        }
        drop(database);
        tokio::time::sleep_until(sent_at + NOTIFY_EVERY).await;
    }
}

/// Appends new rows in one statement (each column an array, unnested). Under the lock nobody
/// else draws seqs, and an `INSERT … SELECT` draws them in the order the `SELECT` yields rows
/// (`ORDER BY` its ordinality): the returned seqs, sorted, are the rows' in the order given.
const INSERT_ROWS: &str = "INSERT INTO events (platform, direction, received_at_ms, content_type, headers, body, request_seq, dedupe_key)
     SELECT platform, direction, $3, content_type, headers, body, request_seq, dedupe_key
     FROM UNNEST($1::TEXT[], $2::TEXT[], $4::TEXT[], $5::TEXT[], $6::BYTEA[], $7::BIGINT[], $8::TEXT[])
         WITH ORDINALITY AS new (platform, direction, content_type, headers, body, request_seq, dedupe_key, place)
     ORDER BY place
     RETURNING seq";

/// Why [`insert_and_flush`] stored nothing it can vouch for.
enum Unstored {
    /// The transaction was refused and rolled back (a row failed, the lock did not come):
    /// nothing was stored, so the batch may be appended again a row at a time.
    Refused(tokio_postgres::Error),
    /// Anything else: the connection was lost, or the commit went through and its flush
    /// failed. Appending again could store the rows twice.
    Failed(LogError),
}

impl From<LogError> for Unstored {
    fn from(error: LogError) -> Unstored {
        Unstored::Failed(error)
    }
}

impl From<tokio_postgres::Error> for Unstored {
    fn from(error: tokio_postgres::Error) -> Unstored {
        Unstored::Failed(error.into())
    }
}

/// Appends `events` in one transaction under [`APPEND_LOCK`] and waits for its flush, in one
/// round trip once the batch is planned (see [`insert_and_flush`]). The first failing row fails
/// the whole call (the transaction is rolled back), and the caller tries again a row at a time.
async fn append_together(
    client: &Object,
    writer: i64,
    events: &[NewEvent<'_>],
    received_at_ms: i64,
) -> Result<Vec<Result<Appended, LogError>>, Unstored> {
    let planned = Planned::read(client, events).await?;
    let seqs = insert_and_flush(
        client,
        Some(&begin_locked()),
        &planned,
        received_at_ms,
        writer,
    )
    .await?;
    Ok(planned.outcomes(seqs)?)
}

/// Inserts the planned rows in the transaction `begin` opens (or the one open), commits, and
/// waits for the flush ([`flush`]): every request goes out at once (pipelined), so once the
/// insert is sent the lock is held only while the database works. After a
/// failed insert the transaction is aborted, and its `COMMIT` ends it as `ROLLBACK`. Returns
/// the new rows' seqs.
async fn insert_and_flush(
    client: &Object,
    begin: Option<&str>,
    planned: &Planned<'_, '_>,
    received_at_ms: i64,
    writer: i64,
) -> Result<Vec<i64>, Unstored> {
    if planned.new_rows.is_empty() {
        // Only duplicates: nothing to insert (no transaction to open, or the open one to end),
        // their rows' flush to wait for.
        let commit = if begin.is_some() { "" } else { "COMMIT;" };
        client
            .batch_execute(&format!("{commit} {}", flush(writer)))
            .await?;
        return Ok(Vec::new());
    }
    let end = format!("COMMIT; {}", flush(writer));
    let insert = client.prepare_cached(INSERT_ROWS).await?;
    let columns = Columns::of(&planned.new_rows);
    let params = columns.params(&received_at_ms);
    // Joined, not tried: every request goes out, whichever fails.
    let (begun, inserted, ended) = futures_util::join!(
        async {
            match begin {
                Some(begin) => client.batch_execute(begin).await,
                None => Ok(()),
            }
        },
        client.query(&insert, &params),
        client.batch_execute(&end),
    );
    // Refused (and so rolled back by the `COMMIT` that follows) unless the connection is gone.
    let refused = |error: tokio_postgres::Error| match connection_lost(&error) {
        true => Unstored::Failed(error.into()),
        false => Unstored::Refused(error),
    };
    begun.map_err(refused)?;
    let inserted = inserted.map_err(refused)?;
    // Committed: a failure now is the flush's, and the rows stay stored.
    ended?;
    Ok(inserted.iter().map(|row| row.get(0)).collect())
}

/// Each event of a batch: stored as the `n`th new row, or a duplicate of a stored one or of a
/// new one.
enum Fate {
    New(usize),
    Stored(i64),
    SameAsNew(usize),
}

/// A batch sorted into the rows to insert and the duplicates. Read before the lock is taken
/// ([`append_together`]), a duplicate stored meanwhile fails the insert on the unique index,
/// and the batch is appended again a row at a time, under the lock.
struct Planned<'a, 'e> {
    fates: Vec<Fate>,
    new_rows: Vec<&'a NewEvent<'e>>,
}

impl<'a, 'e> Planned<'a, 'e> {
    /// Looks up the batch's delivery ids in the log and within the batch.
    async fn read(
        client: &impl GenericClient,
        events: &'a [NewEvent<'e>],
    ) -> Result<Planned<'a, 'e>, LogError> {
        let keyed: Vec<(&str, &str)> = events
            .iter()
            .filter_map(|event| Some((event.platform.id(), event.dedupe_key?)))
            .collect();
        let known: std::collections::HashMap<(String, String), i64> = if keyed.is_empty() {
            Default::default()
        } else {
            let platforms: Vec<&str> = keyed.iter().map(|(platform, _)| *platform).collect();
            let keys: Vec<&str> = keyed.iter().map(|(_, key)| *key).collect();
            let statement = client
                .prepare_cached(
                    "SELECT events.platform, events.dedupe_key, events.seq
                     FROM UNNEST($1::TEXT[], $2::TEXT[]) AS wanted (platform, dedupe_key)
                     JOIN events ON events.platform = wanted.platform AND events.dedupe_key = wanted.dedupe_key",
                )
                .await?;
            client
                .query(&statement, &[&platforms, &keys])
                .await?
                .iter()
                .map(|row| ((row.get(0), row.get(1)), row.get(2)))
                .collect()
        };
        let mut firsts: std::collections::HashMap<(&str, &str), usize> = Default::default();
        let mut fates = Vec::with_capacity(events.len());
        let mut new_rows = Vec::new();
        for event in events {
            if let Some(key) = event.dedupe_key {
                let platform = event.platform.id();
                if let Some(seq) = known.get(&(platform.to_owned(), key.to_owned())) {
                    fates.push(Fate::Stored(*seq));
                    continue;
                }
                if let Some(first) = firsts.get(&(platform, key)) {
                    fates.push(Fate::SameAsNew(*first));
                    continue;
                }
                firsts.insert((platform, key), new_rows.len());
            }
            fates.push(Fate::New(new_rows.len()));
            new_rows.push(event);
        }
        Ok(Planned { fates, new_rows })
    }

    /// Each event's outcome, given the seqs the insert returned.
    fn outcomes(self, mut seqs: Vec<i64>) -> Result<Vec<Result<Appended, LogError>>, LogError> {
        seqs.sort_unstable();
        if seqs.len() != self.new_rows.len() {
            return Err(LogError::Unreadable(format!(
                "{} rows inserted, {} returned",
                self.new_rows.len(),
                seqs.len()
            )));
        }
        Ok(self
            .fates
            .into_iter()
            .map(|fate| {
                Ok(match fate {
                    Fate::New(place) => Appended::Stored(seqs[place]),
                    Fate::Stored(seq) => Appended::Duplicate(seq),
                    Fate::SameAsNew(place) => Appended::Duplicate(seqs[place]),
                })
            })
            .collect())
    }
}

/// The new rows as [`INSERT_ROWS`]'s column arrays.
struct Columns<'e> {
    platforms: Vec<&'static str>,
    directions: Vec<&'static str>,
    content_types: Vec<Option<&'e str>>,
    headers: Vec<String>,
    bodies: Vec<&'e [u8]>,
    request_seqs: Vec<Option<i64>>,
    dedupe_keys: Vec<Option<&'e str>>,
}

impl<'e> Columns<'e> {
    fn of(rows: &[&NewEvent<'e>]) -> Columns<'e> {
        Columns {
            platforms: rows.iter().map(|event| event.platform.id()).collect(),
            directions: rows.iter().map(|event| event.direction.as_str()).collect(),
            content_types: rows.iter().map(|event| event.content_type).collect(),
            headers: rows
                .iter()
                .map(|event| {
                    serde_json::to_string(&redact(event.headers)).expect("headers serialize")
                })
                .collect(),
            bodies: rows.iter().map(|event| event.body).collect(),
            request_seqs: rows.iter().map(|event| event.request_seq).collect(),
            dedupe_keys: rows.iter().map(|event| event.dedupe_key).collect(),
        }
    }

    fn params<'p>(
        &'p self,
        received_at_ms: &'p i64,
    ) -> [&'p (dyn tokio_postgres::types::ToSql + Sync); 8] {
        [
            &self.platforms,
            &self.directions,
            received_at_ms,
            &self.content_types,
            &self.headers,
            &self.bodies,
            &self.request_seqs,
            &self.dedupe_keys,
        ]
    }
}

/// Appends `events` in one transaction under [`APPEND_LOCK`], a row at a time, each in a
/// savepoint of its own when `savepoints`, so a bad row fails alone (a statement error ends a
/// PostgreSQL transaction): what a batch whose one-statement append failed is given.
async fn append_all(
    client: &mut Object,
    events: &[NewEvent<'_>],
    received_at_ms: i64,
    savepoints: bool,
) -> Result<Vec<Result<Appended, LogError>>, LogError> {
    let transaction = begin_append(client).await?;
    let existing = transaction
        .prepare_cached("SELECT seq FROM events WHERE platform = $1 AND dedupe_key = $2")
        .await?;
    let insert = transaction
        .prepare_cached(
            "INSERT INTO events (platform, direction, received_at_ms, content_type, headers, body, request_seq, dedupe_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq",
        )
        .await?;
    let mut outcomes = Vec::with_capacity(events.len());
    for event in events {
        if savepoints {
            transaction.batch_execute("SAVEPOINT row").await?;
        }
        let outcome: Result<Appended, tokio_postgres::Error> = async {
            if let Some(key) = event.dedupe_key
                && let Some(found) = transaction
                    .query_opt(&existing, &[&event.platform.id(), &key])
                    .await?
            {
                return Ok(Appended::Duplicate(found.get(0)));
            }
            let headers = serde_json::to_string(&redact(event.headers)).expect("headers serialize");
            let stored = transaction
                .query_one(
                    &insert,
                    &[
                        &event.platform.id(),
                        &event.direction.as_str(),
                        &received_at_ms,
                        &event.content_type,
                        &headers,
                        &event.body,
                        &event.request_seq,
                        &event.dedupe_key,
                    ],
                )
                .await?;
            Ok(Appended::Stored(stored.get(0)))
        }
        .await;
        match outcome {
            Ok(appended) => {
                if savepoints {
                    transaction.batch_execute("RELEASE SAVEPOINT row").await?;
                }
                outcomes.push(Ok(appended));
            }
            Err(error) if savepoints && !connection_lost(&error) => {
                transaction
                    .batch_execute("ROLLBACK TO SAVEPOINT row")
                    .await?;
                outcomes.push(Err(LogError::Postgres(error)));
            }
            Err(error) => return Err(error.into()),
        }
    }
    transaction.commit().await?;
    Ok(outcomes)
}

/// After a batch was refused (`refused`: a row failed, nothing was stored): the batch again, a
/// row at a time under the lock ([`append_all`]), then the flush that makes it readable.
async fn append_each_and_flush(
    client: &mut Object,
    writer: i64,
    events: &[NewEvent<'_>],
    received_at_ms: i64,
    refused: tokio_postgres::Error,
) -> Result<Vec<Result<Appended, LogError>>, LogError> {
    tracing::debug!("a batch was refused ({refused}): appending it a row at a time");
    let outcomes = append_all(client, events, received_at_ms, true).await?;
    client.batch_execute(&flush(writer)).await?;
    Ok(outcomes)
}

/// Whether a statement's failure left the connection unusable (so no savepoint can save a row):
/// the database said nothing of it.
fn connection_lost(error: &tokio_postgres::Error) -> bool {
    error.is_closed() || error.as_db_error().is_none()
}

/// A row of `SELECT` [`COLUMNS`].
fn row_from_sql(row: &tokio_postgres::Row) -> Result<Row, LogError> {
    let platform: &str = row.get(1);
    let direction: &str = row.get(2);
    let headers: &str = row.get(5);
    Ok(Row {
        seq: row.get(0),
        platform: platform
            .parse()
            .map_err(|_| LogError::Unreadable(format!("platform {platform:?}")))?,
        direction: Direction::parse(direction).unwrap_or(Direction::Inbound),
        received_at_ms: row.get(3),
        content_type: row.get(4),
        headers: serde_json::from_str(headers).unwrap_or_default(),
        body: row.get(6),
        request_seq: row.get(7),
    })
}

fn limit_of(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

impl LogStore for PostgresLog {
    fn append(&self, event: &NewEvent<'_>) -> Result<Appended, LogError> {
        let batch = self.append_batch(std::slice::from_ref(event))?;
        batch
            .outcomes
            .into_iter()
            .next()
            .unwrap_or_else(|| Err(LogError::Unreadable("no outcome for the row".into())))
    }

    fn append_batch(&self, events: &[NewEvent<'_>]) -> Result<Batch, LogError> {
        let received_at_ms = now_ms();
        let outcomes = self.run(async {
            let mut client = self.client().await?;
            let appended = match append_together(&client, self.writer, events, received_at_ms).await
            {
                Ok(outcomes) => Ok(outcomes),
                // One row failed (and with it the transaction): again, a savepoint a row.
                Err(Unstored::Refused(error)) => {
                    append_each_and_flush(&mut client, self.writer, events, received_at_ms, error)
                        .await
                }
                Err(Unstored::Failed(error)) => Err(error),
            };
            if appended.is_err() {
                // It may be inside a transaction a failed statement aborted (the flush's):
                // back in the pool, it would fail whoever took it next.
                drop(Object::take(client));
            }
            appended
        })?;
        self.flushed.notify_one();
        Ok(Batch {
            received_at_ms,
            outcomes,
        })
    }

    fn turn(&self) -> Result<Option<Box<dyn AppendTurn + '_>>, LogError> {
        let client = self.run(async { self.client().await })?;
        // The turn holds the connection from here on: should the lock not come (a lock
        // timeout), dropping it keeps an aborted transaction out of the pool.
        let mut turn = PostgresTurn {
            log: self,
            client: Some(client),
        };
        let connection = turn.client.as_mut().expect("just set");
        self.run(async {
            // As `begin_append`, with the transaction left open for the turn; one round trip.
            connection.batch_execute(&begin_locked()).await?;
            Ok(())
        })?;
        Ok(Some(Box::new(turn)))
    }

    fn probe_write(&self) -> Result<(), LogError> {
        self.run(async {
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            transaction
                .execute(
                    "INSERT INTO writer_probe (id, at_ms, filler) VALUES (1, $1, $2)
                     ON CONFLICT (id) DO UPDATE SET at_ms = EXCLUDED.at_ms, filler = EXCLUDED.filler",
                    &[&now_ms(), &vec![0u8; 256 * 1024]],
                )
                .await?;
            transaction
                .execute("UPDATE writer_probe SET filler = NULL WHERE id = 1", &[])
                .await?;
            transaction.commit().await?;
            Ok(())
        })
    }

    fn after_within(&self, after: i64, limit: usize, max_bytes: usize) -> Result<Slice, LogError> {
        self.run(async {
            let client = self.client().await?;
            let statement = client
                .prepare_cached(&format!(
                    "SELECT seq, octet_length(body) FROM events
                         WHERE seq > $1 AND seq <= {READABLE_END} ORDER BY seq LIMIT $2"
                ))
                .await?;
            let sizes = client
                .query(&statement, &[&after, &limit_of(limit.saturating_add(1))])
                .await?;
            self.bounded_page(&client, &sizes, limit, max_bytes).await
        })
    }

    fn desk_rows_after(&self, after: i64, limit: usize) -> Result<Slice, LogError> {
        self.run(async {
            let client = self.client().await?;
            let statement = client
                .prepare_cached(&format!(
                    "SELECT seq, octet_length(body) FROM events
                     WHERE seq > $1 AND seq <= {READABLE_END} AND direction = 'desk'
                     ORDER BY seq LIMIT $2"
                ))
                .await?;
            let sizes = client
                .query(&statement, &[&after, &limit_of(limit.saturating_add(1))])
                .await?;
            self.bounded_page(&client, &sizes, limit, usize::MAX).await
        })
    }

    fn before_within(
        &self,
        before: i64,
        limit: usize,
        max_bytes: usize,
    ) -> Result<Slice, LogError> {
        self.run(async {
            let client = self.client().await?;
            let statement = client
                .prepare_cached(&format!(
                    "SELECT seq, octet_length(body) FROM events
                         WHERE seq < $1 AND seq <= {READABLE_END} ORDER BY seq DESC LIMIT $2"
                ))
                .await?;
            let sizes = client
                .query(&statement, &[&before, &limit_of(limit.saturating_add(1))])
                .await?;
            // Newest first, so the bound drops the oldest; `rows_at` puts them in log order.
            self.bounded_page(&client, &sizes, limit, max_bytes).await
        })
    }

    fn newest_answer_to(
        &self,
        platform: Platform,
        path: &str,
    ) -> Result<Option<Vec<u8>>, LogError> {
        let pattern = format!("%{}\"%", like_escaped(path));
        self.run(async {
            let client = self.client().await?;
            let statement = client
                .prepare_cached(&for_postgres(queries::NEWEST_ANSWER_TO))
                .await?;
            Ok(client
                .query_opt(&statement, &[&platform.id(), &pattern])
                .await?
                .map(|row| row.get(0)))
        })
    }

    fn newest_received(
        &self,
        platform: Platform,
        receiver: &str,
        limit: usize,
    ) -> Result<Vec<Vec<u8>>, LogError> {
        let pattern = format!(
            "%{}%",
            like_escaped_pair(switchboard_protocol::headers::pseudo::RECEIVER, receiver)
        );
        self.run(async {
            let client = self.client().await?;
            let statement = client
                .prepare_cached(&for_postgres(queries::NEWEST_RECEIVED))
                .await?;
            Ok(client
                .query(
                    &statement,
                    &[
                        &platform.id(),
                        &pattern,
                        &limit_of(limit),
                        &(RECEIVED_BODY_MOST as i32),
                    ],
                )
                .await?
                .iter()
                .map(|row| row.get(0))
                .collect())
        })
    }

    fn first_seq_since(&self, at_ms: i64) -> Result<i64, LogError> {
        let last_seq = self.last_seq()?;
        let query = for_postgres(queries::FIRST_AT_OR_AFTER);
        // A round trip a step: this is asked once, when the server starts.
        queries::first_seq_by_halving(at_ms, last_seq, |seq| {
            self.run(async {
                let client = self.client().await?;
                let statement = client.prepare_cached(&query).await?;
                let found = client.query_opt(&statement, &[&seq]).await?;
                Ok(found.map(|row| (row.get::<_, i64>(0), row.get::<_, i64>(1))))
            })
        })
    }

    fn answered_lookups_since(
        &self,
        platform: Platform,
        since: i64,
        limit: usize,
    ) -> Result<Vec<AnsweredLookup>, LogError> {
        self.run(async {
            let client = self.client().await?;
            let statement = client
                .prepare_cached(&for_postgres(queries::ANSWERED_LOOKUPS_SINCE))
                .await?;
            Ok(client
                .query(
                    &statement,
                    &[
                        &since,
                        &platform.id(),
                        &lookup_pattern(),
                        &(RECEIVED_BODY_MOST as i32),
                        &limit_of(limit),
                    ],
                )
                .await?
                .iter()
                .map(|row| AnsweredLookup {
                    request_headers: serde_json::from_str(row.get(0)).unwrap_or_default(),
                    answer_body: row.get(1),
                    answered_at_ms: row.get(2),
                })
                .collect())
        })
    }

    fn lookups_naming(
        &self,
        platform: Platform,
        ids: &[String],
        per_id: usize,
    ) -> Result<Vec<Row>, LogError> {
        self.run(async {
            let client = self.client().await?;
            let requests = client
                .prepare_cached(&format!(
                    "SELECT seq, headers, body FROM events
                     WHERE platform = $1 AND {} AND seq < $2 AND seq <= {READABLE_END}
                     ORDER BY seq DESC LIMIT $3",
                    lookup_condition()
                ))
                .await?;
            let answer_to = client
                .prepare_cached(&for_postgres(queries::OK_ANSWER_TO))
                .await?;
            let mut picker = LookupPicker::new(ids, per_id);
            let mut seqs = Vec::new();
            let mut before = i64::MAX;
            let mut scanned = 0;
            'reading: while scanned < LOOKUPS_SCANNED && !picker.is_done() {
                let page = client
                    .query(&requests, &[&platform.id(), &before, &LOOKUPS_PER_READ])
                    .await?;
                if page.is_empty() {
                    break;
                }
                for request in &page {
                    scanned += 1;
                    let seq: i64 = request.get(0);
                    before = seq;
                    let headers: &str = request.get(1);
                    let body: &[u8] = request.get(2);
                    let asked = picker.asked_by(headers.as_bytes(), body);
                    if !asked.is_empty()
                        && let Some(answer) = client
                            .query_opt(&answer_to, &[&seq, &(RECEIVED_BODY_MOST as i32)])
                            .await?
                    {
                        seqs.push(seq);
                        seqs.push(answer.get::<_, i64>(0));
                        picker.took(&asked);
                    }
                    if picker.is_done() || scanned >= LOOKUPS_SCANNED {
                        break 'reading;
                    }
                }
            }
            self.rows_at(&client, &seqs).await
        })
    }

    fn is_shared(&self) -> bool {
        true
    }

    fn watch_commits(&self, woken: Arc<dyn Fn() + Send + Sync>) {
        let config = self.database.config().clone();
        self.database.spawn(async move {
            loop {
                // Woken once listening (what was committed while not), then at every commit.
                let listened =
                    crate::database::listen(&config, COMMITS, woken.as_ref(), &|_: &str| woken())
                        .await;
                if let Err(error) = listened {
                    tracing::warn!("the event log's commit watch was lost: {error}");
                }
                tokio::time::sleep(WATCH_RETRY).await;
            }
        });
    }

    fn last_seq(&self) -> Result<i64, LogError> {
        self.run(async {
            let client = self.client().await?;
            Ok(client
                .query_one(
                    &format!(
                        "SELECT COALESCE(MAX(seq), 0) FROM events WHERE seq <= {READABLE_END}"
                    ),
                    &[],
                )
                .await?
                .get(0))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event_log::contract::{bodies_after, test_postgres, webhook};

    /// A plain connection to `url`, for what the log itself would never do.
    fn raw(url: &str) -> (tokio::runtime::Runtime, tokio_postgres::Client) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(connection);
            client
        });
        (runtime, client)
    }

    /// A row another writer committed without waiting for the disk is not read until a flush
    /// covers it: a crash of the database could still take it back, and its seq with it.
    #[test]
    fn a_burst_of_appends_wakes_readers_a_few_times_and_after_its_last() {
        let Some(url) = test_postgres::fresh_database() else {
            return;
        };
        let log = PostgresLog::open(&url).unwrap();
        let wakes = Arc::new(std::sync::Mutex::new(Vec::<std::time::Instant>::new()));
        let heard = wakes.clone();
        log.watch_commits(Arc::new(move || {
            heard.lock().unwrap().push(std::time::Instant::now());
        }));
        let waited = std::time::Instant::now();
        while wakes.lock().unwrap().is_empty() {
            assert!(
                waited.elapsed() < std::time::Duration::from_secs(10),
                "listening"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let listening = wakes.lock().unwrap().len();
        const APPENDS: usize = 60;
        let burst_began = std::time::Instant::now();
        for n in 0..APPENDS {
            log.append(&webhook(&[], format!("burst {n}").as_bytes(), None))
                .unwrap();
        }
        let last_appended = std::time::Instant::now();
        let waited = std::time::Instant::now();
        while !wakes.lock().unwrap().iter().any(|at| *at >= last_appended) {
            assert!(
                waited.elapsed() < std::time::Duration::from_secs(5),
                "a wake-up after the burst's last append"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        // At most one notification every NOTIFY_EVERY, and the one after the last.
        let woken = wakes.lock().unwrap().len() - listening;
        let most = (last_appended - burst_began).as_millis() / NOTIFY_EVERY.as_millis() + 2;
        assert!(
            woken as u128 <= most,
            "{woken} wake-ups for {APPENDS} appends over {:?}",
            last_appended - burst_began
        );
    }

    #[test]
    fn rows_are_read_only_once_a_flush_covers_them() {
        let Some(url) = test_postgres::fresh_database() else {
            return;
        };
        let log = PostgresLog::open(&url).unwrap();
        let first = log.append(&webhook(&[], b"first", None)).unwrap().seq();
        let (runtime, client) = raw(&url);
        runtime.block_on(async {
            client
                .batch_execute(&format!(
                    "{};
                     INSERT INTO events (platform, direction, received_at_ms, headers, body)
                         VALUES ('wecom', 'inbound', 0, '[]', 'not yet flushed');
                     COMMIT",
                    begin_locked()
                ))
                .await
                .unwrap();
        });
        let bodies = |rows: Vec<Row>| rows.into_iter().map(|row| row.body).collect::<Vec<_>>();
        assert_eq!(bodies(log.after(0, 10).unwrap()), [b"first".to_vec()]);
        assert_eq!(
            bodies(log.before(i64::MAX, 10).unwrap()),
            [b"first".to_vec()]
        );
        assert_eq!(log.last_seq().unwrap(), first);
        // The next append's flush covers the row committed before it.
        log.append(&webhook(&[], b"third", None)).unwrap();
        assert_eq!(
            bodies(log.after(0, 10).unwrap()),
            [
                b"first".to_vec(),
                b"not yet flushed".to_vec(),
                b"third".to_vec()
            ]
        );
        assert_eq!(log.last_seq().unwrap(), first + 2);
    }

    /// A flush that fails after its batch committed fails the call, and the batch is not
    /// appended again (its rows would be stored twice, for good: the log refuses deletes); the
    /// connection it failed on, left in an aborted transaction, is not reused.
    #[test]
    fn a_failed_flush_fails_the_append_without_storing_it_twice() {
        let Some(url) = test_postgres::fresh_database() else {
            return;
        };
        let log = PostgresLog::open(&url).unwrap();
        let (runtime, client) = raw(&url);
        let refuse_flushes = |refused: bool| {
            runtime.block_on(async {
                client
                    .batch_execute(if refused {
                        "CREATE FUNCTION refuse_flush() RETURNS trigger LANGUAGE plpgsql AS $$
                             BEGIN RAISE EXCEPTION 'flush refused'; END $$;
                         CREATE TRIGGER refused BEFORE INSERT OR UPDATE ON events_durable
                             FOR EACH ROW EXECUTE FUNCTION refuse_flush()"
                    } else {
                        "DROP TRIGGER refused ON events_durable"
                    })
                    .await
                    .unwrap();
            })
        };
        refuse_flushes(true);
        let failed = log.append_batch(&[webhook(&[], b"a", None), webhook(&[], b"b", None)]);
        assert!(
            failed.unwrap_err().to_string().contains("flush refused"),
            "the flush's failure is the call's"
        );
        for _ in 0..20 {
            // Every pooled connection still reads.
            log.after(0, 10).unwrap();
        }
        refuse_flushes(false);
        log.append(&webhook(&[], b"c", None)).unwrap();
        assert_eq!(
            bodies_after(&log, 0),
            [b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]
        );
    }

    #[test]
    fn instances_starting_together_migrate_once_and_rows_cannot_be_changed() {
        let Some(url) = test_postgres::fresh_database() else {
            return;
        };
        let opened: Vec<_> = (0..3)
            .map(|_| {
                let url = url.clone();
                std::thread::spawn(move || PostgresLog::open(&url).map(|_| ()))
            })
            .collect();
        for instance in opened {
            instance.join().unwrap().unwrap();
        }
        let log = PostgresLog::open(&url).unwrap();
        log.append(&webhook(&[], b"kept", None)).unwrap();
        let (runtime, client) = raw(&url);
        runtime.block_on(async {
            let versions: Vec<i32> = client
                .query(
                    "SELECT version FROM switchboard_migrations WHERE part = 'events' ORDER BY version",
                    &[],
                )
                .await
                .unwrap()
                .iter()
                .map(|row| row.get(0))
                .collect();
            assert_eq!(versions, [1, 2], "each applied once");
            for change in [
                "UPDATE events SET body = 'x'",
                "DELETE FROM events",
                "TRUNCATE events",
            ] {
                let refused = client.batch_execute(change).await.unwrap_err();
                assert!(
                    refused.to_string().contains("append-only")
                        || refused
                            .as_db_error()
                            .is_some_and(|db| db.message().contains("append-only")),
                    "{change}: {refused}"
                );
            }
        });
        assert_eq!(log.after(0, 10).unwrap()[0].body, b"kept");
    }
}
