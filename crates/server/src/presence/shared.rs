//! Presence across the instances sharing a database, said with `NOTIFY` on [`CHANNEL`]: who is
//! online on each instance (when it changes, and every [`ONLINE_EVERY`], so the list of an
//! instance that died expires after [`ONLINE_FOR`]) and what its agents announce. A notification
//! reaches only the instances listening at that moment, which is enough for what is ephemeral
//! anyway; an instance that starts (or starts again) listening says `hello`, and the others
//! answer with who is online on them. A notifying commit takes a database-wide lock, so only
//! what people do is sent: a first stream opened or a last one closed, announcements (at most
//! five a second per agent), and each instance's list every 10 s while someone is online on it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use switchboard_protocol::Presence;

use super::roster::{ONLINE_FOR, Roster, lock};
use crate::database::Database;

/// The channel the instances speak on.
const CHANNEL: &str = "switchboard_presence";
/// How often an instance says again who is online on it.
const ONLINE_EVERY: Duration = Duration::from_secs(10);
/// Bytes of names in one notification (PostgreSQL takes payloads under 8000 bytes).
const PART_BYTES: usize = 6000;
/// Notifications waiting to go out at most; more are dropped, as a lost update would be.
const QUEUE: usize = 256;
/// The wait before listening again after the connection was lost.
const LISTEN_RETRY: Duration = Duration::from_secs(1);

/// One notification: who says it, and what.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Said {
    from: u64,
    what: What,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
enum What {
    /// "I am listening now: who is online on you?"
    Hello,
    /// Part `part` of the agents online on the sender (an empty part ends one it sent before).
    Online { part: u32, agents: Vec<String> },
    /// What an agent on the sender announced.
    Presence(Presence),
}

/// What this instance has to say, queued for the task that says it.
enum Outgoing {
    Hello,
    Online(Vec<String>),
    Presence(Presence),
}

/// This instance's voice: cheap to clone, never blocks (a full queue drops what is said).
#[derive(Clone)]
pub struct Spread {
    queue: tokio::sync::mpsc::Sender<Outgoing>,
}

impl Spread {
    /// The agents online here now.
    pub fn online(&self, agents: Vec<String>) {
        let _ = self.queue.try_send(Outgoing::Online(agents));
    }

    pub fn presence(&self, presence: &Presence) {
        let _ = self.queue.try_send(Outgoing::Presence(presence.clone()));
    }
}

/// Starts speaking and listening on the database's runtime. Neither task holds the database
/// itself (the speaker a weak reference, the listener its address): dropped, it shuts its
/// runtime and both tasks down.
pub fn start(
    database: &Arc<Database>,
    inner: Arc<Mutex<Roster>>,
    heard: Arc<dyn Fn(&str) + Send + Sync>,
) -> Spread {
    let me = getrandom::u64().unwrap_or_else(|_| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos() as u64)
    });
    let (queue, outgoing) = tokio::sync::mpsc::channel(QUEUE);
    let spread = Spread { queue };
    database.spawn(speak(Arc::downgrade(database), inner.clone(), me, outgoing));
    database.spawn(listen(
        database.config().clone(),
        inner,
        me,
        spread.clone(),
        heard,
    ));
    spread
}

