//! The Blaze emulator: `GET /` upgraded to a WebSocket with subprotocol `Mixin-Blaze-1`, the
//! session's JWT (for `GET /`, empty body) checked for real, every frame gzip JSON. The client
//! must send `LIST_PENDING_MESSAGES` first; then every queued frame (the customers' messages,
//! receipts for the bot's own) is pushed, and pushed again on every new connection until the
//! bot acknowledges its message id (`POST /acknowledgements` or an `ACKNOWLEDGE_MESSAGE_RECEIPT`
//! frame), as Mixin keeps pushing an unacknowledged message.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State as AxumState;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::watch;

use super::auth::authenticate;
use crate::platforms::mixin::blaze::{SUBPROTOCOL, gunzip, gzip};
use crate::sandbox::common::lock;

type Shared = Arc<Mutex<Queue>>;

pub fn routes(queue: Shared) -> Router {
    Router::new().route("/", get(upgrade)).with_state(queue)
}

/// What Blaze holds for the bot.
pub struct Queue {
    /// Frames not yet acknowledged, in the order they were queued.
    pending: BTreeMap<u64, Pending>,
    /// The queue positions of each message id's pending frames.
    by_message: HashMap<String, Vec<u64>>,
    next: u64,
    /// Bumped whenever a frame is queued or the line is cut: open connections look again.
    changes: watch::Sender<u64>,
    /// How many times the line was cut; a connection older than the last cut closes.
    cuts: u64,
    /// Until then, connections are refused (503).
    refuse_until: Option<Instant>,
    /// Connections past `LIST_PENDING_MESSAGES`, pushing.
    pub open: usize,
    /// Every message id the bot acknowledged, in order.
    pub acknowledged: Vec<String>,
    acknowledged_ids: HashSet<String>,
    /// The request ids (`jti`) of the connections' tokens, to refuse a replay.
    seen_request_ids: HashSet<String>,
}

struct Pending {
    frame: String,
}

impl Default for Queue {
    fn default() -> Queue {
        Queue {
            pending: BTreeMap::new(),
            by_message: HashMap::new(),
            next: 1,
            changes: watch::channel(0).0,
            cuts: 0,
            refuse_until: None,
            open: 0,
            acknowledged: Vec::new(),
            acknowledged_ids: HashSet::new(),
            seen_request_ids: HashSet::new(),
        }
    }
}

impl Queue {
    /// Queues a `{id, action, data}` frame about `message_id` for the bot.
    pub fn push(&mut self, action: &str, message_id: &str, data: serde_json::Value) {
        let frame = serde_json::json!({
            "id": uuid::Uuid::new_v4().to_string(),
            "action": action,
            "data": data,
        });
        self.pending.insert(
            self.next,
            Pending {
                frame: frame.to_string(),
            },
        );
        self.by_message
            .entry(message_id.to_owned())
            .or_default()
            .push(self.next);
        self.next += 1;
        self.changes.send_modify(|count| *count += 1);
    }

    /// The bot acknowledged these messages: they are not pushed again.
    pub fn acknowledge<'a>(&mut self, message_ids: impl IntoIterator<Item = &'a str>) {
        for message_id in message_ids {
            for seq in self.by_message.remove(message_id).unwrap_or_default() {
                self.pending.remove(&seq);
            }
            if self.acknowledged_ids.insert(message_id.to_owned()) {
                self.acknowledged.push(message_id.to_owned());
            }
        }
    }

    /// Closes every open connection; with `refuse_for`, refuses new ones for that long.
    pub fn cut(&mut self, refuse_for: Option<Duration>) {
        self.cuts += 1;
        self.refuse_until = refuse_for.map(|wait| Instant::now() + wait);
        self.changes.send_modify(|count| *count += 1);
    }

    /// How many frames wait for an acknowledgement.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    pub fn is_acknowledged(&self, message_id: &str) -> bool {
        self.acknowledged_ids.contains(message_id)
    }
}

