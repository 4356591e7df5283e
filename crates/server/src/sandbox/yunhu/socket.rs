//! The push-socket emulator (`/ws`, reference §1.3): the client logs in with a JSON text frame
//! (`userId` and `token` of the sandbox account, a `platform` Yunhu knows, case-sensitive);
//! a refused login, or anything before one, is answered "数据不合法" and the socket closes.
//! Heartbeats get `heartbeat_ack` frames; every message is pushed as a binary `WsWrapper` to the
//! connections logged in at that moment and to no other: the socket keeps nothing for later and
//! has no acknowledgement, so a message sent while no one listens is only in the chat's history
//! (`list-message-by-seq`).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State as AxumState;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use switchboard_payload::platforms::yunhu::socket::{
    HEARTBEAT_ACK, INVALID_DATA, LOGIN_PLATFORMS, client_frame, frame, push_frame,
};
use switchboard_payload::protobuf::yunhu::PushMessage;
use tokio::sync::{broadcast, watch};

use crate::sandbox::common::credentials::{YUNHU_USER_ID, YUNHU_USER_TOKEN};
use crate::sandbox::common::lock;

type Shared = Arc<Mutex<PushLine>>;

pub fn routes(line: Shared) -> Router {
    Router::new().route("/ws", get(upgrade)).with_state(line)
}

/// The socket side of the emulator.
pub struct PushLine {
    frames: broadcast::Sender<(String, Arc<Vec<u8>>)>,
    /// Bumped when the line is cut: open connections close.
    cuts: watch::Sender<u64>,
    /// Until then, connections are refused (503).
    refuse_until: Option<Instant>,
    /// Connections logged in, receiving pushes.
    pub open: usize,
    /// Message ids written to a logged-in connection.
    written: HashSet<String>,
}

impl Default for PushLine {
    fn default() -> PushLine {
        PushLine {
            frames: broadcast::channel(4096).0,
            cuts: watch::channel(0).0,
            refuse_until: None,
            open: 0,
            written: HashSet::new(),
        }
    }
}

impl PushLine {
    /// Pushes a `push_message` frame to every logged-in connection (none: it is lost).
    pub fn push(&mut self, push: &PushMessage) {
        let seq = uuid::Uuid::new_v4().simple().to_string();
        let bytes = push_frame(&seq, "push_message", push);
        let _ = self.frames.send((push.msg_id.clone(), Arc::new(bytes)));
    }

    /// Closes every open connection; with `refuse_for`, refuses new ones for that long.
    pub fn cut(&mut self, refuse_for: Option<Duration>) {
        self.refuse_until = refuse_for.map(|wait| Instant::now() + wait);
        self.cuts.send_modify(|count| *count += 1);
    }

    pub fn was_written(&self, msg_id: &str) -> bool {
        self.written.contains(msg_id)
    }
}

async fn upgrade(AxumState(line): AxumState<Shared>, upgrade: WebSocketUpgrade) -> Response {
    if lock(&line)
        .refuse_until
        .is_some_and(|until| Instant::now() < until)
    {
        return (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response();
    }
    upgrade.on_upgrade(move |socket| serve(socket, line))
}

fn logs_in(text: &str) -> bool {
    let Some((cmd, _, data)) = client_frame(text) else {
        return false;
    };
    cmd == "login"
        && data["userId"] == YUNHU_USER_ID
        && data["token"] == YUNHU_USER_TOKEN
        && data["platform"]
            .as_str()
            .is_some_and(|platform| LOGIN_PLATFORMS.contains(&platform))
        && data["deviceId"].as_str().is_some_and(|id| !id.is_empty())
}

async fn serve(mut socket: WebSocket, line: Shared) {
    // A cut during the login closes this connection too.
    let mut cuts = lock(&line).cuts.subscribe();
    cuts.borrow_and_update();
    let first = match tokio::time::timeout(Duration::from_secs(10), socket.recv()).await {
        Ok(Some(Ok(Message::Text(text)))) => text.to_string(),
        Ok(Some(Ok(_))) => String::new(),
        _ => return,
    };
    if !logs_in(&first) {
        let _ = socket.send(Message::Text(INVALID_DATA.into())).await;
        let _ = socket.send(Message::Close(None)).await;
        return;
    }
    let mut frames = {
        let mut line = lock(&line);
        line.open += 1;
        line.frames.subscribe()
    };
    loop {
        tokio::select! {
            pushed = frames.recv() => match pushed {
                Ok((msg_id, bytes)) => {
                    if socket.send(Message::Binary(bytes.to_vec().into())).await.is_err() {
                        break;
                    }
                    lock(&line).written.insert(msg_id);
                }
                // A connection too slow to keep up is dropped (its client logs in again and
                // fills the gap), not silently short of frames.
                Err(_) => break,
            },
            // Cut: the TCP connection goes without a close frame, as a dropped line does.
            _ = cuts.changed() => break,
            message = socket.recv() => match message {
                Some(Ok(Message::Text(text))) => {
                    if let Some((cmd, seq, _)) = client_frame(&text)
                        && cmd == "heartbeat"
                        && socket
                            .send(Message::Binary(frame(&seq, HEARTBEAT_ACK, None).into()))
                            .await
                            .is_err()
                    {
                        break;
                    }
                }
                Some(Ok(_)) => {}
                _ => break,
            },
        }
    }
    lock(&line).open -= 1;
}
