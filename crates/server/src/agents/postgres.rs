//! The team in PostgreSQL, shared by every instance: the same tables and rules as in
//! `team.sqlite`, and a `team_version` every change to agents or sessions bumps (a trigger), so
//! each instance's session cache knows when to read again.

use deadpool_postgres::Object;
use switchboard_protocol::{Agent, CannedReply};

use crate::database::DatabaseError as LogError;

/// The team's tables: its first migration.
pub const SCHEMA: &str = "
CREATE TABLE agents (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    admin BOOLEAN NOT NULL DEFAULT FALSE,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at_ms BIGINT NOT NULL
);
CREATE TABLE sessions (
    key BYTEA PRIMARY KEY,
    agent TEXT NOT NULL REFERENCES agents (name),
    expires_at_ms BIGINT NOT NULL
);
CREATE TABLE canned_replies (
    shortcut TEXT PRIMARY KEY,
    text TEXT NOT NULL
);
CREATE TABLE team_version (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);
INSERT INTO team_version (id, version) VALUES (1, 0);
CREATE FUNCTION switchboard_team_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN UPDATE team_version SET version = version + 1 WHERE id = 1; RETURN NULL; END $$;
CREATE TRIGGER agents_changed AFTER INSERT OR UPDATE OR DELETE ON agents
    FOR EACH STATEMENT EXECUTE FUNCTION switchboard_team_changed();
CREATE TRIGGER sessions_changed AFTER INSERT OR UPDATE OR DELETE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION switchboard_team_changed();
";

fn agent_of(row: &tokio_postgres::Row) -> Agent {
    Agent {
        name: row.get(0),
        admin: row.get(1),
        disabled: row.get(2),
        online: false,
    }
}

pub async fn count(client: &Object) -> Result<i64, LogError> {
    Ok(client
        .query_one("SELECT COUNT(*) FROM agents", &[])
        .await?
        .get(0))
}

/// Whether the agent was added (false: the name was taken).
pub async fn add(
    client: &Object,
    name: &str,
    hash: &str,
    admin: bool,
    now_ms: i64,
) -> Result<bool, LogError> {
    Ok(client
        .execute(
            "INSERT INTO agents (name, password_hash, admin, created_at_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (name) DO NOTHING",
            &[&name, &hash, &admin, &now_ms],
        )
        .await?
        == 1)
}

/// Adds the first admin while there is no agent at all. Serialized, so two instances taking
/// their setup links at once make one admin.
pub async fn add_first_admin(
    client: &mut Object,
    name: &str,
    hash: &str,
    now_ms: i64,
) -> Result<bool, LogError> {
    let transaction = client.transaction().await?;
    transaction
        .batch_execute("LOCK TABLE agents IN SHARE ROW EXCLUSIVE MODE")
        .await?;
    let inserted = transaction
        .execute(
            "INSERT INTO agents (name, password_hash, admin, created_at_ms)
             SELECT $1, $2, TRUE, $3 WHERE NOT EXISTS (SELECT 1 FROM agents)",
            &[&name, &hash, &now_ms],
        )
        .await?;
    transaction.commit().await?;
    Ok(inserted == 1)
}

pub async fn list(client: &Object) -> Result<Vec<Agent>, LogError> {
    Ok(client
        .query(
            "SELECT name, admin, disabled FROM agents ORDER BY name",
            &[],
        )
        .await?
        .iter()
        .map(agent_of)
        .collect())
}

/// (hash, admin, disabled) of `name`.
pub async fn credentials(
    client: &Object,
    name: &str,
) -> Result<Option<(String, bool, bool)>, LogError> {
    Ok(client
        .query_opt(
            "SELECT password_hash, admin, disabled FROM agents WHERE name = $1",
            &[&name],
        )
        .await?
        .map(|row| (row.get(0), row.get(1), row.get(2))))
}

pub async fn get(client: &Object, name: &str) -> Result<Option<Agent>, LogError> {
    Ok(client
        .query_opt(
            "SELECT name, admin, disabled FROM agents WHERE name = $1",
            &[&name],
        )
        .await?
        .as_ref()
        .map(agent_of))
}

