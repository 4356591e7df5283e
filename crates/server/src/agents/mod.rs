//! The team: agents (a name, an argon2id password hash, admin or not, disabled or not) and
//! the canned replies they share, in `team.sqlite` in the data directory (the owner's only),
//! or in the PostgreSQL database several instances share ([`postgres`]).
//!
//! `switchboard agent …` and a running server open the same file (WAL, a busy timeout), so an
//! agent added or disabled from the terminal counts at once: disabling deletes the agent's
//! sessions in the same transaction, and [`crate::sessions::Sessions`] notices the change on
//! the next request.

pub mod postgres;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, bail};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rusqlite::{Connection, OptionalExtension, params};
use switchboard_protocol::desk::is_agent_name;
use switchboard_protocol::{Agent, CannedReply};

/// The file agents, sessions and canned replies live in.
pub fn team_path(data_dir: &Path) -> PathBuf {
    data_dir.join("team.sqlite")
}

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted (hashing cost grows with it; nobody types more).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Most canned replies, and the longest shortcut and text.
pub const MAX_CANNED: usize = 1000;
pub const MAX_SHORTCUT_CHARS: usize = 32;
pub const MAX_CANNED_TEXT_BYTES: usize = 4096;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS agents (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    admin INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    key BLOB PRIMARY KEY,
    agent TEXT NOT NULL REFERENCES agents(name),
    expires_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS canned_replies (
    shortcut TEXT PRIMARY KEY,
    text TEXT NOT NULL
);
";

/// Opens `team.sqlite` (creating it and its tables), shared by the server and the CLI.
pub fn open_team(data_dir: &Path) -> anyhow::Result<Connection> {
    let path = team_path(data_dir);
    let connection =
        Connection::open(&path).with_context(|| format!("opening {}", path.display()))?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.execute_batch(SCHEMA)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(connection)
}

/// Why an agent could not be added or changed: the caller's mistake, said plainly.
#[derive(Debug, PartialEq, Eq)]
pub enum AgentError {
    BadName,
    Exists,
    NoSuchAgent,
    WeakPassword,
    LastAdmin,
}

impl std::fmt::Display for AgentError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            AgentError::BadName => {
                "an agent's name is 1 to 32 letters, digits, `_`, `-` or `.` (not first)"
            }
            AgentError::Exists => "an agent with that name exists",
            AgentError::NoSuchAgent => "no agent has that name",
            AgentError::WeakPassword => "a password is 8 to 1024 characters",
            AgentError::LastAdmin => "the last admin who is not disabled stays",
        })
    }
}

impl AgentError {
    /// The same, in Chinese.
    pub fn chinese(&self) -> &'static str {
        match self {
            AgentError::BadName => {
                "坐席名称为 1 到 32 个字母、数字、`_`、`-` 或 `.`（`.` 不能在开头）"
            }
            AgentError::Exists => "已有同名坐席",
            AgentError::NoSuchAgent => "没有这个名称的坐席",
            AgentError::WeakPassword => "密码为 8 到 1024 个字符",
            AgentError::LastAdmin => "最后一位未停用的管理员必须保留",
        }
    }
}

impl std::error::Error for AgentError {}

pub struct Agents {
    store: Store,
}

/// Where the team is kept.
enum Store {
    Sqlite(Mutex<Connection>),
    Postgres(Arc<crate::database::Database>),
}

/// A hash to verify against when the name is unknown, so a wrong name costs what a wrong
/// password does (no timing tells which names exist).
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("switchboard decoy").unwrap_or_default())
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| anyhow::anyhow!("no randomness: {error}"))?;
    let salt = SaltString::encode_b64(&bytes)
        .map_err(|error| anyhow::anyhow!("encoding the salt: {error}"))?;
    // argon2id with the crate's defaults (OWASP's m=19 MiB, t=2, p=1).
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| anyhow::anyhow!("hashing the password: {error}"))
}

/// Costs what checking a real password does, for a login that is refused anyway.
pub fn verify_decoy(password: &str) {
    let _ = verifies(password, decoy_hash());
}

