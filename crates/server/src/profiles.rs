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
use crate::event_log::{AnsweredLookup, Row};
use crate::platforms::{Courier, Outgoing, PlatformRules};
use crate::state::{AppState, Live};

/// A described id is not asked about again sooner.
const REFRESH: Duration = Duration::from_secs(24 * 3600);
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// Ids remembered per platform; past it the longest-described are forgotten (and asked again
/// if they write).
const IDS_KEPT: usize = 100_000;

/// Starts a lookup task for every configured platform that can be asked; their handles.
pub fn start(state: &AppState) -> Vec<tokio::task::JoinHandle<()>> {
    let mut tasks = Vec::new();
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
            ledger: Ledger::default(),
        };
        tasks.push(tokio::spawn(asker.run()));
    }
    tasks
}

#[derive(Debug, Clone, Copy)]
struct Standing {
    /// When the platform last described it (its answer said OK), in ms since the epoch: the
    /// log's clock, so answers from before a restart count, however long the machine has run.
    described_at_ms: Option<i64>,
    /// When to ask (again); `None`: nothing to ask.
    due: Option<Instant>,
    failures: u32,
}

/// Whom a platform has been asked about and whom to ask next: the rules of asking (once per id
/// on first sight, again at most daily and only when it writes, failures retried later), kept
/// apart from the calls so they can be tested on their own.
#[derive(Debug, Default)]
struct Ledger {
    ids: HashMap<Subject, Standing>,
    /// The ids with a `due` time: what the next wake-up is computed over (not every id).
    waiting: HashSet<Subject>,
}

impl Ledger {
    /// When the next id is due, if any is.
    fn next_due(&self) -> Option<Instant> {
        self.waiting
            .iter()
            .filter_map(|subject| self.ids.get(subject)?.due)
            .min()
    }

    /// An answer in the log described `subject` at `at_ms`; the newest answer counts, so the
    /// log's answers are remembered newest first. Whether there was room.
    fn remember(&mut self, subject: Subject, at_ms: i64) -> bool {
        if self.ids.len() >= IDS_KEPT {
            return false;
        }
        self.ids.entry(subject).or_insert(Standing {
            described_at_ms: Some(at_ms),
            due: None,
            failures: 0,
        });
        true
    }

    /// `subject` wrote (or was written about): asked now unless described within a day or
    /// already waiting to be asked.
    fn want(&mut self, subject: Subject, now: Instant, now_ms: i64) {
        if let Some(standing) = self.ids.get_mut(&subject) {
            // Described more than a day ago and writing again: refresh.
            if standing.due.is_none()
                && standing
                    .described_at_ms
                    .is_none_or(|at_ms| now_ms.saturating_sub(at_ms) >= REFRESH.as_millis() as i64)
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
                .min_by_key(|(_, standing)| standing.described_at_ms)
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
                described_at_ms: None,
                due: Some(now),
                failures: 0,
            },
        );
    }

    /// The ids of one kind due by `now`, longest waiting first, at most `per_call`.
    fn due(&self, group: bool, per_call: usize, now: Instant) -> Vec<Subject> {
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
        subjects
            .into_iter()
            .take(per_call.max(1))
            .map(|(subject, _)| subject.clone())
            .collect()
    }

    /// A call about `batch` came back: `described` (the platform answered OK), or else each is
    /// retried after `retry(its failures so far)`.
    fn answered(
        &mut self,
        batch: &[Subject],
        described: bool,
        now: Instant,
        now_ms: i64,
        retry: impl Fn(u32) -> Duration,
    ) {
        for subject in batch {
            let Some(standing) = self.ids.get_mut(subject) else {
                continue;
            };
            if described {
                // Described, or not describable (the platform left it out): a short id it is,
                // until a day has passed and it writes again.
                *standing = Standing {
                    described_at_ms: Some(now_ms),
                    due: None,
                    failures: 0,
                };
                self.waiting.remove(subject);
            } else {
                standing.failures += 1;
                standing.due = Some(now + retry(standing.failures));
            }
        }
    }
}

