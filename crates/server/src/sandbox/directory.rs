//! Who the simulated customers are to every emulator's profile endpoints: their names (the
//! same on every platform), their pictures (small PNGs the sandbox serves at `/avatars/…`, on the
//! media host every platform's configuration allows), the group some of them write in, and the
//! refusals a test asks for (the next N profile calls of a platform answered with its error
//! shape).

use std::collections::HashMap;
use std::sync::Mutex;

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use switchboard_payload::Platform;

use super::common::{lock, png_1x1};

/// Who writes in (display names; each emulator has their ids on its platform).
pub const CUSTOMER_NAMES: [&str; 2] = ["林晓", "Ming Zhao"];

/// Where the pictures are served, below the sandbox's root.
pub const AVATARS: &str = "/avatars";
const AVATAR_FILES: [&str; 2] = ["lin-xiao.png", "ming-zhao.png"];
const AVATAR_COLOURS: [[u8; 3]; 2] = [[0xd9, 0x4f, 0x3d], [0x2f, 0x6f, 0xd6]];

/// The group both customers and our account are in (WeCom's room).
pub const GROUP_NAME: &str = "售后服务群";
pub const GROUP_FILE: &str = "group.png";

#[derive(Default)]
pub struct Directory {
    /// `http://127.0.0.1:PORT`, set once the sandbox listens.
    base_url: Mutex<String>,
    /// Profile calls still to refuse, per platform.
    refusals: Mutex<HashMap<Platform, u32>>,
}

impl Directory {
    pub fn set_base_url(&self, base_url: &str) {
        *lock(&self.base_url) = base_url.to_owned();
    }

    /// Customer `index`'s display name.
    pub fn name(&self, index: usize) -> &'static str {
        CUSTOMER_NAMES[index.min(CUSTOMER_NAMES.len() - 1)]
    }

    /// Customer `index`'s picture.
    pub fn avatar_url(&self, index: usize) -> String {
        let file = AVATAR_FILES[index.min(AVATAR_FILES.len() - 1)];
        format!("{}{AVATARS}/{file}", lock(&self.base_url))
    }

    pub fn group_avatar_url(&self) -> String {
        format!("{}{AVATARS}/{GROUP_FILE}", lock(&self.base_url))
    }

    /// The next `count` profile calls to `platform` get its error answer.
    pub fn refuse(&self, platform: Platform, count: u32) {
        lock(&self.refusals).insert(platform, count);
    }

    /// Whether this profile call is one to refuse (counting it).
    pub fn refusing(&self, platform: Platform) -> bool {
        let mut refusals = lock(&self.refusals);
        match refusals.get_mut(&platform) {
            Some(left) if *left > 0 => {
                *left -= 1;
                true
            }
            _ => false,
        }
    }
}

/// `GET /avatars/{file}`: a customer's or the group's picture (cacheable like a CDN's).
pub fn avatar_routes() -> Router {
    Router::new().route(
        &format!("{AVATARS}/{{file}}"),
        get(|Path(file): Path<String>| async move {
            let colour = match AVATAR_FILES.iter().position(|known| *known == file) {
                Some(index) => AVATAR_COLOURS[index],
                None if file == GROUP_FILE => [0x3a, 0x9a, 0x5b],
                None => return StatusCode::NOT_FOUND.into_response(),
            };
            (
                [
                    (header::CONTENT_TYPE, "image/png"),
                    (header::CACHE_CONTROL, "public, max-age=86400"),
                ],
                png_1x1(colour),
            )
                .into_response()
        }),
    )
}
