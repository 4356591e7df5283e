//! Login attempts counted in the database every instance shares: one row per attempt and key,
//! read and written under one transaction-scoped advisory lock, so two instances cannot both let
//! the last allowed try through, and timed by the database's clock, so instances whose clocks
//! differ count one window. Rows older than the window are deleted as attempts come, so the
//! table holds at most one window of attempts (each of which paid for a password check).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use super::limits::{Key, WINDOW, keys};
use crate::database::{Database, DatabaseError};

/// The table, as migration 1 of the `login_limits` part makes it.
const SCHEMA: &str = "
CREATE TABLE login_attempts (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX login_attempts_by_key ON login_attempts (key, at_ms);
CREATE INDEX login_attempts_by_age ON login_attempts (at_ms);
";

/// Held while an attempt is counted (the database's advisory lock space is shared with the
/// log's and the leads' keys, all distinct).
const COUNTING_LOCK: i64 = 0x5357_4c4f_4a00;

/// The database's clock in milliseconds since 1970.
const NOW_MS: &str = "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT";

pub struct Attempts {
    database: Arc<Database>,
}

impl Key {
    /// The key as stored: names are letters, digits, `_`, `-` and `.`, so a space divides.
    fn as_text(&self) -> String {
        let address = |address: &Option<IpAddr>| {
            address.map_or_else(|| "-".to_owned(), |address| address.to_string())
        };
        match self {
            Key::NameAt(name, at) => format!("name-at {name} {}", address(at)),
            Key::Name(name) => format!("name {name}"),
            Key::Address(at) => format!("address {}", address(at)),
        }
    }
}

impl Attempts {
    pub fn on(database: Arc<Database>) -> anyhow::Result<Attempts> {
        database.migrate("login_limits", &[SCHEMA])?;
        Ok(Attempts { database })
    }

    pub fn attempt(
        &self,
        name: &str,
        address: Option<IpAddr>,
    ) -> anyhow::Result<Result<(), Duration>> {
        let window_ms = WINDOW.as_millis() as i64;
        let keys: Vec<(String, i64)> = keys(name, address)
            .iter()
            .map(|(key, allowed)| (key.as_text(), *allowed as i64))
            .collect();
        let database = &self.database;
        Ok(database.run::<_, DatabaseError>(async {
            let mut client = database.client().await?;
            let transaction = client
                .build_transaction()
                .isolation_level(tokio_postgres::IsolationLevel::ReadCommitted)
                .start()
                .await?;
            transaction
                .execute("SELECT pg_advisory_xact_lock($1)", &[&COUNTING_LOCK])
                .await?;
            let now: i64 = transaction.query_one(NOW_MS, &[]).await?.get(0);
            transaction
                .execute(
                    "DELETE FROM login_attempts WHERE at_ms <= $1",
                    &[&(now - window_ms)],
                )
                .await?;
            // Over a limit: the wait is until the oldest of the allowed newest attempts ages out.
            let mut wait_ms = 0;
            for (key, allowed) in &keys {
                let oldest_allowed = transaction
                    .query_opt(
                        "SELECT at_ms FROM login_attempts WHERE key = $1
                         ORDER BY at_ms DESC, id DESC OFFSET $2 LIMIT 1",
                        &[key, &(allowed - 1)],
                    )
                    .await?;
                if let Some(row) = oldest_allowed {
                    let at_ms: i64 = row.get(0);
                    wait_ms = wait_ms.max(window_ms - (now - at_ms));
                }
            }
            if wait_ms > 0 {
                transaction.commit().await?;
                return Ok(Err(Duration::from_millis(wait_ms as u64)));
            }
            let texts: Vec<&str> = keys.iter().map(|(key, _)| key.as_str()).collect();
            transaction
                .execute(
                    "INSERT INTO login_attempts (key, at_ms) SELECT unnest($1::TEXT[]), $2",
                    &[&texts, &now],
                )
                .await?;
            transaction.commit().await?;
            Ok(Ok(()))
        })?)
    }

    pub fn succeeded(&self, name: &str, address: Option<IpAddr>) -> anyhow::Result<()> {
        let [(name_at, _), (name_anywhere, _), (from, _)] = keys(name, address);
        let (name_at, name_anywhere, from) =
            (name_at.as_text(), name_anywhere.as_text(), from.as_text());
        let database = &self.database;
        database.run::<_, DatabaseError>(async {
            let mut client = database.client().await?;
            let transaction = client.transaction().await?;
            transaction
                .execute(
                    "DELETE FROM login_attempts WHERE key = $1 OR key = $2",
                    &[&name_at, &name_anywhere],
                )
                .await?;
            transaction
                .execute(
                    "DELETE FROM login_attempts WHERE id = (SELECT id FROM login_attempts
                     WHERE key = $1 ORDER BY at_ms DESC, id DESC LIMIT 1)",
                    &[&from],
                )
                .await?;
            transaction.commit().await?;
            Ok(())
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::limits::{ADDRESS_FAILURES, NAME_AT_ADDRESS_FAILURES};
    use super::*;
    use crate::event_log::contract::test_postgres::fresh_database;

    #[test]
    fn attempts_count_across_instances_and_a_good_login_gives_its_try_back() {
        let Some(url) = fresh_database() else {
            return;
        };
        // Two instances: each its own connections to one database.
        let instances = [
            Attempts::on(Database::open(&url).unwrap()).unwrap(),
            Attempts::on(Database::open(&url).unwrap()).unwrap(),
        ];
        let office: Option<IpAddr> = Some("10.0.0.1".parse().unwrap());
        let home: Option<IpAddr> = Some("10.0.0.2".parse().unwrap());
        for n in 0..NAME_AT_ADDRESS_FAILURES {
            assert!(instances[n % 2].attempt("ming", office).unwrap().is_ok());
        }
        for instance in &instances {
            let wait = instance.attempt("ming", office).unwrap().unwrap_err();
            assert!(
                wait <= WINDOW && wait > WINDOW - Duration::from_secs(60),
                "{wait:?}"
            );
        }
        assert!(instances[0].attempt("lin", office).unwrap().is_ok());
        assert!(
            instances[1].attempt("ming", home).unwrap().is_ok(),
            "a guesser elsewhere cannot lock ming out"
        );
        // ming logs in from home: the office stays locked until its tries age out.
        instances[1].succeeded("ming", home).unwrap();
        assert!(instances[0].attempt("ming", office).unwrap().is_err());

        let attacker: Option<IpAddr> = Some("203.0.113.9".parse().unwrap());
        for n in 0..ADDRESS_FAILURES {
            let guess = format!("guess{n}");
            assert!(instances[n % 2].attempt(&guess, attacker).unwrap().is_ok());
        }
        assert!(instances[0].attempt("wang", attacker).unwrap().is_err());
        // A good login gives the address this try back.
        instances[1].succeeded("guess0", attacker).unwrap();
        assert!(instances[0].attempt("wang", attacker).unwrap().is_ok());
    }
}
