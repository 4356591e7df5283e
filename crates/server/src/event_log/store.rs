//! What the server needs of an event log, whichever keeps it: the [`LogStore`] trait, the rows
//! it takes and gives, its errors, and the pieces both backends share.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

pub use switchboard_protocol::{Direction, Platform, Row};

/// Header names whose values are credentials (lower case).
pub const REDACTED_HEADERS: &[&str] = &[
    "authorization",
    "cookie",
    "set-cookie",
    "token",
    "access-token",
    "x-api-key",
    "proxy-authorization",
];

pub use switchboard_protocol::headers::REDACTED;

/// The newest profile lookups of a platform that [`LogStore::lookups_naming`] looks through:
/// a bound on the work one question costs, however long the log.
pub const LOOKUPS_SCANNED: i64 = 20_000;

/// The largest body [`LogStore::newest_received`] reads back.
pub const RECEIVED_BODY_MOST: i64 = 64 * 1024;

/// What to append.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub platform: Platform,
    pub direction: Direction,
    pub content_type: Option<&'a str>,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    /// For a response: the seq of the request it answers.
    pub request_seq: Option<i64>,
    /// A platform's id for the delivery (Douyin: event and message id, E云 `newMsgId`): a retry is not stored twice.
    pub dedupe_key: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    /// Stored and durable, at this seq.
    Stored(i64),
    /// Already stored (same platform and dedupe key) at this seq.
    Duplicate(i64),
}

impl Appended {
    pub fn seq(self) -> i64 {
        match self {
            Appended::Stored(seq) | Appended::Duplicate(seq) => seq,
        }
    }
}

/// Rows read in one go, bounded by count and by body bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Slice {
    pub events: Vec<Row>,
    /// Whether rows beyond these matched (the count or the byte bound stopped the read).
    pub more: bool,
}

/// What one committed batch did: every row shares the commit's receive time.
#[derive(Debug)]
pub struct Batch {
    pub received_at_ms: i64,
    pub outcomes: Vec<Result<Appended, LogError>>,
}

/// A profile lookup the log holds an OK answer to.
#[derive(Debug, Clone)]
pub struct AnsweredLookup {
    pub request_headers: Vec<(String, String)>,
    pub answer_body: Vec<u8>,
    pub answered_at_ms: i64,
}

/// Why the log did not do what it was asked.
#[derive(Debug)]
pub enum LogError {
    Sqlite(rusqlite::Error),
    Postgres(tokio_postgres::Error),
    /// No connection to the database could be had.
    Unreachable(String),
    /// A stored row that does not read back as a row (a platform or direction unknown here).
    Unreadable(String),
}

impl std::fmt::Display for LogError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LogError::Sqlite(error) => write!(formatter, "SQLite: {error}"),
            LogError::Postgres(error) => crate::database::write_postgres_error(formatter, error),
            LogError::Unreachable(why) => write!(formatter, "the database is unreachable: {why}"),
            LogError::Unreadable(why) => write!(formatter, "an unreadable row: {why}"),
        }
    }
}

impl std::error::Error for LogError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LogError::Sqlite(error) => Some(error),
            LogError::Postgres(error) => Some(error),
            LogError::Unreachable(_) | LogError::Unreadable(_) => None,
        }
    }
}

impl From<rusqlite::Error> for LogError {
    fn from(error: rusqlite::Error) -> LogError {
        LogError::Sqlite(error)
    }
}

impl From<crate::database::DatabaseError> for LogError {
    fn from(error: crate::database::DatabaseError) -> LogError {
        match error {
            crate::database::DatabaseError::Unreachable(why) => LogError::Unreachable(why),
            crate::database::DatabaseError::Postgres(error) => LogError::Postgres(error),
        }
    }
}

impl From<tokio_postgres::Error> for LogError {
    fn from(error: tokio_postgres::Error) -> LogError {
        LogError::Postgres(error)
    }
}

impl LogError {
    /// Whether it says the log cannot take writes (as opposed to one bad row): what `/healthz`
    /// reports until a write succeeds again.
    pub fn is_storage_failure(&self) -> bool {
        match self {
            LogError::Sqlite(error) => {
                use rusqlite::ErrorCode;
                matches!(
                    error.sqlite_error_code(),
                    Some(
                        ErrorCode::DiskFull
                            | ErrorCode::SystemIoFailure
                            | ErrorCode::ReadOnly
                            | ErrorCode::CannotOpen
                            | ErrorCode::DatabaseBusy
                            | ErrorCode::DatabaseLocked
                    )
                )
            }
            // Classes 08 (connection), 53 (resources: disk full, out of memory), 57 (operator
            // intervention: shutting down), 58 (system: I/O); 25006: a read-only transaction.
            LogError::Postgres(error) => error.as_db_error().is_none_or(|db| {
                let code = db.code().code();
                ["08", "53", "57", "58"]
                    .iter()
                    .any(|class| code.starts_with(class))
                    || code == "25006"
            }),
            LogError::Unreachable(_) => true,
            LogError::Unreadable(_) => false,
        }
    }
}