struct Asker {
    courier: ProxyCourier,
    codec: &'static dyn Codec,
    lookups: Lookups,
    first_retry: Duration,
    ledger: Ledger,
}

impl Asker {
    async fn run(mut self) {
        let platform = self.courier.rules.platform();
        let mut live = self.courier.state.live.subscribe();
        let mut shutting_down = self.courier.state.shutting_down.clone();
        self.remember_described().await;
        loop {
            let next_due = self.ledger.next_due();
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

    /// The ids the log's answers described within the last [`REFRESH`], so a restart asks none
    /// of them again; their answers are already rows, and the desk names them from those.
    async fn remember_described(&mut self) {
        let log = self.courier.state.log.clone();
        let platform = self.courier.rules.platform();
        let since_ms = crate::event_log::now_ms() - REFRESH.as_millis() as i64;
        let answered = tokio::task::spawn_blocking(move || {
            let since = log.first_seq_since(since_ms)?;
            log.answered_lookups_since(platform, since, IDS_KEPT)
        })
        .await;
        let answered = match answered {
            Ok(Ok(answered)) => answered,
            Ok(Err(error)) => {
                tracing::warn!(%platform, "the log's earlier lookups could not be read: {error}");
                return;
            }
            Err(_) => return,
        };
        for lookup in answered {
            for subject in described_by(self.codec, &lookup) {
                if !self.ledger.remember(subject, lookup.answered_at_ms) {
                    return;
                }
            }
        }
    }

    /// Notes the people and groups a delivered row names that nobody has described yet. The
    /// sandbox's seed payloads are samples, not customers writing: nobody is asked about them.
    fn saw(&mut self, row: &Row) {
        if row.is_seed() {
            return;
        }
        let now = Instant::now();
        let now_ms = crate::event_log::now_ms();
        for event in crate::delivered::delivered_events(row) {
            if event.outgoing == Some(true) || event.kind == EventType::Profile {
                continue;
            }
            if let Some(sender) = &event.sender_id
                && !self.codec.describes_sender(&event)
            {
                self.ledger.want(
                    Subject {
                        id: sender.clone(),
                        group: false,
                    },
                    now,
                    now_ms,
                );
            }
            if event.conversation_kind == Some(ConversationKind::Group)
                && let Some(group) = &event.conversation_id
            {
                self.ledger.want(
                    Subject {
                        id: group.clone(),
                        group: true,
                    },
                    now,
                    now_ms,
                );
            }
        }
    }

    /// One call for the due ids of one kind (people first), then the platform's pause.
    async fn ask_due(&mut self) {
        let now = Instant::now();
        let mut batch = self.ledger.due(false, self.lookups.people_per_call, now);
        if batch.is_empty() {
            batch = self.ledger.due(true, self.lookups.groups_per_call, now);
        }
        if batch.is_empty() {
            return;
        }
        let described = self.call(&batch).await;
        let first_retry = self.first_retry;
        self.ledger.answered(
            &batch,
            described,
            Instant::now(),
            crate::event_log::now_ms(),
            |failures| backoff(first_retry, failures),
        );
        let (least, most) = self.lookups.pause_ms;
        tokio::time::sleep(Duration::from_millis(between(least, most))).await;
    }

    /// Asks the platform; whether it answered OK.
    async fn call(&self, subjects: &[Subject]) -> bool {
        let rules = &self.courier.rules;
        let outgoing = match lookup_call(rules.as_ref(), self.codec, subjects) {
            Ok(outgoing) => outgoing,
            Err(why) => {
                tracing::warn!(platform = %rules.platform(), "a profile lookup was not made: {why}");
                return false;
            }
        };
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
}

/// The wait before the `failures`th retry: the first retry doubled per failure, capped, with a
/// quarter of jitter.
fn backoff(first_retry: Duration, failures: u32) -> Duration {
    let base = first_retry
        .saturating_mul(1 << failures.saturating_sub(1).min(16))
        .min(MAX_BACKOFF);
    let quarter = base.as_millis() as u64 / 4;
    base - Duration::from_millis(quarter) + Duration::from_millis(between(0, quarter * 2))
}

/// The lookup call for `subjects`, as the proxy would forward it, annotated as a lookup; refused
/// when the payload core cannot compose it or the platform's allow-list does not hold it (the
/// allow-list binds the server's own calls as it binds the agents').
fn lookup_call(
    rules: &dyn PlatformRules,
    codec: &dyn Codec,
    subjects: &[Subject],
) -> Result<Outgoing, String> {
    let call = codec
        .describe(subjects)
        .map_err(|error| error.to_string())?;
    let path = rules.configured_path(&call.path);
    let mut outgoing = if call.method == "GET" {
        crate::platforms::upload::get(path)
    } else {
        crate::platforms::upload::post(path, call.content_type, call.body)
    };
    if !rules.allows(&outgoing.method, &outgoing.path) {
        return Err(format!(
            "{} {} is not an allowed {} call",
            outgoing.method,
            outgoing.path,
            rules.platform()
        ));
    }
    outgoing.annotations.push((
        annotation::LOOKUP.into(),
        annotation::LOOKUP_PROFILES.into(),
    ));
    Ok(outgoing)
}

/// Whom an OK answer in the log describes: the profiles the payload core reads from it, with
/// the answer schema of the path its request called.
fn described_by(codec: &dyn Codec, lookup: &AnsweredLookup) -> Vec<Subject> {
    let Some(path) = lookup
        .request_headers
        .iter()
        .find(|(name, _)| name == ":url")
        .and_then(|(_, url)| reqwest::Url::parse(url).ok())
        .map(|url| url.path().to_owned())
    else {
        return Vec::new();
    };
    if !codec.outcome(&path, &lookup.answer_body).ok {
        return Vec::new();
    }
    let options = switchboard_payload::Options {
        platform: Some(codec.platform()),
        schema: codec
            .endpoint_schemas(&path)
            .map(|(_, answer)| answer.to_owned()),
        skip_tree: true,
        ..switchboard_payload::Options::default()
    };
    switchboard_payload::inspect(&lookup.answer_body, &options)
        .events
        .into_iter()
        .filter_map(|event| event.profile)
        .map(|profile| Subject {
            id: profile.id,
            group: profile.group,
        })
        .collect()
}

/// A random number of milliseconds in `least..=most`.
fn between(least: u64, most: u64) -> u64 {
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    least + u64::from_le_bytes(bytes) % (most.saturating_sub(least) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platforms::Platforms;
    use switchboard_payload::Platform;

    fn subjects() -> [Vec<Subject>; 2] {
        [
            vec![Subject {
                id: "someone".into(),
                group: false,
            }],
            vec![Subject {
                id: "some-group".into(),
                group: true,
            }],
        ]
    }

    const HOUR_MS: i64 = 3600 * 1000;

    fn person(id: &str) -> Subject {
        Subject {
            id: id.into(),
            group: false,
        }
    }

    fn no_retry(_: u32) -> Duration {
        Duration::from_secs(60)
    }

    #[test]
    fn an_id_is_asked_on_first_sight_once_and_again_only_when_it_writes_a_day_later() {
        let mut ledger = Ledger::default();
        let start = Instant::now();
        let start_ms = 1_800_000_000_000;
        ledger.want(person("a"), start, start_ms);
        ledger.want(person("a"), start, start_ms);
        assert_eq!(ledger.due(false, 20, start), [person("a")], "asked once");
        assert_eq!(ledger.next_due(), Some(start));
        ledger.answered(&[person("a")], true, start, start_ms, no_retry);
        assert_eq!(ledger.next_due(), None, "described: nothing to ask");

        // It writes again within the day: not asked.
        let later = start + Duration::from_secs(3600);
        ledger.want(person("a"), later, start_ms + 23 * HOUR_MS);
        assert!(ledger.due(false, 20, later).is_empty());
        // A day later, only because it writes again.
        assert!(ledger.due(false, 20, later + REFRESH).is_empty());
        ledger.want(person("a"), later, start_ms + 24 * HOUR_MS);
        assert_eq!(ledger.due(false, 20, later), [person("a")], "refreshed");
    }

    #[test]
    fn what_the_log_described_before_a_restart_counts_by_the_log_s_clock() {
        let mut ledger = Ledger::default();
        // A machine up for a minute: its monotonic clock cannot say "two days ago", the log's can.
        let now = Instant::now();
        let now_ms = 1_800_000_000_000;
        assert!(ledger.remember(person("recent"), now_ms - 2 * HOUR_MS));
        assert!(ledger.remember(person("old"), now_ms - 48 * HOUR_MS));
        // Remembered newest first: an older answer does not override a newer one.
        assert!(ledger.remember(person("recent"), now_ms - 47 * HOUR_MS));
        ledger.want(person("recent"), now, now_ms);
        ledger.want(person("old"), now, now_ms);
        ledger.want(person("new"), now, now_ms);
        assert_eq!(ledger.due(false, 20, now), [person("new"), person("old")]);
    }

    #[test]
    fn a_failed_call_is_retried_after_its_backoff_and_a_group_waits_for_its_own_call() {
        let mut ledger = Ledger::default();
        let now = Instant::now();
        let group = Subject {
            id: "g".into(),
            group: true,
        };
        ledger.want(person("a"), now, 0);
        ledger.want(person("b"), now, 0);
        ledger.want(group.clone(), now, 0);
        assert_eq!(ledger.due(false, 1, now), [person("a")], "one per call");
        assert_eq!(ledger.due(true, 20, now), [group]);
        let retries = |failures: u32| Duration::from_secs(u64::from(failures) * 10);
        ledger.answered(&[person("a"), person("b")], false, now, 0, retries);
        assert!(
            ledger
                .due(false, 20, now + Duration::from_secs(9))
                .is_empty()
        );
        assert_eq!(
            ledger.due(false, 20, now + Duration::from_secs(10)).len(),
            2
        );
        let again = now + Duration::from_secs(10);
        ledger.answered(&[person("a")], false, again, 0, retries);
        assert_eq!(
            ledger.due(false, 20, again + Duration::from_secs(19)),
            [person("b")],
            "a's second failure waits longer"
        );
        // The backoff itself doubles, capped, within a quarter either way.
        let first = Duration::from_secs(10);
        for (failures, base) in [(1, 10), (2, 20), (3, 40), (20, 3600)] {
            let wait = backoff(first, failures).as_secs_f64();
            let base = base as f64;
            assert!(
                wait >= base * 0.75 && wait <= base * 1.25,
                "{failures}: {wait}"
            );
        }
    }

    #[tokio::test]
    async fn every_lookup_a_platform_makes_is_on_its_allow_list_and_others_are_not_made() {
        let sandbox = crate::sandbox::Sandbox::start().await.unwrap();
        let platforms = Platforms::from_config(&sandbox.config("http://127.0.0.1:9")).unwrap();
        let mut asked = 0;
        for rules in platforms.iter() {
            let codec = platforms::of(rules.platform());
            if codec.lookups().is_none() {
                continue;
            }
            for subjects in subjects() {
                let outgoing = lookup_call(rules.as_ref(), codec, &subjects)
                    .unwrap_or_else(|why| panic!("{}: {why}", rules.platform()));
                assert!(
                    outgoing
                        .annotations
                        .iter()
                        .any(|(name, _)| name == annotation::LOOKUP)
                );
                asked += 1;
            }
        }
        assert_eq!(asked, 8, "people and groups on four platforms");

        // Mixin's lookups are not WeCom calls: through WeCom's allow-list they are not made.
        let wecom = platforms.get(Platform::Wecom).unwrap();
        for subjects in subjects() {
            let refused = lookup_call(wecom.as_ref(), platforms::of(Platform::Mixin), &subjects);
            assert!(
                refused
                    .as_ref()
                    .is_err_and(|why| why.contains("not an allowed wecom call")),
                "{:?}",
                refused.map(|outgoing| outgoing.path)
            );
        }
    }
}
