//! The desk's state: the projection (`switchboard_desk::Desk`) fed first by the log's pages, then
//! by the live stream, which resumes after the last row seen on every reconnect (the browser's
//! EventSource sends `Last-Event-ID`; rows already applied are ignored, so nothing repeats).

use leptos::prelude::*;
use serde::Deserialize;
use switchboard_desk::{ConversationKey, Desk, Row};
use switchboard_payload::Platform;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::api::{self, ApiError};

/// After this long without the stream, "reconnecting…" becomes "offline since …".
const OFFLINE_AFTER_MS: f64 = 10_000.0;
const PAGE: usize = 1000;
/// How soon a stream the browser closed is reopened.
const RETRY_MS: i32 = 1000;

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

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct PlatformConfig {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct ServerConfig {
    pub mode: String,
    pub platforms: Vec<PlatformConfig>,
}

#[derive(Deserialize)]
struct Page {
    events: Vec<Row>,
    next_after: i64,
    more: bool,
}

#[derive(Clone, Copy)]
pub struct DeskState {
    pub desk: StoredValue<Desk>,
    /// Bumped whenever the desk changes: views track it, then read the desk.
    pub version: RwSignal<u64>,
    pub connection: RwSignal<Connection>,
    pub config: RwSignal<Option<ServerConfig>>,
    pub platform_filter: RwSignal<Option<Platform>>,
    pub search: RwSignal<String>,
    pub selected: RwSignal<Option<ConversationKey>>,
    /// The desk page's owner: the stream lives (and is closed) with the page, not with whatever
    /// view called `start` (the login form, say).
    owner: StoredValue<Option<Owner>>,
}

impl DeskState {
    pub fn new() -> DeskState {
        DeskState {
            desk: StoredValue::new(Desk::new()),
            version: RwSignal::new(0),
            connection: RwSignal::new(Connection::Loading { rows: 0 }),
            config: RwSignal::new(None),
            platform_filter: RwSignal::new(None),
            search: RwSignal::new(String::new()),
            selected: RwSignal::new(None),
            owner: StoredValue::new(Owner::current()),
        }
    }

    /// Reads the desk (tracking changes).
    pub fn with_desk<T>(&self, read: impl FnOnce(&Desk) -> T) -> T {
        self.version.track();
        self.desk.with_value(read)
    }

    pub fn apply(&self, rows: &[Row]) {
        let selected = self.selected.get_untracked();
        let changed = self.desk.try_update_value(|desk| {
            let mut changed = false;
            for row in rows {
                changed |= desk.apply(row);
            }
            // The open conversation is being read as it grows.
            if let Some(key) = &selected {
                desk.mark_read(key);
            }
            changed
        });
        if changed == Some(true) {
            self.version.update(|version| *version += 1);
        }
    }

    pub fn select(&self, key: ConversationKey) {
        self.desk.update_value(|desk| desk.mark_read(&key));
        self.selected.set(Some(key));
        self.version.update(|version| *version += 1);
    }

    /// Loads the configuration and the whole log, then follows the stream.
    pub fn start(self) {
        leptos::task::spawn_local(async move {
            match api::get_json::<ServerConfig>("/api/config").await {
                Ok(config) => self.config.set(Some(config)),
                Err(ApiError::LoggedOut) => return self.connection.set(Connection::LoggedOut),
                Err(error) => return self.connection.set(Connection::Failed(error.to_string())),
            }
            self.catch_up_and_follow().await;
        });
    }

    /// Reads every row after the last one applied, page by page, then opens the stream.
    async fn catch_up_and_follow(self) {
        let mut after = self.desk.with_value(Desk::last_seq);
        let mut loaded = 0;
        loop {
            let page =
                match api::get_json::<Page>(&format!("/api/events?after={after}&limit={PAGE}"))
                    .await
                {
                    Ok(page) => page,
                    Err(ApiError::LoggedOut) => return self.connection.set(Connection::LoggedOut),
                    Err(error) => {
                        // The server is unreachable: keep trying, and say so.
                        self.mark_disconnected();
                        leptos::logging::warn!("catching up: {error}");
                        return self.retry_later();
                    }
                };
            loaded += page.events.len();
            self.apply(&page.events);
            if !matches!(
                self.connection.get_untracked(),
                Connection::Reconnecting { .. } | Connection::Offline { .. }
            ) {
                self.connection.set(Connection::Loading { rows: loaded });
            }
            after = page.next_after;
            if !page.more {
                break;
            }
        }
        match self.owner.get_value() {
            Some(owner) => owner.with(|| self.follow(after)),
            None => self.follow(after),
        }
    }

    fn mark_disconnected(self) {
        let now = js_sys::Date::now();
        let since_ms = match self.connection.get_untracked() {
            Connection::Reconnecting { since_ms } | Connection::Offline { since_ms } => since_ms,
            _ => now,
        };
        self.connection.set(if now - since_ms > OFFLINE_AFTER_MS {
            Connection::Offline { since_ms }
        } else {
            Connection::Reconnecting { since_ms }
        });
    }

    /// A closed stream (the browser gave up on it): catch up and reopen in a moment.
    fn retry_later(self) {
        let retry = Closure::once_into_js(move || {
            leptos::task::spawn_local(self.catch_up_and_follow());
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                retry.unchecked_ref(),
                RETRY_MS,
            );
        }
    }

    /// Opens the live stream after `after`.
    fn follow(self, after: i64) {
        let Ok(source) = web_sys::EventSource::new(&format!("/api/events/stream?after={after}"))
        else {
            self.connection
                .set(Connection::Failed("this browser has no EventSource".into()));
            return;
        };
        let on_event = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let Some(text) = event.data().as_string() else {
                    return;
                };
                match serde_json::from_str::<Row>(&text) {
                    Ok(row) => self.apply(std::slice::from_ref(&row)),
                    Err(error) => leptos::logging::warn!("unreadable stream event: {error}"),
                }
            },
        );
        let on_open = Closure::<dyn FnMut()>::new(move || self.connection.set(Connection::Live));
        let closed_source = source.clone();
        let on_error = Closure::<dyn FnMut()>::new(move || {
            self.mark_disconnected();
            // The browser retries a dropped stream itself, but not one that was closed (a
            // refused reconnect, a stopped page): then we reopen it, after the rows we have.
            if closed_source.ready_state() == web_sys::EventSource::CLOSED {
                self.retry_later();
            }
        });
        let _ = source.add_event_listener_with_callback("event", on_event.as_ref().unchecked_ref());
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // Promote "reconnecting" to "offline" even when no further error event comes.
        let tick = Closure::<dyn FnMut()>::new(move || {
            if let Connection::Reconnecting { since_ms } = self.connection.get_untracked()
                && js_sys::Date::now() - since_ms > OFFLINE_AFTER_MS
            {
                self.connection.set(Connection::Offline { since_ms });
            }
        });
        let interval = web_sys::window()
            .and_then(|window| {
                window
                    .set_interval_with_callback_and_timeout_and_arguments_0(
                        tick.as_ref().unchecked_ref(),
                        1000,
                    )
                    .ok()
            })
            .unwrap_or_default();
        let source_for_cleanup = send_wrapper::SendWrapper::new(source);
        let closures = send_wrapper::SendWrapper::new((on_event, on_open, on_error, tick));
        on_cleanup(move || {
            source_for_cleanup.close();
            if let Some(window) = web_sys::window() {
                window.clear_interval_with_handle(interval);
            }
            drop(closures);
        });
    }
}

impl Default for DeskState {
    fn default() -> Self {
        DeskState::new()
    }
}
