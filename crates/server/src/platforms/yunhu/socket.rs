//! Receiving as a Yunhu user account over its push socket (`wss://chat-ws-go.jwzhd.com/ws`;
//! reference §1.3, community docs `yh-Tpdev/yhchatAPI` `src/api/wss/chat-ws-go.jwzhd.com.md`, the
//! Python client `yh_user_sdk/core/ws.py`).
//!
//! One session: connect, log in with a JSON text frame, heartbeat at once and every 30 s; the
//! line counts as up at the first `heartbeat_ack` (Yunhu answers no login: a refused one gets
//! "数据不合法", or nothing). Every other frame is stored as it came, one row each. The
//! socket has no acknowledgement and no resume, so once logged in the session fills the gap:
//! for every chat it has seen traffic in, `list-message-by-seq` from the newest `msg_seq` the log
//! holds, paging forward until a page is empty (the reference leaves the direction open; the
//! emulator pages forward from the anchor, excluding it, and so do we). Those calls and
//! answers are logged (empty pages are not), which is how the missed messages reach the desk,
//! each once. A chat first seen during an outage is not known to have a gap: its messages
//! show from its first pushed one on (older ones by "load earlier"). Nothing for 70 s ends
//! the session.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use futures_util::{FutureExt, SinkExt, StreamExt};
use switchboard_payload::event::ConversationKind;
use switchboard_payload::platforms::yunhu::socket::{
    Chat, HEARTBEAT_ACK, heartbeat_frame, is_invalid_data, login_frame, read_frame, read_listing,
};
use switchboard_payload::platforms::yunhu::{endpoints, messages_from_seq};
use switchboard_payload::request::Target;
use switchboard_protocol::headers::{annotation, pseudo};
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;

use crate::platforms::receive::{Ended, Frame, Line};
use crate::platforms::upload::post;

pub const RECEIVER: &str = "websocket";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const HEARTBEAT_EVERY: Duration = Duration::from_secs(30);
/// The Python client's rule: nothing for this long and the line is dead.
const SILENCE: Duration = Duration::from_secs(70);
/// How long the first `heartbeat_ack` may take after logging in.
const LOGIN_DEADLINE: Duration = Duration::from_secs(10);
const FRAMES_PER_COMMIT: usize = 512;
/// Frames read from the log to learn where each chat stands after a restart.
const FRAMES_TO_RESUME_FROM: usize = 5_000;
/// Chats a gap fill covers (the most recently active) and pages it reads from each.
const CHATS_TO_FILL: usize = 200;
const PAGES_PER_CHAT: usize = 50;
/// Chats whose place is kept (the least recently active are forgotten first).
const CHATS_KEPT: usize = 10_000;
/// The largest message the socket takes (a Yunhu message is text, a few MB at most); bigger
/// ones end the session rather than the server's memory.
const MAX_MESSAGE: usize = 16 * 1024 * 1024;
/// Bytes of frames read before they are stored together.
const BYTES_PER_COMMIT: usize = 32 * 1024 * 1024;

/// The push socket's settings.
pub struct Socket {
    pub url: String,
    pub user_id: String,
    pub token: String,
    pub device_id: String,
}

/// Where one chat stands.
#[derive(Debug, Clone, Copy)]
struct Place {
    /// Everything up to this `msg_seq` is in the log: a gap fill starts after it.
    whole_to: u64,
    /// The newest seq seen; live frames run ahead of a gap not filled yet.
    newest: u64,
    /// When it last had traffic (a counter): the most recently active are filled first.
    tick: u64,
}

#[derive(Default)]
struct Chats {
    places: HashMap<Chat, Place>,
    tick: u64,
    /// Chats this session has nothing missing in (filled, or first seen in it): their live
    /// frames move `whole_to` too.
    settled: HashSet<Chat>,
}

