//! What every platform's rules are made of: the call on its way out ([`Outgoing`]), the
//! allow-list's [`Route`]s, a webhook's [`Verdict`], and the [`PlatformRules`] trait each
//! platform implements; helpers for the bodies and headers they adjust.

use axum::http::{HeaderMap, Method};
use reqwest::Url;
use switchboard_payload::Platform;

/// One request on its way upstream; [`PlatformRules::authorize`] adds the credentials.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub method: Method,
    /// Path below the platform's base URL, e.g. `/v1/msg/send-message`.
    pub path: String,
    /// Query pairs, in order.
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The desk's notes on the call (`x-switchboard-conversation`, …): logged with the request,
    /// never sent upstream.
    pub annotations: Vec<(String, String)>,
}

/// An allowed upstream call: a method and a path pattern whose `{…}` segments match one plain
/// path segment (letters, digits, `-`, `_`, `.`; never `..`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: Method,
    pub pattern: String,
}

impl Route {
    pub fn new(method: Method, pattern: impl Into<String>) -> Route {
        Route {
            method,
            pattern: pattern.into(),
        }
    }

    /// The route of an endpoint the payload core declares.
    pub fn of(endpoint: &switchboard_payload::endpoint::Endpoint) -> Route {
        Route::new(
            Method::from_bytes(endpoint.method.as_bytes())
                .expect("an endpoint's method is a method"),
            endpoint.path,
        )
    }

    pub fn matches(&self, method: &Method, path: &str) -> bool {
        if *method != self.method {
            return false;
        }
        let mut wanted = self.pattern.split('/');
        let mut given = path.split('/');
        loop {
            match (wanted.next(), given.next()) {
                (None, None) => return true,
                (Some(pattern), Some(segment)) => {
                    let ok = if pattern.starts_with('{') && pattern.ends_with('}') {
                        is_plain_segment(segment)
                    } else {
                        pattern == segment
                    };
                    if !ok {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }
}

fn is_plain_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment != "."
        && segment != ".."
        && segment
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
}

/// How a webhook delivery is judged before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Accept,
    /// Refused with this reason (stored as `rejected`, answered 401).
    Reject(String),
}

/// What a platform gets back for an accepted delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Acknowledgement {
    pub fn json(body: impl Into<Vec<u8>>) -> Acknowledgement {
        Acknowledgement {
            content_type: "application/json",
            body: body.into(),
        }
    }
}

/// Where a platform's API is and which of its calls the browser may make.
#[derive(Debug, Clone)]
pub struct Upstream {
    pub platform: Platform,
    pub base_url: Url,
    /// The upstream calls the browser may make.
    pub routes: Vec<Route>,
}

pub trait PlatformRules: Send + Sync {
    fn upstream(&self) -> &Upstream;
    fn platform(&self) -> Platform {
        self.upstream().platform
    }
    fn base_url(&self) -> &Url {
        &self.upstream().base_url
    }
    /// The upstream calls the browser may make.
    fn routes(&self) -> &[Route] {
        &self.upstream().routes
    }
    /// Attaches credentials (headers, query, body fields) and signs, in place.
    fn authorize(&self, request: &mut Outgoing) -> anyhow::Result<()>;
    /// Every credential value, so tests and the proxy can prove none leaks.
    fn credentials(&self) -> Vec<String>;
    /// Query parameter names whose values are credentials (redacted in the log).
    fn credential_query_keys(&self) -> &[&'static str] {
        &[]
    }
    /// Authenticates a webhook beyond the secret path segment (Douyin's signature).
    fn verify_webhook(&self, _headers: &HeaderMap, _body: &[u8]) -> Verdict {
        Verdict::Accept
    }
    /// The platform's delivery id, so a retried webhook is stored once.
    fn dedupe_key(&self, _headers: &HeaderMap, _body: &[u8]) -> Option<String> {
        None
    }
    /// The answer to an accepted webhook (Douyin answers `verify_webhook` with its challenge).
    fn acknowledge(&self, _body: &[u8]) -> Acknowledgement {
        Acknowledgement::json(&b"{\"ok\":true}"[..])
    }
    /// Hosts whose media the desk may fetch through `/api/media`, and the Referer they need.
    fn media_hosts(&self) -> Vec<String> {
        Vec::new()
    }
    fn media_referer(&self) -> Option<&'static str> {
        None
    }
    /// Where uploaded files go when that is not the API host (Yunhu's Qiniu form upload).
    fn storage_url(&self) -> Option<&Url> {
        None
    }
    /// Where an uploaded file's key can be seen, when the platform says (Yunhu).
    fn media_url_for(&self, _key: &str) -> Option<String> {
        None
    }
    /// The upload endpoint below the base URL, where it is configuration (wkteam WeCom).
    fn upload_path(&self) -> Option<&str> {
        None
    }
    /// Where the platform can fetch files we host (E云 takes media by URL only).
    fn public_url(&self) -> Option<&Url> {
        None
    }

