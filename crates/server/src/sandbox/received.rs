//! What the emulators received: the newest requests' bodies per platform, so a test can say
//! that something never reached a platform (a private note) or did (a reply). It records only
//! what a real platform's server would see; it answers no call of the platform's. Only HTTP
//! bodies: our sends all go over HTTP (the sockets carry what platforms push to us, and our
//! acknowledgements, never a message of ours).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use switchboard_payload::Platform;

/// Requests kept, all platforms together; older ones are forgotten.
const KEPT: usize = 2000;
/// Bytes of each body kept.
const BODY_PREFIX: usize = 64 * 1024;
/// Longest text searched for.
pub const MAX_NEEDLE: usize = 256;
/// Largest body read to record it (the emulators' own limit).
const READ_LIMIT: usize = 64 * 1024 * 1024;

#[derive(Default)]
pub struct Received {
    requests: Mutex<VecDeque<(Platform, Vec<u8>)>>,
}

/// The platform an emulator path belongs to (`/yunhu/…`, `/qiniu/…`, `/mixin-blaze/…`).
fn platform_of(path: &str) -> Option<Platform> {
    let first = path.trim_start_matches('/').split('/').next()?;
    match first {
        "yunhu" | "qiniu" | "yunhu-media" | "yunhu-socket" => Some(Platform::Yunhu),
        "douyin" => Some(Platform::Douyin),
        "wecom" => Some(Platform::Wecom),
        "mixin" | "mixin-storage" | "mixin-blaze" => Some(Platform::Mixin),
        "wechat" => Some(Platform::Wechat),
        _ => None,
    }
}

impl Received {
    fn record(&self, platform: Platform, body: &[u8]) {
        let mut requests = self
            .requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if requests.len() >= KEPT {
            requests.pop_front();
        }
        requests.push_back((platform, body[..body.len().min(BODY_PREFIX)].to_vec()));
    }

    /// How many of `platform`'s kept requests there are, and how many carry `text` (as it is,
    /// or base64-encoded as Mixin's message data is).
    pub fn count(&self, platform: Platform, text: &str) -> (usize, usize) {
        let text = &text[..text.floor_char_boundary(MAX_NEEDLE)];
        let needles = [
            text.as_bytes().to_vec(),
            base64::engine::general_purpose::STANDARD
                .encode(text)
                .trim_end_matches('=')
                .as_bytes()
                .to_vec(),
        ];
        let requests = self
            .requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Copied out: the emulators go on while this is searched.
        let mine: Vec<Vec<u8>> = requests
            .iter()
            .filter(|(of, _)| *of == platform)
            .map(|(_, body)| body.clone())
            .collect();
        drop(requests);
        let containing = mine
            .iter()
            .filter(|body| {
                !text.is_empty()
                    && needles.iter().any(|needle| {
                        body.windows(needle.len())
                            .any(|window| window == needle.as_slice())
                    })
            })
            .count();
        (mine.len(), containing)
    }
}

/// The layer in front of every emulator.
pub async fn record(
    State(received): State<Arc<Received>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(platform) = platform_of(request.uri().path()) else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, READ_LIMIT).await {
        Ok(bytes) => bytes,
        Err(error) => {
            return (axum::http::StatusCode::PAYLOAD_TOO_LARGE, error.to_string()).into_response();
        }
    };
    received.record(platform, &bytes);
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_found_as_sent_or_base64_encoded() {
        let received = Received::default();
        received.record(Platform::Douyin, br#"{"text":"hello there"}"#);
        let mixin_data = base64::engine::general_purpose::STANDARD.encode("hello there");
        received.record(
            Platform::Mixin,
            format!(r#"{{"data":"{mixin_data}"}}"#).as_bytes(),
        );
        assert_eq!(received.count(Platform::Douyin, "hello there"), (1, 1));
        assert_eq!(received.count(Platform::Mixin, "hello there"), (1, 1));
        assert_eq!(received.count(Platform::Wecom, "hello there"), (0, 0));
        assert_eq!(received.count(Platform::Douyin, "a private note"), (1, 0));
        assert_eq!(platform_of("/mixin-blaze/"), Some(Platform::Mixin));
        assert_eq!(platform_of("/avatars/x.png"), None);
    }
}
