//! `GET /api/events?after=SEQ&limit=N` pages through the log (`?before=SEQ` pages back from the
//! newest, so a desk can show the present first); `GET /api/events/stream` follows it
//! live (SSE). The stream resumes after `Last-Event-ID` (or `?after=`): every event is read back
//! from the log by seq, so a reconnect neither misses nor repeats one. `GET
//! /api/events/lookups/{platform}?id=…` finds the profile answers that name given ids.

use std::convert::Infallible;
use std::time::Duration;

use axum::Extension;
use axum::extract::{Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio_stream::wrappers::ReceiverStream;

use super::ApiError;
use super::route_platform::RoutePlatform;
use crate::auth::CurrentAgent;
use crate::event_log::Slice;
use crate::state::{AppState, Live};

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

pub async fn page(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let limit = query.limit.unwrap_or(200).clamp(1, MAX_PAGE);
    let max_bytes = state.config.limits.page_bytes;
    let (slice, next_after, next_before) = match query.before {
        Some(before) => {
            let slice = state.events_before_within(before, limit, max_bytes).await?;
            let next_before = slice.events.first().map_or(before, |event| event.seq);
            let next_after = slice.events.last().map_or(0, |event| event.seq);
            (slice, next_after, Some(next_before))
        }
        None => {
            let slice = state
                .events_after_within(query.after, limit, max_bytes)
                .await?;
            let next_after = slice.events.last().map_or(query.after, |event| event.seq);
            (slice, next_after, None)
        }
    };
    Ok(streamed_page(slice, next_after, next_before))
}

/// Ids one `/api/events/lookups` call may name, how long each may be, and answers per id.
const LOOKUP_IDS_MOST: usize = 16;
const LOOKUP_ID_BYTES_MOST: usize = 256;
const LOOKUPS_PER_ID: usize = 4;

/// `GET /api/events/lookups/{platform}?id=A&id=B`: the log's newest OK profile lookups whose
/// answers hold these ids, each request row with its answer, in log order (a JSON array of
/// rows). The inspector names the ids of the one payload it shows by projecting them, as the
/// desk does with the whole log.
pub async fn lookups(
    State(state): State<AppState>,
    RoutePlatform(platform): RoutePlatform,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let ids: Vec<String> = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .filter(|(name, _)| name == "id")
        .map(|(_, id)| id.into_owned())
        .collect();
    if ids.len() > LOOKUP_IDS_MOST || ids.iter().any(|id| id.len() > LOOKUP_ID_BYTES_MOST) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("at most {LOOKUP_IDS_MOST} ids of at most {LOOKUP_ID_BYTES_MOST} bytes each"),
        ));
    }
    let log = state.log.clone();
    let rows =
        tokio::task::spawn_blocking(move || log.lookups_naming(platform, &ids, LOOKUPS_PER_ID))
            .await
            .map_err(|_| anyhow::anyhow!("the event log reader stopped"))?
            .map_err(|error| anyhow::anyhow!("reading the event log: {error}"))?;
    Ok(axum::Json(rows).into_response())
}

