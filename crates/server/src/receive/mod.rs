//! The receiving side of every platform that is not (only) a webhook (Mixin Blaze, a Yunhu user's
//! push socket, E云's pull): one supervised task per platform runs its sessions
//! ([`PlatformRules::receive`]) one after another, with jittered exponential backoff between
//! failed ones, stops for good when the platform refuses our credentials, and keeps the state
//! `/api/config` shows ([`board::Board`]). Frames are stored through the same writer as webhooks.

pub mod board;

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use switchboard_protocol::{Receive, ReceiveState, Transport};

use crate::api::upload::ProxyCourier;
use crate::event_log::{Appended, Direction};
use crate::platforms::{Courier, Ended, Frame, Line, PlatformRules};
use crate::state::{AppState, Append};

/// First wait after a failed attempt; it doubles per attempt up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(15);
/// A connection that lasted this long counts as one that held.
const HELD: Duration = Duration::from_secs(30);

/// Starts a supervised receiving task for every configured platform with a transport of its
/// own. They end when the server shuts down.
pub fn start(state: &AppState) {
    for rules in state.platforms.iter() {
        let transport = rules.transport();
        if transport == Transport::Webhook {
            continue;
        }
        state.receiving.insert(
            rules.platform(),
            Receive {
                transport,
                state: ReceiveState::Connecting,
                since: Some(now_ms()),
                ..Receive::webhook()
            },
        );
        let line = ServerLine {
            courier: ProxyCourier {
                state: state.clone(),
                rules: rules.clone(),
                agent: None,
            },
        };
        match state.database.clone() {
            Some(database) => tokio::spawn(lead_then_supervise(database, line)),
            None => tokio::spawn(async move { supervise(&line).await }),
        };
    }
}

/// On a database several instances share, one instance receives for a platform at a time (a
/// Blaze connection, a push socket, a pull cursor are one per account): the others stand by
/// until its lead is lost — the instance died or lost the database — and one of them takes
/// over within seconds. Frames received twice around a handover are kept once: the log's
/// unique dedupe index refuses the second.
async fn lead_then_supervise(database: Arc<crate::database::Database>, line: ServerLine) {
    let mut shutting_down = line.state().shutting_down.clone();
    let platform = line.rules().platform();
    let board = line.state().receiving.clone();
    loop {
        board.update(platform, |receive| {
            receive.state = ReceiveState::Standby;
            receive.since = Some(now_ms());
            receive.retry_at = None;
        });
        let mut lease = tokio::select! {
            lease = database.lead(crate::database::leads::receiving(platform)) => lease,
            _ = shutting_down.wait_for(|closing| *closing) => return,
        };
        tracing::info!(platform = platform.id(), "this instance receives now");
        tokio::select! {
            () = supervise(&line) => return,
            () = lease.lost() => {
                tracing::warn!(platform = platform.id(), "lost the lead to receive: standing by");
            }
        }
    }
}

async fn supervise(line: &ServerLine) {
    let mut shutting_down = line.state().shutting_down.clone();
    let platform = line.rules().platform();
    let board = line.state().receiving.clone();
    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        board.update(platform, |receive| {
            receive.state = ReceiveState::Connecting;
            receive.attempt = attempt;
            receive.retry_at = None;
        });
        let Some(session) = line.rules().receive(line) else {
            return;
        };
        let ended = tokio::select! {
            ended = session => ended,
            _ = shutting_down.wait_for(|closing| *closing) => return,
        };
        let wake = board.wake_signal(platform);
        // A session that held a while resets the count: the next failure is a first attempt.
        // One that dropped soon after connecting keeps counting, so a line that accepts and
        // drops again and again is not hammered.
        if board.get(platform).is_some_and(|receive| {
            receive.state == ReceiveState::Connected
                && receive
                    .since
                    .is_some_and(|since| now_ms() - since >= HELD.as_millis() as i64)
        }) {
            attempt = 0;
        }
        let wait = match ended {
            Ended::Stop(reason) => {
                tracing::error!(platform = platform.id(), "receiving stopped: {reason}");
                board.update(platform, |receive| {
                    receive.state = ReceiveState::Stopped;
                    receive.since = Some(now_ms());
                    receive.error = Some(reason);
                });
                return;
            }
            Ended::Retry(reason) => {
                attempt = attempt.max(1);
                let wait = backoff(attempt);
                tracing::warn!(
                    platform = platform.id(),
                    attempt,
                    "receiving interrupted, retrying in {wait:?}: {reason}"
                );
                board.update(platform, |receive| {
                    receive.state = ReceiveState::BackingOff;
                    receive.since = Some(now_ms());
                    receive.attempt = attempt;
                    receive.retry_at = Some(now_ms() + wait.as_millis() as i64);
                    receive.error = Some(reason);
                });
                wait
            }
            Ended::Again { after } => {
                attempt = 0;
                board.update(platform, |receive| {
                    receive.state = ReceiveState::Idle;
                    receive.since = Some(now_ms());
                    receive.retry_at = Some(now_ms() + after.as_millis() as i64);
                });
                after
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            // "Pull now" (or "reconnect now") from the desk.
            _ = wake.notified() => {}
            _ = shutting_down.wait_for(|closing| *closing) => return,
        }
    }
}

