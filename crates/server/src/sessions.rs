//! Login sessions: a random id per login, kept server-side (as its SHA-256, in
//! `sessions.sqlite` in the data directory, readable by the owner only) with an expiry, so a
//! session survives a restart, ends at logout, and a cookie copied from one login opens no other.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

/// How long a login lasts.
pub const SESSION_DAYS: i64 = 30;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

type SessionKey = [u8; 32];

pub struct Sessions {
    connection: Mutex<Connection>,
    /// Every live session's key → its expiry (ms); checked on every API request.
    live: Mutex<HashMap<SessionKey, i64>>,
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

impl Sessions {
    pub fn open(data_dir: &Path) -> anyhow::Result<Sessions> {
        let path = data_dir.join("sessions.sqlite");
        let connection = Connection::open(&path)
            .with_context(|| format!("opening the sessions {}", path.display()))?;
        connection.execute_batch(
            "CREATE TABLE IF NOT EXISTS sessions (key BLOB PRIMARY KEY, expires_at_ms INTEGER NOT NULL);",
        )?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        }
        let now = now_ms();
        connection.execute(
            "DELETE FROM sessions WHERE expires_at_ms <= ?1",
            params![now],
        )?;
        let live = connection
            .prepare("SELECT key, expires_at_ms FROM sessions")?
            .query_map([], |row| {
                let key: Vec<u8> = row.get(0)?;
                Ok((key, row.get::<_, i64>(1)?))
            })?
            .filter_map(|row| {
                let (key, expires) = row.ok()?;
                Some((SessionKey::try_from(key.as_slice()).ok()?, expires))
            })
            .collect();
        Ok(Sessions {
            connection: Mutex::new(connection),
            live: Mutex::new(live),
        })
    }

    /// Starts a session and returns its id (the cookie's value).
    pub fn start(&self) -> anyhow::Result<String> {
        let id = crate::secrets::random_token();
        let key = key_of(&id);
        let expires = now_ms() + SESSION_DAYS * DAY_MS;
        self.lock_connection().execute(
            "INSERT INTO sessions (key, expires_at_ms) VALUES (?1, ?2)",
            params![key.as_slice(), expires],
        )?;
        self.lock_live().insert(key, expires);
        Ok(id)
    }

    /// Whether `session_id` names a session that has neither ended nor expired.
    pub fn is_live(&self, session_id: &str) -> bool {
        let key = key_of(session_id);
        self.lock_live()
            .get(&key)
            .is_some_and(|expires| *expires > now_ms())
    }

    /// Ends the session (logout). Unknown ids are ignored.
    pub fn end(&self, session_id: &str) -> anyhow::Result<()> {
        let key = key_of(session_id);
        self.lock_live().remove(&key);
        self.lock_connection().execute(
            "DELETE FROM sessions WHERE key = ?1",
            params![key.as_slice()],
        )?;
        Ok(())
    }

    fn lock_connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn lock_live(&self) -> std::sync::MutexGuard<'_, HashMap<SessionKey, i64>> {
        self.live
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_login_is_its_own_session_until_it_ends() {
        let dir = tempfile::tempdir().unwrap();
        let sessions = Sessions::open(dir.path()).unwrap();
        let first = sessions.start().unwrap();
        let second = sessions.start().unwrap();
        assert_ne!(first, second, "a fresh id for every login");
        assert!(sessions.is_live(&first) && sessions.is_live(&second));
        sessions.end(&first).unwrap();
        assert!(!sessions.is_live(&first), "logout ends that session");
        assert!(sessions.is_live(&second), "and only that one");
        assert!(!sessions.is_live("forged"));
        let reopened = Sessions::open(dir.path()).unwrap();
        assert!(reopened.is_live(&second), "sessions survive a restart");
        assert!(!reopened.is_live(&first));
        let stored: Vec<u8> = reopened
            .lock_connection()
            .query_row("SELECT key FROM sessions", [], |row| row.get(0))
            .unwrap();
        assert_ne!(stored, second.as_bytes(), "only a hash is stored");
    }

    #[test]
    fn an_expired_session_opens_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let sessions = Sessions::open(dir.path()).unwrap();
        let id = sessions.start().unwrap();
        sessions.lock_live().insert(key_of(&id), now_ms() - 1);
        assert!(!sessions.is_live(&id));
    }
}
