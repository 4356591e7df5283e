//! Mixin Messenger: every request signed with a fresh EdDSA JWT whose `sig` claim is
//! sha256(METHOD + URI + exact body bytes), and `jti` the same UUID as `X-Request-Id`.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, Method};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use switchboard_payload::Platform;
use switchboard_payload::platforms::mixin::endpoints;

use super::outgoing::{Outgoing, json_text_at};
use super::receive::{Line, SessionFuture};
use super::rules::{Capabilities, PlatformRules, Route, Transport, Upstream};
use super::upload::{Courier, File, UploadFuture};
use crate::config;

pub mod blaze;
mod upload;

/// How long a token is valid; Mixin accepts short-lived tokens only.
const TOKEN_LIFETIME_SECS: u64 = 600;

pub struct Mixin {
    upstream: Upstream,
    user_id: String,
    session_id: String,
    key: SigningKey,
    private_key_text: String,
    /// Where Blaze listens (`wss://blaze.mixin.one/`).
    blaze_url: String,
    /// Where an attachment's `upload_url` may point (its media hosts also hold the avatars').
    upload_hosts: Vec<String>,
}

/// The claims Mixin checks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Claims {
    pub uid: String,
    pub sid: String,
    pub iat: u64,
    pub exp: u64,
    pub jti: String,
    pub sig: String,
    pub scp: String,
}

impl Mixin {
    pub fn new(settings: &config::Mixin) -> anyhow::Result<Mixin> {
        Ok(Mixin {
            upstream: Upstream {
                platform: Platform::Mixin,
                base_url: super::rules::parse_base_url(&settings.base_url)?,
                routes: endpoints::ALL.iter().map(Route::of).collect(),
                media_hosts: settings
                    .upload_hosts
                    .iter()
                    .chain(&settings.avatar_hosts)
                    .cloned()
                    .collect(),
            },
            upload_hosts: settings.upload_hosts.clone(),
            user_id: settings.user_id.clone(),
            session_id: settings.session_id.clone(),
            key: SigningKey::from_bytes(&settings.signing_seed()?),
            private_key_text: settings.private_key.clone(),
            blaze_url: settings.blaze_url.clone(),
        })
    }

    /// A fresh token for one request; returns it with its `jti`.
    pub fn sign(&self, method: &Method, uri: &str, body: &[u8], now_secs: u64) -> (String, String) {
        let jti = uuid::Uuid::new_v4().to_string();
        let claims = Claims {
            uid: self.user_id.clone(),
            sid: self.session_id.clone(),
            iat: now_secs,
            exp: now_secs + TOKEN_LIFETIME_SECS,
            jti: jti.clone(),
            sig: request_digest(method.as_str(), uri, body),
            scp: "FULL".into(),
        };
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"EdDSA","typ":"JWT"}"#);
        let payload =
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).expect("claims serialize"));
        let signing_input = format!("{header}.{payload}");
        let signature = URL_SAFE_NO_PAD.encode(self.key.sign(signing_input.as_bytes()).to_bytes());
        (format!("{signing_input}.{signature}"), jti)
    }
}

/// hex(sha256(METHOD + URI + BODY)): the `sig` claim.
pub fn request_digest(method: &str, uri: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update(uri.as_bytes());
    hasher.update(body);
    hex::encode(hasher.finalize())
}

/// Why a token was refused (the sandbox's check, which is Mixin's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    Malformed(&'static str),
    BadSignature,
    Expired,
    WrongRequest,
}

/// Verifies a token against the key and the request it came with; returns its claims.
pub fn verify(
    token: &str,
    key: &VerifyingKey,
    method: &str,
    uri: &str,
    body: &[u8],
    now_secs: u64,
) -> Result<Claims, TokenError> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed("a JWT has three parts"));
    };
    let header: serde_json::Value = URL_SAFE_NO_PAD
        .decode(header)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(TokenError::Malformed("header"))?;
    if header["alg"] != "EdDSA" {
        return Err(TokenError::Malformed("alg must be EdDSA"));
    }
    let signature: [u8; 64] = URL_SAFE_NO_PAD
        .decode(signature)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(TokenError::Malformed("signature"))?;
    let signing_input = &token[..token.len() - token.rsplit('.').next().map_or(0, str::len) - 1];
    key.verify_strict(
        signing_input.as_bytes(),
        &ed25519_dalek::Signature::from_bytes(&signature),
    )
    .map_err(|_| TokenError::BadSignature)?;
    let claims: Claims = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(TokenError::Malformed("claims"))?;
    if claims.exp < now_secs || claims.iat > now_secs + 60 {
        return Err(TokenError::Expired);
    }
    if claims.sig != request_digest(method, uri, body) {
        return Err(TokenError::WrongRequest);
    }
    Ok(claims)
}

pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// The URI Mixin signs: the path with its query, as sent.
pub fn signed_uri(path: &str, query: &[(String, String)]) -> String {
    if query.is_empty() {
        return path.to_owned();
    }
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in query {
        serializer.append_pair(key, value);
    }
    format!("{path}?{}", serializer.finish())
}

impl PlatformRules for Mixin {
    fn upstream(&self) -> &Upstream {
        &self.upstream
    }

