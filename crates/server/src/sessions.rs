//! Login sessions: a random id per login, kept server-side (as its SHA-256, in `team.sqlite`
//! beside the agent it belongs to) with an expiry, so a session survives a restart, ends at
//! logout, and a cookie copied from one login opens no other.
//!
//! Every API request asks [`Sessions::agent_of`]; it answers from memory, and re-reads the
//! table whenever another connection changed the file (`PRAGMA data_version`): an agent
//! disabled by `switchboard agent disable` in another process is out on their next request.
//! In the PostgreSQL database several instances share, the same holds across instances: every
//! change to agents or sessions bumps `team_version`, which each request compares. Requests that
//! arrive together share one comparison ([`Checks`]): each is answered by a check that started
//! after it arrived, so none is answered from knowledge older than itself, and a thousand
//! requests at once cost a round trip or two, not a thousand in a row.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use crate::database::Database;

/// How long a login lasts.
pub const SESSION_DAYS: i64 = 30;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

type SessionKey = [u8; 32];

pub struct Sessions {
    connection: Arc<Mutex<Watched>>,
    /// PostgreSQL: the comparisons of `team_version` the requests share.
    checks: Option<Arc<Checks>>,
}

/// How long a request waits for a check under way before it looks again.
const CHECK_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// One comparison of `team_version` at a time, shared by every request waiting for one.
struct Checks {
    database: Arc<Database>,
    /// How many checks have started; a check's number is the count once it started.
    started: AtomicU64,
    /// The newest finished check: its number, and whether it could compare.
    finished: tokio::sync::watch::Sender<(u64, bool)>,
    running: Arc<tokio::sync::Mutex<()>>,
}

impl Checks {
    /// Waits for a check that started after this call (starting one if none is under way):
    /// whether it could compare, and so whether `watched` may be answered from.
    async fn fresh(self: &Arc<Checks>, watched: &Arc<Mutex<Watched>>) -> bool {
        // Any check numbered above the count now starts after this point.
        let needed = self.started.load(Ordering::SeqCst) + 1;
        let mut finished = self.finished.subscribe();
        loop {
            let (number, compared) = *finished.borrow_and_update();
            if number >= needed {
                return compared;
            }
            if let Ok(running) = self.running.clone().try_lock_owned() {
                let number = self.started.fetch_add(1, Ordering::SeqCst) + 1;
                // On the database's runtime, to its end, even if this request goes away:
                // others may be waiting for it.
                let (checks, watched) = (self.clone(), watched.clone());
                let checked = self
                    .database
                    .run_async(async move {
                        let compared = checks.compare(&watched).await;
                        checks.finished.send_replace((number, compared));
                        drop(running);
                    })
                    .await;
                if checked.is_err() {
                    return false;
                }
                continue;
            }
            // Woken when the check under way finishes; and looked at again after a while in
            // any case, should it have ended without saying so (a panic): then another starts.
            if let Ok(Err(_)) = tokio::time::timeout(CHECK_WAIT, finished.changed()).await {
                return false;
            }
        }
    }

    /// Compares `team_version` with what `watched` was read at, and reads the live sessions
    /// again if it moved. `false`: the database could not say (nobody is let in on stale
    /// knowledge).
    async fn compare(&self, watched: &Mutex<Watched>) -> bool {
        let compared = async {
            let client = self.database.client().await?;
            let version: i64 = client.query_one(TEAM_VERSION, &[]).await?.get(0);
            if version == lock(watched).version {
                return Ok(());
            }
            let live = live_from(client.query(LIVE_SESSIONS, &[]).await?);
            let mut watched = lock(watched);
            watched.live = live;
            watched.version = version;
            Ok::<_, crate::database::DatabaseError>(())
        };
        match compared.await {
            Ok(()) => true,
            Err(error) => {
                tracing::error!("reading sessions: {error}");
                false
            }
        }
    }
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
                .query_one(TEAM_VERSION, &[])
                .await?
                .get::<_, i64>(0))
        })?,
    })
}

const TEAM_VERSION: &str = "SELECT version FROM team_version WHERE id = 1";

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
        Store::Postgres(database) => {
            return Ok(database.run::<_, crate::database::DatabaseError>(async {
                Ok(live_from(
                    database.client().await?.query(LIVE_SESSIONS, &[]).await?,
                ))
            })?);
        }
    };
    Ok(live_of(rows))
}

fn live_from(rows: Vec<tokio_postgres::Row>) -> HashMap<SessionKey, (String, i64)> {
    live_of(
        rows.iter()
            .map(|row| (row.get(0), row.get(1), row.get(2)))
            .collect(),
    )
}

fn live_of(rows: Vec<(Vec<u8>, String, i64)>) -> HashMap<SessionKey, (String, i64)> {
    rows.into_iter()
        .filter_map(|(key, agent, expires)| {
            Some((SessionKey::try_from(key.as_slice()).ok()?, (agent, expires)))
        })
        .collect()
}

