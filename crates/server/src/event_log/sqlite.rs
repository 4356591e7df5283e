//! The event log in SQLite (WAL) in the data directory: the one-machine default. One writing
//! connection, pooled read-only ones beside it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::queries;
use super::store::{
    AnsweredLookup, Appended, Batch, Direction, LOOKUPS_SCANNED, LogError, LogStore, LookupPicker,
    NewEvent, Platform, RECEIVED_BODY_MOST, Row, Slice, like_escaped, like_escaped_pair,
    lookup_condition, lookup_pattern, now_ms, redact,
};

pub struct SqliteLog {
    path: PathBuf,
    /// The one connection that writes. Readers never take it: WAL lets them read beside it.
    connection: Mutex<Connection>,
    /// Idle read-only connections, reused; a reader opens another when none is idle.
    readers: Mutex<Vec<Connection>>,
}

/// Most idle read connections kept open.
const IDLE_READERS: usize = 8;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    platform TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound', 'response', 'pulled', 'rejected', 'desk')),
    received_at_ms INTEGER NOT NULL,
    content_type TEXT,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    request_seq INTEGER REFERENCES events(seq),
    dedupe_key TEXT,
    UNIQUE (platform, dedupe_key)
);
CREATE TRIGGER IF NOT EXISTS events_are_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_are_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE INDEX IF NOT EXISTS events_answers ON events (request_seq) WHERE request_seq IS NOT NULL;
CREATE TABLE IF NOT EXISTS writer_probe (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, filler BLOB);
";

/// The direction check of a log made before desk rows existed.
const CHECK_BEFORE_DESK: &str = "'pulled', 'rejected'))";
const CHECK_WITH_DESK: &str = "'pulled', 'rejected', 'desk'))";

/// A log made before desk rows existed takes them from now on. Widening a CHECK leaves every
/// stored row valid and the file's format as it is, which is the case SQLite documents for
/// editing the schema text in place (writable_schema, then a new schema_version) instead of
/// copying the table: the append-only rows are never rewritten.
fn allow_desk_rows(connection: &Connection) -> rusqlite::Result<()> {
    let events_sql = |connection: &Connection| -> rusqlite::Result<String> {
        connection.query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'events'",
            [],
            |row| row.get(0),
        )
    };
    if !events_sql(connection)?.contains(CHECK_BEFORE_DESK) {
        return Ok(());
    }
    connection.execute_batch("BEGIN IMMEDIATE")?;
    let edited = (|| {
        // Read again under the write lock: another process may have done it meanwhile.
        let sql = events_sql(connection)?;
        if !sql.contains(CHECK_BEFORE_DESK) {
            return Ok(());
        }
        let version: i64 = connection.query_row("PRAGMA schema_version", [], |row| row.get(0))?;
        connection.pragma_update(None, "writable_schema", "ON")?;
        connection.execute(
            "UPDATE sqlite_schema SET sql = ?1 WHERE type = 'table' AND name = 'events'",
            [sql.replace(CHECK_BEFORE_DESK, CHECK_WITH_DESK)],
        )?;
        connection.pragma_update(None, "schema_version", version + 1)?;
        connection.pragma_update(None, "writable_schema", "OFF")?;
        let verdict: String = connection.query_row("PRAGMA quick_check", [], |row| row.get(0))?;
        if verdict == "ok" {
            Ok(())
        } else {
            Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(format!("after allowing desk rows: {verdict}")),
            ))
        }
    })();
    match edited {
        Ok(()) => connection.execute_batch("COMMIT"),
        Err(error) => {
            let _ = connection.execute_batch("ROLLBACK");
            Err(error)
        }
    }
}