/// A [`switchboard_protocol::Page`] written one event at a time: the rows are held once, as read, and never a second
/// time as one JSON text.
fn streamed_page(slice: Slice, next_after: i64, next_before: Option<i64>) -> Response {
    let mut head = format!("{{\"next_after\":{next_after},");
    if let Some(next_before) = next_before {
        head.push_str(&format!("\"next_before\":{next_before},"));
    }
    head.push_str(&format!("\"more\":{},\"events\":[", slice.more));
    let events = slice.events.into_iter().enumerate().map(|(index, event)| {
        let mut chunk = if index == 0 { Vec::new() } else { vec![b','] };
        serde_json::to_writer(&mut chunk, &event).expect("an event view serializes");
        chunk
    });
    let chunks = std::iter::once(head.into_bytes())
        .chain(events)
        .chain(std::iter::once(b"]}".to_vec()))
        .map(|chunk| Ok::<_, Infallible>(axum::body::Bytes::from(chunk)));
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        axum::body::Body::from_stream(futures_util::stream::iter(chunks)),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub struct StreamQuery {
    after: Option<i64>,
}

/// Body bytes a stream reads from the log at a time (at least one row).
const STREAM_READ_BYTES: usize = 1024 * 1024;
/// Events written to a stream in one chunk (one write to the socket) once this many bytes are
/// gathered: under load a stream sends what piled up together, not one write per row.
const CHUNK_BYTES: usize = 256 * 1024;
/// A stream writes at most once per this window; rows that come within it go in one write.
/// Under load that is what keeps a thousand desks from costing the intake a write per row per
/// desk; a person does not see 20 ms.
const COALESCE: Duration = Duration::from_millis(20);
/// How often a stream asks whether its session still holds.
const SESSION_CHECK_EVERY: Duration = Duration::from_secs(1);

/// A comment line sent on a quiet stream, so proxies and browsers keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub async fn stream(
    State(state): State<AppState>,
    Extension(CurrentAgent(agent)): Extension<CurrentAgent>,
    jar: axum_extra::extract::CookieJar,
    headers: HeaderMap,
    Query(query): Query<StreamQuery>,
) -> Response {
    let resume_after = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<i64>().ok())
        .or(query.after)
        .unwrap_or(0);
    // One chunk waits for the client at most: what a client that stops reading holds is this,
    // the chunk being gathered, and the socket's buffers; after `stream_stall_secs` it is
    // dropped.
    let (sender, chunks) = tokio::sync::mpsc::channel(1);
    let stall = Duration::from_secs(state.config.limits.stream_stall_secs);
    let session = jar
        .get(crate::auth::SESSION_COOKIE)
        .map(|cookie| cookie.value().to_owned())
        .unwrap_or_default();
    let follower = Follower {
        _online: state.presence.join(&agent),
        session,
        session_checked_at: tokio::time::Instant::now(),
        live: state.live.subscribe(),
        shutting_down: state.shutting_down.clone(),
        state,
        after: resume_after,
        sender,
        stall,
        chunk: Vec::new(),
        flushed_at: tokio::time::Instant::now(),
    };
    tokio::spawn(follower.run());
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/event-stream"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        axum::body::Body::from_stream(
            ReceiverStream::new(chunks).map(Ok::<axum::body::Bytes, Infallible>),
        ),
    )
        .into_response()
}

/// Feeds one live stream: catches up from the log by seq, then takes committed rows from the
/// writer's fan-out (no query per row), and reads the log again whenever it fell behind.
struct Follower {
    /// The agent counts as online while this stream is open.
    _online: crate::presence::Online,
    /// The session that opened the stream: when it ends (logout, the agent disabled, a new
    /// password), so does the stream.
    session: String,
    session_checked_at: tokio::time::Instant,
    state: AppState,
    live: broadcast::Receiver<Live>,
    shutting_down: tokio::sync::watch::Receiver<bool>,
    after: i64,
    sender: tokio::sync::mpsc::Sender<axum::body::Bytes>,
    stall: Duration,
    /// Events gathered for the next write.
    chunk: Vec<u8>,
    /// When the last write went out.
    flushed_at: tokio::time::Instant,
}

/// Why a follower stops.
enum Stop {
    /// The client went away, stalled, or the server is shutting down.
    Done,
}

impl Follower {
    async fn run(mut self) {
        while self.catch_up().await.is_ok() && self.follow().await.is_ok() {}
    }

    /// Sends everything in the log after `after`, a bounded read at a time.
    async fn catch_up(&mut self) -> Result<(), Stop> {
        loop {
            let slice = match self
                .state
                .events_after_within(self.after, STREAM_BATCH, STREAM_READ_BYTES)
                .await
            {
                Ok(slice) => slice,
                Err(error) => {
                    tracing::error!("live stream: {error:#}");
                    return Err(Stop::Done);
                }
            };
            for event in slice.events {
                let json = serde_json::to_string(&event).unwrap_or_default();
                self.gather(&json)?;
                if self.chunk.len() >= CHUNK_BYTES {
                    self.flush().await?;
                }
            }
            self.flush().await?;
            if !slice.more {
                return Ok(());
            }
        }
    }

