//! Profile lookups: the server asks each platform who the people and groups writing in are, so
//! the desk can show names and pictures. One task per platform that can be asked (the payload
//! core's [`Codec::lookups`] says how: ids per call, the pause between calls) watches the rows
//! the log commits, and asks once per id on first sight, batched, one call at a time (so never
//! for the same id twice at once). The calls go through the proxy's courier, annotated as
//! lookups: request and answer are log rows like every call, and the desk reads the names from
//! them, so they survive reloads and reach every browser. A described id is asked again at most
//! daily, and only when it writes again; a failed or rate-limited call is retried after
//! `limits.profile_retry_secs`, doubling per failure up to an hour. What a platform's payloads
//! already say (Douyin's `user_infos`, Yunhu's pushes) is not asked for.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use switchboard_payload::codec::Codec;
use switchboard_payload::event::{ConversationKind, EventType};
use switchboard_payload::platforms;
use switchboard_payload::profile::{Lookups, Subject};
use switchboard_protocol::headers::annotation;
use tokio::sync::broadcast::error::RecvError;

use crate::api::upload::ProxyCourier;
use crate::event_log::Row;
use crate::platforms::Courier;
use crate::state::{AppState, Live};

/// A described id is not asked about again sooner.
const REFRESH: Duration = Duration::from_secs(24 * 3600);
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// Ids remembered per platform; past it the longest-described are forgotten (and asked again
/// if they write).
const IDS_KEPT: usize = 100_000;

/// Starts a lookup task for every configured platform that can be asked.
pub fn start(state: &AppState) {
    for rules in state.platforms.iter() {
        let codec = platforms::of(rules.platform());
        let Some(lookups) = codec.lookups() else {
            continue;
        };
        if !rules.looks_up_profiles() {
            continue;
        }
        let asker = Asker {
            courier: ProxyCourier {
                state: state.clone(),
                rules: rules.clone(),
                agent: None,
            },
            codec,
            lookups,
            first_retry: Duration::from_secs(state.config.limits.profile_retry_secs),
            ids: HashMap::new(),
            waiting: HashSet::new(),
        };
        tokio::spawn(asker.run());
    }
}

#[derive(Debug, Clone, Copy)]
struct Standing {
    /// When the platform last described it (its answer said OK).
    described_at: Option<Instant>,
    /// When to ask (again); `None`: nothing to ask.
    due: Option<Instant>,
    failures: u32,
}

struct Asker {
    courier: ProxyCourier,
    codec: &'static dyn Codec,
    lookups: Lookups,
    first_retry: Duration,
    ids: HashMap<Subject, Standing>,
    /// The ids with a `due` time: what the next wake-up is computed over (not every id).
    waiting: HashSet<Subject>,
}