/// The wait before attempt `attempt + 1`: doubling from [`FIRST_BACKOFF`], capped, and jittered
/// to between half and all of it, so many servers cut off at once do not come back at once.
pub fn backoff(attempt: u32) -> Duration {
    let full = FIRST_BACKOFF
        .saturating_mul(1 << attempt.saturating_sub(1).min(16))
        .min(MAX_BACKOFF);
    let mut random = [0u8; 2];
    let _ = getrandom::fill(&mut random);
    let fraction = f64::from(u16::from_le_bytes(random)) / f64::from(u16::MAX);
    full.mul_f64(0.5 + fraction / 2.0)
}

/// A session's line into this server: the proxy's calls and the log's writer.
struct ServerLine {
    courier: ProxyCourier,
}

impl ServerLine {
    fn state(&self) -> &AppState {
        &self.courier.state
    }

    fn rules(&self) -> &Arc<dyn PlatformRules> {
        &self.courier.rules
    }
}

impl Line for ServerLine {
    fn courier(&self) -> &dyn Courier {
        &self.courier
    }

    fn store(&self, frames: Vec<Frame>) -> BoxFuture<'_, anyhow::Result<Vec<Appended>>> {
        let platform = self.rules().platform();
        let state = self.state().clone();
        Box::pin(async move {
            let count = frames.len();
            // Queued together, so the writer commits them in one transaction.
            let appends = frames.into_iter().map(|frame| {
                state.append(Append {
                    platform,
                    direction: Direction::Inbound,
                    content_type: frame.content_type,
                    headers: frame.headers,
                    body: frame.body,
                    request_seq: None,
                    dedupe_key: frame.dedupe_key,
                })
            });
            let appended = futures_util::future::try_join_all(appends).await?;
            if count > 0 {
                state.receiving.update(platform, |receive| {
                    receive.last_frame_at = Some(now_ms());
                });
            }
            Ok(appended)
        })
    }

    fn newest_answer_to<'a>(
        &'a self,
        path: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<Vec<u8>>>> {
        let log = self.state().log.clone();
        let platform = self.rules().platform();
        let path = path.to_owned();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || log.newest_answer_to(platform, &path))
                .await
                .map_err(|error| anyhow::anyhow!("the event log reader stopped: {error}"))?
                .map_err(anyhow::Error::from)
        })
    }

    fn newest_received<'a>(
        &'a self,
        receiver: &'a str,
        limit: usize,
    ) -> BoxFuture<'a, anyhow::Result<Vec<Vec<u8>>>> {
        let log = self.state().log.clone();
        let platform = self.rules().platform();
        let receiver = receiver.to_owned();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || log.newest_received(platform, &receiver, limit))
                .await
                .map_err(|error| anyhow::anyhow!("the event log reader stopped: {error}"))?
                .map_err(anyhow::Error::from)
        })
    }

    fn connected(&self) {
        self.state()
            .receiving
            .update(self.rules().platform(), |receive| {
                receive.state = ReceiveState::Connected;
                receive.since = Some(now_ms());
                receive.attempt = 0;
                receive.retry_at = None;
                receive.error = None;
            });
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap_with_jitter() {
        for attempt in 1..40 {
            let wait = backoff(attempt);
            let full = FIRST_BACKOFF
                .saturating_mul(1 << (attempt - 1).min(16))
                .min(MAX_BACKOFF);
            assert!(wait >= full / 2 && wait <= full, "{attempt}: {wait:?}");
        }
        assert!(backoff(1) <= FIRST_BACKOFF);
        assert!(backoff(30) >= MAX_BACKOFF / 2);
    }
}