    /// Sends rows as the writer commits them, every row waiting at that moment in one write;
    /// returns to [`Follower::catch_up`] when a row must be read from the log (too large to fan
    /// out, or this stream fell behind the fan-out).
    async fn follow(&mut self) -> Result<(), Stop> {
        loop {
            let received = tokio::select! {
                received = self.live.recv() => received,
                _ = self.shutting_down.changed() => return Err(Stop::Done),
                _ = self.sender.closed() => return Err(Stop::Done),
                _ = tokio::time::sleep(KEEP_ALIVE) => {
                    self.chunk.extend_from_slice(b": keep-alive\n\n");
                    self.flush().await?;
                    continue;
                }
            };
            // Let what comes within the window join this write.
            tokio::time::sleep_until(self.flushed_at + COALESCE).await;
            let mut next = Some(received);
            while let Some(received) = next.take() {
                match received {
                    Ok(Live::Row(row)) if row.event.seq <= self.after => {}
                    Ok(Live::Row(row)) => {
                        self.gather(row.json())?;
                        self.after = row.event.seq;
                    }
                    Ok(Live::Presence(json)) => self.gather_presence(&json),
                    Ok(Live::Large(seq)) if seq <= self.after => {}
                    Ok(Live::Large(_)) | Err(RecvError::Lagged(_)) => {
                        self.flush().await?;
                        return Ok(());
                    }
                    Err(RecvError::Closed) => return Err(Stop::Done),
                }
                if self.chunk.len() < CHUNK_BYTES {
                    next = match self.live.try_recv() {
                        Ok(live) => Some(Ok(live)),
                        Err(broadcast::error::TryRecvError::Lagged(skipped)) => {
                            Some(Err(RecvError::Lagged(skipped)))
                        }
                        Err(_) => None,
                    };
                }
            }
            self.flush().await?;
        }
    }

    /// Adds one event to the chunk being gathered; `after` moves on with it.
    fn gather(&mut self, json: &str) -> Result<(), Stop> {
        if *self.shutting_down.borrow() {
            return Err(Stop::Done);
        }
        let seq = json
            .strip_prefix("{\"seq\":")
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|digits| digits.parse::<i64>().ok());
        // Reconnect quickly after a drop: the resume makes it cheap.
        self.chunk.extend_from_slice(b"retry: 1000\n");
        if let Some(seq) = seq {
            self.chunk
                .extend_from_slice(format!("id: {seq}\n").as_bytes());
            self.after = self.after.max(seq);
        }
        self.chunk.extend_from_slice(b"event: event\ndata: ");
        self.chunk.extend_from_slice(json.as_bytes());
        self.chunk.extend_from_slice(b"\n\n");
        Ok(())
    }

    /// Adds a presence event (no id: it is not a row, and a resumed stream does not repeat it).
    fn gather_presence(&mut self, json: &str) {
        self.chunk.extend_from_slice(b"event: ");
        self.chunk
            .extend_from_slice(switchboard_protocol::desk::PRESENCE_EVENT.as_bytes());
        self.chunk.extend_from_slice(b"\ndata: ");
        self.chunk.extend_from_slice(json.as_bytes());
        self.chunk.extend_from_slice(b"\n\n");
    }

    /// Writes what was gathered, waiting at most `stall` for the client to take it.
    async fn flush(&mut self) -> Result<(), Stop> {
        // Asked at most once a second: a busy stream writes every few milliseconds.
        if self.session_checked_at.elapsed() >= SESSION_CHECK_EVERY {
            self.session_checked_at = tokio::time::Instant::now();
            if self.state.sessions.agent_of(&self.session).await.is_none() {
                return Err(Stop::Done);
            }
        }
        if self.chunk.is_empty() {
            return Ok(());
        }
        let chunk = axum::body::Bytes::from(std::mem::take(&mut self.chunk));
        match self.sender.send_timeout(chunk, self.stall).await {
            Ok(()) => {
                self.flushed_at = tokio::time::Instant::now();
                Ok(())
            }
            Err(_) => {
                tracing::warn!(
                    after = self.after,
                    "live stream dropped: the client stopped reading"
                );
                Err(Stop::Done)
            }
        }
    }
}