impl Asker {
    async fn run(mut self) {
        let platform = self.courier.rules.platform();
        let mut live = self.courier.state.live.subscribe();
        let mut shutting_down = self.courier.state.shutting_down.clone();
        loop {
            let next_due = self
                .waiting
                .iter()
                .filter_map(|subject| self.ids.get(subject)?.due)
                .min();
            let wait = async {
                match next_due {
                    Some(due) => tokio::time::sleep_until(due.into()).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                received = live.recv() => match received {
                    Ok(Live::Row(row)) if row.event.platform == platform => self.saw(&row.event),
                    Ok(_) => {}
                    // Rows missed while busy: their senders are asked when they write again.
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                },
                _ = wait => self.ask_due().await,
                changed = shutting_down.changed() => {
                    if changed.is_err() || *shutting_down.borrow() {
                        return;
                    }
                }
            }
        }
    }

    /// Notes the people and groups a delivered row names that nobody has described yet.
    fn saw(&mut self, row: &Row) {
        let now = Instant::now();
        for event in crate::delivered::delivered_events(row) {
            if event.outgoing == Some(true) || event.kind == EventType::Profile {
                continue;
            }
            if let Some(sender) = &event.sender_id
                && !self.codec.describes_sender(&event)
            {
                self.want(
                    Subject {
                        id: sender.clone(),
                        group: false,
                    },
                    now,
                );
            }
            if event.conversation_kind == Some(ConversationKind::Group)
                && let Some(group) = &event.conversation_id
            {
                self.want(
                    Subject {
                        id: group.clone(),
                        group: true,
                    },
                    now,
                );
            }
        }
    }

    fn want(&mut self, subject: Subject, now: Instant) {
        if let Some(standing) = self.ids.get_mut(&subject) {
            // Described more than a day ago and writing again: refresh.
            if standing.due.is_none()
                && standing
                    .described_at
                    .is_none_or(|at| now.duration_since(at) >= REFRESH)
            {
                standing.due = Some(now);
                self.waiting.insert(subject);
            }
            return;
        }
        if self.ids.len() >= IDS_KEPT {
            let oldest = self
                .ids
                .iter()
                .filter(|(_, standing)| standing.due.is_none())
                .min_by_key(|(_, standing)| standing.described_at)
                .map(|(subject, _)| subject.clone());
            match oldest {
                Some(oldest) => {
                    self.ids.remove(&oldest);
                }
                // Every one still waiting for an answer: this one waits for a later sight.
                None => return,
            }
        }
        self.waiting.insert(subject.clone());
        self.ids.insert(
            subject,
            Standing {
                described_at: None,
                due: Some(now),
                failures: 0,
            },
        );
    }

    /// One call for the due ids of one kind (people first), then the platform's pause.
    async fn ask_due(&mut self) {
        let now = Instant::now();
        let due = |group: bool| -> Vec<Subject> {
            let mut subjects: Vec<(&Subject, Instant)> = self
                .ids
                .iter()
                .filter(|(subject, _)| subject.group == group)
                .filter_map(|(subject, standing)| {
                    standing
                        .due
                        .filter(|due| *due <= now)
                        .map(|due| (subject, due))
                })
                .collect();
            subjects.sort_by_key(|(subject, due)| (*due, (*subject).clone()));
            let per_call = if group {
                self.lookups.groups_per_call
            } else {
                self.lookups.people_per_call
            };
            subjects
                .into_iter()
                .take(per_call.max(1))
                .map(|(subject, _)| subject.clone())
                .collect()
        };
        let mut batch = due(false);
        if batch.is_empty() {
            batch = due(true);
        }
        if batch.is_empty() {
            return;
        }
        let described = self.call(&batch).await;
        let now = Instant::now();
        for subject in &batch {
            let failures = self
                .ids
                .get(subject)
                .map_or(0, |standing| standing.failures)
                + 1;
            let retry = self.backoff(failures);
            let Some(standing) = self.ids.get_mut(subject) else {
                continue;
            };
            if described {
                // Described, or not describable (the platform left it out): a short id it is,
                // until a day has passed and it writes again.
                *standing = Standing {
                    described_at: Some(now),
                    due: None,
                    failures: 0,
                };
                self.waiting.remove(subject);
            } else {
                standing.failures = failures;
                standing.due = Some(now + retry);
            }
        }
        let (least, most) = self.lookups.pause_ms;
        tokio::time::sleep(Duration::from_millis(between(least, most))).await;
    }

    /// Asks the platform; whether it answered OK.
    async fn call(&self, subjects: &[Subject]) -> bool {
        let Ok(call) = self.codec.describe(subjects) else {
            return false;
        };
        let rules = &self.courier.rules;
        let path = rules.configured_path(&call.path);
        let mut outgoing = if call.method == "GET" {
            crate::platforms::upload::get(path)
        } else {
            crate::platforms::upload::post(path, call.content_type, call.body)
        };
        outgoing
            .annotations
            .push((annotation::LOOKUP.into(), "profiles".into()));
        match self.courier.send(outgoing.clone()).await {
            Ok(exchange) => {
                let outcome = self.codec.outcome(&outgoing.path, &exchange.body);
                if !outcome.ok {
                    tracing::info!(
                        platform = %rules.platform(),
                        "a profile lookup was refused: {}",
                        outcome.describe()
                    );
                }
                outcome.ok
            }
            Err(error) => {
                tracing::info!(
                    platform = %rules.platform(),
                    "a profile lookup failed: {} {}",
                    error.status,
                    error.body["error"]
                );
                false
            }
        }
    }

    /// The wait before the `failures`th retry: the first retry doubled per failure, capped,
    /// with a quarter of jitter.
    fn backoff(&self, failures: u32) -> Duration {
        let base = self
            .first_retry
            .saturating_mul(1 << failures.saturating_sub(1).min(16))
            .min(MAX_BACKOFF);
        let quarter = base.as_millis() as u64 / 4;
        base - Duration::from_millis(quarter) + Duration::from_millis(between(0, quarter * 2))
    }
}

/// A random number of milliseconds in `least..=most`.
fn between(least: u64, most: u64) -> u64 {
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    least + u64::from_le_bytes(bytes) % (most.saturating_sub(least) + 1)
}