impl Sessions {
    pub fn open(data_dir: &Path) -> anyhow::Result<Sessions> {
        Sessions::watching(Store::Sqlite(crate::agents::open_team(data_dir)?))
    }

    /// The sessions in a shared database.
    pub fn on(database: Arc<Database>) -> anyhow::Result<Sessions> {
        database.migrate("team", &[crate::agents::postgres::SCHEMA])?;
        let mut sessions = Sessions::watching(Store::Postgres(database.clone()))?;
        sessions.checks = Some(Arc::new(Checks {
            database,
            started: AtomicU64::new(0),
            finished: tokio::sync::watch::channel((0, false)).0,
            running: Arc::new(tokio::sync::Mutex::new(())),
        }));
        Ok(sessions)
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
            connection: Arc::new(Mutex::new(Watched {
                connection,
                version,
                live,
            })),
            checks: None,
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
    pub async fn agent_of(&self, session_id: &str) -> Option<String> {
        match &self.checks {
            Some(checks) => {
                if !checks.fresh(&self.connection).await {
                    return None;
                }
                known(&self.lock(), session_id)
            }
            None => self.agent_of_now(session_id),
        }
    }

    /// [`Sessions::agent_of`] on SQLite: `PRAGMA data_version` is a read of this process's
    /// memory, so each call compares.
    fn agent_of_now(&self, session_id: &str) -> Option<String> {
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
        known(&watched, session_id)
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
        lock(&self.connection)
    }
}

fn lock(watched: &Mutex<Watched>) -> std::sync::MutexGuard<'_, Watched> {
    watched
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The agent of a live, unexpired session `session_id` in what was read.
fn known(watched: &Watched, session_id: &str) -> Option<String> {
    watched
        .live
        .get(&key_of(session_id))
        .filter(|(_, expires)| *expires > now_ms())
        .map(|(agent, _)| agent.clone())
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
        assert_eq!(sessions.agent_of_now(&first).as_deref(), Some("ming"));
        assert!(sessions.agent_of_now(&second).is_some());
        sessions.end(&first).unwrap();
        assert!(
            sessions.agent_of_now(&first).is_none(),
            "logout ends that session"
        );
        assert!(
            sessions.agent_of_now(&second).is_some(),
            "and only that one"
        );
        assert!(sessions.agent_of_now("forged").is_none());
        let reopened = Sessions::open(dir.path()).unwrap();
        assert!(
            reopened.agent_of_now(&second).is_some(),
            "sessions survive a restart"
        );
        assert!(reopened.agent_of_now(&first).is_none());
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
        assert!(sessions.agent_of_now(&lin).is_some());
        // Another connection, as `switchboard agent disable` in another process.
        Agents::open(dir.path())
            .unwrap()
            .set_disabled("lin", true)
            .unwrap();
        assert!(sessions.agent_of_now(&lin).is_none());
        assert_eq!(sessions.agent_of_now(&ming).as_deref(), Some("ming"));
        assert!(
            sessions.start("lin", None).is_err(),
            "no new session for a disabled agent"
        );
        assert!(sessions.start("ming", Some("a hash from before")).is_err());
    }

    #[test]
    fn on_postgresql_requests_at_once_share_a_check_and_an_end_elsewhere_holds_at_once() {
        let Some(url) = crate::event_log::contract::test_postgres::fresh_database() else {
            return;
        };
        let database = Database::open(&url).unwrap();
        Agents::on(database.clone())
            .unwrap()
            .add("ming", "correct horse", true)
            .unwrap();
        // Two instances: each its own sessions, on one database.
        let here = Arc::new(Sessions::on(database).unwrap());
        let there = Arc::new(Sessions::on(Database::open(&url).unwrap()).unwrap());
        let id = here.start("ming", None).unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        assert_eq!(
            runtime.block_on(there.agent_of(&id)).as_deref(),
            Some("ming")
        );

        let checks = &here.checks.as_ref().unwrap().started;
        let before = checks.load(Ordering::SeqCst);
        let answers = runtime.block_on(async {
            futures_util::future::join_all((0..300).map(|_| {
                let (here, id) = (here.clone(), id.clone());
                tokio::spawn(async move { here.agent_of(&id).await })
            }))
            .await
        });
        assert!(
            answers
                .iter()
                .all(|answer| answer.as_ref().unwrap().as_deref() == Some("ming"))
        );
        let used = checks.load(Ordering::SeqCst) - before;
        assert!(used < 60, "{used} checks for 300 requests at once");

        // A logout on the other instance holds here on the very next request.
        there.end(&id).unwrap();
        assert_eq!(runtime.block_on(here.agent_of(&id)), None);
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
        assert!(sessions.agent_of_now(&id).is_none());
    }
}
