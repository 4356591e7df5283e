//! What every platform's rules are made of: the allow-list's [`Route`]s, a webhook's
//! [`Verdict`] and [`Acknowledgement`], where its API is ([`Upstream`]), and the
//! [`PlatformRules`] trait each platform implements.

use axum::http::{HeaderMap, Method};
use reqwest::Url;
use switchboard_payload::Platform;

use super::outgoing::Outgoing;
use super::receive::{Line, SessionFuture};
use super::upload::{Courier, File, UploadFuture};

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
    /// Hosts whose media the desk may fetch through `/api/media` (for Mixin, also where an
    /// attachment's `upload_url` may point).
    pub media_hosts: Vec<String>,
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
    /// Hosts whose media the desk may fetch through `/api/media`.
    fn media_hosts(&self) -> &[String] {
        &self.upstream().media_hosts
    }
    /// The Referer those hosts need.
    fn media_referer(&self) -> Option<&'static str> {
        None
    }
    /// Carries a browser file through the platform's upload flow, making its calls through
    /// `courier`.
    fn upload<'a>(&'a self, courier: &'a dyn Courier, file: File) -> UploadFuture<'a>;

    /// Where a call the payload core composed at a default path goes, for platforms whose paths
    /// are configuration (wkteam WeCom's).
    fn configured_path(&self, path: &str) -> String {
        path.to_owned()
    }

    /// Whether the server may ask this platform who ids are (the payload core says how): Yunhu's
    /// profiles need a user token.
    fn looks_up_profiles(&self) -> bool {
        true
    }

    /// What the desk may offer for this platform (the capability table the UI reads).
    fn capabilities(&self) -> Capabilities;

    /// How the platform's messages reach us beside webhooks: a connection or a pull the server
    /// keeps, run by [`PlatformRules::receive`]. `Webhook`: nothing to keep.
    fn transport(&self) -> Transport {
        Transport::Webhook
    }

    /// Whether the platform posts webhooks to `/hooks/{platform}/{secret}` (Mixin never does;
    /// Yunhu's bots do beside the user socket).
    fn has_webhook(&self) -> bool {
        true
    }

    /// One session of the platform's own transport: connect, store every frame before
    /// acknowledging it, and end when the line drops ([`crate::receive`] runs the next one).
    fn receive<'a>(&'a self, _line: &'a dyn Line) -> Option<SessionFuture<'a>> {
        None
    }

    fn allows(&self, method: &Method, path: &str) -> bool {
        self.routes()
            .iter()
            .any(|route| route.matches(method, path))
    }
}

pub use switchboard_protocol::{Capabilities, Transport};

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
}