impl Chats {
    /// A frame stored for `chat` at `seq`.
    fn saw(&mut self, chat: Chat, seq: u64) {
        self.tick += 1;
        let tick = self.tick;
        let settled = self.settled.contains(&chat);
        match self.places.get_mut(&chat) {
            Some(place) => {
                place.newest = place.newest.max(seq);
                if settled {
                    place.whole_to = place.whole_to.max(seq);
                }
                place.tick = tick;
            }
            None => {
                // A chat first seen now: nothing before it is ours to fetch.
                self.places.insert(
                    chat.clone(),
                    Place {
                        whole_to: seq,
                        newest: seq,
                        tick,
                    },
                );
                self.settled.insert(chat);
                if self.places.len() > CHATS_KEPT
                    && let Some(oldest) = self
                        .places
                        .iter()
                        .min_by_key(|(_, place)| place.tick)
                        .map(|(chat, _)| chat.clone())
                {
                    self.places.remove(&oldest);
                    self.settled.remove(&oldest);
                }
            }
        }
    }
}

/// Where each chat stands, learned from the log once and kept up to date from frames and gap
/// fills.
#[derive(Default)]
pub struct Places(Mutex<Option<Chats>>);

impl Places {
    fn with<T>(&self, f: impl FnOnce(&mut Chats) -> T) -> Option<T> {
        let mut chats = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        chats.as_mut().map(f)
    }

    /// A new session: every known chat may have missed messages. The anchors to fill from,
    /// the most recently active first, taken before logging in (a live frame that comes during
    /// the login must not move an anchor past the gap).
    fn begin_session(&self) -> Vec<(Chat, u64)> {
        self.with(|chats| {
            chats.settled.clear();
            let mut anchors: Vec<(Chat, u64, u64)> = chats
                .places
                .iter()
                .map(|(chat, place)| (chat.clone(), place.whole_to, place.tick))
                .collect();
            anchors.sort_by_key(|(_, _, tick)| std::cmp::Reverse(*tick));
            anchors
                .into_iter()
                .take(CHATS_TO_FILL)
                .map(|(chat, seq, _)| (chat, seq))
                .collect()
        })
        .unwrap_or_default()
    }

    fn saw(&self, chat: Chat, seq: u64) {
        self.with(|chats| chats.saw(chat, seq));
    }

    /// A gap-fill page listed `chat` up to `seq`, from its anchor on.
    fn listed(&self, chat: &Chat, seq: u64) {
        self.with(|chats| {
            if let Some(place) = chats.places.get_mut(chat) {
                place.whole_to = place.whole_to.max(seq);
                place.newest = place.newest.max(seq);
            }
        });
    }

    /// `chat`'s gap is filled: what came live meanwhile is whole too.
    fn settle(&self, chat: &Chat) {
        self.with(|chats| {
            if let Some(place) = chats.places.get_mut(chat) {
                place.whole_to = place.whole_to.max(place.newest);
            }
            chats.settled.insert(chat.clone());
        });
    }
}

pub async fn session(socket: &Socket, places: &Places, line: &dyn Line) -> Ended {
    if places.with(|_| ()).is_none() {
        match line.newest_received(RECEIVER, FRAMES_TO_RESUME_FROM).await {
            Ok(bodies) => {
                let mut learned = Chats::default();
                // Oldest first, so the newest traffic counts as the most recent.
                for body in bodies.iter().rev() {
                    if let Some((chat, seq)) = read_frame(body).and_then(|pushed| pushed.place) {
                        learned.saw(chat, seq);
                    }
                }
                learned.settled.clear();
                *places
                    .0
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(learned);
            }
            Err(error) => {
                return Ended::Retry(format!("reading where the socket left off: {error:#}"));
            }
        }
    }
    let anchors = places.begin_session();
    let request = socket.url.as_str();
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE));
    let stream = match tokio::time::timeout(
        CONNECT_TIMEOUT,
        tokio_tungstenite::connect_async_with_config(request, Some(config), true),
    )
    .await
    {
        Err(_) => return Ended::Retry("connecting to Yunhu's push socket timed out".into()),
        Ok(Err(tokio_tungstenite::tungstenite::Error::Url(error))) => {
            return Ended::Stop(format!("yunhu.socket_url is not usable: {error}"));
        }
        Ok(Err(error)) => {
            return Ended::Retry(format!("connecting to Yunhu's push socket: {error}"));
        }
        Ok(Ok((stream, _))) => stream,
    };
    let (mut sink, stream) = stream.split();
    let login = login_frame(
        &fresh_seq(),
        &socket.user_id,
        &socket.token,
        &socket.device_id,
    );
    for frame in [login, heartbeat_frame(&fresh_seq())] {
        if let Err(error) = sink.send(Message::Text(frame.into())).await {
            return Ended::Retry(format!("logging in on Yunhu's push socket: {error}"));
        }
    }
    let (logged_in, on_login) = oneshot::channel();
    tokio::select! {
        ended = read(places, line, sink, stream, logged_in) => ended,
        ended = fill_after_login(places, anchors, line, on_login) => ended,
    }
}