    fn authorize(&self, request: &mut Outgoing) -> anyhow::Result<()> {
        let uri = signed_uri(&request.path, &request.query);
        let (token, jti) = self.sign(&request.method, &uri, &request.body, now_secs());
        request.set_header("Authorization", format!("Bearer {token}"));
        request.set_header("X-Request-Id", jti);
        if !request.body.is_empty() {
            request.set_header("Content-Type", "application/json");
        }
        Ok(())
    }

    fn credentials(&self) -> Vec<String> {
        vec![self.private_key_text.clone()]
    }

    /// A relayed message view (or Blaze frame) carries `message_id`.
    /// A message is delivered once by its id; a receipt (`ACKNOWLEDGE_MESSAGE_RECEIPT`) names
    /// the message it acknowledges, so it is one delivery per message *and status* (READ after
    /// DELIVERED is news, a second READ is a retry).
    fn dedupe_key(&self, _headers: &HeaderMap, body: &[u8]) -> Option<String> {
        let message_id = json_text_at(body, &["data", "message_id"])
            .or_else(|| json_text_at(body, &["message_id"]))?;
        let action = json_text_at(body, &["action"]);
        if action.as_deref() == Some("ACKNOWLEDGE_MESSAGE_RECEIPT") {
            let status = json_text_at(body, &["data", "status"]).unwrap_or_default();
            return Some(format!("receipt:{message_id}:{status}"));
        }
        Some(message_id)
    }

    fn upload<'a>(&'a self, courier: &'a dyn Courier, file: File) -> UploadFuture<'a> {
        Box::pin(upload::upload(courier, &self.upload_hosts, file))
    }

    fn transport(&self) -> Transport {
        Transport::Blaze
    }

    /// Mixin delivers to bots over Blaze only; its one callback URL is OAuth's.
    fn has_webhook(&self) -> bool {
        false
    }

    fn receive<'a>(&'a self, line: &'a dyn Line) -> Option<SessionFuture<'a>> {
        Some(self.blaze_session(line))
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            read_receipts: true,
            quote_reply: true,
            markdown: true,
            ..Capabilities::sends_and_recalls()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mixin() -> Mixin {
        Mixin::new(&config::Mixin {
            base_url: "https://api.mixin.one".into(),
            user_id: "bot-uid".into(),
            session_id: "session".into(),
            private_key: base64::engine::general_purpose::STANDARD.encode([3u8; 32]),
            upload_hosts: vec![],
            avatar_hosts: vec![],
            blaze_url: "wss://blaze.mixin.one/".into(),
        })
        .unwrap()
    }

    #[test]
    fn tokens_verify_only_for_the_exact_request() {
        let mixin = mixin();
        let body = br#"[{"category":"PLAIN_TEXT"}]"#;
        let (token, jti) = mixin.sign(&Method::POST, "/messages", body, 1_000);
        let key = mixin.key.verifying_key();
        let claims = verify(&token, &key, "POST", "/messages", body, 1_001).unwrap();
        assert_eq!(claims.jti, jti);
        assert_eq!(claims.uid, "bot-uid");
        assert_eq!(claims.sid, "session");
        assert_eq!(claims.scp, "FULL");
        assert_eq!(claims.exp, 1_000 + TOKEN_LIFETIME_SECS);
        assert_eq!(
            verify(&token, &key, "POST", "/messages", b"[]", 1_001),
            Err(TokenError::WrongRequest)
        );
        assert_eq!(
            verify(&token, &key, "GET", "/messages", body, 1_001),
            Err(TokenError::WrongRequest)
        );
        assert_eq!(
            verify(&token, &key, "POST", "/messages", body, 5_000),
            Err(TokenError::Expired)
        );
        let other = SigningKey::from_bytes(&[4u8; 32]).verifying_key();
        assert_eq!(
            verify(&token, &other, "POST", "/messages", body, 1_001),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn a_read_receipt_after_a_delivered_one_is_not_a_duplicate() {
        let rules = mixin();
        let receipt = |status: &str| {
            format!(
                r#"{{"action":"ACKNOWLEDGE_MESSAGE_RECEIPT","data":{{"message_id":"m-1","status":"{status}"}}}}"#
            )
        };
        let delivered = rules.dedupe_key(&HeaderMap::new(), receipt("DELIVERED").as_bytes());
        let read = rules.dedupe_key(&HeaderMap::new(), receipt("READ").as_bytes());
        assert_ne!(delivered, read);
        assert_eq!(
            read,
            rules.dedupe_key(&HeaderMap::new(), receipt("READ").as_bytes()),
            "a second READ is a retry"
        );
        let message =
            br#"{"action":"CREATE_MESSAGE","data":{"message_id":"m-1","category":"PLAIN_TEXT"}}"#;
        assert_eq!(
            rules.dedupe_key(&HeaderMap::new(), message).as_deref(),
            Some("m-1")
        );
        assert_ne!(rules.dedupe_key(&HeaderMap::new(), message), read);
    }

    #[test]
    fn each_request_gets_a_fresh_jti() {
        let mixin = mixin();
        let (_, first) = mixin.sign(&Method::GET, "/me", b"", 1);
        let (_, second) = mixin.sign(&Method::GET, "/me", b"", 1);
        assert_ne!(first, second);
    }
}
