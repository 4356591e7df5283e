//! `GET /api/events?after=SEQ&limit=N` pages through the log (`?before=SEQ` pages back from the
//! newest, so a desk can show the present first); `GET /api/events/stream` follows it
//! live (SSE). The stream resumes after `Last-Event-ID` (or `?after=`): every event is read back
//! from the log by seq, so a reconnect neither misses nor repeats one.

use std::collections::VecDeque;
use std::convert::Infallible;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use base64::Engine;
use futures_util::Stream;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::event_log::StoredEvent;
use crate::state::AppState;

pub const MAX_PAGE: usize = 5000;
const STREAM_BATCH: usize = 256;

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    after: i64,
    /// Pages backwards: the newest events before this seq (`i64::MAX`: the newest of all).
    before: Option<i64>,
    limit: Option<usize>,
}

/// One event as the browser receives it; the body is base64 because it is bytes.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct EventView {
    pub seq: i64,
    pub platform: String,
    pub direction: String,
    pub received_at_ms: i64,
    pub content_type: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body_base64: String,
    pub request_seq: Option<i64>,
}

impl From<StoredEvent> for EventView {
    fn from(event: StoredEvent) -> EventView {
        EventView {
            seq: event.seq,
            platform: event.platform,
            direction: event.direction.as_str().to_owned(),
            received_at_ms: event.received_at_ms,
            content_type: event.content_type,
            headers: event.headers,
            body_base64: base64::engine::general_purpose::STANDARD.encode(&event.body),
            request_seq: event.request_seq,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Page {
    pub events: Vec<EventView>,
    /// Pass as `after` for the next page (paging back: the newest seq in this page, where the
    /// stream takes over).
    pub next_after: i64,
    /// Paging back: pass as `before` for the next, older page.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub next_before: Option<i64>,
    /// Whether more events follow this page right now (paging back: precede it).
    pub more: bool,
}

pub async fn page(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
) -> Result<Json<Page>, ApiError> {
    let limit = query.limit.unwrap_or(200).clamp(1, MAX_PAGE);
    // One extra row tells whether another page follows.
    if let Some(before) = query.before {
        let mut events = state.events_before(before, limit + 1).await?;
        let more = events.len() > limit;
        if more {
            events.remove(0);
        }
        return Ok(Json(Page {
            next_before: Some(events.first().map_or(before, |event| event.seq)),
            next_after: events.last().map_or(0, |event| event.seq),
            events: events.into_iter().map(EventView::from).collect(),
            more,
        }));
    }
    let mut events = state.events_after(query.after, limit + 1).await?;
    let more = events.len() > limit;
    events.truncate(limit);
    let next_after = events.last().map_or(query.after, |event| event.seq);
    Ok(Json(Page {
        events: events.into_iter().map(EventView::from).collect(),
        next_after,
        next_before: None,
        more,
    }))
}

#[derive(Debug, Deserialize)]
pub struct StreamQuery {
    after: Option<i64>,
}

pub async fn stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<StreamQuery>,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let resume_after = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<i64>().ok())
        .or(query.after)
        .unwrap_or(0);
    let newest = state.newest.subscribe();
    let shutting_down = state.shutting_down.clone();
    let cursor = Cursor {
        state,
        newest,
        shutting_down,
        after: resume_after,
        pending: VecDeque::new(),
    };
    Sse::new(futures_util::stream::unfold(cursor, Cursor::next)).keep_alive(KeepAlive::default())
}

struct Cursor {
    state: AppState,
    newest: tokio::sync::watch::Receiver<i64>,
    shutting_down: tokio::sync::watch::Receiver<bool>,
    after: i64,
    pending: VecDeque<StoredEvent>,
}

impl Cursor {
    async fn next(mut self) -> Option<(Result<SseEvent, Infallible>, Cursor)> {
        loop {
            if *self.shutting_down.borrow() {
                return None;
            }
            if let Some(event) = self.pending.pop_front() {
                self.after = event.seq;
                let view = EventView::from(event);
                let sse = SseEvent::default()
                    // Reconnect quickly after a drop: the resume makes it cheap.
                    .retry(std::time::Duration::from_secs(1))
                    .id(view.seq.to_string())
                    .event("event")
                    .json_data(&view)
                    .unwrap_or_else(|_| SseEvent::default().comment("unserializable"));
                return Some((Ok(sse), self));
            }
            // Mark the current value seen *before* reading, so an append racing with the read
            // wakes us again instead of being lost.
            self.newest.borrow_and_update();
            match self.state.events_after(self.after, STREAM_BATCH).await {
                Ok(batch) if !batch.is_empty() => self.pending.extend(batch),
                Ok(_) => {
                    tokio::select! {
                        changed = self.newest.changed() => if changed.is_err() { return None },
                        _ = self.shutting_down.changed() => return None,
                    }
                }
                Err(error) => {
                    tracing::error!("live stream: {error:#}");
                    return None;
                }
            }
        }
    }
}