fn verifies(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// An agent read from `SELECT name, admin, disabled`.
fn agent_of_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Agent> {
    Ok(Agent {
        name: row.get(0)?,
        admin: row.get(1)?,
        disabled: row.get(2)?,
        online: false,
    })
}

/// The hash to store for a new agent, once their name and password pass.
fn checked_hash(name: &str, password: &str) -> anyhow::Result<String> {
    if !is_agent_name(name) {
        return Err(AgentError::BadName.into());
    }
    check_password(password)?;
    hash_password(password)
}

fn check_password(password: &str) -> Result<(), AgentError> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(AgentError::WeakPassword);
    }
    Ok(())
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as i64)
}

/// Runs `$body` (a future, given `$client`: a connection of the shared database) and waits.
macro_rules! shared {
    ($database:expr, |$client:ident| $body:expr) => {
        $database
            .run::<_, crate::database::DatabaseError>(async {
                #[allow(unused_mut)]
                let mut $client = $database.client().await?;
                $body.await
            })
            .map_err(|error: crate::database::DatabaseError| anyhow::Error::from(error))
    };
}

impl Agents {
    pub fn open(data_dir: &Path) -> anyhow::Result<Agents> {
        Ok(Agents {
            store: Store::Sqlite(Mutex::new(open_team(data_dir)?)),
        })
    }

    /// The team in a shared database, its tables brought up to date.
    pub fn on(database: Arc<crate::database::Database>) -> anyhow::Result<Agents> {
        database.migrate("team", &[postgres::SCHEMA])?;
        Ok(Agents {
            store: Store::Postgres(database),
        })
    }

