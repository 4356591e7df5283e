//! What a platform that is not a webhook needs to receive: a [`Line`] to store frames on and make
//! calls through, and one [`PlatformRules::receive`](super::PlatformRules::receive) session at a
//! time, which ends with an [`Ended`] that tells the supervisor ([`crate::receive`]) whether to try
//! again. Backoff, state and shutdown are the supervisor's; the platform speaks its protocol.

use std::time::Duration;

use futures_util::future::BoxFuture;

use super::upload::Courier;
use crate::event_log::Appended;

/// A frame as it came off the platform's transport, ready to become an inbound row.
#[derive(Debug, Clone)]
pub struct Frame {
    pub content_type: Option<String>,
    pub headers: Vec<(String, String)>,
    /// The frame's bytes exactly as received (Blaze: gzip JSON).
    pub body: Vec<u8>,
    /// What makes this delivery unique on the platform: a redelivered frame is stored once.
    pub dedupe_key: Option<String>,
}

/// What a receiving session is given by the server.
pub trait Line: Send + Sync {
    /// Calls to the platform's API (acknowledgements, gap fills, pulls): authorized, bounded and
    /// logged like every proxied call.
    fn courier(&self) -> &dyn Courier;
    /// Stores frames as inbound rows, queued together (the writer commits them in as few
    /// transactions as it can), and returns once they are durable: what a session acknowledges
    /// only afterwards.
    fn store(&self, frames: Vec<Frame>) -> BoxFuture<'_, anyhow::Result<Vec<Appended>>>;
    /// The transport is up (connected and, where the platform asks, logged in).
    fn connected(&self);
    /// The body of the newest logged answer to one of this platform's calls to `path`: where a
    /// pull resumes (E云's `keyBuff`).
    fn newest_answer_to<'a>(
        &'a self,
        path: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<Vec<u8>>>>;
    /// The bodies of this platform's newest `limit` frames that came in with `:receiver` =
    /// `receiver`, newest first: where a transport without resume takes up again.
    fn newest_received<'a>(
        &'a self,
        receiver: &'a str,
        limit: usize,
    ) -> BoxFuture<'a, anyhow::Result<Vec<Vec<u8>>>>;
}

/// How a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// The line dropped or failed: try again after a backoff.
    Retry(String),
    /// The platform refused us for good (a credential, a clock): stop and say why.
    Stop(String),
    /// A poll finished its round: run again after `after`.
    Again { after: Duration },
}

pub type SessionFuture<'a> = BoxFuture<'a, Ended>;
