//! The desk's state: the projection (`switchboard_desk::Desk`) fed first by the log's pages, then
//! by the live stream, which resumes after the last row seen on every reconnect (the browser's
//! EventSource sends `Last-Event-ID`; rows already applied are ignored, so nothing repeats).

use leptos::prelude::*;
use switchboard_desk::{ConversationKey, Desk, Inbox, Message, Row, Status};
use switchboard_payload::Platform;
use switchboard_payload::compose;
use switchboard_payload::platforms;
use switchboard_protocol::headers::annotation;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::api::{self, ApiError};
use crate::components::desk::notifications::tab_hidden;

mod alerts;
mod presence;
mod pulls;
mod receiving;
mod sending;
mod stream;
mod team;

/// After this long without the stream, "reconnecting…" becomes "offline since …".
const OFFLINE_AFTER_MS: f64 = 10_000.0;
/// Rows per page of the log (the server's most).
const PAGE: usize = 5000;
/// The newest rows, shown before anything else.
const FIRST_PAGE: usize = 2000;
/// Older rows applied between two looks at the agent's input.
const HISTORY_CHUNK: usize = 500;
/// While the log loads, the views redraw at most this often.
const REDRAW_WHILE_LOADING_MS: f64 = 1000.0;
/// How soon a stream the browser closed is reopened.
const RETRY_AFTER: std::time::Duration = std::time::Duration::from_millis(1000);

#[derive(Debug, Clone, PartialEq)]
pub enum Connection {
    /// Reading the log.
    Loading {
        rows: usize,
    },
    Live,
    Reconnecting {
        since_ms: f64,
    },
    Offline {
        since_ms: f64,
    },
    /// The session cookie is missing: the login form shows.
    LoggedOut,
    Failed(String),
}

/// A message the agent sent that the log has not shown yet (the optimistic bubble).
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub client_id: String,
    pub key: ConversationKey,
    pub text: String,
    pub at_ms: f64,
    /// Set when the call never reached the log (refused here or by our server).
    pub error: Option<String>,
    /// An image being sent: its local preview (an object URL) and upload progress (0–1).
    pub image_preview: Option<String>,
    pub progress: Option<f64>,
    /// Sent as Markdown (a retry sends it the same way).
    pub markdown: bool,
    /// The message it answers (a retry quotes it again).
    pub quote: Option<String>,
}

/// Another agent's presence, as last heard.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub presence: switchboard_protocol::Presence,
    pub at_ms: f64,
}

/// A note that named this agent, as the desk tells them.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub key: ConversationKey,
    pub author: String,
    pub text: String,
}

/// The message the agent is answering with a quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub key: ConversationKey,
    pub message_id: String,
    pub preview: String,
}

use crate::api::{Capabilities, Page, ServerConfig};

#[derive(Clone, Copy)]
pub struct DeskState {
    pub desk: StoredValue<Desk>,
    /// Notified whenever the desk changes: views track it, then read the desk.
    pub desk_changed: Trigger,
    pub connection: RwSignal<Connection>,
    pub config: RwSignal<Option<ServerConfig>>,
    pub platform_filter: RwSignal<Option<Platform>>,
    /// Only the filtered platform's Channels inbox (its public profile's private messages).
    pub inbox_filter: RwSignal<bool>,
    pub search: RwSignal<String>,
    pub selected: RwSignal<Option<ConversationKey>>,
    pub drafts: RwSignal<Vec<Draft>>,
    /// Local previews of images sent from this tab, by client id: some platforms (Douyin) give
    /// no URL for an upload, so this is the only picture of it the agent can have.
    pub previews: StoredValue<std::collections::HashMap<String, String>>,
    /// A short message for the agent ("cannot recall: …").
    pub notice: RwSignal<Option<String>>,
    /// Platforms being pulled right now (a pull is not started twice).
    pub pulling: RwSignal<Vec<Platform>>,
    /// The message the next reply quotes (where the platform takes quotes).
    pub replying: RwSignal<Option<Reply>>,
    /// While the log's past is still being read behind the live desk: the share read (0–1).
    pub history: RwSignal<Option<f64>>,
    /// How each platform that keeps its own connection is receiving, refreshed from the server.
    pub receiving: RwSignal<Vec<(Platform, switchboard_protocol::Receive)>>,
    /// Who this session is.
    pub me: RwSignal<Option<switchboard_protocol::Me>>,
    /// The team, with who is online.
    pub agents: RwSignal<Vec<switchboard_protocol::Agent>>,
    pub canned: RwSignal<Vec<switchboard_protocol::CannedReply>>,
    /// The list's tab: Mine / Unassigned / All.
    pub inbox: RwSignal<Inbox>,
    /// The list's status filter (`None`: every status).
    pub status_filter: RwSignal<Option<Status>>,
    /// The composer writes a private note instead of a reply.
    pub note_mode: RwSignal<bool>,
    /// Other agents' presence, as last heard.
    pub presence: RwSignal<Vec<Seen>>,
    /// Ticks while there is presence to expire.
    presence_tick: Trigger,
    typing_announced_at: StoredValue<f64>,
    /// The newest note naming this agent, until dismissed or opened.
    pub mention: RwSignal<Option<Mention>>,
    /// The newest customer message in the agent's conversations, for screen readers.
    pub announcement: RwSignal<String>,
    /// The agent's language, for what the desk tells them from outside a view (failures).
    pub i18n: crate::i18n::I18n,
    read_mark_due: StoredValue<bool>,
    /// The page's watchers (team, presence, snoozes, receiving) are running.
    watching: StoredValue<bool>,
    read_marks_sent: StoredValue<std::collections::HashMap<ConversationKey, i64>>,
    /// The desk page's owner: the stream lives (and is closed) with the page, not with whatever
    /// view called `start` (the login form, say).
    owner: StoredValue<Option<Owner>>,
}

