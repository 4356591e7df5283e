//! The team at the desk: who this agent is (`/api/me`), who the others are (`/api/agents`,
//! read again every half minute for who is online), the canned replies, and the desk facts
//! this agent records (status, assignment, notes, read marks) — each a `POST /api/desk/…`
//! that comes back through the stream as a `desk` row, so every browser shows the same.

use switchboard_protocol::{Agent, CannedReply, DeskFact, Me, Status};

use super::*;

/// How often the team (who is online) is read again.
const TEAM_EVERY: std::time::Duration = std::time::Duration::from_secs(30);
/// How often the desk looks for snoozes that have ended.
const SNOOZE_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(15);
/// A read mark is sent at most this long after what it covers arrived.
const READ_MARK_DELAY: std::time::Duration = std::time::Duration::from_millis(800);

impl DeskState {
    /// Learns who this session is and starts the desk as theirs (their read marks, their
    /// mentions).
    pub(super) async fn learn_who_i_am(self) -> Result<(), ApiError> {
        let me = api::get_json::<Me>("/api/me").await?;
        let mine = self
            .desk
            .with_value(|desk| desk.me() == Some(me.name.as_str()));
        if !mine {
            // Another agent logged in on this page: nothing of the last one's carries over.
            self.desk.set_value(Desk::for_agent(&me.name));
            self.read_marks_sent
                .set_value(std::collections::HashMap::new());
            self.mention.set(None);
            self.presence.set(Vec::new());
            self.selected.set(None);
            self.desk_changed.notify();
        }
        self.me.set(Some(me));
        Ok(())
    }

    /// Reads the team and the canned replies now, and the team every [`TEAM_EVERY`].
    pub(super) fn watch_team(self) {
        let refresh = move || {
            leptos::task::spawn_local(async move {
                if let Ok(agents) = api::get_json::<Vec<Agent>>("/api/agents").await
                    && self.agents.with_untracked(|known| *known != agents)
                {
                    self.agents.set(agents);
                }
            });
        };
        refresh();
        self.reload_canned();
        if let Ok(interval) = set_interval_with_handle(refresh, TEAM_EVERY) {
            on_cleanup(move || interval.clear());
        }
    }

    pub fn reload_canned(self) {
        leptos::task::spawn_local(async move {
            if let Ok(canned) = api::get_json::<Vec<CannedReply>>("/api/canned").await {
                self.canned.set(canned);
            }
        });
    }

    /// This agent's name.
    pub fn my_name(&self) -> Option<String> {
        self.me
            .with_untracked(|me| me.as_ref().map(|me| me.name.clone()))
    }

    /// Records a desk fact about one of `platform`'s conversations.
    pub fn record(self, platform: Platform, fact: DeskFact) {
        leptos::task::spawn_local(async move {
            self.post_fact(platform, &fact).await;
        });
    }

    /// Posts a desk fact; whether the server took it (its failure told to the agent).
    async fn post_fact(self, platform: Platform, fact: &DeskFact) -> bool {
        let url = format!("/api/desk/{}", platform.id());
        let body = serde_json::to_value(fact).unwrap_or_default();
        match api::post_json(&url, &body).await {
            Ok(_) => true,
            Err(ApiError::LoggedOut) => {
                self.connection.set(Connection::LoggedOut);
                false
            }
            Err(error) => {
                let i18n = self.i18n;
                self.notice.set(Some(i18n.f(
                    "notice-not-saved",
                    &[("error", error.describe(i18n).into())],
                )));
                false
            }
        }
    }

    pub fn set_status(self, key: &ConversationKey, status: Status, until_ms: Option<i64>) {
        self.record(
            key.platform,
            DeskFact::Status {
                conversation: key.id.clone(),
                status,
                until_ms,
            },
        );
    }

    pub fn assign(self, key: &ConversationKey, agent: Option<String>) {
        self.record(
            key.platform,
            DeskFact::Assign {
                conversation: key.id.clone(),
                agent,
            },
        );
    }

