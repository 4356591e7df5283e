//! The log into the desk: the configuration, the newest page first, the older pages read behind
//! in small chunks, then the live stream (reopened after a break, resuming after the last row).

use super::*;
use crate::components::yielding::yield_to_browser;

impl DeskState {
    /// Loads the configuration and the whole log, then follows the stream.
    pub fn start(self) {
        leptos::task::spawn_local(async move {
            match api::get_json::<ServerConfig>("/api/config").await {
                Ok(config) => {
                    self.config.set(Some(config));
                    if !self.watching.get_value() {
                        self.run_in_owner(move || self.watch_receiving());
                    }
                }
                Err(ApiError::LoggedOut) => return self.connection.set(Connection::LoggedOut),
                Err(error) => {
                    return self
                        .connection
                        .set(Connection::Failed(error.describe(self.i18n)));
                }
            }
            match self.learn_who_i_am().await {
                // Once per page: a login after a 401 finds them running.
                Ok(()) if !self.watching.get_value() => {
                    self.watching.set_value(true);
                    self.run_in_owner(move || {
                        self.watch_team();
                        self.watch_presence();
                        self.watch_snoozes();
                    })
                }
                Ok(()) => {}
                Err(ApiError::LoggedOut) => return self.connection.set(Connection::LoggedOut),
                Err(error) => {
                    return self
                        .connection
                        .set(Connection::Failed(error.describe(self.i18n)));
                }
            }
            // After a login that follows a 401 the desk has rows: carry on after them.
            self.catch_up_and_follow().await;
        });
    }

    /// Shows the present first: the newest page of the log, then the live stream after it,
    /// while the older pages are read behind them.
    pub(super) async fn load_newest_then_follow(self) {
        let newest_page = api::start_get(&format!(
            "/api/events?before={}&limit={FIRST_PAGE}",
            i64::MAX
        ));
        let page = match read_page(newest_page).await {
            Ok(page) => page,
            Err(ApiError::LoggedOut) => return self.connection.set(Connection::LoggedOut),
            Err(error) => {
                self.mark_disconnected();
                leptos::logging::warn!("loading the log: {error:?}");
                return self.retry_later();
            }
        };
        if self.update_quietly(|desk| desk.apply_older(&page.events)) {
            self.desk_changed.notify();
        }
        let newest = page.next_after;
        match page.next_before.filter(|_| page.more) {
            Some(before) => {
                self.history.set(Some(0.0));
                leptos::task::spawn_local(self.read_history(before, newest));
            }
            None => self.history_read(),
        }
        self.run_in_owner(move || self.follow(newest));
    }

    /// Reads the log's older pages, newest first, into the live desk: the next page is on the
    /// wire while this one is applied, a few hundred rows at a time with the browser free to
    /// handle the agent's input in between.
    pub(super) async fn read_history(self, mut before: i64, newest: i64) {
        let mut next = Some(api::start_get(&history_url(before)));
        let mut drawn_at = js_sys::Date::now();
        while let Some(fetching) = next.take() {
            let page = match read_page(fetching).await {
                Ok(page) => page,
                Err(ApiError::LoggedOut) => return self.connection.set(Connection::LoggedOut),
                Err(error) => {
                    // Try the same page again in a moment; the live desk carries on.
                    leptos::logging::warn!("reading the log's history: {error:?}");
                    sleep(RETRY_AFTER).await;
                    next = Some(api::start_get(&history_url(before)));
                    continue;
                }
            };
            if page.more
                && let Some(older) = page.next_before
            {
                before = older;
                next = Some(api::start_get(&history_url(before)));
            }
            for rows in page.events.rchunks(HISTORY_CHUNK) {
                let changed = self.update_quietly(|desk| desk.apply_older(rows));
                let now = js_sys::Date::now();
                if changed && now - drawn_at > REDRAW_WHILE_LOADING_MS {
                    self.desk_changed.notify();
                    drawn_at = now;
                }
                yield_to_browser().await;
            }
            let oldest = self.desk.with_value(Desk::oldest_seq);
            if newest > 0 {
                self.history
                    .set(Some(1.0 - (oldest as f64 / newest as f64).clamp(0.0, 1.0)));
            }
        }
        self.desk_changed.notify();
        self.history_read();
    }

    /// The whole log is in the desk.
    pub(super) fn history_read(self) {
        self.history.set(None);
    }

    /// Runs `start` under the desk page's owner, so what it sets up ends with the page.
    pub(super) fn run_in_owner(self, start: impl FnOnce()) {
        match self.owner.get_value() {
            Some(owner) => owner.with(start),
            None => start(),
        }
    }