    /// The team's SQLite connection; `None` when the team is in PostgreSQL.
    fn lock(&self) -> Option<std::sync::MutexGuard<'_, Connection>> {
        match &self.store {
            Store::Sqlite(connection) => Some(
                connection
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
            ),
            Store::Postgres(_) => None,
        }
    }

    pub fn is_empty(&self) -> anyhow::Result<bool> {
        let count: i64 = match &self.store {
            Store::Postgres(database) => shared!(database, |client| postgres::count(&client))?,
            Store::Sqlite(_) => self.lock().expect("SQLite").query_row(
                "SELECT COUNT(*) FROM agents",
                [],
                |row| row.get(0),
            )?,
        };
        Ok(count == 0)
    }

    /// Adds an agent. The caller's mistakes come back as [`AgentError`] inside the error.
    pub fn add(&self, name: &str, password: &str, admin: bool) -> anyhow::Result<()> {
        let hash = checked_hash(name, password)?;
        let inserted = match &self.store {
            Store::Postgres(database) => shared!(database, |client| postgres::add(&client, name, &hash, admin, now_ms()))?,
            Store::Sqlite(_) => {
                self.lock().expect("SQLite").execute(
                    "INSERT OR IGNORE INTO agents (name, password_hash, admin, created_at_ms) VALUES (?1, ?2, ?3, ?4)",
                    params![name, hash, admin, now_ms()],
                )? == 1
            }
        };
        if !inserted {
            return Err(AgentError::Exists.into());
        }
        Ok(())
    }

    /// Adds the first admin, only while there is no agent at all (the one-time setup link).
    pub fn add_first_admin(&self, name: &str, password: &str) -> anyhow::Result<bool> {
        let hash = checked_hash(name, password)?;
        match &self.store {
            Store::Postgres(database) => shared!(database, |client| postgres::add_first_admin(
                &mut client,
                name,
                &hash,
                now_ms()
            )),
            Store::Sqlite(_) => Ok(self.lock().expect("SQLite").execute(
                "INSERT INTO agents (name, password_hash, admin, created_at_ms)
                 SELECT ?1, ?2, 1, ?3 WHERE NOT EXISTS (SELECT 1 FROM agents)",
                params![name, hash, now_ms()],
            )? == 1),
        }
    }

    pub fn list(&self) -> anyhow::Result<Vec<Agent>> {
        if let Store::Postgres(database) = &self.store {
            return shared!(database, |client| postgres::list(&client));
        }
        let connection = self.lock().expect("SQLite");
        let mut statement =
            connection.prepare("SELECT name, admin, disabled FROM agents ORDER BY name")?;
        let agents = statement
            .query_map([], agent_of_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(agents)
    }

    /// The agent and the hash `password` matched, if it is theirs and they are not disabled.
    pub fn verify(&self, name: &str, password: &str) -> anyhow::Result<Option<(Agent, String)>> {
        let found: Option<(String, bool, bool)> = match &self.store {
            Store::Postgres(database) => {
                shared!(database, |client| postgres::credentials(&client, name))?
            }
            Store::Sqlite(_) => self
                .lock()
                .expect("SQLite")
                .query_row(
                    "SELECT password_hash, admin, disabled FROM agents WHERE name = ?1",
                    params![name],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .optional()?,
        };
        let Some((hash, admin, disabled)) = found else {
            verify_decoy(password);
            return Ok(None);
        };
        if !verifies(password, &hash) || disabled {
            return Ok(None);
        }
        Ok(Some((
            Agent {
                name: name.to_owned(),
                admin,
                disabled,
                online: false,
            },
            hash,
        )))
    }

    pub fn get(&self, name: &str) -> anyhow::Result<Option<Agent>> {
        match &self.store {
            Store::Postgres(database) => {
                shared!(database, |client| postgres::get(&client, name))
            }
            Store::Sqlite(_) => Ok(self
                .lock()
                .expect("SQLite")
                .query_row(
                    "SELECT name, admin, disabled FROM agents WHERE name = ?1",
                    params![name],
                    agent_of_row,
                )
                .optional()?),
        }
    }

    /// Whether `name` is an agent who may be given work (exists, not disabled).
    pub fn is_active(&self, name: &str) -> anyhow::Result<bool> {
        Ok(self.get(name)?.is_some_and(|agent| !agent.disabled))
    }

    /// Disables (or enables) an agent; disabling ends every session of theirs at once.
    pub fn set_disabled(&self, name: &str, disabled: bool) -> anyhow::Result<()> {
        if let Store::Postgres(database) = &self.store {
            let changed = shared!(database, |client| postgres::set_disabled(
                &mut client,
                name,
                disabled
            ))?;
            return changed_or(changed);
        }
        let mut connection = self.lock().expect("SQLite");
        let transaction = connection.transaction()?;
        if disabled {
            let other_admins: i64 = transaction.query_row(
                "SELECT COUNT(*) FROM agents WHERE admin = 1 AND disabled = 0 AND name <> ?1",
                params![name],
                |row| row.get(0),
            )?;
            let is_admin: Option<bool> = transaction
                .query_row(
                    "SELECT admin FROM agents WHERE name = ?1",
                    params![name],
                    |row| row.get(0),
                )
                .optional()?;
            if is_admin == Some(true) && other_admins == 0 {
                return Err(AgentError::LastAdmin.into());
            }
            transaction.execute("DELETE FROM sessions WHERE agent = ?1", params![name])?;
        }
        let changed = transaction.execute(
            "UPDATE agents SET disabled = ?2 WHERE name = ?1",
            params![name, disabled],
        )?;
        if changed == 0 {
            return Err(AgentError::NoSuchAgent.into());
        }
        transaction.commit()?;
        Ok(())
    }

    /// Sets a new password; the agent's sessions end (whoever knew the old one is out).
    pub fn set_password(&self, name: &str, password: &str) -> anyhow::Result<()> {
        check_password(password)?;
        let hash = hash_password(password)?;
        if let Store::Postgres(database) = &self.store {
            let changed = shared!(database, |client| postgres::set_password(
                &mut client,
                name,
                &hash
            ))?;
            return changed_or(changed);
        }
        let mut connection = self.lock().expect("SQLite");
        let transaction = connection.transaction()?;
        let changed = transaction.execute(
            "UPDATE agents SET password_hash = ?2 WHERE name = ?1",
            params![name, hash],
        )?;
        if changed == 0 {
            return Err(AgentError::NoSuchAgent.into());
        }
        transaction.execute("DELETE FROM sessions WHERE agent = ?1", params![name])?;
        transaction.commit()?;
        Ok(())
    }

    pub fn canned_replies(&self) -> anyhow::Result<Vec<CannedReply>> {
        if let Store::Postgres(database) = &self.store {
            return shared!(database, |client| postgres::canned_replies(&client));
        }
        let connection = self.lock().expect("SQLite");
        let mut statement =
            connection.prepare("SELECT shortcut, text FROM canned_replies ORDER BY shortcut")?;
        let replies = statement
            .query_map([], |row| {
                Ok(CannedReply {
                    shortcut: row.get(0)?,
                    text: row.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(replies)
    }

    /// Adds or replaces the reply with this shortcut.
    pub fn put_canned_reply(&self, reply: &CannedReply) -> anyhow::Result<()> {
        let shortcut_chars = reply.shortcut.chars().count();
        if !(1..=MAX_SHORTCUT_CHARS).contains(&shortcut_chars)
            || !reply
                .shortcut
                .chars()
                .all(switchboard_protocol::desk::is_name_char)
        {
            bail!("a shortcut is 1 to {MAX_SHORTCUT_CHARS} letters, digits, `_`, `-` or `.`");
        }
        if reply.text.trim().is_empty() || reply.text.len() > MAX_CANNED_TEXT_BYTES {
            bail!("a canned reply's text is 1 to {MAX_CANNED_TEXT_BYTES} bytes");
        }
        if let Store::Postgres(database) = &self.store {
            let stored = shared!(database, |client| postgres::put_canned_reply(
                &mut client,
                reply,
                MAX_CANNED as i64
            ))?;
            if !stored {
                bail!("at most {MAX_CANNED} canned replies");
            }
            return Ok(());
        }
        let connection = self.lock().expect("SQLite");
        let count: i64 =
            connection.query_row("SELECT COUNT(*) FROM canned_replies", [], |row| row.get(0))?;
        if count as usize >= MAX_CANNED {
            let exists: Option<i64> = connection
                .query_row(
                    "SELECT 1 FROM canned_replies WHERE shortcut = ?1",
                    params![reply.shortcut],
                    |row| row.get(0),
                )
                .optional()?;
            if exists.is_none() {
                bail!("at most {MAX_CANNED} canned replies");
            }
        }
        connection.execute(
            "INSERT INTO canned_replies (shortcut, text) VALUES (?1, ?2)
             ON CONFLICT (shortcut) DO UPDATE SET text = excluded.text",
            params![reply.shortcut, reply.text],
        )?;
        Ok(())
    }

    pub fn delete_canned_reply(&self, shortcut: &str) -> anyhow::Result<bool> {
        if let Store::Postgres(database) = &self.store {
            return shared!(database, |client| postgres::delete_canned_reply(
                &client, shortcut
            ));
        }
        Ok(self.lock().expect("SQLite").execute(
            "DELETE FROM canned_replies WHERE shortcut = ?1",
            params![shortcut],
        )? == 1)
    }
}

/// A change's outcome as the caller's error, where it was refused.
fn changed_or(changed: postgres::Changed) -> anyhow::Result<()> {
    match changed {
        postgres::Changed::Done => Ok(()),
        postgres::Changed::NoSuchAgent => Err(AgentError::NoSuchAgent.into()),
        postgres::Changed::LastAdmin => Err(AgentError::LastAdmin.into()),
    }
}

/// `switchboard agent …`.
pub fn command(args: &crate::cli::AgentArgs) -> anyhow::Result<()> {
    use crate::cli::AgentAction;
    // The team's file and its journal are the owner's only, as everything in the data directory.
    #[cfg(unix)]
    // SAFETY: umask only sets the process's file-creation mask.
    unsafe {
        libc::umask(0o077);
    }
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("creating the data directory {}", args.data_dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&args.data_dir, std::fs::Permissions::from_mode(0o700));
    }
    let agents = match &args.database {
        Some(url) => Agents::on(crate::database::Database::open(url)?)?,
        None => Agents::open(&args.data_dir)?,
    };
    match &args.action {
        AgentAction::Add { name, admin, .. } => {
            agents.add(name, &password_from_stdin()?, *admin)?;
            println!(
                "Added {}{name}.",
                if *admin { "the admin " } else { "the agent " }
            );
        }
        AgentAction::List => {
            for agent in agents.list()? {
                let mut marks = Vec::new();
                if agent.admin {
                    marks.push("admin");
                }
                if agent.disabled {
                    marks.push("disabled");
                }
                println!("{}\t{}", agent.name, marks.join(","));
            }
        }
        AgentAction::Disable { name } => {
            agents.set_disabled(name, true)?;
            println!("Disabled {name}; their sessions have ended.");
        }
        AgentAction::Enable { name } => {
            agents.set_disabled(name, false)?;
            println!("{name} may log in again.");
        }
        AgentAction::Passwd { name, .. } => {
            agents.set_password(name, &password_from_stdin()?)?;
            println!("Set {name}'s password; their sessions have ended.");
        }
    }
    Ok(())
}

/// The first line of standard input, without its line ending.
fn password_from_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent_error(error: anyhow::Error) -> AgentError {
        error.downcast::<AgentError>().unwrap()
    }

    #[test]
    fn agents_are_added_verified_and_disabled() {
        let dir = tempfile::tempdir().unwrap();
        let agents = Agents::open(dir.path()).unwrap();
        assert!(agents.is_empty().unwrap());
        assert!(agents.add_first_admin("ming", "correct horse").unwrap());
        assert!(
            !agents.add_first_admin("eve", "correct horse").unwrap(),
            "the setup link makes one admin, once"
        );
        agents.add("林晓", "battery staple", false).unwrap();
        assert_eq!(
            agent_error(agents.add("林晓", "battery staple", false).unwrap_err()),
            AgentError::Exists
        );
        assert_eq!(
            agent_error(agents.add("a b", "battery staple", false).unwrap_err()),
            AgentError::BadName
        );
        assert_eq!(
            agent_error(agents.add("lin", "short", false).unwrap_err()),
            AgentError::WeakPassword
        );
        let (ming, _) = agents.verify("ming", "correct horse").unwrap().unwrap();
        assert!(ming.admin);
        assert!(agents.verify("ming", "wrong horse").unwrap().is_none());
        assert!(agents.verify("nobody", "correct horse").unwrap().is_none());
        assert_eq!(
            agent_error(agents.set_disabled("ming", true).unwrap_err()),
            AgentError::LastAdmin
        );
        agents.set_disabled("林晓", true).unwrap();
        assert!(agents.verify("林晓", "battery staple").unwrap().is_none());
        assert!(!agents.is_active("林晓").unwrap());
        agents.set_password("ming", "new password").unwrap();
        assert!(agents.verify("ming", "new password").unwrap().is_some());
        let stored: String = agents
            .lock()
            .unwrap()
            .query_row(
                "SELECT password_hash FROM agents WHERE name = 'ming'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
    }

    #[test]
    fn canned_replies_are_bounded_and_replaced_by_shortcut() {
        let dir = tempfile::tempdir().unwrap();
        let agents = Agents::open(dir.path()).unwrap();
        let reply = |shortcut: &str, text: &str| CannedReply {
            shortcut: shortcut.into(),
            text: text.into(),
        };
        agents
            .put_canned_reply(&reply("hi", "您好 {{customer.name}}"))
            .unwrap();
        agents
            .put_canned_reply(&reply("hi", "Hello {{customer.name}}"))
            .unwrap();
        assert!(agents.put_canned_reply(&reply("a b", "x")).is_err());
        assert!(agents.put_canned_reply(&reply("x", " ")).is_err());
        assert_eq!(
            agents.canned_replies().unwrap(),
            [reply("hi", "Hello {{customer.name}}")]
        );
        assert!(agents.delete_canned_reply("hi").unwrap());
        assert!(agents.canned_replies().unwrap().is_empty());
    }
}
