//! Receiving over Mixin's Blaze WebSocket, the only way a bot receives (Mixin has no webhooks;
//! reference §4: developers.mixin.one `app/guide/message-loop.md`, bot-api-go-client `blaze.go`,
//! fox-one mixin-sdk-go `blaze.go`).
//!
//! One session: connect with subprotocol `Mixin-Blaze-1` and a JWT for `GET /` with an empty body,
//! send `LIST_PENDING_MESSAGES` first (the line counts as up once Blaze answers it), then store every frame as it came (gzip bytes) and only
//! then acknowledge it. Acknowledgements go in batches of at most 100 through
//! `POST /acknowledgements` (`status: "READ"`, the one status a bot acknowledges with), one call
//! in flight: a burst of a thousand messages costs ten calls, not a thousand frames, and a call
//! that fails costs nothing but a redelivery, which the log's unique key absorbs. Pings every
//! 9 s; nothing read for 10 s ends the session. A 401 stops receiving (a wrong key, or a clock
//! more than 5 minutes off).

use std::io::Read;
use std::time::Duration;

use axum::http::{HeaderMap, Method};
use futures_util::{FutureExt, SinkExt, StreamExt};
use switchboard_protocol::headers::pseudo;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};

use super::{Mixin, now_secs};
use crate::platforms::outgoing::json_text_at;
use crate::platforms::receive::{Ended, Frame, Line, SessionFuture};
use crate::platforms::rules::PlatformRules;
use crate::platforms::upload::post;

pub const SUBPROTOCOL: &str = "Mixin-Blaze-1";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const PING_EVERY: Duration = Duration::from_secs(9);
const READ_DEADLINE: Duration = Duration::from_secs(10);
/// Frames read before they are stored together (one commit).
const FRAMES_PER_COMMIT: usize = 512;
/// Mixin's limit for one `POST /acknowledgements`.
const ACKS_PER_CALL: usize = 100;
/// A frame's JSON after gunzip, at most: tungstenite's own cap on a message, so a frame that
/// arrived whole can always be read (a frame past it is still stored, unread and unacknowledged).
const MAX_FRAME_JSON: u64 = 64 * 1024 * 1024;

