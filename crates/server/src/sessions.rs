//! Login sessions: a random id per login, kept server-side (as its SHA-256, in `team.sqlite`
//! beside the agent it belongs to) with an expiry, so a session survives a restart, ends at
//! logout, and a cookie copied from one login opens no other.
//!
//! Every API request asks [`Sessions::agent_of`]; it answers from memory, and re-reads the
//! table whenever another connection changed the file (`PRAGMA data_version`): an agent
//! disabled by `switchboard agent disable` in another process is out on their next request.
//! In the PostgreSQL database several instances share, the same holds across instances: every
//! change to agents or sessions bumps `team_version`, which each request compares.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use std::sync::Arc;

use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use crate::database::Database;

/// How long a login lasts.
pub const SESSION_DAYS: i64 = 30;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

type SessionKey = [u8; 32];

pub struct Sessions {
    connection: Mutex<Watched>,
}

/// Where sessions are kept.
enum Store {
    Sqlite(Connection),
    Postgres(Arc<Database>),
}

struct Watched {
    connection: Store,
    /// `PRAGMA data_version` when `live` was read.
    version: i64,
    /// Every live session's key → (agent, expiry in ms).
    live: HashMap<SessionKey, (String, i64)>,
}

fn key_of(session_id: &str) -> SessionKey {
    let mut hasher = Sha256::new();
    hasher.update(b"switchboard session\0");
    hasher.update(session_id.as_bytes());
    hasher.finalize().into()
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as i64)
}

/// What changes whenever anyone changes the sessions or the agents (SQLite: another
/// connection wrote the file; PostgreSQL: `team_version`).
fn version_of(store: &Store) -> anyhow::Result<i64> {
    Ok(match store {
        Store::Sqlite(connection) => {
            connection.query_row("PRAGMA data_version", [], |row| row.get(0))?
        }
        Store::Postgres(database) => database.run::<_, crate::database::DatabaseError>(async {
            Ok(database
                .client()
                .await?
                .query_one("SELECT version FROM team_version WHERE id = 1", &[])
                .await?
                .get::<_, i64>(0))
        })?,
    })
}

/// The sessions of agents who are not disabled.
const LIVE_SESSIONS: &str =
    "SELECT sessions.key, sessions.agent, sessions.expires_at_ms FROM sessions
     JOIN agents ON agents.name = sessions.agent WHERE NOT agents.disabled";

fn read_live(store: &Store) -> anyhow::Result<HashMap<SessionKey, (String, i64)>> {
    let rows: Vec<(Vec<u8>, String, i64)> = match store {
        Store::Sqlite(connection) => {
            let mut statement = connection.prepare_cached(LIVE_SESSIONS)?;
            statement
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?
        }
        Store::Postgres(database) => database.run::<_, crate::database::DatabaseError>(async {
            Ok(database
                .client()
                .await?
                .query(LIVE_SESSIONS, &[])
                .await?
                .iter()
                .map(|row| (row.get(0), row.get(1), row.get(2)))
                .collect())
        })?,
    };
    Ok(rows
        .into_iter()
        .filter_map(|(key, agent, expires)| {
            Some((SessionKey::try_from(key.as_slice()).ok()?, (agent, expires)))
        })
        .collect())
}

impl Sessions {
    pub fn open(data_dir: &Path) -> anyhow::Result<Sessions> {
        Sessions::watching(Store::Sqlite(crate::agents::open_team(data_dir)?))
    }

    /// The sessions in a shared database.
    pub fn on(database: Arc<Database>) -> anyhow::Result<Sessions> {
        database.migrate("team", &[crate::agents::postgres::SCHEMA])?;
        Sessions::watching(Store::Postgres(database))
    }

    fn watching(connection: Store) -> anyhow::Result<Sessions> {
        match &connection {
            Store::Sqlite(sqlite) => {
                sqlite.execute(
                    "DELETE FROM sessions WHERE expires_at_ms <= ?1",
                    params![now_ms()],
                )?;
            }
            Store::Postgres(database) => {
                database.execute(
                    "DELETE FROM sessions WHERE expires_at_ms <= $1",
                    &[&now_ms()],
                )?;
            }
        }
        let version = version_of(&connection)?;
        let live = read_live(&connection)?;
        Ok(Sessions {
            connection: Mutex::new(Watched {
                connection,
                version,
                live,
            }),
        })
    }

    /// Starts a session for `agent` and returns its id (the cookie's value): only while the
    /// agent is not disabled and (when given) their password hash is still the one the login
    /// checked, so a disable or a new password that lands during the check wins.
    pub fn start(&self, agent: &str, password_hash: Option<&str>) -> anyhow::Result<String> {
        let id = crate::secrets::random_token();
        let key = key_of(&id);
        let expires = now_ms() + SESSION_DAYS * DAY_MS;
        let mut watched = self.lock();
        let inserted = match &watched.connection {
            Store::Sqlite(connection) => connection.execute(
                "INSERT INTO sessions (key, agent, expires_at_ms)
                 SELECT ?1, name, ?3 FROM agents
                 WHERE name = ?2 AND disabled = 0 AND (?4 IS NULL OR password_hash = ?4)",
                params![key.as_slice(), agent, expires, password_hash],
            )? as u64,
            Store::Postgres(database) => {
                database.run::<_, crate::database::DatabaseError>(async {
                    Ok(database
                        .client()
                        .await?
                        .execute(
                            "INSERT INTO sessions (key, agent, expires_at_ms)
                         SELECT $1, name, $3 FROM agents
                         WHERE name = $2 AND NOT disabled
                           AND ($4::TEXT IS NULL OR password_hash = $4)",
                            &[&key.as_slice(), &agent, &expires, &password_hash],
                        )
                        .await?)
                })?
            }
        };
        if inserted == 0 {
            anyhow::bail!("{agent} was disabled or given a new password during the login");
        }
        watched.live.insert(key, (agent.to_owned(), expires));
        Ok(id)
    }