    /// After a reconnect: reads every row after the last one applied, page by page, then opens
    /// the stream. The next page is on the wire while this one is applied, and the views redraw
    /// at most every [`REDRAW_WHILE_LOADING_MS`].
    pub(super) async fn catch_up_and_follow(self) {
        let mut after = self.desk.with_value(Desk::last_seq);
        if after == 0 {
            return self.load_newest_then_follow().await;
        }
        let mut loaded = 0;
        let mut next = Some(api::start_get(&page_url(after)));
        let mut drawn_at = js_sys::Date::now();
        while let Some(fetching) = next.take() {
            let page = match read_page(fetching).await {
                Ok(page) => page,
                Err(ApiError::LoggedOut) => return self.connection.set(Connection::LoggedOut),
                Err(error) => {
                    // The server is unreachable: keep trying, and say so.
                    self.desk_changed.notify();
                    self.mark_disconnected();
                    leptos::logging::warn!("catching up: {error:?}");
                    return self.retry_later();
                }
            };
            after = page.next_after;
            if page.more {
                next = Some(api::start_get(&page_url(after)));
            }
            loaded += page.events.len();
            let changed = self.apply_quietly(&page.events);
            if changed && self.selected.get_untracked().is_some() {
                self.schedule_read_mark();
            }
            let now = js_sys::Date::now();
            if next.is_none() || (changed && now - drawn_at > REDRAW_WHILE_LOADING_MS) {
                self.desk_changed.notify();
                drawn_at = now;
            }
            if !matches!(
                self.connection.get_untracked(),
                Connection::Reconnecting { .. } | Connection::Offline { .. }
            ) {
                self.connection.set(Connection::Loading { rows: loaded });
            }
        }
        self.run_in_owner(move || self.follow(after));
    }

    pub(super) fn mark_disconnected(self) {
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
    pub(super) fn retry_later(self) {
        set_timeout(
            move || leptos::task::spawn_local(self.catch_up_and_follow()),
            RETRY_AFTER,
        );
    }

    /// Opens the live stream after `after`.
    pub(super) fn follow(self, after: i64) {
        let Ok(source) = web_sys::EventSource::new(&format!("/api/events/stream?after={after}"))
        else {
            self.connection
                .set(Connection::Failed(self.i18n.t("stream-unsupported")));
            return;
        };
        let on_event = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let Some(text) = event.data().as_string() else {
                    return;
                };
                match serde_json::from_str::<Row>(&text) {
                    Ok(row) => {
                        let new = row.seq > self.desk.with_value(Desk::last_seq);
                        if new {
                            self.notice_mention(&row);
                        }
                        self.apply(std::slice::from_ref(&row));
                        if new {
                            self.notice_customer(&row);
                        }
                    }
                    Err(error) => leptos::logging::warn!("unreadable stream event: {error}"),
                }
            },
        );
        let on_presence = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                if let Some(presence) = event
                    .data()
                    .as_string()
                    .and_then(|text| serde_json::from_str(&text).ok())
                {
                    self.heard(presence);
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
        let _ = source.add_event_listener_with_callback(
            switchboard_protocol::desk::PRESENCE_EVENT,
            on_presence.as_ref().unchecked_ref(),
        );
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // Promote "reconnecting" to "offline" even when no further error event comes.
        let promote = move || {
            if let Connection::Reconnecting { since_ms } = self.connection.get_untracked()
                && js_sys::Date::now() - since_ms > OFFLINE_AFTER_MS
            {
                self.connection.set(Connection::Offline { since_ms });
            }
        };
        let interval = set_interval_with_handle(promote, std::time::Duration::from_secs(1)).ok();
        let source_for_cleanup = send_wrapper::SendWrapper::new(source);
        let closures = send_wrapper::SendWrapper::new((on_event, on_presence, on_open, on_error));
        on_cleanup(move || {
            source_for_cleanup.close();
            if let Some(interval) = interval {
                interval.clear();
            }
            drop(closures);
        });
    }
}

pub(super) fn page_url(after: i64) -> String {
    format!("/api/events?after={after}&limit={PAGE}")
}

pub(super) async fn read_page(
    fetching: impl std::future::Future<Output = Result<Vec<u8>, ApiError>>,
) -> Result<Page, ApiError> {
    api::parse_json(&fetching.await?)
}

pub(super) fn history_url(before: i64) -> String {
    format!("/api/events?before={before}&limit={PAGE}")
}

/// Waits `duration` (Leptos's `set_timeout` resolving a promise).
pub(super) async fn sleep(duration: std::time::Duration) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        set_timeout(
            move || {
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            },
            duration,
        );
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