/// A turn to append (see [`LogStore::turn`]): appending uses it up and ends it. Dropped
/// unused, it gives the turn up.
pub trait AppendTurn {
    /// As [`LogStore::append_batch`], in this turn.
    fn append_batch(self: Box<Self>, events: &[NewEvent<'_>]) -> Result<Batch, LogError>;
}

/// What the server needs of its event log. Every method blocks: call it from the writer thread
/// or `spawn_blocking`, never from async code directly.
pub trait LogStore: Send + Sync {
    /// Appends one event and returns once it is durable.
    fn append(&self, event: &NewEvent<'_>) -> Result<Appended, LogError>;

    /// Appends several events in one transaction (one sync for all of them). Each event succeeds
    /// or fails on its own; the outer error means nothing was stored.
    fn append_batch(&self, events: &[NewEvent<'_>]) -> Result<Batch, LogError>;

    /// Waits for this instance's turn to append, when other instances append to the same log
    /// (their commits come first: seq order is commit order). The writer gathers its batch only
    /// then, so what arrived while it waited goes in the same commit instead of waiting for the
    /// next turn. `None`: no turn to wait for; append with [`LogStore::append_batch`].
    fn turn(&self) -> Result<Option<Box<dyn AppendTurn + '_>>, LogError> {
        Ok(None)
    }

    /// Proves the log still takes a durable write (outside `events`).
    fn probe_write(&self) -> Result<(), LogError>;

    /// Up to `limit` events with seq greater than `after`, oldest first, stopping once their
    /// bodies pass `max_bytes` (at least one event, however large, so paging always moves on).
    fn after_within(&self, after: i64, limit: usize, max_bytes: usize) -> Result<Slice, LogError>;

    /// The `desk` rows after `after`, in log order, at most `limit`.
    fn desk_rows_after(&self, after: i64, limit: usize) -> Result<Slice, LogError>;

    /// The newest events before `before`, in log order, bounded like
    /// [`LogStore::after_within`] (the bound drops the oldest).
    fn before_within(&self, before: i64, limit: usize, max_bytes: usize)
    -> Result<Slice, LogError>;

    /// The body of the newest 200 answer to a call of `platform` whose URL ends with `path`.
    fn newest_answer_to(&self, platform: Platform, path: &str)
    -> Result<Option<Vec<u8>>, LogError>;

    /// The bodies of `platform`'s newest `limit` inbound rows that its own receiver stored,
    /// newest first; bodies over [`RECEIVED_BODY_MOST`] are skipped.
    fn newest_received(
        &self,
        platform: Platform,
        receiver: &str,
        limit: usize,
    ) -> Result<Vec<Vec<u8>>, LogError>;

    /// The first seq stored at or after `at_ms` (one past the newest when none is).
    fn first_seq_since(&self, at_ms: i64) -> Result<i64, LogError>;

    /// `platform`'s profile lookups answered 200 since seq `since`, newest first, at most
    /// `limit`; answers over [`RECEIVED_BODY_MOST`] are skipped.
    fn answered_lookups_since(
        &self,
        platform: Platform,
        since: i64,
        limit: usize,
    ) -> Result<Vec<AnsweredLookup>, LogError>;

    /// The newest profile lookups of `platform` that asked about one of `ids` and were answered
    /// 200, at most `per_id` for each id: each request row and its answer, in log order (see
    /// [`LookupPicker`]).
    fn lookups_naming(
        &self,
        platform: Platform,
        ids: &[String],
        per_id: usize,
    ) -> Result<Vec<Row>, LogError>;

    /// The newest seq, 0 when empty.
    fn last_seq(&self) -> Result<i64, LogError>;

    /// Whether other instances append to this log too (several servers on one database). Then
    /// this instance's live streams take committed rows from the log, in seq order, not from
    /// its own writer: the writer sees only its own rows.
    fn is_shared(&self) -> bool {
        false
    }

    /// Calls `woken` whenever any instance commits rows, and once each time the watch starts
    /// (or starts again after losing the database), so nothing committed meanwhile waits. A
    /// wake-up says only "read the log": it carries no rows. A log no one else writes to never
    /// calls it.
    fn watch_commits(&self, woken: Arc<dyn Fn() + Send + Sync>) {
        let _ = woken;
    }

    /// Up to `limit` events with seq greater than `after`, oldest first.
    fn after(&self, after: i64, limit: usize) -> Result<Vec<Row>, LogError> {
        Ok(self.after_within(after, limit, usize::MAX)?.events)
    }

    /// The newest `limit` events before `before`, in log order.
    fn before(&self, before: i64, limit: usize) -> Result<Vec<Row>, LogError> {
        Ok(self.before_within(before, limit, usize::MAX)?.events)
    }
}

/// The log the server was configured with.
pub type EventLog = dyn LogStore;

/// Which lookups to keep for [`LogStore::lookups_naming`]: the request is matched, not the
/// answer, since it names exactly the ids asked about (in its body or URL, as a whole token),
/// where a group's answer also lists every member. Requests come newest first; each id takes
/// at most `per_id`.
pub struct LookupPicker<'a> {
    wanted: Vec<(&'a [u8], usize)>,
}

impl<'a> LookupPicker<'a> {
    pub fn new(ids: &'a [String], per_id: usize) -> LookupPicker<'a> {
        LookupPicker {
            wanted: ids
                .iter()
                .filter(|id| !id.is_empty())
                .map(|id| (id.as_bytes(), per_id))
                .collect(),
        }
    }

    /// Every id has what it may take.
    pub fn is_done(&self) -> bool {
        self.wanted.iter().all(|(_, left)| *left == 0)
    }

    /// The ids (their indexes) a request with these stored headers and body asked about that
    /// still want an answer.
    pub fn asked_by(&self, headers: &[u8], body: &[u8]) -> Vec<usize> {
        self.wanted
            .iter()
            .enumerate()
            .filter(|(_, (id, left))| {
                *left > 0 && (names_token(body, id) || names_token(headers, id))
            })
            .map(|(index, _)| index)
            .collect()
    }

    /// The request that asked about `asked` was answered OK: it counts for each of them.
    pub fn took(&mut self, asked: &[usize]) {
        for index in asked {
            self.wanted[*index].1 -= 1;
        }
    }
}

pub fn redact(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            if REDACTED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                (name.clone(), REDACTED.to_owned())
            } else {
                (name.clone(), value.clone())
            }
        })
        .collect()
}

/// `text` for a LIKE pattern with `\` as its escape: its `\`, `%` and `_` taken literally.
pub(crate) fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A header pair as the log stores it (`["name","value"]`), escaped for LIKE: matches that
/// name with that value, not the name written as some other header's value.
pub(crate) fn like_escaped_pair(name: &str, value: &str) -> String {
    like_escaped(&serde_json::to_string(&(name, value)).expect("two strings serialize"))
}

/// Whether `haystack` holds `token` standing alone: not inside a longer run of letters, digits,
/// `-` or `_` (a numeric id inside a longer number is not that id).
pub(crate) fn names_token(haystack: &[u8], token: &[u8]) -> bool {
    let part_of_id = |byte: &u8| byte.is_ascii_alphanumeric() || *byte == b'-' || *byte == b'_';
    if token.is_empty() || token.len() > haystack.len() {
        return false;
    }
    (0..=haystack.len() - token.len()).any(|start| {
        let end = start + token.len();
        &haystack[start..end] == token
            && (start == 0 || !part_of_id(&haystack[start - 1]))
            && haystack.get(end).is_none_or(|next| !part_of_id(next))
    })
}

/// Request rows the server annotated as profile lookups.
pub(crate) fn lookup_pattern() -> String {
    use switchboard_protocol::headers::annotation::{LOOKUP, LOOKUP_PROFILES};
    format!("%{}%", like_escaped_pair(LOOKUP, LOOKUP_PROFILES))
}

/// The SQL condition that picks the server's profile lookups among the rows. The partial index
/// `lookup_requests` is made on exactly this text, so a query that says it reads the lookups
/// alone, not the log. The pair holds no quote and nothing LIKE treats specially (a test
/// checks), so it stands in the SQL as it is.
pub(crate) fn lookup_condition() -> String {
    use switchboard_protocol::headers::annotation::{LOOKUP, LOOKUP_PROFILES};
    let pair = serde_json::to_string(&(LOOKUP, LOOKUP_PROFILES)).expect("two strings serialize");
    format!("direction = 'outbound' AND headers LIKE '%{pair}%'")
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_found_in_requests_as_whole_tokens() {
        assert!(names_token(br#"{"wcId":"wxid_a,wxid_b"}"#, b"wxid_b"));
        assert!(names_token(
            b"/conversations/c354135b-d7c8",
            b"c354135b-d7c8"
        ));
        assert!(names_token(b"\x0a\x077058262", b"7058262"));
        assert!(
            !names_token(b"[\"17058262\"]", b"7058262"),
            "inside a longer number"
        );
        assert!(!names_token(b"[\"wxid_ab\"]", b"wxid_a"));
        assert!(!names_token(b"ab", b"abc"));
        assert!(!names_token(b"abc", b""));
        // The lookup condition stands in SQL as it is.
        let condition = lookup_condition();
        let pattern = condition
            .split("LIKE '")
            .nth(1)
            .unwrap()
            .trim_end_matches('\'');
        assert_eq!(pattern, lookup_pattern(), "nothing in it needs escaping");
        assert!(!pattern.trim_matches('%').contains(['%', '_', '\\', '\'']));
    }
}