impl SqliteLog {
    /// Opens (creating if needed) the log at `path`: WAL, and every commit synced to disk, so a
    /// row that `append` returned survives a crash of the process or the machine.
    pub fn open(path: &Path) -> rusqlite::Result<SqliteLog> {
        let connection = Connection::open(path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.execute_batch(SCHEMA)?;
        connection.execute_batch(&format!(
            "CREATE INDEX IF NOT EXISTS lookup_requests ON events (platform, seq) WHERE {}",
            lookup_condition()
        ))?;
        allow_desk_rows(&connection)?;
        #[cfg(unix)]
        restrict_to_owner(path);
        Ok(SqliteLog {
            path: path.to_path_buf(),
            connection: Mutex::new(connection),
            readers: Mutex::new(Vec::new()),
        })
    }

    /// A read-only connection from the pool, returned to it when dropped.
    fn reader(&self) -> rusqlite::Result<Reader<'_>> {
        let idle = self
            .readers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop();
        let connection = match idle {
            Some(connection) => connection,
            None => Connection::open_with_flags(
                &self.path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?,
        };
        Ok(Reader {
            log: self,
            connection: Some(connection),
        })
    }

    fn connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-written row: SQLite rolls back.
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn select(
        &self,
        sql: &str,
        seq: i64,
        limit: usize,
        max_bytes: usize,
    ) -> rusqlite::Result<Slice> {
        let reader = self.reader()?;
        let mut statement = reader.connection().prepare_cached(sql)?;
        // One row past the limit tells whether more follow.
        let mut rows = statement.query(params![seq, limit.saturating_add(1) as i64])?;
        let mut slice = Slice::default();
        let mut bytes = 0usize;
        while let Some(row) = rows.next()? {
            // Sized before it is read: a row past the bound costs nothing.
            let body_bytes = row.get_ref(6)?.as_bytes()?.len();
            if slice.events.len() == limit
                || (!slice.events.is_empty() && bytes.saturating_add(body_bytes) > max_bytes)
            {
                slice.more = true;
                break;
            }
            bytes += body_bytes;
            slice.events.push(row_from_sql(row)?);
        }
        Ok(slice)
    }
}

impl LogStore for SqliteLog {
    /// Appends one event and returns once it is durable.
    fn append(&self, event: &NewEvent<'_>) -> Result<Appended, LogError> {
        let connection = self.connection();
        Ok(insert(&connection, event, now_ms())?)
    }

