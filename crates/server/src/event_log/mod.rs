//! The append-only event log: every webhook, proxied request and upstream response, stored
//! before anything is acknowledged. Rows are never updated or deleted — the store refuses it —
//! and credentials never reach a row: header values that carry them are redacted on the way in,
//! so no caller can forget.
//!
//! [`LogStore`] is what the server needs of a log; two backends keep it: [`SqliteLog`] (one
//! machine, the data directory; the default) and [`PostgresLog`] (any number of instances on
//! one database). In both a row's seq is its commit order: a reader that has seen seq N has
//! seen every row below it, so `after=N` never skips a row that commits late.

#[cfg(test)]
pub(crate) mod contract;
mod postgres;
mod queries;
mod sqlite;
mod store;

use std::sync::Arc;

pub use postgres::PostgresLog;
pub use sqlite::SqliteLog;
pub use store::*;

/// The configured event log: in the shared database when there is one, else SQLite in the
/// data directory.
pub fn open(
    data_dir: &std::path::Path,
    database: Option<&Arc<crate::database::Database>>,
) -> anyhow::Result<Arc<EventLog>> {
    use anyhow::Context;
    Ok(match database {
        Some(database) => Arc::new(PostgresLog::on(database.clone())?),
        None => {
            let path = data_dir.join("events.sqlite");
            Arc::new(
                SqliteLog::open(&path)
                    .with_context(|| format!("opening the event log {}", path.display()))?,
            )
        }
    })
}
