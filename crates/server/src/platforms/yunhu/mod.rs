//! Yunhu: the user API (protobuf, header `token`), the bot open API (JSON, `?token=`), Qiniu
//! upload tokens, media hosts that insist on the app's Referer, and the user account's push
//! socket ([`socket`]) beside the bot's webhook.

use axum::http::HeaderMap;
use switchboard_payload::Platform;
use switchboard_payload::platforms::yunhu::endpoints;
use switchboard_protocol::Transport;

use super::outgoing::{Outgoing, json_text_at};
use super::receive::{Line, SessionFuture};
use super::rules::{Capabilities, PlatformRules, Route, Upstream};
use super::upload::{Courier, File, UploadFuture};
use crate::config;

pub mod socket;
mod upload;

pub const MEDIA_REFERER: &str = "http://myapp.jwznb.com";

pub struct Yunhu {
    upstream: Upstream,
    qiniu: upload::Qiniu,
    user_token: Option<String>,
    bot_token: Option<String>,
    /// The user account's push socket, when `user_id` is configured beside `user_token`.
    socket: Option<socket::Socket>,
    places: socket::Places,
}

impl Yunhu {
    pub fn new(settings: &config::Yunhu) -> anyhow::Result<Yunhu> {
        // The user API is open only with a user token, the bot API only with a bot token.
        let routes = [
            (settings.user_token.is_some(), endpoints::USER_API),
            (settings.bot_token.is_some(), endpoints::BOT_API),
        ]
        .into_iter()
        .filter(|(configured, _)| *configured)
        .flat_map(|(_, api)| api.iter().map(Route::of))
        .collect();
        Ok(Yunhu {
            upstream: Upstream {
                platform: Platform::Yunhu,
                base_url: super::rules::parse_base_url(&settings.base_url)?,
                routes,
                media_hosts: settings.media_hosts.clone(),
            },
            qiniu: upload::Qiniu {
                upload_url: super::rules::parse_base_url(&settings.upload_url)?,
                image_base_url: settings.image_base_url.trim_end_matches('/').to_owned(),
            },
            user_token: settings.user_token.clone(),
            bot_token: settings.bot_token.clone(),
            socket: settings
                .user_id
                .clone()
                .zip(settings.user_token.clone())
                .map(|(user_id, token)| socket::Socket {
                    url: settings.socket_url.clone(),
                    device_id: settings
                        .device_id
                        .clone()
                        .unwrap_or_else(|| socket::default_device_id(&user_id)),
                    user_id,
                    token,
                }),
            places: socket::Places::default(),
        })
    }
}

impl PlatformRules for Yunhu {
    /// `get-user` and `group/info` are user-API calls.
    fn looks_up_profiles(&self) -> bool {
        self.user_token.is_some()
    }

    fn upstream(&self) -> &Upstream {
        &self.upstream
    }

    fn authorize(&self, request: &mut Outgoing) -> anyhow::Result<()> {
        if request.path.starts_with(endpoints::BOT_API_PREFIX) {
            let token = self
                .bot_token
                .clone()
                .ok_or_else(|| anyhow::anyhow!("no yunhu.bot_token"))?;
            request.set_query("token", token);
        } else {
            let token = self
                .user_token
                .clone()
                .ok_or_else(|| anyhow::anyhow!("no yunhu.user_token"))?;
            request.set_header("token", token);
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

    fn media_referer(&self) -> Option<&'static str> {
        Some(MEDIA_REFERER)
    }

    fn upload<'a>(&'a self, courier: &'a dyn Courier, file: File) -> UploadFuture<'a> {
        Box::pin(upload::upload(
            courier,
            self.user_token.as_ref().map(|_| &self.qiniu),
            file,
        ))
    }

    fn transport(&self) -> Transport {
        if self.socket.is_some() {
            Transport::Websocket
        } else {
            Transport::Webhook
        }
    }

    /// Only the bot posts webhooks.
    fn has_webhook(&self) -> bool {
        self.bot_token.is_some()
    }

    fn receive<'a>(&'a self, line: &'a dyn Line) -> Option<SessionFuture<'a>> {
        let socket = self.socket.as_ref()?;
        Some(Box::pin(socket::session(socket, &self.places, line)))
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
            edit: any,
            history: user,
            quote_reply: user,
            markdown: any,
            ..Capabilities::default()
        }
    }
}