impl DeskState {
    pub fn new() -> DeskState {
        DeskState {
            desk: StoredValue::new(Desk::new()),
            desk_changed: Trigger::new(),
            connection: RwSignal::new(Connection::Loading { rows: 0 }),
            config: RwSignal::new(None),
            platform_filter: RwSignal::new(None),
            inbox_filter: RwSignal::new(false),
            search: RwSignal::new(String::new()),
            selected: RwSignal::new(None),
            drafts: RwSignal::new(Vec::new()),
            previews: StoredValue::new(std::collections::HashMap::new()),
            notice: RwSignal::new(None),
            pulling: RwSignal::new(Vec::new()),
            history: RwSignal::new(None),
            receiving: RwSignal::new(Vec::new()),
            replying: RwSignal::new(None),
            me: RwSignal::new(None),
            agents: RwSignal::new(Vec::new()),
            canned: RwSignal::new(Vec::new()),
            inbox: RwSignal::new(Inbox::All),
            status_filter: RwSignal::new(Some(Status::Open)),
            note_mode: RwSignal::new(false),
            presence: RwSignal::new(Vec::new()),
            presence_tick: Trigger::new(),
            typing_announced_at: StoredValue::new(0.0),
            mention: RwSignal::new(None),
            announcement: RwSignal::new(String::new()),
            i18n: crate::i18n::use_i18n(),
            read_mark_due: StoredValue::new(false),
            watching: StoredValue::new(false),
            read_marks_sent: StoredValue::new(std::collections::HashMap::new()),
            owner: StoredValue::new(Owner::current()),
        }
    }

    /// Reads the desk (tracking changes).
    pub fn with_desk<T>(&self, read: impl FnOnce(&Desk) -> T) -> T {
        self.desk_changed.track();
        self.desk.with_value(read)
    }

    /// Reads the projection without redrawing when it changes.
    pub fn with_desk_untracked<T>(&self, read: impl FnOnce(&Desk) -> T) -> T {
        self.desk.with_value(read)
    }

    pub fn apply(&self, rows: &[Row]) {
        if self.apply_quietly(rows) {
            self.desk_changed.notify();
            if self.selected.get_untracked().is_some() && !tab_hidden() {
                self.schedule_read_mark();
            }
        }
    }

    /// The tab came back into view: the open conversation is read now.
    pub fn tab_shown(&self) {
        if let Some(key) = self.selected.get_untracked() {
            self.desk.update_value(|desk| desk.mark_read(&key));
            self.desk_changed.notify();
            self.send_read_mark();
        }
    }

    /// Applies rows without telling the views; returns whether the desk changed.
    fn apply_quietly(&self, rows: &[Row]) -> bool {
        self.update_quietly(|desk| {
            let mut changed = false;
            for row in rows {
                changed |= desk.apply(row);
            }
            changed
        })
    }

