//! Yunhu: the user API (protobuf, header `token`), the bot open API (JSON, `?token=`), Qiniu
//! upload tokens, and media hosts that insist on the app's Referer.

use axum::http::{HeaderMap, Method};
use reqwest::Url;
use switchboard_payload::Platform;

use super::{Capabilities, Outgoing, PlatformRules, Route, json_text_at, set_header, set_query};
use crate::config;

/// User-API calls (header `token: <user token>`).
const USER_ROUTES: &[(&str, &str)] = &[
    ("POST", "/v1/msg/send-message"),
    ("POST", "/v1/msg/edit-message"),
    ("POST", "/v1/msg/list-message-by-seq"),
    ("POST", "/v1/msg/list-message"),
    ("POST", "/v1/msg/list-message-by-mid-seq"),
    ("POST", "/v1/msg/recall-msg"),
    ("POST", "/v1/msg/recall-msg-batch"),
    ("POST", "/v1/msg/button-report"),
    ("POST", "/v1/msg/list-message-edit-record"),
    ("POST", "/v1/msg/file-download-record"),
    ("POST", "/v1/msg/msg-forward"),
    ("POST", "/v1/msg/delete"),
    ("GET", "/v1/misc/qiniu-token"),
    ("GET", "/v1/misc/qiniu-token2"),
    ("GET", "/v1/misc/qiniu-token-video"),
    ("GET", "/v1/misc/qiniu-token-audio"),
];

/// Bot open-API calls (`?token=<bot token>`).
const BOT_PREFIX: &str = "/open-apis/v1/";
const BOT_ROUTES: &[&str] = &[
    "/open-apis/v1/bot/send",
    "/open-apis/v1/bot/recall",
    "/open-apis/v1/bot/edit",
    "/open-apis/v1/image/upload",
    "/open-apis/v1/video/upload",
    "/open-apis/v1/file/upload",
];

pub const MEDIA_REFERER: &str = "http://myapp.jwznb.com";

pub struct Yunhu {
    base_url: Url,
    upload_url: Url,
    user_token: Option<String>,
    bot_token: Option<String>,
    media_hosts: Vec<String>,
    image_base_url: String,
    routes: Vec<Route>,
}

impl Yunhu {
    pub fn new(settings: &config::Yunhu) -> anyhow::Result<Yunhu> {
        let mut routes = Vec::new();
        if settings.user_token.is_some() {
            routes.extend(USER_ROUTES.iter().map(|(method, path)| {
                Route::new(
                    Method::from_bytes(method.as_bytes()).expect("method"),
                    *path,
                )
            }));
        }
        if settings.bot_token.is_some() {
            routes.extend(
                BOT_ROUTES
                    .iter()
                    .map(|path| Route::new(Method::POST, *path)),
            );
        }
        Ok(Yunhu {
            base_url: super::parse_base_url(&settings.base_url)?,
            upload_url: super::parse_base_url(&settings.upload_url)?,
            user_token: settings.user_token.clone(),
            bot_token: settings.bot_token.clone(),
            media_hosts: settings.media_hosts.clone(),
            image_base_url: settings.image_base_url.trim_end_matches('/').to_owned(),
            routes,
        })
    }
}

impl PlatformRules for Yunhu {
    fn platform(&self) -> Platform {
        Platform::Yunhu
    }

    fn base_url(&self) -> &Url {
        &self.base_url
    }

    fn routes(&self) -> &[Route] {
        &self.routes
    }

    fn authorize(&self, request: &mut Outgoing) -> anyhow::Result<()> {
        if request.path.starts_with(BOT_PREFIX) {
            let token = self
                .bot_token
                .clone()
                .ok_or_else(|| anyhow::anyhow!("no yunhu.bot_token"))?;
            set_query(&mut request.query, "token", token);
        } else {
            let token = self
                .user_token
                .clone()
                .ok_or_else(|| anyhow::anyhow!("no yunhu.user_token"))?;
            set_header(&mut request.headers, "token", token);
        }
        Ok(())
    }

    fn credentials(&self) -> Vec<String> {
        self.user_token
            .iter()
            .chain(&self.bot_token)
            .cloned()
            .collect()
    }

    fn credential_query_keys(&self) -> &[&'static str] {
        &["token"]
    }

    /// Bot webhooks carry `header.eventId`.
    fn dedupe_key(&self, _headers: &HeaderMap, body: &[u8]) -> Option<String> {
        json_text_at(body, &["header", "eventId"])
    }

    fn media_hosts(&self) -> Vec<String> {
        self.media_hosts.clone()
    }

    fn media_url_for(&self, key: &str) -> Option<String> {
        Some(format!("{}/{key}", self.image_base_url))
    }

    fn storage_url(&self) -> Option<&Url> {
        Some(&self.upload_url)
    }

    fn media_referer(&self) -> Option<&'static str> {
        Some(MEDIA_REFERER)
    }

    fn capabilities(&self) -> Capabilities {
        let user = self.user_token.is_some();
        let any = user || self.bot_token.is_some();
        Capabilities {
            send_text: any,
            send_image: any,
            send_file: any,
            upload: any,
            recall: any,
            recall_window_secs: None,
            edit: any,
            read_receipts: false,
            history: user,
            quote_reply: user,
            markdown: any,
        }
    }
}