    /// Appends several events in one transaction — one sync to disk for all of them, which is
    /// what lets the intake acknowledge thousands of webhooks a second with durability on.
    /// Each event succeeds or fails on its own; the outer error means nothing was stored.
    fn append_batch(&self, events: &[NewEvent<'_>]) -> Result<Batch, LogError> {
        let mut connection = self.connection();
        let transaction = connection.transaction()?;
        let received_at_ms = now_ms();
        let mut outcomes = Vec::with_capacity(events.len());
        for event in events {
            // No savepoint per event: a failing statement (a constraint) is undone by SQLite
            // on its own and the transaction goes on. Parsing SAVEPOINT/RELEASE for every row
            // was half the writer's time.
            match insert(&transaction, event, received_at_ms) {
                // The failure (I/O, full disk) rolled the whole transaction back: nothing of
                // this batch is stored, and nothing after it may be committed row by row.
                Err(error) if transaction.is_autocommit() => return Err(error.into()),
                outcome => outcomes.push(outcome.map_err(LogError::from)),
            }
        }
        transaction.commit()?;
        Ok(Batch {
            received_at_ms,
            outcomes,
        })
    }

    /// Proves the log still takes a durable write (a committed row in a side table, never in
    /// `events`): what `/healthz` asks after a write failed.
    /// The probe writes as much as a large webhook (256 KiB, new pages on disk) and removes
    /// it in the same commit: a disk with room for a tiny row only still fails it.
    fn probe_write(&self) -> Result<(), LogError> {
        let mut connection = self.connection();
        let transaction = connection.transaction()?;
        transaction.execute(
            "INSERT OR REPLACE INTO writer_probe (id, at_ms, filler) VALUES (1, ?1, zeroblob(262144))",
            params![now_ms()],
        )?;
        transaction.execute("UPDATE writer_probe SET filler = NULL WHERE id = 1", [])?;
        Ok(transaction.commit()?)
    }

    /// Up to `limit` events with seq greater than `after`, oldest first, stopping once their
    /// bodies pass `max_bytes` (at least one event, however large, so paging always moves on).
    fn after_within(&self, after: i64, limit: usize, max_bytes: usize) -> Result<Slice, LogError> {
        Ok(self.select(
            "SELECT seq, platform, direction, received_at_ms, content_type, headers, body, request_seq
             FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            after,
            limit,
            max_bytes,
        )?)
    }

    /// The `desk` rows after `after`, in log order, bounded like [`SqliteLog::after_within`].
    fn desk_rows_after(&self, after: i64, limit: usize) -> Result<Slice, LogError> {
        Ok(self.select(
            "SELECT seq, platform, direction, received_at_ms, content_type, headers, body, request_seq
             FROM events WHERE seq > ?1 AND direction = 'desk' ORDER BY seq LIMIT ?2",
            after,
            limit,
            usize::MAX,
        )?)
    }

    /// The newest events before `before`, in log order, bounded like [`SqliteLog::after_within`]
    /// (the bound drops the oldest).
    fn before_within(
        &self,
        before: i64,
        limit: usize,
        max_bytes: usize,
    ) -> Result<Slice, LogError> {
        let mut slice = self.select(
            "SELECT seq, platform, direction, received_at_ms, content_type, headers, body, request_seq
             FROM events WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2",
            before,
            limit,
            max_bytes,
        )?;
        slice.events.reverse();
        Ok(slice)
    }

    /// The body of the newest 200 answer to a call of `platform` whose URL ends with `path` (an
    /// E云 `/syncFinder` page, where the next pull resumes; failures are not answers). Request rows keep their URL in the
    /// `:url` pseudo-header, so the match is on the stored header text.
    fn newest_answer_to(
        &self,
        platform: Platform,
        path: &str,
    ) -> Result<Option<Vec<u8>>, LogError> {
        let pattern = format!("%{}\"%", like_escaped(path));
        Ok(self
            .reader()?
            .connection()
            .prepare_cached(queries::NEWEST_ANSWER_TO)?
            .query_row(params![platform.id(), pattern], |row| row.get(0))
            .optional()?)
    }

    /// The bodies of `platform`'s newest `limit` inbound rows that its own receiver (`:receiver`
    /// = `receiver`) stored, newest first: where a socket without resume picks up (Yunhu's
    /// last `msg_seq` per chat). Bodies over [`RECEIVED_BODY_MOST`] are skipped: a big message
    /// costs a page listed again, not the memory of 5 000 of them.
    fn newest_received(
        &self,
        platform: Platform,
        receiver: &str,
        limit: usize,
    ) -> Result<Vec<Vec<u8>>, LogError> {
        let escaped = like_escaped_pair(switchboard_protocol::headers::pseudo::RECEIVER, receiver);
        let reader = self.reader()?;
        let mut statement = reader
            .connection()
            .prepare_cached(queries::NEWEST_RECEIVED)?;
        Ok(statement
            .query_map(
                params![
                    platform.id(),
                    format!("%{escaped}%"),
                    i64::try_from(limit).unwrap_or(i64::MAX),
                    RECEIVED_BODY_MOST
                ],
                |row| row.get(0),
            )?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The first seq stored at or after `at_ms` (one past the newest when none is): a binary
    /// search over seq, whose rows arrive in time order, in a few point reads however long the
    /// log.
    fn first_seq_since(&self, at_ms: i64) -> Result<i64, LogError> {
        let reader = self.reader()?;
        let mut statement = reader
            .connection()
            .prepare_cached(queries::FIRST_AT_OR_AFTER)?;
        let last_seq = self.last_seq()?;
        queries::first_seq_by_halving(at_ms, last_seq, |seq| {
            Ok(statement
                .query_row(params![seq], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?)
        })
    }

    /// `platform`'s profile lookups answered 200 since seq `since` (request rows annotated as
    /// lookups), newest first, at most `limit`: what the server already asked before it last
    /// stopped. Answers over [`RECEIVED_BODY_MOST`] are skipped.
    fn answered_lookups_since(
        &self,
        platform: Platform,
        since: i64,
        limit: usize,
    ) -> Result<Vec<AnsweredLookup>, LogError> {
        let reader = self.reader()?;
        let mut statement = reader
            .connection()
            .prepare_cached(queries::ANSWERED_LOOKUPS_SINCE)?;
        Ok(statement
            .query_map(
                params![
                    since,
                    platform.id(),
                    lookup_pattern(),
                    RECEIVED_BODY_MOST,
                    i64::try_from(limit).unwrap_or(i64::MAX)
                ],
                |row| {
                    let headers: String = row.get(0)?;
                    Ok(AnsweredLookup {
                        request_headers: serde_json::from_str(&headers).unwrap_or_default(),
                        answer_body: row.get(1)?,
                        answered_at_ms: row.get(2)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The newest profile lookups of `platform` that asked about one of `ids` and were answered
    /// 200, at most `per_id` for each id: each request row and its answer, in log order. The
    /// request is matched, not the answer: it names exactly the ids asked about (in its body or
    /// URL, as a whole token), where a group's answer also lists every member. Only the newest
    /// [`LOOKUPS_SCANNED`] lookups of the platform are looked through, newest first. What names
    /// the ids of one inspected payload; the reader decodes the answers.
    fn lookups_naming(
        &self,
        platform: Platform,
        ids: &[String],
        per_id: usize,
    ) -> Result<Vec<Row>, LogError> {
        let reader = self.reader()?;
        let connection = reader.connection();
        let mut requests = connection.prepare_cached(&lookup_requests_newest_first())?;
        let mut answer_to = connection.prepare_cached(queries::OK_ANSWER_TO)?;
        let mut picker = LookupPicker::new(ids, per_id);
        let mut seqs = std::collections::BTreeSet::new();
        let mut scanned = requests.query(params![platform.id(), LOOKUPS_SCANNED])?;
        while let Some(request) = scanned.next()? {
            if picker.is_done() {
                break;
            }
            let seq: i64 = request.get(0)?;
            let headers = request
                .get_ref(1)?
                .as_bytes()
                .map_err(rusqlite::Error::from)?;
            let body = request
                .get_ref(2)?
                .as_bytes()
                .map_err(rusqlite::Error::from)?;
            let asked = picker.asked_by(headers, body);
            if asked.is_empty() {
                continue;
            }
            let Some(answer) = answer_to
                .query_row(params![seq, RECEIVED_BODY_MOST], |row| row.get::<_, i64>(0))
                .optional()?
            else {
                continue;
            };
            seqs.insert(seq);
            seqs.insert(answer);
            picker.took(&asked);
        }
        drop(scanned);
        let mut row_at = connection.prepare_cached(
            "SELECT seq, platform, direction, received_at_ms, content_type, headers, body, request_seq
             FROM events WHERE seq = ?1",
        )?;
        let mut rows = Vec::with_capacity(seqs.len());
        for seq in seqs {
            rows.push(row_at.query_row(params![seq], row_from_sql)?);
        }
        Ok(rows)
    }

    /// The newest seq, 0 when empty.
    fn last_seq(&self) -> Result<i64, LogError> {
        Ok(self.reader()?.connection().query_row(
            "SELECT COALESCE(MAX(seq), 0) FROM events",
            [],
            |row| row.get(0),
        )?)
    }
}

/// A pooled read connection.
struct Reader<'a> {
    log: &'a SqliteLog,
    connection: Option<Connection>,
}

impl Reader<'_> {
    fn connection(&self) -> &Connection {
        self.connection.as_ref().expect("held until dropped")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        let Some(connection) = self.connection.take() else {
            return;
        };
        let mut idle = self
            .log
            .readers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if idle.len() < IDLE_READERS {
            idle.push(connection);
        }
    }
}

/// The log (and its WAL and shared-memory files) readable by its owner only: it holds every
/// customer's messages.
#[cfg(unix)]
fn restrict_to_owner(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut paths = vec![path.to_path_buf()];
    for suffix in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        paths.push(PathBuf::from(name));
    }
    for path in paths {
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
}

fn insert(
    connection: &Connection,
    event: &NewEvent<'_>,
    received_at_ms: i64,
) -> rusqlite::Result<Appended> {
    if let Some(key) = event.dedupe_key {
        let existing: Option<i64> = connection
            .prepare_cached("SELECT seq FROM events WHERE platform = ?1 AND dedupe_key = ?2")?
            .query_row(params![event.platform.id(), key], |row| row.get(0))
            .optional()?;
        if let Some(seq) = existing {
            return Ok(Appended::Duplicate(seq));
        }
    }
    let headers = serde_json::to_string(&redact(event.headers)).expect("headers serialize");
    connection
        .prepare_cached(
            "INSERT INTO events (platform, direction, received_at_ms, content_type, headers, body, request_seq, dedupe_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            event.platform.id(),
            event.direction.as_str(),
            received_at_ms,
            event.content_type,
            headers,
            event.body,
            event.request_seq,
            event.dedupe_key,
        ])?;
    Ok(Appended::Stored(connection.last_insert_rowid()))
}

/// A row of `SELECT seq, platform, direction, received_at_ms, content_type, headers, body,
/// request_seq`.
fn row_from_sql(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let platform: String = row.get(1)?;
    let direction: String = row.get(2)?;
    let headers: String = row.get(5)?;
    Ok(Row {
        seq: row.get(0)?,
        platform: platform.parse().map_err(|error| {
            rusqlite::Error::FromSqlConversionFailure(
                1,
                rusqlite::types::Type::Text,
                Box::new(error),
            )
        })?,
        direction: Direction::parse(&direction).unwrap_or(Direction::Inbound),
        received_at_ms: row.get(3)?,
        content_type: row.get(4)?,
        headers: serde_json::from_str(&headers).unwrap_or_default(),
        body: row.get(6)?,
        request_seq: row.get(7)?,
    })
}

/// A platform's (`?1`) profile lookup requests, newest first, at most `?2`.
fn lookup_requests_newest_first() -> String {
    format!(
        "SELECT seq, headers, body FROM events INDEXED BY lookup_requests
         WHERE platform = ?1 AND {} ORDER BY seq DESC LIMIT ?2",
        lookup_condition()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event_log::contract::webhook;

    /// A log whose rows arrived at the given times (ms), written with SQL so the times are ours.
    fn log_at(
        times: &[i64],
        rows: impl Fn(&Connection, usize, i64),
    ) -> (tempfile::TempDir, SqliteLog) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.sqlite");
        let log = SqliteLog::open(&path).unwrap();
        let writer = Connection::open(&path).unwrap();
        for (index, at_ms) in times.iter().enumerate() {
            rows(&writer, index, *at_ms);
        }
        (dir, log)
    }

    fn plain_row(writer: &Connection, _index: usize, at_ms: i64) {
        writer
            .execute(
                "INSERT INTO events (platform, direction, received_at_ms, headers, body) VALUES ('douyin', 'inbound', ?1, '[]', x'01')",
                [at_ms],
            )
            .unwrap();
    }

    #[test]
    fn the_first_seq_since_a_time_is_found_by_halving() {
        let times: Vec<i64> = (1..=1000).map(|seq| seq * 10).collect();
        let (_dir, log) = log_at(&times, plain_row);
        assert_eq!(log.first_seq_since(0).unwrap(), 1, "everything");
        assert_eq!(log.first_seq_since(10).unwrap(), 1);
        assert_eq!(log.first_seq_since(4_995).unwrap(), 500);
        assert_eq!(log.first_seq_since(5_000).unwrap(), 500);
        assert_eq!(log.first_seq_since(10_000).unwrap(), 1000);
        assert_eq!(
            log.first_seq_since(10_001).unwrap(),
            1001,
            "nothing that new"
        );
        let (_dir, empty) = log_at(&[], plain_row);
        assert_eq!(empty.first_seq_since(5).unwrap(), 1);
    }

    /// Mixin request rows and their answers, `gap_ms` apart: per pair (request headers, answer
    /// status, answer body); the answer to the pair at index `i` is row `2i + 2`.
    /// Mixin calls and their answers, `gap_ms` apart: the answer to the call at index `i` is
    /// row `2i + 2`.
    fn log_of_calls(calls: &[Call<'_>], gap_ms: i64) -> (tempfile::TempDir, SqliteLog) {
        let times: Vec<i64> = (0..calls.len() as i64 * 2)
            .map(|row| row * gap_ms)
            .collect();
        log_at(&times, |writer, index, at_ms| {
            let call = &calls[index / 2];
            if index % 2 == 0 {
                writer.execute(
                    "INSERT INTO events (platform, direction, received_at_ms, headers, body) VALUES ('mixin', 'outbound', ?1, ?2, ?3)",
                    params![at_ms, call.headers, call.body],
                )
            } else {
                writer.execute(
                    "INSERT INTO events (platform, direction, received_at_ms, headers, body, request_seq) VALUES ('mixin', 'response', ?1, ?2, ?3, ?4)",
                    params![at_ms, format!(r#"[[":status","{}"]]"#, call.status), call.answer, index as i64],
                )
            }
            .unwrap();
        })
    }

    /// A request row (its headers and body) and its answer (status and body).
    struct Call<'a> {
        headers: &'a str,
        body: Vec<u8>,
        status: &'a str,
        answer: Vec<u8>,
    }

    #[test]
    fn answered_lookups_are_the_ok_answers_to_annotated_requests_newest_first() {
        let lookup = format!(
            r#"[[":method","POST"],[":url","https://api.mixin.one/users/fetch"],["{}","profiles"]]"#,
            switchboard_protocol::headers::annotation::LOOKUP
        );
        // The annotation's name written as another header's value is not a lookup.
        let send = format!(
            r#"[[":method","POST"],[":url","https://api.mixin.one/messages"],["x-note","{}"]]"#,
            switchboard_protocol::headers::annotation::LOOKUP
        );
        // (request headers, answer status) per pair, a minute apart.
        let calls: Vec<Call> = [
            (lookup.as_str(), "200"),
            (send.as_str(), "200"),
            (lookup.as_str(), "429"),
            (lookup.as_str(), "200"),
        ]
        .into_iter()
        .enumerate()
        .map(|(index, (headers, status))| Call {
            headers,
            body: Vec::new(),
            status,
            answer: format!("answer {index}").into_bytes(),
        })
        .collect();
        let (_dir, log) = log_of_calls(&calls, 60_000);
        let answered = log.answered_lookups_since(Platform::Mixin, 0, 10).unwrap();
        let bodies: Vec<String> = answered
            .iter()
            .map(|lookup| String::from_utf8(lookup.answer_body.clone()).unwrap())
            .collect();
        assert_eq!(bodies, ["answer 3", "answer 0"]);
        assert_eq!(answered[0].answered_at_ms, 7 * 60_000);
        assert!(
            answered[0]
                .request_headers
                .iter()
                .any(|(name, _)| name == ":url")
        );
        // Since the third pair: only the newest.
        assert_eq!(
            log.answered_lookups_since(Platform::Mixin, 5, 10)
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            log.answered_lookups_since(Platform::Mixin, 0, 1)
                .unwrap()
                .len(),
            1
        );
        assert!(
            log.answered_lookups_since(Platform::Wechat, 0, 10)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn the_lookups_naming_an_id_are_its_newest_ok_answers_with_their_requests() {
        let lookup = format!(
            r#"[[":method","POST"],[":url","https://api.mixin.one/users/fetch"],["{}","profiles"]]"#,
            switchboard_protocol::headers::annotation::LOOKUP
        );
        // (ids asked, answer status, answer body) per lookup. The second asks about u-2 alone,
        // though its answer (a group's, say) also lists u-1.
        let calls: Vec<Call> = [
            (
                "u-1",
                "200",
                r#"{"data":[{"user_id":"u-1","full_name":"old"}]}"#,
            ),
            (
                "u-2",
                "200",
                r#"{"data":[{"user_id":"u-2","members":["u-1"]}]}"#,
            ),
            ("u-1", "429", r#"{"error":{"code":429}}"#),
            (
                "u-1",
                "200",
                r#"{"data":[{"user_id":"u-1","full_name":"new"}]}"#,
            ),
            ("u-10", "200", r#"{"data":[{"user_id":"u-10"}]}"#),
        ]
        .into_iter()
        .map(|(id, status, answer)| Call {
            headers: lookup.as_str(),
            body: format!(r#"["{id}"]"#).into_bytes(),
            status,
            answer: answer.as_bytes().to_vec(),
        })
        .collect();
        let (_dir, log) = log_of_calls(&calls, 1);
        let seqs = |ids: &[&str], per_id: usize| -> Vec<i64> {
            let ids: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
            log.lookups_naming(Platform::Mixin, &ids, per_id)
                .unwrap()
                .iter()
                .map(|row| row.seq)
                .collect()
        };
        assert_eq!(
            seqs(&["u-1"], 10),
            [1, 2, 7, 8],
            "OK answers only, with requests"
        );
        assert_eq!(seqs(&["u-1"], 1), [7, 8], "the newest first");
        assert_eq!(seqs(&["u-1", "u-2"], 1), [3, 4, 7, 8]);
        assert!(seqs(&["u-3", ""], 10).is_empty());
        assert!(
            log.lookups_naming(Platform::Wechat, &["u-1".into()], 10)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_log_made_before_desk_rows_takes_them_and_keeps_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.sqlite");
        {
            let old = Connection::open(&path).unwrap();
            old.execute_batch(&SCHEMA.replace(CHECK_WITH_DESK, CHECK_BEFORE_DESK))
                .unwrap();
            old.execute(
                "INSERT INTO events (platform, direction, received_at_ms, headers, body) VALUES ('douyin', 'inbound', 1, '[]', x'01')",
                [],
            )
            .unwrap();
            let refused = old.execute(
                "INSERT INTO events (platform, direction, received_at_ms, headers, body) VALUES ('douyin', 'desk', 1, '[]', x'01')",
                [],
            );
            assert!(refused.is_err(), "the old check refuses desk rows");
        }
        let log = SqliteLog::open(&path).unwrap();
        let headers = Vec::new();
        let desk = NewEvent {
            direction: Direction::Desk,
            ..webhook(&headers, b"{}", None)
        };
        assert_eq!(log.append(&desk).unwrap(), Appended::Stored(2));
        let rows = log.after_within(0, 10, 1 << 20).unwrap().events;
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].direction, Direction::Desk);
        drop(log);
        // Opening again changes nothing more.
        assert_eq!(SqliteLog::open(&path).unwrap().last_seq().unwrap(), 2);
    }

    #[test]
    fn appends_survive_reopening_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.sqlite");
        {
            let log = SqliteLog::open(&path).unwrap();
            log.append(&webhook(&[], b"\x00\xff", None)).unwrap();
        }
        let log = SqliteLog::open(&path).unwrap();
        assert_eq!(log.after(0, 10).unwrap()[0].body, b"\x00\xff");
        let mode: String = log
            .connection()
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    /// Every stored body, in log order.
    fn bodies(log: &SqliteLog) -> Vec<Vec<u8>> {
        log.after(0, 100)
            .unwrap()
            .into_iter()
            .map(|event| event.body)
            .collect()
    }

    #[test]
    fn a_full_disk_never_reports_a_stored_row_as_failed_or_the_reverse() {
        let dir = tempfile::tempdir().unwrap();
        let log = SqliteLog::open(&dir.path().join("events.sqlite")).unwrap();
        log.append(&webhook(&[], b"first", None)).unwrap();
        // SQLITE_FULL undoes the one statement or, depending on where it struck, the whole
        // transaction: either way the batch's outcomes must say exactly what is stored.
        let pages: i64 = log
            .connection()
            .query_row("PRAGMA page_count", [], |row| row.get(0))
            .unwrap();
        log.connection()
            .pragma_update(None, "max_page_count", pages + 1)
            .unwrap();
        let too_big = vec![b'x'; 256 * 1024];
        let batch = [
            webhook(&[], b"small", None),
            webhook(&[], &too_big, None),
            webhook(&[], b"after", None),
        ];
        let outcome = log.append_batch(&batch);
        let stored = bodies(&log);
        match outcome {
            Err(_) => assert_eq!(stored, [b"first".to_vec()], "a failed batch stores nothing"),
            Ok(Batch { outcomes, .. }) => {
                assert!(outcomes[1].is_err(), "the row that does not fit fails");
                for (event, outcome) in batch.iter().zip(&outcomes) {
                    assert_eq!(
                        outcome.is_ok(),
                        stored.contains(&event.body.to_vec()),
                        "reported and stored agree for a {}-byte row",
                        event.body.len()
                    );
                }
            }
        }
    }

    #[test]
    fn a_read_in_progress_does_not_hold_up_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let log = SqliteLog::open(&dir.path().join("events.sqlite")).unwrap();
        for body in [b"a", b"b", b"c"] {
            log.append(&webhook(&[], body, None)).unwrap();
        }
        let reader = log.reader().unwrap();
        let mut statement = reader
            .connection()
            .prepare("SELECT seq FROM events")
            .unwrap();
        let mut rows = statement.query([]).unwrap();
        assert!(rows.next().unwrap().is_some(), "a read is under way");
        // With one shared connection this would wait on the reader (or deadlock here).
        assert_eq!(
            log.append(&webhook(&[], b"during", None)).unwrap(),
            Appended::Stored(4)
        );
        drop(rows);
        drop(statement);
        drop(reader);
        assert_eq!(log.last_seq().unwrap(), 4);
    }

    #[test]
    fn reads_stop_at_their_byte_bound_but_always_move_on() {
        let dir = tempfile::tempdir().unwrap();
        let log = SqliteLog::open(&dir.path().join("events.sqlite")).unwrap();
        let big = vec![b'x'; 1000];
        for _ in 0..5 {
            log.append(&webhook(&[], &big, None)).unwrap();
        }
        let slice = log.after_within(0, 100, 2500).unwrap();
        assert_eq!(slice.events.len(), 2, "two rows fit in 2 500 bytes");
        assert!(slice.more);
        let tiny = log.after_within(0, 100, 10).unwrap();
        assert_eq!(tiny.events.len(), 1, "one row, however large");
        assert!(tiny.more);
        let back = log.before_within(i64::MAX, 100, 2500).unwrap();
        assert_eq!(
            back.events
                .iter()
                .map(|event| event.seq)
                .collect::<Vec<_>>(),
            [4, 5],
            "paging back keeps the newest"
        );
        let all = log.after_within(0, 100, usize::MAX).unwrap();
        assert_eq!((all.events.len(), all.more), (5, false));
        let counted = log.after_within(0, 5, usize::MAX).unwrap();
        assert!(!counted.more, "exactly the limit left: nothing more");
    }

    #[test]
    fn rows_cannot_be_changed_or_removed() {
        let dir = tempfile::tempdir().unwrap();
        let log = SqliteLog::open(&dir.path().join("events.sqlite")).unwrap();
        log.append(&webhook(&[], b"x", None)).unwrap();
        let connection = log.connection();
        let update = connection.execute("UPDATE events SET body = x'00'", []);
        assert!(update.unwrap_err().to_string().contains("append-only"));
        let delete = connection.execute("DELETE FROM events", []);
        assert!(delete.unwrap_err().to_string().contains("append-only"));
    }

    #[test]
    fn credentials_in_headers_never_reach_a_row() {
        let dir = tempfile::tempdir().unwrap();
        let log = SqliteLog::open(&dir.path().join("events.sqlite")).unwrap();
        let headers: Vec<(String, String)> = [
            ("Authorization", "Bearer secret-jwt"),
            ("token", "yunhu-user-token"),
            ("access-token", "douyin-access-token"),
            ("Content-Type", "application/json"),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
        log.append(&NewEvent {
            direction: Direction::Outbound,
            ..webhook(&headers, b"{}", None)
        })
        .unwrap();
        let raw: String = log
            .connection()
            .query_row("SELECT headers FROM events", [], |row| row.get(0))
            .unwrap();
        for secret in ["secret-jwt", "yunhu-user-token", "douyin-access-token"] {
            assert!(!raw.contains(secret), "{raw}");
        }
        assert!(raw.contains("application/json"));
    }

    #[test]
    fn a_response_links_to_its_request() {
        let dir = tempfile::tempdir().unwrap();
        let log = SqliteLog::open(&dir.path().join("events.sqlite")).unwrap();
        let request = log
            .append(&NewEvent {
                direction: Direction::Outbound,
                ..webhook(&[], b"req", None)
            })
            .unwrap()
            .seq();
        log.append(&NewEvent {
            direction: Direction::Response,
            request_seq: Some(request),
            ..webhook(&[], b"resp", None)
        })
        .unwrap();
        let events = log.after(0, 10).unwrap();
        assert_eq!(events[1].request_seq, Some(request));
        assert_eq!(events[1].direction, Direction::Response);
        let dangling = log.append(&NewEvent {
            direction: Direction::Response,
            request_seq: Some(999),
            ..webhook(&[], b"resp", None)
        });
        assert!(dangling.is_err(), "a response must answer a stored request");
    }
}
