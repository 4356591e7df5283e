//! The contract between `switchboard serve`, the desk's model and the browser app, declared once:
//! the platforms, a row of the event log and a page of them, what `/api/config`, `/api/webhooks`
//! and `/api/upload` answer, and the names of the headers the server adds to logged rows.
//! serde only, so the server (native) and the app (wasm32) share every type.

pub mod config;
pub mod curl;
pub mod desk;
pub mod headers;
pub mod platform;
pub mod row;

pub use config::{
    Capabilities, InboxCapabilities, LogHealth, Mode, PlatformView, Receive, ReceiveState,
    ServerConfig, Transport, Uploaded, Webhook, WriteFailure,
};
pub use desk::{Activity, Agent, CannedReply, DeskFact, Me, Presence, Status};
pub use platform::{Platform, UnknownPlatform};
pub use row::{Direction, Page, Row};