fn fresh_seq() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

type Stream =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn read(
    places: &Places,
    line: &dyn Line,
    mut sink: futures_util::stream::SplitSink<Stream, Message>,
    mut stream: futures_util::stream::SplitStream<Stream>,
    logged_in: oneshot::Sender<()>,
) -> Ended {
    let mut logged_in = Some(logged_in);
    let mut heartbeat = tokio::time::interval_at(
        tokio::time::Instant::now() + HEARTBEAT_EVERY,
        HEARTBEAT_EVERY,
    );
    let mut deadline = tokio::time::Instant::now() + LOGIN_DEADLINE;
    loop {
        tokio::select! {
            message = stream.next() => {
                let mut frames = Vec::new();
                // How the line ended, if it did: frames read before the end are still stored
                // (the socket never sends them again).
                let mut ended = None;
                let mut next = message;
                loop {
                    match next {
                        None => ended = Some("Yunhu closed the push socket".to_owned()),
                        Some(Err(error)) => ended = Some(format!("reading Yunhu's push socket: {error}")),
                        Some(Ok(Message::Binary(bytes))) => frames.push((bytes.to_vec(), false)),
                        // Not in the protocol but kept, as everything a platform sends is.
                        Some(Ok(Message::Text(text))) => frames.push((text.as_bytes().to_vec(), true)),
                        Some(Ok(Message::Close(frame))) => {
                            let reason = frame.map(|frame| format!("{} {}", frame.code, frame.reason)).unwrap_or_default();
                            ended = Some(format!("Yunhu closed the push socket {reason}").trim_end().to_owned());
                        }
                        Some(Ok(Message::Ping(_))) => {
                            if let Err(error) = sink.flush().await {
                                ended = Some(format!("answering Yunhu's ping: {error}"));
                            }
                        }
                        Some(Ok(_)) => {}
                    }
                    let bytes: usize = frames.iter().map(|(frame, _)| frame.len()).sum();
                    if ended.is_some() || frames.len() >= FRAMES_PER_COMMIT || bytes >= BYTES_PER_COMMIT {
                        break;
                    }
                    match stream.next().now_or_never() {
                        Some(message) => next = message,
                        None => break,
                    }
                }
                // The refusal is no message; the frames beside it are stored before stopping.
                let refused = frames.iter().any(|(bytes, _)| is_invalid_data(bytes));
                let mut rows = Vec::new();
                let mut acked = false;
                let mut seen = Vec::new();
                for (bytes, text) in frames {
                    if is_invalid_data(&bytes) {
                        continue;
                    }
                    let pushed = read_frame(&bytes);
                    if pushed.as_ref().is_some_and(|pushed| pushed.cmd == HEARTBEAT_ACK) {
                        acked = true;
                        continue;
                    }
                    seen.extend(pushed.as_ref().and_then(|pushed| pushed.place.clone()));
                    rows.push(Frame {
                        content_type: Some(if text { "text/plain; charset=utf-8" } else { "application/x-protobuf" }.into()),
                        headers: vec![(pseudo::RECEIVER.into(), RECEIVER.into())],
                        dedupe_key: pushed.and_then(|pushed| pushed.delivery),
                        body: bytes,
                    });
                }
                if !rows.is_empty()
                    && let Err(error) = line.store(rows).await
                {
                    return Ended::Retry(format!("storing Yunhu frames: {error:#}"));
                }
                for (chat, seq) in seen {
                    places.saw(chat, seq);
                }
                if refused {
                    return Ended::Stop(
                        "Yunhu refused the login on its push socket (数据不合法): check yunhu.user_id \
                         and yunhu.user_token"
                            .into(),
                    );
                }
                if let Some(reason) = ended {
                    return Ended::Retry(reason);
                }
                if acked && let Some(logged_in) = logged_in.take() {
                    line.connected();
                    let _ = logged_in.send(());
                }
                if logged_in.is_none() {
                    deadline = tokio::time::Instant::now() + SILENCE;
                }
            }
            _ = heartbeat.tick() => {
                if let Err(error) = sink.send(Message::Text(heartbeat_frame(&fresh_seq()).into())).await {
                    return Ended::Retry(format!("sending a heartbeat to Yunhu: {error}"));
                }
            }
            _ = tokio::time::sleep_until(deadline) => {
                return Ended::Retry(if logged_in.is_some() {
                    format!(
                        "no heartbeat_ack {} s after logging in (Yunhu may not answer a refused \
                         login: check yunhu.user_id and yunhu.user_token)",
                        LOGIN_DEADLINE.as_secs()
                    )
                } else {
                    format!("nothing from Yunhu's push socket for {} s", SILENCE.as_secs())
                });
            }
        }
    }
}