    /// What the desk may offer for this platform (the capability table the UI reads).
    fn capabilities(&self) -> Capabilities;

    fn allows(&self, method: &Method, path: &str) -> bool {
        self.routes()
            .iter()
            .any(|route| route.matches(method, path))
    }
}

pub use switchboard_protocol::Capabilities;

/// Whether `host` (with its port, if any) is one of `allowed`; `*.example.com` allows any
/// subdomain of example.com but not example.com itself.
pub fn host_allowed(allowed: &[String], host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    allowed.iter().any(|pattern| {
        let pattern = pattern.to_ascii_lowercase();
        match pattern.strip_prefix("*.") {
            Some(suffix) => host
                .strip_suffix(suffix)
                .is_some_and(|head| head.ends_with('.') && head.len() > 1),
            None => host == pattern,
        }
    })
}

pub fn parse_base_url(url: &str) -> anyhow::Result<Url> {
    let mut parsed = Url::parse(url)?;
    // A trailing slash would double up with the route's leading one.
    let trimmed = parsed.path().trim_end_matches('/').to_owned();
    parsed.set_path(&trimmed);
    Ok(parsed)
}

/// Sets `key` in a JSON object body (what wkteam's APIs expect for their session ids). A body
/// that is not a JSON object is refused rather than forwarded unauthenticated.
pub fn set_json_field(body: &mut Vec<u8>, key: &str, value: &str) -> anyhow::Result<()> {
    let mut object: serde_json::Map<String, serde_json::Value> = if body.is_empty() {
        serde_json::Map::new()
    } else {
        serde_json::from_slice(body)
            .map_err(|error| anyhow::anyhow!("the request body must be a JSON object: {error}"))?
    };
    object.insert(key.to_owned(), serde_json::Value::String(value.to_owned()));
    *body = serde_json::to_vec(&object)?;
    Ok(())
}

/// Replaces (or adds) a header, case-insensitively.
pub fn set_header(headers: &mut Vec<(String, String)>, name: &str, value: String) {
    headers.retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
    headers.push((name.to_owned(), value));
}

/// Replaces (or adds) a query parameter.
pub fn set_query(query: &mut Vec<(String, String)>, name: &str, value: String) {
    query.retain(|(existing, _)| existing != name);
    query.push((name.to_owned(), value));
}

/// A JSON string field at `path` in a body, if the body is JSON and the field is there.
pub fn json_text_at(body: &[u8], path: &[&str]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let mut current = &value;
    for key in path {
        current = current.get(key)?;
    }
    match current {
        serde_json::Value::String(text) if !text.is_empty() => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_match_whole_plain_segments_only() {
        let route = Route::new(Method::GET, "/attachments/{id}");
        assert!(route.matches(&Method::GET, "/attachments/3f2c-aa_1.png"));
        assert!(!route.matches(&Method::POST, "/attachments/1"));
        assert!(!route.matches(&Method::GET, "/attachments/.."));
        assert!(!route.matches(&Method::GET, "/attachments/a/b"));
        assert!(!route.matches(&Method::GET, "/attachments/"));
        assert!(!route.matches(&Method::GET, "/attachments/%2e%2e"));
        let fixed = Route::new(Method::POST, "/im/send/msg/");
        assert!(fixed.matches(&Method::POST, "/im/send/msg/"));
        assert!(!fixed.matches(&Method::POST, "/im/send/msg"));
        assert!(!fixed.matches(&Method::POST, "/im/send/msg/x"));
    }

    #[test]
    fn media_hosts_match_exactly_or_by_subdomain() {
        let allowed = vec!["*.jwznb.com".to_owned(), "127.0.0.1:9".to_owned()];
        assert!(host_allowed(&allowed, "chat-img.jwznb.com"));
        assert!(host_allowed(&allowed, "127.0.0.1:9"));
        assert!(!host_allowed(&allowed, "jwznb.com"));
        assert!(!host_allowed(&allowed, "evil-jwznb.com"));
        assert!(!host_allowed(&allowed, "jwznb.com.evil.net"));
        assert!(!host_allowed(&allowed, "127.0.0.1:10"));
    }

    #[test]
    fn json_fields_are_set_and_non_objects_refused() {
        let mut body = br#"{"wcId":"wxid_1","wId":"forged"}"#.to_vec();
        set_json_field(&mut body, "wId", "real").unwrap();
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["wId"], "real");
        assert_eq!(value["wcId"], "wxid_1");
        let mut array = b"[1]".to_vec();
        assert!(set_json_field(&mut array, "wId", "x").is_err());
    }
}
