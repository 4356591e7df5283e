//! What `/api/config`, `/api/webhooks` and `/api/upload/{platform}` answer.

use serde::{Deserialize, Serialize};

use crate::Platform;

/// `GET /api/config`: which platforms are configured and what the desk may do with each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerConfig {
    pub mode: Mode,
    pub platforms: Vec<PlatformView>,
    /// The configured address the platforms reach the server at; `None` = the webhook URLs use
    /// the address the browser opened.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Whether the event log takes writes (what `/healthz` says).
    #[serde(default)]
    pub log: Option<LogHealth>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Every platform is emulated on this machine.
    Sandbox,
    /// The configured platforms are real.
    Live,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformView {
    pub id: Platform,
    pub name: String,
    pub capabilities: Capabilities,
    /// How the platform's messages reach the server, and how that is going.
    pub receive: Receive,
    /// Whether the platform delivers to a webhook URL (Mixin has none: only Blaze).
    pub webhook: bool,
}

/// How a platform's messages reach the server: a webhook, or a connection the server keeps
/// (a socket, a pull) and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receive {
    pub transport: Transport,
    pub state: ReceiveState,
    /// When the state began (unix ms); `None` before anything happened.
    #[serde(default)]
    pub since: Option<i64>,
    /// When the last frame (message, receipt) arrived on this socket (unix ms); pulls leave it
    /// unset (their pages are logged answers).
    #[serde(default)]
    pub last_frame_at: Option<i64>,
    /// Connection attempts since the last one that held (stayed up 30 s).
    #[serde(default)]
    pub attempt: u32,
    /// While backing off: when the next attempt is due (unix ms).
    #[serde(default)]
    pub retry_at: Option<i64>,
    /// Why the last attempt ended, or why receiving stopped.
    #[serde(default)]
    pub error: Option<String>,
}

impl Receive {
    /// A webhook platform: it receives whenever the platform posts, nothing to watch.
    pub fn webhook() -> Receive {
        Receive {
            transport: Transport::Webhook,
            state: ReceiveState::Idle,
            since: None,
            last_frame_at: None,
            attempt: 0,
            retry_at: None,
            error: None,
        }
    }

    /// Whether messages can arrive now (a webhook always can; a connection only when connected,
    /// a pull unless it stopped).
    pub fn is_receiving(&self) -> bool {
        match self.transport {
            Transport::Webhook => true,
            Transport::Poll => !matches!(self.state, ReceiveState::Stopped),
            Transport::Blaze | Transport::Websocket => self.state == ReceiveState::Connected,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// The platform posts to `/hooks/{platform}/{secret}`.
    Webhook,
    /// Mixin's Blaze WebSocket.
    Blaze,
    /// A platform's own WebSocket (Yunhu's user-account socket).
    Websocket,
    /// The server asks the platform on an interval (E云's `syncFinder`).
    Poll,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiveState {
    Connected,
    Connecting,
    /// Waiting before the next attempt (`retry_at`).
    BackingOff,
    /// Given up for good (`error` says why: a refused credential); a restart tries again.
    Stopped,
    /// Nothing to keep open: a webhook, or a pull between two runs.
    Idle,
    /// Another instance on the same database receives for this platform (one at a time); this
    /// one takes over if that one stops.
    Standby,
}

/// Which actions a platform supports: the one capability table the desk reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    pub send_text: bool,
    pub send_image: bool,
    pub send_file: bool,
    pub upload: bool,
    pub recall: bool,
    /// Seconds after sending during which a recall is accepted; `None` = no documented limit.
    pub recall_window_secs: Option<u64>,
    pub edit: bool,
    pub read_receipts: bool,
    /// Earlier pages of a conversation's history can be loaded from the platform.
    pub history: bool,
    /// The platform is pulled for the account's new messages (E云's `syncFinder`): a missed
    /// callback is found by the next pull.
    #[serde(default)]
    pub pull: bool,
    pub quote_reply: bool,
    /// Text can go as Markdown (Yunhu content type 3 / bot `markdown`, Mixin PLAIN_POST).
    #[serde(default)]
    pub markdown: bool,
    /// What a conversation in the platform's Channels inbox (a public profile's private
    /// messages: E云's 视频号 sessions) can do, where the platform has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels_inbox: Option<InboxCapabilities>,
}

/// What can be done in a Channels inbox conversation, narrower than the platform's other chats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxCapabilities {
    pub send_text: bool,
    pub send_image: bool,
    pub send_file: bool,
    pub recall: bool,
}

impl Capabilities {
    /// What a Channels inbox conversation of this platform can do: the inbox's own list, and
    /// nothing the platform lacks anyway.
    pub fn in_channels_inbox(&self) -> Capabilities {
        let inbox = self.channels_inbox.unwrap_or_default();
        Capabilities {
            send_text: self.send_text && inbox.send_text,
            send_image: self.send_image && inbox.send_image,
            send_file: self.send_file && inbox.send_file,
            upload: self.upload && (inbox.send_image || inbox.send_file),
            recall: self.recall && inbox.recall,
            recall_window_secs: self.recall_window_secs,
            edit: false,
            read_receipts: false,
            history: false,
            pull: self.pull,
            quote_reply: false,
            markdown: false,
            channels_inbox: self.channels_inbox,
        }
    }
}

impl Capabilities {
    /// What most platforms offer: text, images and files (uploaded first), and recalls.
    pub fn sends_and_recalls() -> Capabilities {
        Capabilities {
            send_text: true,
            send_image: true,
            send_file: true,
            upload: true,
            recall: true,
            ..Capabilities::default()
        }
    }
}

/// Whether the event log takes writes (`/healthz`, and `log` in `/api/config`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogHealth {
    /// "accepting writes" or "failing".
    pub log: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub failure: Option<WriteFailure>,
}

impl LogHealth {
    pub fn of(outcome: Result<(), WriteFailure>) -> LogHealth {
        match outcome {
            Ok(()) => LogHealth {
                log: "accepting writes".to_owned(),
                failure: None,
            },
            Err(failure) => LogHealth {
                log: "failing".to_owned(),
                failure: Some(failure),
            },
        }
    }
}

/// The last write the log could not make, until one succeeds again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteFailure {
    pub reason: String,
    pub since_ms: i64,
}

/// `GET /api/webhooks`: the intake URL to give a platform (it carries our webhook secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhook {
    pub platform: Platform,
    pub url: String,
}

/// What `POST /api/upload/{platform}` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Uploaded {
    pub platform: Platform,
    /// The platform's key or id for the file.
    pub id: String,
    /// Where the file can be seen, when the platform says (or we host it).
    pub url: Option<String>,
    pub size: u64,
    /// The platform's own answer, as it came.
    #[serde(default)]
    pub upstream: serde_json::Value,
}
