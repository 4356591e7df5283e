//! Douyin Open Platform: `access-token` header, our own `?open_id=` on send and recall, webhooks
//! signed with sha1(client_secret + body), de-duplicated by what the signed body says (its
//! event and message id), and the `verify_webhook` challenge.

use axum::http::HeaderMap;
use sha1::Sha1;
use sha2::Digest;
use switchboard_payload::Platform;
use switchboard_payload::platforms::douyin::endpoints;

use super::outgoing::Outgoing;
use super::rules::{Acknowledgement, Capabilities, PlatformRules, Route, Upstream, Verdict};
use super::upload::{Courier, File, UploadFuture};
use crate::config;
use crate::secrets::constant_time_eq;

mod upload;

pub const SIGNATURE_HEADER: &str = "x-douyin-signature";

pub struct Douyin {
    upstream: Upstream,
    access_token: String,
    client_secret: String,
    open_id: String,
}

impl Douyin {
    pub fn new(settings: &config::Douyin) -> anyhow::Result<Douyin> {
        Ok(Douyin {
            upstream: Upstream {
                platform: Platform::Douyin,
                base_url: super::rules::parse_base_url(&settings.base_url)?,
                routes: endpoints::ALL.iter().map(Route::of).collect(),
                media_hosts: settings.media_hosts.clone(),
            },
            access_token: settings.access_token.clone(),
            client_secret: settings.client_secret.clone(),
            open_id: settings.open_id.clone(),
        })
    }
}

/// hex(sha1(client_secret + body)), as Douyin signs its webhooks.
pub fn signature(client_secret: &str, body: &[u8]) -> String {
    let mut hasher = Sha1::new();
    hasher.update(client_secret.as_bytes());
    hasher.update(body);
    hex::encode(hasher.finalize())
}

impl PlatformRules for Douyin {
    fn upstream(&self) -> &Upstream {
        &self.upstream
    }

    fn authorize(&self, request: &mut Outgoing) -> anyhow::Result<()> {
        request.set_header("access-token", self.access_token.clone());
        if request.path.starts_with(endpoints::IM_API_PREFIX) {
            request.set_query("open_id", self.open_id.clone());
        }
        Ok(())
    }

    fn credentials(&self) -> Vec<String> {
        vec![self.access_token.clone(), self.client_secret.clone()]
    }

    fn verify_webhook(&self, headers: &HeaderMap, body: &[u8]) -> Verdict {
        let Some(given) = headers
            .get(SIGNATURE_HEADER)
            .and_then(|value| value.to_str().ok())
        else {
            return Verdict::Reject("no X-Douyin-Signature header".into());
        };
        let expected = signature(&self.client_secret, body);
        if constant_time_eq(&given.trim().to_ascii_lowercase(), &expected) {
            Verdict::Accept
        } else {
            Verdict::Reject("X-Douyin-Signature does not match the body".into())
        }
    }

    /// Keyed on the signed body, never on the unsigned `Msg-Id` header (anyone replaying a body
    /// could pick a fresh one, or a taken one to hide a delivery): the event and the message it
    /// is about, or — for events about no message — the body's digest, which a retry repeats.
    fn dedupe_key(&self, _headers: &HeaderMap, body: &[u8]) -> Option<String> {
        let envelope: serde_json::Value = serde_json::from_slice(body).ok()?;
        let event = envelope.get("event")?.as_str()?;
        // `content` is an object in some events and a JSON-encoded string in others.
        let content = match envelope.get("content") {
            Some(serde_json::Value::String(text)) => serde_json::from_str(text).ok(),
            Some(content) => Some(content.clone()),
            None => None,
        };
        let message = content
            .as_ref()
            .and_then(|content| content.get("server_message_id"))
            .and_then(|id| match id {
                serde_json::Value::String(id) if !id.is_empty() => Some(id.clone()),
                serde_json::Value::Number(id) => Some(id.to_string()),
                _ => None,
            });
        Some(match message {
            Some(message) => format!("{event}:{message}"),
            None => format!("{event}:sha256:{}", hex::encode(sha2::Sha256::digest(body))),
        })
    }