/// What happened to a change of one agent.
pub enum Changed {
    Done,
    NoSuchAgent,
    LastAdmin,
}

/// Disables (ending their sessions in the same transaction) or enables `name`; the last admin
/// who is not disabled stays.
pub async fn set_disabled(
    client: &mut Object,
    name: &str,
    disabled: bool,
) -> Result<Changed, LogError> {
    let transaction = client.transaction().await?;
    // Two admins disabling each other at once on two instances: one waits for the other.
    transaction
        .batch_execute("LOCK TABLE agents IN SHARE ROW EXCLUSIVE MODE")
        .await?;
    if disabled {
        let other_admins: i64 = transaction
            .query_one(
                "SELECT COUNT(*) FROM agents WHERE admin AND NOT disabled AND name <> $1",
                &[&name],
            )
            .await?
            .get(0);
        let is_admin: Option<bool> = transaction
            .query_opt("SELECT admin FROM agents WHERE name = $1", &[&name])
            .await?
            .map(|row| row.get(0));
        if is_admin == Some(true) && other_admins == 0 {
            return Ok(Changed::LastAdmin);
        }
        transaction
            .execute("DELETE FROM sessions WHERE agent = $1", &[&name])
            .await?;
    }
    let changed = transaction
        .execute(
            "UPDATE agents SET disabled = $2 WHERE name = $1",
            &[&name, &disabled],
        )
        .await?;
    if changed == 0 {
        return Ok(Changed::NoSuchAgent);
    }
    transaction.commit().await?;
    Ok(Changed::Done)
}

/// Sets `name`'s password hash and ends their sessions.
pub async fn set_password(
    client: &mut Object,
    name: &str,
    hash: &str,
) -> Result<Changed, LogError> {
    let transaction = client.transaction().await?;
    let changed = transaction
        .execute(
            "UPDATE agents SET password_hash = $2 WHERE name = $1",
            &[&name, &hash],
        )
        .await?;
    if changed == 0 {
        return Ok(Changed::NoSuchAgent);
    }
    transaction
        .execute("DELETE FROM sessions WHERE agent = $1", &[&name])
        .await?;
    transaction.commit().await?;
    Ok(Changed::Done)
}

pub async fn canned_replies(client: &Object) -> Result<Vec<CannedReply>, LogError> {
    Ok(client
        .query(
            "SELECT shortcut, text FROM canned_replies ORDER BY shortcut",
            &[],
        )
        .await?
        .iter()
        .map(|row| CannedReply {
            shortcut: row.get(0),
            text: row.get(1),
        })
        .collect())
}

/// Adds or replaces a reply, unless `most` replies exist and this is a new one; whether it was
/// stored.
pub async fn put_canned_reply(
    client: &mut Object,
    reply: &CannedReply,
    most: i64,
) -> Result<bool, LogError> {
    let transaction = client.transaction().await?;
    transaction
        .batch_execute("LOCK TABLE canned_replies IN SHARE ROW EXCLUSIVE MODE")
        .await?;
    let count: i64 = transaction
        .query_one("SELECT COUNT(*) FROM canned_replies", &[])
        .await?
        .get(0);
    let exists = transaction
        .query_opt(
            "SELECT 1 FROM canned_replies WHERE shortcut = $1",
            &[&reply.shortcut],
        )
        .await?
        .is_some();
    if count >= most && !exists {
        return Ok(false);
    }
    transaction
        .execute(
            "INSERT INTO canned_replies (shortcut, text) VALUES ($1, $2)
             ON CONFLICT (shortcut) DO UPDATE SET text = EXCLUDED.text",
            &[&reply.shortcut, &reply.text],
        )
        .await?;
    transaction.commit().await?;
    Ok(true)
}

pub async fn delete_canned_reply(client: &Object, shortcut: &str) -> Result<bool, LogError> {
    Ok(client
        .execute(
            "DELETE FROM canned_replies WHERE shortcut = $1",
            &[&shortcut],
        )
        .await?
        == 1)
}