async fn speak(
    database: std::sync::Weak<Database>,
    inner: Arc<Mutex<Roster>>,
    me: u64,
    mut outgoing: tokio::sync::mpsc::Receiver<Outgoing>,
) {
    let mut parts_said = 0;
    let mut unsure = 0;
    let mut every = tokio::time::interval(ONLINE_EVERY);
    loop {
        let next = tokio::select! {
            next = outgoing.recv() => match next {
                Some(next) => next,
                None => return,
            },
            _ = every.tick() => Outgoing::Online(lock(&inner).online_here()),
        };
        let what = match next {
            Outgoing::Hello => vec![What::Hello],
            Outgoing::Presence(presence) => vec![What::Presence(presence)],
            Outgoing::Online(agents) => {
                let parts = in_parts(agents);
                let said_before = std::mem::replace(&mut parts_said, parts.len());
                // Should a notification below fail, the parts said before are ended again
                // with the next list (every ONLINE_EVERY at the latest).
                unsure = said_before.max(parts.len());
                // Parts said before and not now are ended, so a shrinking list leaves no names.
                let ended = (parts.len()..said_before).map(|part| What::Online {
                    part: part as u32,
                    agents: Vec::new(),
                });
                parts
                    .into_iter()
                    .enumerate()
                    .map(|(part, agents)| What::Online {
                        part: part as u32,
                        agents,
                    })
                    .chain(ended)
                    .collect()
            }
        };
        let Some(database) = database.upgrade() else {
            return;
        };
        for what in what {
            let Ok(payload) = serde_json::to_string(&Said { from: me, what }) else {
                continue;
            };
            let said = async {
                database
                    .client()
                    .await?
                    .execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &payload])
                    .await?;
                Ok::<_, crate::database::DatabaseError>(())
            };
            if let Err(error) = said.await {
                tracing::warn!("telling the other instances about presence: {error}");
                parts_said = parts_said.max(unsure);
            }
        }
    }
}

/// The names cut into parts that each fit a notification.
fn in_parts(agents: Vec<String>) -> Vec<Vec<String>> {
    let mut parts: Vec<Vec<String>> = Vec::new();
    let mut bytes = PART_BYTES;
    for agent in agents {
        // A name's JSON: its bytes, escaped at most sixfold, quotes and a comma.
        let size = agent.len() * 6 + 3;
        if bytes + size > PART_BYTES {
            parts.push(Vec::new());
            bytes = 0;
        }
        bytes += size;
        parts.last_mut().expect("pushed above").push(agent);
    }
    parts
}

async fn listen(
    config: tokio_postgres::Config,
    inner: Arc<Mutex<Roster>>,
    me: u64,
    spread: Spread,
    heard: Arc<dyn Fn(&str) + Send + Sync>,
) {
    // (Again) listening: what was heard before may be stale (an instance may have gone while
    // this one did not listen), so it is forgotten and asked for afresh.
    let listening = || {
        let online_here = {
            let mut roster = lock(&inner);
            roster.elsewhere.clear();
            roster.online_here()
        };
        let _ = spread.queue.try_send(Outgoing::Hello);
        spread.online(online_here);
    };
    let on_notification = |payload: &str| {
        let Ok(said) = serde_json::from_str::<Said>(payload) else {
            tracing::warn!("an unreadable presence notification: {payload:.200}");
            return;
        };
        if said.from == me {
            return;
        }
        match said.what {
            What::Hello => spread.online(lock(&inner).online_here()),
            What::Online { part, agents } => {
                let now = Instant::now();
                let mut inner = lock(&inner);
                inner
                    .elsewhere
                    .retain(|_, (_, said_at)| now.duration_since(*said_at) < ONLINE_FOR);
                if agents.is_empty() {
                    inner.elsewhere.remove(&(said.from, part));
                } else {
                    inner.elsewhere.insert((said.from, part), (agents, now));
                }
            }
            What::Presence(presence) => {
                if let Ok(json) = serde_json::to_string(&presence) {
                    heard(&json);
                }
            }
        }
    };
    loop {
        if let Err(error) =
            crate::database::listen(&config, CHANNEL, &listening, &on_notification).await
        {
            tracing::warn!("listening for the other instances' presence: {error}");
        }
        tokio::time::sleep(LISTEN_RETRY).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_is_cut_into_parts_that_fit_a_notification() {
        let agents: Vec<String> = (0..1000).map(|n| format!("agent.{n:0>26}")).collect();
        let parts = in_parts(agents.clone());
        assert!(parts.len() > 1);
        assert_eq!(parts.concat(), agents);
        for (part, names) in parts.into_iter().enumerate() {
            let payload = serde_json::to_string(&Said {
                from: u64::MAX,
                what: What::Online {
                    part: part as u32,
                    agents: names,
                },
            })
            .unwrap();
            assert!(payload.len() < 8000, "{}", payload.len());
        }
        assert!(in_parts(Vec::new()).is_empty());
    }
}