    pub fn add_note(self, key: &ConversationKey, text: String) {
        self.record(
            key.platform,
            DeskFact::Note {
                conversation: key.id.clone(),
                text,
                mentions: Vec::new(),
                client_id: Some(api::fresh_uuid()),
            },
        );
    }

    /// After the open conversation grew (or was opened): tells the server, soon and once,
    /// that this agent has seen it, so their unread counts follow them to another browser.
    pub(super) fn schedule_read_mark(self) {
        if self.read_mark_due.get_value() {
            return;
        }
        self.read_mark_due.set_value(true);
        set_timeout(
            move || {
                self.read_mark_due.set_value(false);
                self.send_read_mark();
            },
            READ_MARK_DELAY,
        );
    }

    /// Tells the server this agent has seen the open conversation up to its newest row (once
    /// per row: nothing when the log already says so).
    pub(super) fn send_read_mark(self) {
        let Some(key) = self.selected.get_untracked() else {
            return;
        };
        let Some(me) = self.my_name() else {
            return;
        };
        let upto = self.desk.with_value(|desk| {
            desk.conversation(&key)
                .map(|conversation| (conversation.last_seq, conversation.work.read_upto(&me)))
        });
        let Some((last_seq, marked)) = upto else {
            return;
        };
        let sent = self
            .read_marks_sent
            .with_value(|sent| sent.get(&key).copied().unwrap_or(0));
        if last_seq <= marked.max(sent) {
            return;
        }
        self.read_marks_sent.update_value(|sent| {
            sent.insert(key.clone(), last_seq);
        });
        let fact = DeskFact::Read {
            conversation: key.id.clone(),
            seq: last_seq,
        };
        leptos::task::spawn_local(async move {
            if !self.post_fact(key.platform, &fact).await {
                // Not stored: the next look at the conversation sends it again.
                self.read_marks_sent.update_value(|sent| {
                    sent.remove(&key);
                });
            }
        });
    }

    /// Snoozes end by themselves: the list and the bar are redrawn when one does.
    pub(super) fn watch_snoozes(self) {
        let checked_at = StoredValue::new(js_sys::Date::now() as i64);
        let check = move || {
            let now = js_sys::Date::now() as i64;
            let since = checked_at.get_value();
            checked_at.set_value(now);
            if self
                .desk
                .with_value(|desk| desk.snooze_ended_between(since, now))
            {
                self.desk_changed.notify();
            }
        };
        if let Ok(interval) = set_interval_with_handle(check, SNOOZE_CHECK_EVERY) {
            on_cleanup(move || interval.clear());
        }
    }

    /// `text` with the canned reply variables filled in for `key`'s conversation.
    pub fn fill_variables(&self, key: &ConversationKey, text: &str) -> String {
        let customer = self
            .desk
            .with_value(|desk| {
                desk.conversation(key)
                    .map(|conversation| conversation.title.clone())
            })
            .unwrap_or_default();
        let agent = self.my_name().unwrap_or_default();
        text.replace("{{customer.name}}", &customer)
            .replace("{{agent.name}}", &agent)
    }

    /// A new note naming this agent, from another agent: said once, with a way to open it.
    pub(super) fn notice_mention(self, row: &Row) {
        if row.direction != switchboard_protocol::Direction::Desk {
            return;
        }
        let Some(me) = self.my_name() else {
            return;
        };
        let Ok(DeskFact::Note {
            conversation,
            text,
            mentions,
            ..
        }) = serde_json::from_slice::<DeskFact>(&row.body)
        else {
            return;
        };
        let author = row.agent().unwrap_or_default().to_owned();
        if author == me || !mentions.contains(&me) {
            return;
        }
        let key = ConversationKey {
            platform: row.platform,
            id: conversation,
        };
        self.mention.set(Some(Mention {
            key,
            author,
            text: one_line(&text),
        }));
    }
}

/// The start of a note, for a one-line notice.
fn one_line(text: &str) -> String {
    let mut preview: String = text.chars().take(120).collect();
    if preview.len() < text.len() {
        preview.push('…');
    }
    preview
}