    fn update_quietly(&self, update: impl FnOnce(&mut Desk) -> bool) -> bool {
        // A hidden tab is not being read: what arrives stays unread until it is shown.
        let selected = self.selected.get_untracked().filter(|_| !tab_hidden());
        let changed = self.desk.try_update_value(|desk| {
            let changed = update(desk);
            // The open conversation is being read as it grows.
            if let Some(key) = &selected {
                desk.mark_read(key);
            }
            changed
        });
        changed == Some(true)
    }

    /// Alt+J / Alt+K (or the arrows in the list): the next or previous conversation in the list
    /// as shown.
    pub fn move_selection(&self, step: isize) {
        let keys = leptos::prelude::untrack(|| self.listed_keys());
        if keys.is_empty() {
            return;
        }
        let current = self
            .selected
            .get_untracked()
            .and_then(|selected| keys.iter().position(|key| *key == selected));
        let next = match current {
            Some(index) => (index as isize + step).clamp(0, keys.len() as isize - 1) as usize,
            None => 0,
        };
        self.select(keys[next].clone());
    }

    pub fn select(&self, key: ConversationKey) {
        self.desk.update_value(|desk| desk.mark_read(&key));
        self.selected.set(Some(key.clone()));
        self.desk_changed.notify();
        self.send_read_mark();
        if self
            .mention
            .with_untracked(|mention| mention.as_ref().is_some_and(|mention| mention.key == key))
        {
            self.mention.set(None);
        }
        self.send_read_receipts(key);
    }

    /// Where the platform takes read receipts (Mixin), opening a conversation acknowledges the
    /// customer's messages in it.
    fn send_read_receipts(&self, key: ConversationKey) {
        if !self.conversation_capabilities_untracked(&key).read_receipts {
            return;
        }
        let unread = self.desk.with_value(|desk| {
            desk.conversation(&key)
                .map(|conversation| conversation.unacknowledged())
        });
        if let Some(ids) = unread.filter(|ids| !ids.is_empty())
            && let Ok(call) = platforms::of(key.platform).read_receipts(&ids)
        {
            self.call(key, call, None);
        }
    }

    /// What `platform` can do, tracked (views that ask re-render when the config arrives).
    pub fn capabilities(&self, platform: Platform) -> Capabilities {
        self.config.track();
        self.capabilities_untracked(platform)
    }

    /// The conversations the list shows, in its order (search, platform and inbox filters),
    /// tracked.
    pub fn listed_keys(&self) -> Vec<ConversationKey> {
        let query = self.search.get();
        let filter = self.platform_filter.get();
        let inbox_only = self.inbox_filter.get();
        let tab = self.inbox.get();
        let status = self.status_filter.get();
        let me = self.me.with(|me| me.as_ref().map(|me| me.name.clone()));
        let now = js_sys::Date::now() as i64;
        self.with_desk(|desk| {
            desk.search(&query)
                .into_iter()
                .filter(|conversation| {
                    filter.is_none_or(|platform| conversation.key.platform == platform)
                        && (!inbox_only || conversation.in_channels_inbox())
                        && tab.holds(conversation.work.assignee(), me.as_deref())
                        && status.is_none_or(|status| conversation.work.status_at(now) == status)
                })
                .map(|conversation| conversation.key.clone())
                .collect()
        })
    }

    /// What can be done in one conversation, tracked: the platform's capabilities, narrowed
    /// in a Channels inbox.
    pub fn conversation_capabilities(&self, key: &ConversationKey) -> Capabilities {
        self.config.track();
        self.desk_changed.track();
        self.conversation_capabilities_untracked(key)
    }

    pub fn conversation_capabilities_untracked(&self, key: &ConversationKey) -> Capabilities {
        let capabilities = self.capabilities_untracked(key.platform);
        // An inbox conversation with no customer in it (its notices) cannot be answered.
        let inbox = self.desk.with_value(|desk| {
            desk.conversation(key)
                .filter(|conversation| conversation.in_channels_inbox())
                .map(|conversation| conversation.peer_id.is_some())
        });
        match inbox {
            Some(true) => capabilities.in_channels_inbox(),
            Some(false) => Capabilities {
                send_text: false,
                ..capabilities.in_channels_inbox()
            },
            None => capabilities,
        }
    }

    pub fn capabilities_untracked(&self, platform: Platform) -> Capabilities {
        self.config
            .with_untracked(|config| {
                config.as_ref().and_then(|config| {
                    config
                        .platforms
                        .iter()
                        .find(|entry| entry.id == platform)
                        .map(|entry| entry.capabilities)
                })
            })
            .unwrap_or_default()
    }
}

impl Default for DeskState {
    fn default() -> Self {
        DeskState::new()
    }
}
