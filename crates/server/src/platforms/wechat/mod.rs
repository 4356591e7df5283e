//! WeChat through wkteam E云: `Authorization: <key>` (no "Bearer"), the instance's `wId` in every
//! body, callbacks de-duplicated on `newMsgId`; 视频号 private messages pulled (`syncFinder`) and
//! answered with `privateSend`, which names our `@finder` (`finder_username` where the desk did
//! not learn it from the session).

use axum::http::HeaderMap;
use reqwest::Url;
use switchboard_payload::Platform;
use switchboard_payload::platforms::wechat::endpoints;

use super::outgoing::{Outgoing, json_text_at};
use super::receive::{Line, SessionFuture};
use super::rules::{Capabilities, PlatformRules, Route, Transport, Upstream};
use super::upload::{Courier, File, UploadFuture};
use crate::config;
use switchboard_protocol::InboxCapabilities;

mod pull;
mod upload;

pub struct Wechat {
    upstream: Upstream,
    authorization: String,
    w_id: String,
    public_url: Option<Url>,
    /// `None`: not pulled (`pull_every_secs = 0`).
    pull_every: Option<std::time::Duration>,
    cursor: pull::Cursor,
    finder_username: Option<String>,
}

impl Wechat {
    pub fn new(settings: &config::Wechat) -> anyhow::Result<Wechat> {
        Ok(Wechat {
            upstream: Upstream {
                platform: Platform::Wechat,
                base_url: super::rules::parse_base_url(&settings.base_url)?,
                routes: endpoints::ALL.iter().map(Route::of).collect(),
                media_hosts: settings.media_hosts.clone(),
            },
            authorization: settings.authorization.clone(),
            w_id: settings.w_id.clone(),
            public_url: settings
                .public_url
                .as_deref()
                .map(super::rules::parse_base_url)
                .transpose()?,
            pull_every: (settings.pull_every_secs > 0)
                .then(|| std::time::Duration::from_secs(settings.pull_every_secs)),
            cursor: pull::Cursor::default(),
            finder_username: settings.finder_username.clone(),
        })
    }
}

impl PlatformRules for Wechat {
    fn upstream(&self) -> &Upstream {
        &self.upstream
    }

    fn authorize(&self, request: &mut Outgoing) -> anyhow::Result<()> {
        request.set_header("Authorization", self.authorization.clone());
        request.set_json_field("wId", &self.w_id)?;
        if endpoints::PRIVATE_SEND.ends(&request.path)
            && json_text_at(&request.body, &["myUserName"]).is_none()
        {
            let own = self.finder_username.as_deref().ok_or_else(|| {
                anyhow::anyhow!(
                    "privateSend names our 视频号 (myUserName): set wechat.finder_username, or \
                     answer in a session whose messages name it"
                )
            })?;
            request.set_json_field("myUserName", own)?;
        }
        Ok(())
    }

    /// The `wId` too: with the key it names the logged-in account to every call.
    fn credentials(&self) -> Vec<String> {
        vec![self.authorization.clone(), self.w_id.clone()]
    }

    fn dedupe_key(&self, _headers: &HeaderMap, body: &[u8]) -> Option<String> {
        json_text_at(body, &["data", "newMsgId"])
    }

    fn upload<'a>(&'a self, courier: &'a dyn Courier, file: File) -> UploadFuture<'a> {
        Box::pin(upload::upload(courier, self.public_url.as_ref(), file))
    }

    /// Chats post callbacks; 视频号 private messages are pulled (`syncFinder`) by the server.
    fn transport(&self) -> Transport {
        if self.pull_every.is_some() {
            Transport::Poll
        } else {
            Transport::Webhook
        }
    }

    fn receive<'a>(&'a self, line: &'a dyn Line) -> Option<SessionFuture<'a>> {
        let every = self.pull_every?;
        Some(Box::pin(pull::round(&self.cursor, every, line)))
    }

    fn capabilities(&self) -> Capabilities {
        // Images and files go by URL: only when we can host them.
        let hosting = self.public_url.is_some();
        Capabilities {
            send_text: true,
            send_image: hosting,
            send_file: hosting,
            upload: hosting,
            recall: true,
            recall_window_secs: Some(120),
            pull: true,
            // 视频号 private messages: text through privateSend; no source names an image, a
            // file or a recall for them.
            channels_inbox: Some(InboxCapabilities {
                send_text: true,
                ..InboxCapabilities::default()
            }),
            ..Capabilities::default()
        }
    }
}