    /// `verify_webhook` must be answered with its challenge, number for number.
    fn acknowledge(&self, body: &[u8]) -> Acknowledgement {
        #[derive(serde::Deserialize)]
        struct Verify<'a> {
            event: &'a str,
            content: Option<Challenge>,
        }
        #[derive(serde::Deserialize)]
        struct Challenge {
            challenge: Box<serde_json::value::RawValue>,
        }
        if let Ok(Verify {
            event: "verify_webhook",
            content: Some(content),
        }) = serde_json::from_slice::<Verify>(body)
        {
            return Acknowledgement::json(format!("{{\"challenge\":{}}}", content.challenge.get()));
        }
        Acknowledgement::json(&b"{\"ok\":true}"[..])
    }

    fn upload<'a>(&'a self, courier: &'a dyn Courier, file: File) -> UploadFuture<'a> {
        Box::pin(upload::upload(courier, file))
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            send_text: true,
            send_image: true,
            upload: true,
            recall: true,
            ..Capabilities::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn douyin() -> Douyin {
        Douyin::new(&config::Douyin {
            base_url: "https://open.douyin.com".into(),
            access_token: "act".into(),
            client_secret: "secret".into(),
            open_id: "me".into(),
            media_hosts: vec![],
        })
        .unwrap()
    }

    #[test]
    fn signatures_are_checked_against_the_exact_body() {
        let body = br#"{"event":"im_receive_msg"}"#;
        let mut headers = HeaderMap::new();
        headers.insert(SIGNATURE_HEADER, signature("secret", body).parse().unwrap());
        assert_eq!(douyin().verify_webhook(&headers, body), Verdict::Accept);
        assert!(matches!(
            douyin().verify_webhook(&headers, b"{}"),
            Verdict::Reject(_)
        ));
        assert!(matches!(
            douyin().verify_webhook(&HeaderMap::new(), body),
            Verdict::Reject(_)
        ));
    }

    #[test]
    fn retries_are_keyed_on_the_signed_body_not_the_msg_id_header() {
        let rules = douyin();
        let mut forged = HeaderMap::new();
        forged.insert("msg-id", "a-fresh-id-every-time".parse().unwrap());
        let text =
            br#"{"event":"im_receive_msg","content":{"server_message_id":"7301","text":"hi"}}"#;
        assert_eq!(
            rules.dedupe_key(&forged, text).as_deref(),
            Some("im_receive_msg:7301")
        );
        assert_eq!(
            rules.dedupe_key(&HeaderMap::new(), text),
            rules.dedupe_key(&forged, text),
            "the header plays no part"
        );
        // Content given as a JSON string, as `im_recall_msg` does.
        let recall = br#"{"event":"im_recall_msg","content":"{\"server_message_id\":7301}"}"#;
        assert_eq!(
            rules.dedupe_key(&forged, recall).as_deref(),
            Some("im_recall_msg:7301"),
            "another event about the same message is another delivery"
        );
        let authorize = br#"{"event":"im_authorize","content":{}}"#;
        let key = rules.dedupe_key(&forged, authorize).unwrap();
        assert!(key.starts_with("im_authorize:sha256:"), "{key}");
        assert_ne!(
            Some(key),
            rules.dedupe_key(&forged, br#"{"event":"im_authorize","content":{"x":1}}"#)
        );
        assert_eq!(rules.dedupe_key(&forged, b"not json"), None);
    }

    #[test]
    fn the_challenge_is_echoed_exactly() {
        let ack = douyin().acknowledge(
            br#"{"event":"verify_webhook","content":{"challenge":12345678901234567890}}"#,
        );
        assert_eq!(ack.body, br#"{"challenge":12345678901234567890}"#);
        let ordinary = douyin().acknowledge(br#"{"event":"im_receive_msg","content":"{}"}"#);
        assert_eq!(ordinary.body, br#"{"ok":true}"#);
    }
}
