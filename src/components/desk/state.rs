//! The desk's state: the projection (`switchboard_desk::Desk`) fed first by the log's pages, then
//! by the live stream, which resumes after the last row seen on every reconnect (the browser's
//! EventSource sends `Last-Event-ID`; rows already applied are ignored, so nothing repeats).

use leptos::prelude::*;
use switchboard_desk::{ConversationKey, Desk, Message, Row};
use switchboard_payload::Platform;
use switchboard_payload::compose;
use switchboard_payload::platforms;
use switchboard_protocol::headers::annotation;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::api::{self, ApiError};

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
const RETRY_MS: i32 = 1000;
/// How often platforms that must be polled (E云 `syncFinder`) are pulled while the desk is open.
const PULL_EVERY_MS: i32 = 60_000;
/// Most pages one pull reads before waiting for the next.
const PULL_PAGES: usize = 20;

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

/// The message the agent is answering with a quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub key: ConversationKey,
    pub message_id: String,
    pub preview: String,
}

pub use switchboard_protocol::{
    Capabilities, LogHealth, Page, PlatformView, ServerConfig, WriteFailure,
};

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
    pub drafts: RwSignal<Vec<Draft>>,
    /// Local previews of images sent from this tab, by client id: some platforms (Douyin) give
    /// no URL for an upload, so this is the only picture of it the agent can have.
    pub previews: StoredValue<std::collections::HashMap<String, String>>,
    /// A short message for the agent ("recall failed: …").
    pub notice: RwSignal<Option<String>>,
    /// Platforms being pulled right now (a pull is not started twice).
    pub pulling: RwSignal<Vec<Platform>>,
    /// The message the next reply quotes (where the platform takes quotes).
    pub replying: RwSignal<Option<Reply>>,
    /// While the log's past is still being read behind the live desk: the share read (0–1).
    pub history: RwSignal<Option<f64>>,
    pull_started: StoredValue<bool>,
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
            drafts: RwSignal::new(Vec::new()),
            previews: StoredValue::new(std::collections::HashMap::new()),
            notice: RwSignal::new(None),
            pulling: RwSignal::new(Vec::new()),
            history: RwSignal::new(None),
            replying: RwSignal::new(None),
            pull_started: StoredValue::new(false),
            owner: StoredValue::new(Owner::current()),
        }
    }

    /// Reads the desk (tracking changes).
    pub fn with_desk<T>(&self, read: impl FnOnce(&Desk) -> T) -> T {
        self.version.track();
        self.desk.with_value(read)
    }

    pub fn apply(&self, rows: &[Row]) {
        if self.apply_quietly(rows) {
            self.version.update(|version| *version += 1);
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
        let selected = self.selected.get_untracked();
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

    pub fn select(&self, key: ConversationKey) {
        self.desk.update_value(|desk| desk.mark_read(&key));
        self.selected.set(Some(key.clone()));
        self.version.update(|version| *version += 1);
        self.send_read_receipts(key);
    }

    /// Where the platform takes read receipts (Mixin), opening a conversation acknowledges the
    /// customer's messages in it.
    fn send_read_receipts(&self, key: ConversationKey) {
        if !self.capabilities_untracked(key.platform).read_receipts {
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

    /// Loads the configuration and the whole log, then follows the stream.
    pub fn start(self) {
        leptos::task::spawn_local(async move {
            match api::get_json::<ServerConfig>("/api/config").await {
                Ok(config) => self.config.set(Some(config)),
                Err(ApiError::LoggedOut) => return self.connection.set(Connection::LoggedOut),
                Err(error) => return self.connection.set(Connection::Failed(error.to_string())),
            }
            self.load_newest_then_follow().await;
        });
    }

    /// Shows the present first: the newest page of the log, then the live stream after it,
    /// while the older pages are read behind them.
    async fn load_newest_then_follow(self) {
        let newest_page = api::start_get(&format!(
            "/api/events?before={}&limit={FIRST_PAGE}",
            i64::MAX
        ));
        let page = match read_page(newest_page).await {
            Ok(page) => page,
            Err(ApiError::LoggedOut) => return self.connection.set(Connection::LoggedOut),
            Err(error) => {
                self.mark_disconnected();
                leptos::logging::warn!("loading the log: {error}");
                return self.retry_later();
            }
        };
        if self.update_quietly(|desk| desk.apply_older(&page.events)) {
            self.version.update(|version| *version += 1);
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
    async fn read_history(self, mut before: i64, newest: i64) {
        let mut next = Some(api::start_get(&history_url(before)));
        let mut drawn_at = js_sys::Date::now();
        while let Some(fetching) = next.take() {
            let page = match read_page(fetching).await {
                Ok(page) => page,
                Err(ApiError::LoggedOut) => return self.connection.set(Connection::LoggedOut),
                Err(error) => {
                    // Try the same page again in a moment; the live desk carries on.
                    leptos::logging::warn!("reading the log's history: {error}");
                    sleep(RETRY_MS).await;
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
                    self.version.update(|version| *version += 1);
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
        self.version.update(|version| *version += 1);
        self.history_read();
    }

    /// The whole log is in the desk: pulling platforms resumes from the newest cursor in it.
    fn history_read(self) {
        self.history.set(None);
        if !self.pull_started.get_value() {
            self.pull_started.set_value(true);
            self.run_in_owner(move || self.pull_periodically());
        }
    }

    /// Runs `start` under the desk page's owner, so what it sets up ends with the page.
    fn run_in_owner(self, start: impl FnOnce()) {
        match self.owner.get_value() {
            Some(owner) => owner.with(start),
            None => start(),
        }
    }

    /// After a reconnect: reads every row after the last one applied, page by page, then opens
    /// the stream. The next page is on the wire while this one is applied, and the views redraw
    /// at most every [`REDRAW_WHILE_LOADING_MS`].
    async fn catch_up_and_follow(self) {
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
                    self.version.update(|version| *version += 1);
                    self.mark_disconnected();
                    leptos::logging::warn!("catching up: {error}");
                    return self.retry_later();
                }
            };
            after = page.next_after;
            if page.more {
                next = Some(api::start_get(&page_url(after)));
            }
            loaded += page.events.len();
            let changed = self.apply_quietly(&page.events);
            let now = js_sys::Date::now();
            if next.is_none() || (changed && now - drawn_at > REDRAW_WHILE_LOADING_MS) {
                self.version.update(|version| *version += 1);
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

fn page_url(after: i64) -> String {
    format!("/api/events?after={after}&limit={PAGE}")
}

async fn read_page(
    fetching: impl std::future::Future<Output = Result<Vec<u8>, ApiError>>,
) -> Result<Page, ApiError> {
    api::parse_json(&fetching.await?)
}

fn history_url(before: i64) -> String {
    format!("/api/events?before={before}&limit={PAGE}")
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Lets the browser handle input and paint before more work: a message to ourselves, which
/// (unlike a zero timeout) is not throttled to 4 ms.
async fn yield_to_browser() {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return;
    };
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        channel.port1().set_onmessage(Some(&resolve));
    });
    let _ = channel.port2().post_message(&wasm_bindgen::JsValue::NULL);
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

impl DeskState {
    /// Platforms whose new messages are pulled, not pushed to us (E云 `syncFinder`).
    pub fn pulled_platforms(&self) -> Vec<Platform> {
        self.config.track();
        self.pulled_platforms_untracked()
    }

    /// Pulls every pulled platform now and then every [`PULL_EVERY_MS`] while the desk is open.
    fn pull_periodically(self) {
        let pull_all = move || {
            for platform in self.pulled_platforms_untracked() {
                self.pull(platform);
            }
        };
        pull_all();
        let tick = Closure::<dyn FnMut()>::new(pull_all);
        let interval = web_sys::window()
            .and_then(|window| {
                window
                    .set_interval_with_callback_and_timeout_and_arguments_0(
                        tick.as_ref().unchecked_ref(),
                        PULL_EVERY_MS,
                    )
                    .ok()
            })
            .unwrap_or_default();
        let tick = send_wrapper::SendWrapper::new(tick);
        on_cleanup(move || {
            if let Some(window) = web_sys::window() {
                window.clear_interval_with_handle(interval);
            }
            drop(tick);
        });
    }

    fn pulled_platforms_untracked(&self) -> Vec<Platform> {
        self.config.with_untracked(|config| {
            config
                .iter()
                .flat_map(|config| config.platforms.iter())
                .filter(|entry| entry.capabilities.pull)
                .map(|entry| entry.id)
                .collect()
        })
    }

    /// Reads the platform's pages after the last cursor the log holds, until one adds nothing.
    /// What they carry reaches the desk through the log, like every answer.
    pub fn pull(self, platform: Platform) {
        if self
            .pulling
            .with_untracked(|pulling| pulling.contains(&platform))
        {
            return;
        }
        self.pulling.update(|pulling| pulling.push(platform));
        leptos::task::spawn_local(async move {
            let mut cursor = self
                .desk
                .with_value(|desk| desk.sync_cursor(platform).map(str::to_owned));
            for _ in 0..PULL_PAGES {
                let Ok(call) = platforms::of(platform).sync(cursor.as_deref()) else {
                    break;
                };
                let url = format!("/api/proxy/{}{}", platform.id(), call.path);
                let next = match api::post_bytes(&url, call.content_type, &call.body, &[]).await {
                    Ok((status, text)) if (200..300).contains(&status) => {
                        switchboard_payload::platforms::of(platform)
                            .next_cursor(&call.path, text.as_bytes())
                    }
                    Ok((status, text)) => {
                        self.notice.set(Some(format!(
                            "Pulling {}: {}",
                            platform.name(),
                            api::error_text(status, &text)
                        )));
                        None
                    }
                    Err(error) => {
                        self.notice
                            .set(Some(format!("Pulling {}: {error}", platform.name())));
                        None
                    }
                };
                // An unchanged cursor means the page was the last one.
                if next.is_none() || next == cursor {
                    break;
                }
                cursor = next;
            }
            self.pulling
                .update(|pulling| pulling.retain(|pulled| *pulled != platform));
        });
    }

    /// Asks the platform for the page of history before the oldest message shown.
    pub fn load_earlier(self, key: ConversationKey) {
        let composed = self.desk.with_value(|desk| {
            desk.conversation(&key).map(|conversation| {
                platforms::of(key.platform)
                    .earlier_messages(&conversation.target(), conversation.oldest_message_id())
            })
        });
        self.act(key, "load earlier messages", composed);
    }

    /// What `platform` can do, tracked (views that ask re-render when the config arrives).
    pub fn capabilities(&self, platform: Platform) -> Capabilities {
        self.config.track();
        self.capabilities_untracked(platform)
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

    /// Sends a text message: an optimistic bubble at once, then the platform's request through
    /// the proxy. The log's rows take over the bubble (matched by its client id).
    pub fn send_text(
        self,
        key: ConversationKey,
        text: String,
        markdown: bool,
        quote: Option<String>,
    ) {
        let client_id = api::fresh_uuid();
        let draft = Draft {
            client_id: client_id.clone(),
            key: key.clone(),
            text: text.clone(),
            at_ms: js_sys::Date::now(),
            error: None,
            image_preview: None,
            progress: None,
            markdown,
            quote: quote.clone(),
        };
        self.drafts.update(|drafts| drafts.push(draft));
        let target = self.target_of(&key);
        let call = target
            .ok_or_else(|| "the conversation is gone".to_owned())
            .and_then(|target| {
                let quote = quote.as_deref();
                let composed = if markdown {
                    platforms::of(key.platform).send_markdown(&target, &text, quote, &client_id)
                } else {
                    platforms::of(key.platform).send_text(&target, &text, quote, &client_id)
                };
                composed.map_err(|error| error.to_string())
            });
        match call {
            Ok(call) => self.call(key, call, Some(client_id)),
            Err(error) => self.fail_draft(&client_id, error),
        }
    }

    /// Resends a failed draft's text as a new message.
    pub fn retry(self, draft: Draft) {
        self.drafts
            .update(|drafts| drafts.retain(|existing| existing.client_id != draft.client_id));
        self.send_text(draft.key, draft.text, draft.markdown, draft.quote);
    }

    /// Sends an image or, for any other file, a file message: uploads it through `/api/upload`
    /// (the bubble shows the progress, and an image's local preview), then sends the platform's
    /// message with the id the upload got.
    pub fn send_attachment(self, key: ConversationKey, file: web_sys::File) {
        let client_id = api::fresh_uuid();
        let is_image = file.type_().starts_with("image/")
            && self.capabilities_untracked(key.platform).send_image;
        let preview = is_image
            .then(|| web_sys::Url::create_object_url_with_blob(&file).ok())
            .flatten();
        if let Some(preview) = &preview {
            self.previews.update_value(|previews| {
                previews.insert(client_id.clone(), preview.clone());
            });
        }
        self.drafts.update(|drafts| {
            drafts.push(Draft {
                client_id: client_id.clone(),
                key: key.clone(),
                text: file.name(),
                at_ms: js_sys::Date::now(),
                error: None,
                image_preview: preview,
                progress: Some(0.0),
                markdown: false,
                quote: None,
            })
        });
        let progress_id = client_id.clone();
        let on_progress = move |fraction: f64| {
            self.drafts.update(|drafts| {
                if let Some(draft) = drafts
                    .iter_mut()
                    .find(|draft| draft.client_id == progress_id)
                {
                    draft.progress = Some(fraction);
                }
            });
        };
        let file = send_wrapper::SendWrapper::new(file);
        leptos::task::spawn_local(async move {
            let url = format!("/api/upload/{}", key.platform.id());
            let uploaded = match api::upload(&url, &file, on_progress).await {
                Ok(uploaded) => uploaded,
                Err(error) => return self.fail_draft(&client_id, error),
            };
            let attachment = compose::Attachment {
                id: uploaded.id,
                url: uploaded.url.clone(),
                mime_type: file.type_(),
                width: None,
                height: None,
                size: uploaded.size,
                name: file.name(),
            };
            let call = self
                .target_of(&key)
                .ok_or_else(|| "the conversation is gone".to_owned())
                .and_then(|target| {
                    let codec = platforms::of(key.platform);
                    if is_image {
                        codec.send_image(&target, &attachment, &client_id)
                    } else {
                        codec.send_file(&target, &attachment, &client_id)
                    }
                    .map_err(|error| error.to_string())
                });
            match call {
                Ok(call) => self.call_annotated(
                    key,
                    call,
                    Some(client_id),
                    Some(Media {
                        url: uploaded.url,
                        name: attachment.name,
                    }),
                ),
                Err(error) => self.fail_draft(&client_id, error),
            }
        });
    }

    /// Where a reply in this conversation goes.
    fn target_of(&self, key: &ConversationKey) -> Option<compose::Target> {
        self.desk.with_value(|desk| {
            desk.conversation(key)
                .map(|conversation| conversation.target())
        })
    }

    /// Sends an action composed for one of our messages, or says why it cannot be.
    fn act(
        self,
        key: ConversationKey,
        what: &str,
        composed: Option<Result<compose::Call, compose::ComposeError>>,
    ) {
        match composed {
            Some(Ok(call)) => self.call(key, call, None),
            Some(Err(error)) => self.notice.set(Some(format!("Cannot {what}: {error}"))),
            None => {}
        }
    }

    pub fn recall(self, key: ConversationKey, message: Message) {
        let composed = self.target_of(&key).map(|target| {
            platforms::of(key.platform).recall(
                &target,
                &message.id,
                &message.platform_ids,
                &api::fresh_uuid(),
            )
        });
        self.act(key, "recall", composed);
    }

    /// Replaces the text of one of our messages (where the platform allows it).
    pub fn edit(self, key: ConversationKey, message: Message, text: String) {
        let composed = self.target_of(&key).map(|target| {
            platforms::of(key.platform).edit(&target, &message.id, &message.platform_ids, &text)
        });
        self.act(key, "edit", composed);
    }

    fn fail_draft(self, client_id: &str, error: String) {
        self.drafts.update(|drafts| {
            if let Some(draft) = drafts.iter_mut().find(|draft| draft.client_id == client_id) {
                draft.error = Some(error);
            }
        });
    }

    fn call(self, key: ConversationKey, call: compose::Call, client_id: Option<String>) {
        self.call_annotated(key, call, client_id, None);
    }

    /// Posts a composed call through the proxy, annotated with its conversation (and bubble,
    /// and an upload's URL and name, which some sends do not carry).
    fn call_annotated(
        self,
        key: ConversationKey,
        call: compose::Call,
        client_id: Option<String>,
        media: Option<Media>,
    ) {
        leptos::task::spawn_local(async move {
            let url = format!("/api/proxy/{}{}", key.platform.id(), call.path);
            let mut headers = vec![(annotation::CONVERSATION, key.id.as_str())];
            if let Some(client_id) = &client_id {
                headers.push((annotation::CLIENT_ID, client_id.as_str()));
            }
            // Header values are ASCII: the name travels percent-encoded.
            let media_name = media
                .as_ref()
                .map(|media| String::from(js_sys::encode_uri_component(&media.name)));
            if let Some(url) = media.as_ref().and_then(|media| media.url.as_deref()) {
                headers.push((annotation::MEDIA_URL, url));
            }
            if let Some(name) = &media_name {
                headers.push((annotation::MEDIA_NAME, name.as_str()));
            }
            let outcome = api::post_bytes(&url, call.content_type, &call.body, &headers).await;
            // 2xx and 502/504 were logged: the log tells the rest. Anything else never left.
            let error = match outcome {
                Ok((status, _))
                    if (200..300).contains(&status) || status == 502 || status == 504 =>
                {
                    None
                }
                Ok((status, text)) => Some(api::error_text(status, &text)),
                Err(ApiError::LoggedOut) => {
                    self.connection.set(Connection::LoggedOut);
                    Some("log in again".to_owned())
                }
                Err(error) => Some(error.to_string()),
            };
            if let Some(error) = error {
                match &client_id {
                    Some(client_id) => self.fail_draft(client_id, error),
                    None => self.notice.set(Some(error)),
                }
            }
        });
    }
}

/// An upload a send refers to.
struct Media {
    url: Option<String>,
    name: String,
}

impl Default for DeskState {
    fn default() -> Self {
        DeskState::new()
    }
}
