//! WeCom through wkteam: `Authorization: Bearer <login token>`, the session id in every body, and
//! send/upload paths from configuration (the service does not document them publicly).

use axum::http::{HeaderMap, Method};
use switchboard_payload::Platform;
use switchboard_payload::platforms::wecom::endpoints;

use super::outgoing::{Outgoing, json_text_at};
use super::rules::{Capabilities, PlatformRules, Route, Upstream};
use super::upload::{Courier, File, UploadFuture};
use crate::config;

mod upload;

pub struct Wecom {
    upstream: Upstream,
    token: String,
    session_id: String,
    upload_path: String,
    /// The configured detail paths, for the defaults the payload core composes with.
    contact_info_path: String,
    room_info_path: String,
}

impl Wecom {
    pub fn new(settings: &config::Wecom) -> anyhow::Result<Wecom> {
        let routes = [
            settings.send_text_path.as_str(),
            settings.send_image_path.as_str(),
            settings.send_file_path.as_str(),
            settings.upload_path.as_str(),
            endpoints::CANCEL_MSG.path,
            settings.contact_info_path.as_str(),
            settings.room_info_path.as_str(),
        ]
        .into_iter()
        .map(|path| Route::new(Method::POST, path))
        .collect();
        Ok(Wecom {
            upstream: Upstream {
                platform: Platform::Wecom,
                base_url: super::rules::parse_base_url(&settings.base_url)?,
                routes,
                media_hosts: settings.media_hosts.clone(),
            },
            token: settings.token.clone(),
            session_id: settings.session_id.clone(),
            upload_path: settings.upload_path.clone(),
            contact_info_path: settings.contact_info_path.clone(),
            room_info_path: settings.room_info_path.clone(),
        })
    }
}

impl PlatformRules for Wecom {
    fn upstream(&self) -> &Upstream {
        &self.upstream
    }

    fn authorize(&self, request: &mut Outgoing) -> anyhow::Result<()> {
        request.set_header("Authorization", format!("Bearer {}", self.token));
        let is_json = request.headers.iter().any(|(name, value)| {
            name.eq_ignore_ascii_case("content-type") && value.contains("json")
        });
        if is_json || request.body.is_empty() {
            request.set_json_field("sessionId", &self.session_id)?;
        }
        Ok(())
    }

    /// The session id too: it is what callbacks are sent for (their `token`), so it is kept
    /// out of the log like the login token.
    fn credentials(&self) -> Vec<String> {
        vec![self.token.clone(), self.session_id.clone()]
    }

    /// Callbacks carry the message's id.
    fn dedupe_key(&self, _headers: &HeaderMap, body: &[u8]) -> Option<String> {
        json_text_at(body, &["message", "id"])
    }

    fn configured_path(&self, path: &str) -> String {
        if path == endpoints::CONTACT_INFO.path {
            self.contact_info_path.clone()
        } else if path == endpoints::ROOM_INFO.path {
            self.room_info_path.clone()
        } else {
            path.to_owned()
        }
    }

    fn upload<'a>(&'a self, courier: &'a dyn Courier, file: File) -> UploadFuture<'a> {
        Box::pin(upload::upload(courier, &self.upload_path, file))
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            recall_window_secs: Some(120),
            ..Capabilities::sends_and_recalls()
        }
    }
}