fn refusal(status: StatusCode, code: u16, description: &str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "error": { "status": status.as_u16(), "code": code, "description": description } })),
    )
        .into_response()
}

async fn upgrade(
    AxumState(queue): AxumState<Shared>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    {
        let mut queue = lock(&queue);
        if queue
            .refuse_until
            .is_some_and(|until| Instant::now() < until)
        {
            return refusal(StatusCode::SERVICE_UNAVAILABLE, 503, "Service Unavailable");
        }
        let uri: Uri = "/".parse().expect("a URI");
        if authenticate(
            &mut queue.seen_request_ids,
            &Method::GET,
            &uri,
            &headers,
            b"",
        )
        .is_err()
        {
            return refusal(
                StatusCode::UNAUTHORIZED,
                401,
                "Unauthorized, maybe invalid token.",
            );
        }
    }
    let offers_blaze = headers
        .get("sec-websocket-protocol")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|offered| offered.split(',').any(|name| name.trim() == SUBPROTOCOL));
    if !offers_blaze {
        return refusal(
            StatusCode::BAD_REQUEST,
            400,
            "The request body can’t be parsed as valid data. (subprotocol)",
        );
    }
    upgrade
        .protocols([SUBPROTOCOL])
        .on_upgrade(move |socket| serve(socket, queue))
}

/// The action of a client frame, with its id and params.
fn client_frame(message: &Message) -> Option<serde_json::Value> {
    let Message::Binary(bytes) = message else {
        return None;
    };
    serde_json::from_slice(&gunzip(bytes)?).ok()
}

async fn send(socket: &mut WebSocket, frame: &str) -> bool {
    socket
        .send(Message::Binary(gzip(frame).into()))
        .await
        .is_ok()
}

async fn serve(mut socket: WebSocket, queue: Shared) {
    // The first frame must list the pending messages; nothing is pushed before it.
    let first = match tokio::time::timeout(Duration::from_secs(10), socket.recv()).await {
        Ok(Some(Ok(message))) => client_frame(&message),
        _ => return,
    };
    let Some(first) = first.filter(|frame| frame["action"] == "LIST_PENDING_MESSAGES") else {
        let _ = send(
            &mut socket,
            &serde_json::json!({ "error": { "status": 202, "code": 400, "description": "LIST_PENDING_MESSAGES first" } })
                .to_string(),
        )
        .await;
        return;
    };
    // Open (pushing) from here: what is queued from now on goes out on this connection.
    let (mut changes, cuts) = {
        let mut queue = lock(&queue);
        queue.open += 1;
        (queue.changes.subscribe(), queue.cuts)
    };
    let reply = serde_json::json!({ "id": first["id"], "action": "LIST_PENDING_MESSAGES" });
    if send(&mut socket, &reply.to_string()).await {
        push(&mut socket, &queue, &mut changes, cuts).await;
    }
    lock(&queue).open -= 1;
}

async fn push(
    socket: &mut WebSocket,
    queue: &Mutex<Queue>,
    changes: &mut watch::Receiver<u64>,
    cuts: u64,
) {
    let mut pushed_up_to = 0u64;
    loop {
        changes.borrow_and_update();
        let due: Vec<(u64, String)> = {
            let queue = lock(queue);
            if queue.cuts != cuts {
                return;
            }
            queue
                .pending
                .range(pushed_up_to + 1..)
                .map(|(seq, pending)| (*seq, pending.frame.clone()))
                .collect()
        };
        for (seq, frame) in due {
            if !send(socket, &frame).await {
                return;
            }
            pushed_up_to = seq;
        }
        tokio::select! {
            changed = changes.changed() => if changed.is_err() { return },
            message = socket.recv() => match message {
                Some(Ok(message)) => {
                    if let Some(frame) = client_frame(&message)
                        && frame["action"] == "ACKNOWLEDGE_MESSAGE_RECEIPT"
                        && let Some(message_id) = frame["params"]["message_id"].as_str()
                    {
                        lock(queue).acknowledge([message_id]);
                    }
                }
                _ => return,
            },
        }
    }
}