/// Once logged in: fetch what each chat got while the socket was down, then wait. A chat whose
/// fill fails (an answer too large to read, an error) is left for the next session, which
/// tries it again from the same anchor; the others go on.
async fn fill_after_login(
    places: &Places,
    anchors: Vec<(Chat, u64)>,
    line: &dyn Line,
    on_login: oneshot::Receiver<()>,
) -> Ended {
    if on_login.await.is_err() {
        return std::future::pending().await;
    }
    for (chat, seq) in anchors {
        match fill(places, line, &chat, seq).await {
            Ok(()) => places.settle(&chat),
            Err(reason) => tracing::warn!("Yunhu gap fill left for the next login: {reason}"),
        }
    }
    std::future::pending().await
}

/// Pages forward from `seq` (the anchor is not listed) until a page brings nothing newer.
async fn fill(places: &Places, line: &dyn Line, chat: &Chat, mut seq: u64) -> Result<(), String> {
    let target = Target {
        conversation_id: chat.chat_id.clone(),
        kind: match chat.chat_type {
            2 => Some(ConversationKind::Group),
            3 => Some(ConversationKind::Bot),
            _ => Some(ConversationKind::Direct),
        },
        peer_id: None,
        reply_to: None,
        own_id: None,
    };
    for _ in 0..PAGES_PER_CHAT {
        let call = messages_from_seq(&target, seq);
        let mut outgoing = post(call.path, call.content_type, call.body);
        outgoing.annotations.extend([
            (pseudo::RECEIVER.into(), RECEIVER.into()),
            (annotation::CONVERSATION.into(), chat.chat_id.clone()),
        ]);
        let news = |body: &[u8]| {
            read_listing(body).is_none_or(|listed| listed.status != 1 || listed.count > 0)
        };
        let answer = line
            .courier()
            .send_keeping(outgoing, &news)
            .await
            .map_err(|error| {
                format!(
                    "filling the gap in chat {}: {}",
                    chat.chat_id, error.body["error"]
                )
            })?;
        let Some(listed) = read_listing(&answer.body) else {
            return Err(format!(
                "{} answered with no message list ({})",
                endpoints::LIST_MESSAGE_BY_SEQ.path,
                answer.status
            ));
        };
        if listed.status != 1 {
            return Err(format!(
                "{} for chat {} failed: {} {}",
                endpoints::LIST_MESSAGE_BY_SEQ.path,
                chat.chat_id,
                listed.status,
                listed.message
            ));
        }
        if listed.newest_seq <= seq {
            return Ok(());
        }
        seq = listed.newest_seq;
        places.listed(chat, seq);
    }
    Ok(())
}

/// The `deviceId` when none is configured: the same for the same account on every restart.
pub fn default_device_id(user_id: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("switchboard yunhu device {user_id}"));
    format!("switchboard-{}", hex::encode(&digest[..8]))
}