    /// The agent whose session `session_id` is, if it has neither ended nor expired and the
    /// agent is not disabled.
    pub fn agent_of(&self, session_id: &str) -> Option<String> {
        let key = key_of(session_id);
        let mut watched = self.lock();
        match version_of(&watched.connection) {
            Ok(version) if version != watched.version => {
                match read_live(&watched.connection) {
                    Ok(live) => {
                        watched.live = live;
                        watched.version = version;
                    }
                    // Unreadable now: nobody is let in on stale knowledge.
                    Err(error) => {
                        tracing::error!("reading sessions: {error}");
                        return None;
                    }
                }
            }
            Ok(_) => {}
            Err(error) => {
                tracing::error!("reading sessions: {error}");
                return None;
            }
        }
        watched
            .live
            .get(&key)
            .filter(|(_, expires)| *expires > now_ms())
            .map(|(agent, _)| agent.clone())
    }

    /// Ends the session (logout). Unknown ids are ignored.
    pub fn end(&self, session_id: &str) -> anyhow::Result<()> {
        let key = key_of(session_id);
        let mut watched = self.lock();
        watched.live.remove(&key);
        match &watched.connection {
            Store::Sqlite(connection) => {
                connection.execute(
                    "DELETE FROM sessions WHERE key = ?1",
                    params![key.as_slice()],
                )?;
            }
            Store::Postgres(database) => {
                database.execute("DELETE FROM sessions WHERE key = $1", &[&key.as_slice()])?;
            }
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Watched> {
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::Agents;

    #[test]
    fn each_login_is_its_own_session_until_it_ends() {
        let dir = tempfile::tempdir().unwrap();
        Agents::open(dir.path())
            .unwrap()
            .add("ming", "correct horse", true)
            .unwrap();
        let sessions = Sessions::open(dir.path()).unwrap();
        let first = sessions.start("ming", None).unwrap();
        let second = sessions.start("ming", None).unwrap();
        assert_ne!(first, second, "a fresh id for every login");
        assert_eq!(sessions.agent_of(&first).as_deref(), Some("ming"));
        assert!(sessions.agent_of(&second).is_some());
        sessions.end(&first).unwrap();
        assert!(
            sessions.agent_of(&first).is_none(),
            "logout ends that session"
        );
        assert!(sessions.agent_of(&second).is_some(), "and only that one");
        assert!(sessions.agent_of("forged").is_none());
        let reopened = Sessions::open(dir.path()).unwrap();
        assert!(
            reopened.agent_of(&second).is_some(),
            "sessions survive a restart"
        );
        assert!(reopened.agent_of(&first).is_none());
        let Store::Sqlite(connection) = &reopened.lock().connection else {
            unreachable!()
        };
        let stored: Vec<u8> = connection
            .query_row("SELECT key FROM sessions", [], |row| row.get(0))
            .unwrap();
        assert_ne!(stored, second.as_bytes(), "only a hash is stored");
    }

    #[test]
    fn disabling_an_agent_elsewhere_ends_their_sessions_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let agents = Agents::open(dir.path()).unwrap();
        agents.add("ming", "correct horse", true).unwrap();
        agents.add("lin", "battery staple", false).unwrap();
        let sessions = Sessions::open(dir.path()).unwrap();
        let lin = sessions.start("lin", None).unwrap();
        let ming = sessions.start("ming", None).unwrap();
        assert!(sessions.agent_of(&lin).is_some());
        // Another connection, as `switchboard agent disable` in another process.
        Agents::open(dir.path())
            .unwrap()
            .set_disabled("lin", true)
            .unwrap();
        assert!(sessions.agent_of(&lin).is_none());
        assert_eq!(sessions.agent_of(&ming).as_deref(), Some("ming"));
        assert!(
            sessions.start("lin", None).is_err(),
            "no new session for a disabled agent"
        );
        assert!(sessions.start("ming", Some("a hash from before")).is_err());
    }

    #[test]
    fn an_expired_session_opens_nothing() {
        let dir = tempfile::tempdir().unwrap();
        Agents::open(dir.path())
            .unwrap()
            .add("ming", "correct horse", true)
            .unwrap();
        let sessions = Sessions::open(dir.path()).unwrap();
        let id = sessions.start("ming", None).unwrap();
        sessions
            .lock()
            .live
            .insert(key_of(&id), ("ming".into(), now_ms() - 1));
        assert!(sessions.agent_of(&id).is_none());
    }
}
