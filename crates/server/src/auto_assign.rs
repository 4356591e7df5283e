//! Round-robin assignment (`[desk] auto_assign = ["douyin", …]`, off by default): when a
//! customer writes on one of those platforms in a conversation nobody was ever assigned to (or
//! unassigned from), the server assigns it to the next agent who has the desk open, in turn per
//! platform, with an `assign` desk row stamped `switchboard (auto-assign)` — a name no agent can
//! have. With nobody online the conversation stays unassigned. What was assigned is read from
//! the log's desk rows at start, then followed live, so a restart assigns nothing twice.

use std::collections::{HashMap, HashSet};

use switchboard_payload::Platform;
use switchboard_payload::event::EventType;
use switchboard_protocol::DeskFact;
use switchboard_protocol::headers::annotation;
use tokio::sync::broadcast::error::RecvError;

use crate::event_log::{Direction, Row};
use crate::state::{AppState, Append, Live};

/// The stamp on the server's own assignments.
pub const AUTO_ASSIGNER: &str = "switchboard (auto-assign)";
/// Desk rows read per query at start.
const PAGE: usize = 5000;

/// Starts the assigner when some platform asks for it.
pub fn start(state: &AppState) -> Option<tokio::task::JoinHandle<()>> {
    let platforms: HashSet<Platform> = state
        .config
        .desk
        .auto_assign
        .iter()
        .copied()
        .filter(|platform| state.platforms.get(*platform).is_some())
        .collect();
    if platforms.is_empty() {
        return None;
    }
    let assigner = Assigner {
        state: state.clone(),
        platforms,
        decided: HashSet::new(),
        turn: HashMap::new(),
    };
    // Subscribed before the log is read: nothing committed in between is missed.
    let live = state.live.subscribe();
    Some(tokio::spawn(assigner.run(live)))
}

struct Assigner {
    state: AppState,
    platforms: HashSet<Platform>,
    /// Conversations someone (an agent or this task) has decided about.
    decided: HashSet<(Platform, String)>,
    /// Per platform, who was given the last one.
    turn: HashMap<Platform, String>,
}

impl Assigner {
    async fn run(mut self, mut live: tokio::sync::broadcast::Receiver<Live>) {
        if let Err(error) = self.read_decisions().await {
            tracing::error!("auto-assign: reading the desk rows: {error:#}");
            return;
        }
        let mut shutting_down = self.state.shutting_down.clone();
        loop {
            tokio::select! {
                received = live.recv() => match received {
                    Ok(Live::Row(row)) => self.saw(&row.event).await,
                    Ok(_) => {}
                    // Rows missed while busy: their conversations are assigned when the
                    // customer writes again.
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                },
                changed = shutting_down.changed() => {
                    if changed.is_err() || *shutting_down.borrow() {
                        return;
                    }
                }
            }
        }
    }

    /// Every assignment the log holds.
    async fn read_decisions(&mut self) -> anyhow::Result<()> {
        let mut after = 0;
        loop {
            let log = self.state.log.clone();
            let slice =
                tokio::task::spawn_blocking(move || log.desk_rows_after(after, PAGE)).await??;
            for row in &slice.events {
                self.note_decision(row);
                after = row.seq;
            }
            if slice.events.len() < PAGE {
                return Ok(());
            }
        }
    }

    fn note_decision(&mut self, row: &Row) {
        if row.direction != Direction::Desk {
            return;
        }
        if let Ok(DeskFact::Assign { conversation, .. }) = serde_json::from_slice(&row.body) {
            self.decided.insert((row.platform, conversation));
        }
    }

    async fn saw(&mut self, row: &Row) {
        self.note_decision(row);
        if !self.platforms.contains(&row.platform) {
            return;
        }
        let conversations: Vec<String> = crate::delivered::delivered_events(row)
            .into_iter()
            .filter(|event| event.kind == EventType::Message && event.outgoing != Some(true))
            .filter_map(|event| event.conversation_id)
            .collect();
        for conversation in conversations {
            if self.decided.contains(&(row.platform, conversation.clone())) {
                continue;
            }
            let Some(agent) = self.next_agent(row.platform) else {
                // Nobody online: it waits, unassigned, for the customer's next message.
                return;
            };
            self.decided.insert((row.platform, conversation.clone()));
            self.assign(row.platform, conversation, agent).await;
        }
    }

    /// The online agent after the one given the last conversation on `platform`.
    fn next_agent(&mut self, platform: Platform) -> Option<String> {
        let online = self.state.presence.online();
        let last = self.turn.get(&platform);
        let next = online
            .iter()
            .find(|name| last.is_some_and(|last| name.as_str() > last.as_str()))
            .or_else(|| online.first())?
            .clone();
        self.turn.insert(platform, next.clone());
        Some(next)
    }

    async fn assign(&self, platform: Platform, conversation: String, agent: String) {
        let fact = DeskFact::Assign {
            conversation,
            agent: Some(agent),
        };
        let Ok(body) = serde_json::to_vec(&fact) else {
            return;
        };
        let appended = self
            .state
            .append(Append {
                platform,
                direction: Direction::Desk,
                content_type: Some("application/json".into()),
                headers: vec![(annotation::AGENT.to_owned(), AUTO_ASSIGNER.to_owned())],
                body,
                request_seq: None,
                dedupe_key: None,
            })
            .await;
        if let Err(error) = appended {
            tracing::error!("auto-assign: {error:#}");
        }
    }
}
