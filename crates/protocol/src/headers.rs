//! Header names the server and the browser agree on, declared once.
//!
//! Logged rows carry the request's own headers plus pseudo-headers (`:name`, never sent on the
//! wire) that say what the server saw or did. Annotations (`x-switchboard-…` on a proxy call)
//! are the desk's: stored with the request row, never forwarded upstream. Answer headers tell the
//! caller where its call landed in the log.

/// Pseudo-headers on logged rows.
pub mod pseudo {
    /// The HTTP method of a forwarded request.
    pub const METHOD: &str = ":method";
    /// The full upstream URL of a forwarded request.
    pub const URL: &str = ":url";
    /// The HTTP status of an upstream answer.
    pub const STATUS: &str = ":status";
    /// Why a forwarded request got no upstream answer (the row is the failure).
    pub const ERROR: &str = ":error";
    /// Which seed document a row came from (the sandbox's first start).
    pub const SEED: &str = ":seed";
    /// Why a webhook delivery was refused.
    pub const REJECTED: &str = ":rejected";
    /// A refused delivery's full body size in bytes (only a prefix is kept).
    pub const SIZE: &str = ":size";
    /// The SHA-256 (hex) of a refused delivery's full body.
    pub const SHA256: &str = ":sha256";
    /// Set when a refused delivery's body was cut to its prefix.
    pub const TRUNCATED: &str = ":truncated";
    /// How many of a refused delivery's headers were not kept.
    pub const HEADERS_DROPPED: &str = ":headers-dropped";
    /// Header values that were not UTF-8, kept as bytes (`name: base64`).
    pub const HEADER_BYTES: &str = ":header-bytes";
    /// On rows the server's own receiving made (a frame off a socket, an acknowledgement, a
    /// pull): the transport (`blaze`, `websocket`, `poll`).
    pub const RECEIVER: &str = ":receiver";
}

/// Annotations the desk puts on its proxy calls; the server stores them and never forwards them.
pub mod annotation {
    /// The conversation a send belongs to (wkteam and Yunhu history name no chat of their own).
    pub const CONVERSATION: &str = "x-switchboard-conversation";
    /// The desk's id for an optimistic bubble, so the logged send replaces it.
    pub const CLIENT_ID: &str = "x-switchboard-client-id";
    /// Where a sent file can be seen (a hosted or uploaded URL).
    pub const MEDIA_URL: &str = "x-switchboard-media-url";
    /// The name of a sent file.
    pub const MEDIA_NAME: &str = "x-switchboard-media-name";
    /// Set on a call that asks who ids are (a profile lookup): its answer describes people and
    /// groups.
    pub const LOOKUP: &str = "x-switchboard-lookup";
    /// [`LOOKUP`]'s value on the server's profile lookups.
    pub const LOOKUP_PROFILES: &str = "profiles";
    /// The agent whose session made the call. The server sets it from the session (whatever
    /// the browser sent is dropped); stored, never forwarded.
    pub const AGENT: &str = "x-switchboard-agent";
    /// Every annotation, for stripping them before a call goes upstream.
    pub const ALL: [&str; 6] = [
        CONVERSATION,
        CLIENT_ID,
        MEDIA_URL,
        MEDIA_NAME,
        LOOKUP,
        AGENT,
    ];
}

/// The value the log keeps in place of a credential-bearing header's.
pub const REDACTED: &str = "[redacted]";

/// Headers on the server's own answers.
pub mod answer {
    /// The log seq a webhook delivery was stored as.
    pub const SEQ: &str = "x-switchboard-seq";
    /// Set when a webhook delivery was one the log already held.
    pub const DUPLICATE: &str = "x-switchboard-duplicate";
    /// The log seq of a forwarded request.
    pub const REQUEST_SEQ: &str = "x-switchboard-request-seq";
    /// The log seq of the upstream answer to it.
    pub const RESPONSE_SEQ: &str = "x-switchboard-response-seq";
}
