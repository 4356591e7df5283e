//! Login attempts counted in the database every instance shares: one row per attempt and key,
//! each key's rows read and written under a transaction-scoped advisory lock of its own (taken
//! in one order), so two instances cannot both let the last allowed try through, and timed by
//! the database's clock, so instances whose clocks differ count one window. Rows older than the
//! window are deleted as attempts come.
//!
//! What a stranger can make this cost is bounded: a refusal is remembered here until its wait
//! ends, so a flood of refused logins never reaches the database (a key over its limit stays
//! over it until then, but for one thing: a good login that started before the refusal gives
//! its try back, which only the instance it logged in on sees at once); and at most
//! [`COUNTING_AT_ONCE`]
//! attempts are counted at a time per instance (more are told to wait a second), so logins
//! never take the connections the event log needs.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// Attempts counted in the database at once by one instance.
const COUNTING_AT_ONCE: usize = 4;
/// The wait told to an attempt that found the counting busy.
const BUSY_WAIT: Duration = Duration::from_secs(1);
/// Refusals remembered at most (the oldest go first).
const REFUSALS_KEPT: usize = 10_000;

/// The database's clock in milliseconds since 1970.
const NOW_MS: &str = "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT";

pub struct Attempts {
    database: Arc<Database>,
    counting: tokio::sync::Semaphore,
    /// Keys over their limit, until when.
    refused: Mutex<HashMap<Key, Instant>>,
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
        Ok(Attempts {
            database,
            counting: tokio::sync::Semaphore::new(COUNTING_AT_ONCE),
            refused: Mutex::new(HashMap::new()),
        })
    }

    pub async fn attempt(
        &self,
        name: &str,
        address: Option<IpAddr>,
    ) -> anyhow::Result<Result<(), Duration>> {
        let keys = keys(name, address);
        if let Some(wait) = self.refused_now(&keys) {
            return Ok(Err(wait));
        }
        let Ok(_counting) = self.counting.try_acquire() else {
            return Ok(Err(BUSY_WAIT));
        };
        let waits = self.count(&keys).await?;
        let wait = waits.iter().copied().max().unwrap_or_default();
        if wait.is_zero() {
            return Ok(Ok(()));
        }
        self.remember_refused(&keys, &waits);
        Ok(Err(wait))
    }

    /// The wait of a key remembered as over its limit, if any.
    fn refused_now(&self, keys: &[(Key, usize)]) -> Option<Duration> {
        let now = Instant::now();
        let refused = self
            .refused
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        keys.iter()
            .filter_map(|(key, _)| refused.get(key))
            .filter_map(|until| until.checked_duration_since(now))
            .filter(|wait| !wait.is_zero())
            .max()
    }

    fn remember_refused(&self, keys: &[(Key, usize)], waits: &[Duration]) {
        let now = Instant::now();
        let mut refused = self
            .refused
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        refused.retain(|_, until| *until > now);
        while refused.len() + keys.len() > REFUSALS_KEPT {
            let Some(soonest) = refused
                .iter()
                .min_by_key(|(_, until)| **until)
                .map(|(key, _)| key.clone())
            else {
                break;
            };
            refused.remove(&soonest);
        }
        for ((key, _), wait) in keys.iter().zip(waits) {
            if !wait.is_zero() {
                refused.insert(key.clone(), now + *wait);
            }
        }
    }

    /// Counts an attempt against `keys` in the database, unless one is over its limit: then
    /// nothing is counted, and each key's wait comes back (zero for a key under its limit).
    async fn count(&self, keys: &[(Key, usize); 3]) -> anyhow::Result<Vec<Duration>> {
        let window_ms = WINDOW.as_millis() as i64;
        let keys: Vec<(String, i64)> = keys
            .iter()
            .map(|(key, allowed)| (key.as_text(), *allowed as i64))
            .collect();
        let database = self.database.clone();
        Ok(self
            .database
            .run_async(async move {
                let mut client = database.client().await?;
                let transaction = client
                    .build_transaction()
                    .isolation_level(tokio_postgres::IsolationLevel::ReadCommitted)
                    .start()
                    .await?;
                // Each key's own lock, always in the same order: attempts on other names and
                // addresses do not wait for this one.
                let texts: Vec<&str> = keys.iter().map(|(key, _)| key.as_str()).collect();
                let mut lock_order = texts.clone();
                lock_order.sort_unstable();
                for key in &lock_order {
                    transaction
                        .execute(
                            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                            &[key],
                        )
                        .await?;
                }
                let now: i64 = transaction.query_one(NOW_MS, &[]).await?.get(0);
                transaction
                    .execute(
                        "DELETE FROM login_attempts WHERE at_ms <= $1",
                        &[&(now - window_ms)],
                    )
                    .await?;
                // Over a limit: the wait is until the oldest of the allowed newest attempts ages
                // out (never longer than the window, should the database's clock step back).
                let mut waits = Vec::with_capacity(keys.len());
                for (key, allowed) in &keys {
                    let oldest_allowed = transaction
                        .query_opt(
                            "SELECT at_ms FROM login_attempts WHERE key = $1
                         ORDER BY at_ms DESC, id DESC OFFSET $2 LIMIT 1",
                            &[key, &(allowed - 1)],
                        )
                        .await?;
                    let wait_ms = oldest_allowed.map_or(0, |row| {
                        let at_ms: i64 = row.get(0);
                        (window_ms - (now - at_ms)).clamp(0, window_ms)
                    });
                    waits.push(Duration::from_millis(wait_ms as u64));
                }
                if waits.iter().all(Duration::is_zero) {
                    transaction
                        .execute(
                            "INSERT INTO login_attempts (key, at_ms) SELECT unnest($1::TEXT[]), $2",
                            &[&texts, &now],
                        )
                        .await?;
                }
                transaction.commit().await?;
                Ok::<_, DatabaseError>(waits)
            })
            .await??)
    }

    pub async fn succeeded(&self, name: &str, address: Option<IpAddr>) -> anyhow::Result<()> {
        let keys = keys(name, address);
        {
            let mut refused = self
                .refused
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            for (key, _) in &keys {
                refused.remove(key);
            }
        }
        let [(name_at, _), (name_anywhere, _), (from, _)] = keys;
        let (name_at, name_anywhere, from) =
            (name_at.as_text(), name_anywhere.as_text(), from.as_text());
        let database = self.database.clone();
        self.database
            .run_async(async move {
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
                Ok::<_, DatabaseError>(())
            })
            .await??;
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
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let office: Option<IpAddr> = Some("10.0.0.1".parse().unwrap());
        let home: Option<IpAddr> = Some("10.0.0.2".parse().unwrap());
        for n in 0..NAME_AT_ADDRESS_FAILURES {
            assert!(
                runtime
                    .block_on(instances[n % 2].attempt("ming", office))
                    .unwrap()
                    .is_ok()
            );
        }
        for instance in &instances {
            let wait = runtime
                .block_on(instance.attempt("ming", office))
                .unwrap()
                .unwrap_err();
            assert!(
                wait <= WINDOW && wait > WINDOW - Duration::from_secs(60),
                "{wait:?}"
            );
        }
        // A refusal is remembered: the database is not asked again until the wait ends.
        let database = Database::open(&url).unwrap();
        database
            .execute(
                "DELETE FROM login_attempts WHERE key LIKE 'name-at ming %'",
                &[],
            )
            .unwrap();
        assert!(
            runtime
                .block_on(instances[0].attempt("ming", office))
                .unwrap()
                .is_err()
        );
        assert!(
            runtime
                .block_on(instances[0].attempt("lin", office))
                .unwrap()
                .is_ok()
        );
        assert!(
            runtime
                .block_on(instances[1].attempt("ming", home))
                .unwrap()
                .is_ok(),
            "a guesser elsewhere cannot lock ming out"
        );
        // ming logs in from home: the office stays locked until its tries age out.
        runtime
            .block_on(instances[1].succeeded("ming", home))
            .unwrap();
        assert!(
            runtime
                .block_on(instances[1].attempt("ming", office))
                .unwrap()
                .is_err()
        );

        let attacker: Option<IpAddr> = Some("203.0.113.9".parse().unwrap());
        for n in 0..ADDRESS_FAILURES {
            let guess = format!("guess{n}");
            assert!(
                runtime
                    .block_on(instances[n % 2].attempt(&guess, attacker))
                    .unwrap()
                    .is_ok()
            );
        }
        assert!(
            runtime
                .block_on(instances[0].attempt("wang", attacker))
                .unwrap()
                .is_err()
        );
        // A good login (one that started before the refusal) gives the address a try back.
        runtime
            .block_on(instances[0].succeeded("guess0", attacker))
            .unwrap();
        assert!(
            runtime
                .block_on(instances[0].attempt("wang", attacker))
                .unwrap()
                .is_ok()
        );
    }
}
