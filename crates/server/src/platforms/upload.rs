//! What a platform's upload flow works with: the browser's [`File`], the [`Courier`] that makes
//! its calls (authorized, logged, bounded, by the proxy), and the [`Upload`] it answers. Each
//! platform's flow is its [`PlatformRules::upload`](super::PlatformRules::upload), in its own
//! folder.

use axum::http::{Method, StatusCode};
use futures_util::future::BoxFuture;
use reqwest::Url;

use super::outgoing::{Outgoing, json_text_at};
use crate::api_error::ApiError;

/// The browser's file, held in memory up to the body limit (Yunhu's key is the md5 of the
/// whole file).
pub struct File {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What a file is, as platforms sort uploads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Image,
    Video,
    Audio,
    Other,
}

impl File {
    pub fn kind(&self) -> FileKind {
        match self.content_type.split('/').next() {
            Some("image") => FileKind::Image,
            Some("video") => FileKind::Video,
            Some("audio") => FileKind::Audio,
            _ => FileKind::Other,
        }
    }

    /// The file name's extension if it is a plain one, else the content type's subtype.
    pub fn extension(&self) -> String {
        self.name
            .rsplit_once('.')
            .map(|(_, extension)| extension)
            .filter(|extension| {
                !extension.is_empty()
                    && extension.len() <= 8
                    && extension.bytes().all(|byte| byte.is_ascii_alphanumeric())
            })
            .or_else(|| {
                self.content_type
                    .split('/')
                    .nth(1)
                    .filter(|sub| sub.bytes().all(|byte| byte.is_ascii_alphanumeric()))
            })
            .unwrap_or("bin")
            .to_ascii_lowercase()
    }

    /// A `multipart/form-data` body with `fields` and the file as `file_field`, built here
    /// because the exact bytes are also logged. Answers the content type and the body.
    pub fn multipart(&self, fields: &[(&str, &str)], file_field: &str) -> (String, Vec<u8>) {
        let boundary = format!("switchboard-{}", uuid::Uuid::new_v4().simple());
        let mut body = Vec::with_capacity(self.bytes.len() + 512);
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        let file_name = self.name.replace(['"', '\r', '\n'], "_");
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{file_name}\"\r\nContent-Type: {}\r\n\r\n",
                self.content_type
            )
            .as_bytes(),
        );
        body.extend_from_slice(&self.bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body)
    }
}

/// What came back from one upstream call that reached the platform.
pub struct Exchange {
    pub request_seq: i64,
    pub response_seq: i64,
    pub status: StatusCode,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Exchange {
    /// The first non-empty text (or number) found at one of `paths` in a JSON answer.
    pub fn first_text(&self, paths: &[&[&str]]) -> Option<String> {
        paths.iter().find_map(|path| json_text_at(&self.body, path))
    }

    /// The answer as JSON (null when it is not), for the browser to see what the platform said.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// A 502 for an answer without the field a flow needs; `answerer` is the platform, or the
    /// storage service it handed the file to (Qiniu).
    pub fn missing(&self, answerer: impl std::fmt::Display, what: &str) -> ApiError {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            format!("{answerer}'s answer has no {what}"),
        )
        .with(
            "upstream_body",
            String::from_utf8_lossy(&self.body).into_owned(),
        )
        .with("response_seq", self.response_seq)
    }
}

/// What an upload flow answers: the id a send needs (Yunhu's Qiniu key or bot key, Douyin's
/// image_id, Mixin's attachment_id, E云's URL), where the file can be seen, if known, and the
/// platform's own answer.
pub struct Upload {
    pub id: String,
    pub url: Option<String>,
    pub upstream: serde_json::Value,
}

/// What an upload flow may do. Every upstream call is logged like a proxied call, and its
/// failures come back as 502/504 [`ApiError`]s with the upstream's own words; hosting a file
/// is local (a failure to keep it is a 500).
pub trait Courier: Sync {
    /// Authorizes with the platform's credentials and sends below its base URL.
    fn send(&self, call: Outgoing) -> BoxFuture<'_, Result<Exchange, ApiError>>;
    /// Like [`Courier::send`] for a read-only pull: the call and its answer are logged only
    /// when the answer is an error or `worth_keeping` says it brings something (then the
    /// [`Exchange`]'s seqs are 0).
    fn send_keeping<'a>(
        &'a self,
        call: Outgoing,
        worth_keeping: &'a (dyn Fn(&[u8]) -> bool + Sync),
    ) -> BoxFuture<'a, Result<Exchange, ApiError>>;
    /// Sends a call as it is to `url`, a storage service the platform's configuration names
    /// (Yunhu's Qiniu).
    fn send_to(&self, url: Url, call: Outgoing) -> BoxFuture<'_, Result<Exchange, ApiError>>;
    /// Sends a call as it is to a storage URL a platform's answer named (Mixin's `upload_url`):
    /// public addresses only.
    fn send_to_storage(
        &self,
        url: Url,
        call: Outgoing,
    ) -> BoxFuture<'_, Result<Exchange, ApiError>>;
    /// Keeps the file for the platform to fetch; answers the path below our public URL it is
    /// served at.
    fn host<'a>(&'a self, file: &'a File) -> BoxFuture<'a, Result<String, ApiError>>;
}

/// What [`PlatformRules::upload`](super::PlatformRules::upload) answers.
pub type UploadFuture<'a> = BoxFuture<'a, Result<Upload, ApiError>>;

/// A POST of `body` to `path` below the base URL.
pub fn post(path: impl Into<String>, content_type: impl Into<String>, body: Vec<u8>) -> Outgoing {
    Outgoing {
        method: Method::POST,
        path: path.into(),
        query: Vec::new(),
        headers: vec![("Content-Type".into(), content_type.into())],
        body,
        annotations: Vec::new(),
    }
}

/// A GET of `path` below the base URL.
pub fn get(path: impl Into<String>) -> Outgoing {
    Outgoing {
        method: Method::GET,
        path: path.into(),
        query: Vec::new(),
        headers: Vec::new(),
        body: Vec::new(),
        annotations: Vec::new(),
    }
}