pub async fn session(mixin: &Mixin, line: &dyn Line) -> Ended {
    let socket = match connect(mixin).await {
        Ok(socket) => socket,
        Err(ended) => return ended,
    };
    let (mut sink, stream) = socket.split();
    let list_pending = serde_json::json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "action": "LIST_PENDING_MESSAGES",
    });
    if let Err(error) = sink
        .send(Message::Binary(gzip(&list_pending.to_string()).into()))
        .await
    {
        return Ended::Retry(format!("sending LIST_PENDING_MESSAGES: {error}"));
    }
    let (acks, to_acknowledge) = mpsc::unbounded_channel();
    tokio::select! {
        ended = read(mixin, line, sink, stream, acks) => ended,
        ended = acknowledge(line, to_acknowledge) => ended,
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(mixin: &Mixin) -> Result<Socket, Ended> {
    let mut request = mixin
        .blaze_url
        .as_str()
        .into_client_request()
        .map_err(|error| Ended::Stop(format!("the Blaze URL is not usable: {error}")))?;
    let (token, request_id) = mixin.sign(&Method::GET, "/", b"", now_secs());
    let headers = request.headers_mut();
    for (name, value) in [
        ("authorization", format!("Bearer {token}")),
        ("sec-websocket-protocol", SUBPROTOCOL.to_owned()),
        ("x-request-id", request_id),
    ] {
        headers.insert(name, value.parse().expect("token text is a header value"));
    }
    match tokio::time::timeout(CONNECT_TIMEOUT, tokio_tungstenite::connect_async(request)).await {
        Err(_) => Err(Ended::Retry("connecting to Blaze timed out".into())),
        Ok(Ok((socket, _))) => Ok(socket),
        Ok(Err(tungstenite::Error::Http(response))) if response.status() == 401 => {
            let said = response
                .body()
                .as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            Err(Ended::Stop(format!(
                "Blaze refused the session (401 {said}): check the bot's user id, session id \
                 and session key, and this machine's clock (over 5 minutes off also gives 401)"
            )))
        }
        Ok(Err(tungstenite::Error::Http(response))) => Err(Ended::Retry(format!(
            "Blaze answered the upgrade with {}",
            response.status()
        ))),
        Ok(Err(error)) => Err(Ended::Retry(format!("connecting to Blaze: {error}"))),
    }
}

async fn read(
    mixin: &Mixin,
    line: &dyn Line,
    mut sink: futures_util::stream::SplitSink<Socket, Message>,
    mut stream: futures_util::stream::SplitStream<Socket>,
    acks: mpsc::UnboundedSender<String>,
) -> Ended {
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
    let mut deadline = tokio::time::Instant::now() + READ_DEADLINE;
    loop {
        tokio::select! {
            message = stream.next() => {
                let mut frames = Vec::new();
                let mut next = message;
                loop {
                    match next {
                        None => return Ended::Retry("Blaze closed the connection".into()),
                        Some(Err(error)) => return Ended::Retry(format!("reading from Blaze: {error}")),
                        Some(Ok(Message::Binary(bytes))) => frames.push(bytes.to_vec()),
                        Some(Ok(Message::Close(frame))) => {
                            let reason = frame.map(|frame| format!("{} {}", frame.code, frame.reason)).unwrap_or_default();
                            return Ended::Retry(format!("Blaze closed the connection {reason}").trim_end().to_owned());
                        }
                        // Pongs answer our pings; a ping's pong is queued by the library and
                        // goes out with the next write.
                        Some(Ok(Message::Ping(_))) => {
                            if let Err(error) = sink.flush().await {
                                return Ended::Retry(format!("answering Blaze's ping: {error}"));
                            }
                        }
                        Some(Ok(_)) => {}
                    }
                    if frames.len() >= FRAMES_PER_COMMIT {
                        break;
                    }
                    // Whatever else has already arrived goes into the same commit.
                    match stream.next().now_or_never() {
                        Some(message) => next = message,
                        None => break,
                    }
                }
                if let Err(ended) = store(mixin, line, frames, &acks).await {
                    return ended;
                }
                // A slow commit is not silence from Blaze.
                deadline = tokio::time::Instant::now() + READ_DEADLINE;
            }
            _ = ping.tick() => {
                if let Err(error) = sink.send(Message::Ping(Vec::new().into())).await {
                    return Ended::Retry(format!("pinging Blaze: {error}"));
                }
            }
            _ = tokio::time::sleep_until(deadline) => {
                return Ended::Retry(format!("nothing from Blaze for {} s", READ_DEADLINE.as_secs()));
            }
        }
    }
}

/// What the server needs of a frame: whether to keep it, its delivery key, and the message id
/// to acknowledge.
struct ReadFrame {
    frame: Frame,
    acknowledge: Option<String>,
    refused: Option<String>,
}

async fn store(
    mixin: &Mixin,
    line: &dyn Line,
    frames: Vec<Vec<u8>>,
    acks: &mpsc::UnboundedSender<String>,
) -> Result<(), Ended> {
    let mut listed = None;
    let read: Vec<ReadFrame> = frames
        .into_iter()
        .filter_map(|bytes| read_frame(mixin, bytes, &mut listed))
        .collect();
    let refused_listing = match listed {
        Some(Ok(())) => {
            line.connected();
            None
        }
        Some(Err(reason)) => Some(reason),
        None => None,
    };
    if read.is_empty() {
        return refused_listing.map_or(Ok(()), |reason| Err(Ended::Retry(reason)));
    }
    let refused = read.iter().find_map(|frame| frame.refused.clone());
    let mut to_acknowledge = Vec::new();
    let mut rows = Vec::with_capacity(read.len());
    for frame in read {
        to_acknowledge.extend(frame.acknowledge);
        rows.push(frame.frame);
    }
    // Durable first: an acknowledged message is never pushed again.
    if let Err(error) = line.store(rows).await {
        return Err(Ended::Retry(format!("storing Blaze frames: {error:#}")));
    }
    if let Some(reason) = refused {
        return Err(Ended::Stop(reason));
    }
    if let Some(reason) = refused_listing {
        return Err(Ended::Retry(reason));
    }
    for message_id in to_acknowledge {
        let _ = acks.send(message_id);
    }
    Ok(())
}

/// `None`: a frame not worth a row (Blaze's answer to our `LIST_PENDING_MESSAGES`: the line is
/// up, which `listed` then says; an error answer is stored, and `listed` says why).
fn read_frame(
    mixin: &Mixin,
    bytes: Vec<u8>,
    listed: &mut Option<Result<(), String>>,
) -> Option<ReadFrame> {
    let json = gunzip(&bytes);
    let text_at = |path: &[&str]| json.as_deref().and_then(|json| json_text_at(json, path));
    let action = text_at(&["action"]);
    if action.as_deref() == Some("LIST_PENDING_MESSAGES") {
        match text_at(&["error", "code"]) {
            None => {
                *listed = Some(Ok(()));
                return None;
            }
            Some(code) if code != "401" => {
                *listed = Some(Err(format!(
                    "Blaze answered LIST_PENDING_MESSAGES with {code}: {}",
                    text_at(&["error", "description"]).unwrap_or_default()
                )));
            }
            Some(_) => {}
        }
    }
    let acknowledge = match action.as_deref() {
        Some("CREATE_MESSAGE" | "ACKNOWLEDGE_MESSAGE_RECEIPT") => text_at(&["data", "message_id"]),
        _ => None,
    };
    let refused = (text_at(&["error", "code"]).as_deref() == Some("401")).then(|| {
        format!(
            "Blaze answered {} with 401: {}",
            action.as_deref().unwrap_or("a frame"),
            text_at(&["error", "description"]).unwrap_or_default()
        )
    });
    let dedupe_key = json
        .as_deref()
        .and_then(|json| mixin.dedupe_key(&HeaderMap::new(), json));
    Some(ReadFrame {
        frame: Frame {
            content_type: Some("application/gzip".into()),
            headers: vec![
                ("sec-websocket-protocol".into(), SUBPROTOCOL.into()),
                (pseudo::RECEIVER.into(), "blaze".into()),
            ],
            body: bytes,
            dedupe_key,
        },
        acknowledge,
        refused,
    })
}

/// Sends acknowledgements as they come, up to [`ACKS_PER_CALL`] a call, one call at a time.
async fn acknowledge(
    line: &dyn Line,
    mut to_acknowledge: mpsc::UnboundedReceiver<String>,
) -> Ended {
    let mut batch = Vec::with_capacity(ACKS_PER_CALL);
    loop {
        if to_acknowledge.recv_many(&mut batch, ACKS_PER_CALL).await == 0 {
            return Ended::Retry("the reader stopped".into());
        }
        let body: Vec<serde_json::Value> = batch
            .drain(..)
            .map(|message_id| serde_json::json!({ "message_id": message_id, "status": "READ" }))
            .collect();
        let mut call = post(
            switchboard_payload::platforms::mixin::endpoints::ACKNOWLEDGEMENTS.path,
            "application/json",
            serde_json::to_vec(&body).expect("JSON serializes"),
        );
        call.annotations
            .push((pseudo::RECEIVER.into(), "blaze".into()));
        match line.courier().send(call).await {
            Ok(exchange)
                if json_text_at(&exchange.body, &["error", "code"]).as_deref() == Some("401") =>
            {
                return Ended::Stop(
                    "Mixin refused our acknowledgements (401): check the session key and this machine's clock"
                        .into(),
                );
            }
            // Unacknowledged messages come again (on the next connection) and are stored once:
            // nothing is lost. The failed call and its answer are in the log.
            Ok(_) => {}
            Err(error) => tracing::warn!(
                "acknowledging Blaze messages failed: {}",
                error.body["error"]
            ),
        }
    }
}

pub fn gzip(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(text.as_bytes()).expect("in memory");
    encoder.finish().expect("in memory")
}

/// The frame's JSON, or `None` when it is not gzip or too large (it is still stored as it came).
pub fn gunzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(MAX_FRAME_JSON + 1)
        .read_to_end(&mut json)
        .ok()?;
    (json.len() as u64 <= MAX_FRAME_JSON).then_some(json)
}

impl Mixin {
    pub(super) fn blaze_session<'a>(&'a self, line: &'a dyn Line) -> SessionFuture<'a> {
        Box::pin(session(self, line))
    }
}
