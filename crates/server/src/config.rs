//! What `switchboard serve` knows about each platform: upstream addresses and credentials, from a
//! TOML file and `SWITCHBOARD_<PLATFORM>_<KEY>` environment variables (the variables win). With
//! no platform configured at all, every platform runs against the built-in sandbox.

use std::path::Path;

use anyhow::{Context, bail};
use base64::Engine;
use serde::Deserialize;
use switchboard_payload::platforms::wecom::endpoints as wecom_endpoints;
use switchboard_protocol::Platform;

/// Every platform's settings; `None` = not configured.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub yunhu: Option<Yunhu>,
    pub douyin: Option<Douyin>,
    pub wecom: Option<Wecom>,
    pub mixin: Option<Mixin>,
    pub wechat: Option<Wechat>,
    /// Largest request or response body forwarded, stored or uploaded, in bytes.
    #[serde(default = "default_body_limit")]
    pub body_limit: usize,
    /// How long an upstream may take to answer, in seconds.
    #[serde(default = "default_upstream_timeout")]
    pub upstream_timeout_secs: u64,
    /// This server's address as the platforms reach it (`https://desk.example.com`, with a
    /// path if a proxy mounts it under one). The webhook URLs the console shows start with it,
    /// and E云 fetches hosted media from it unless `wechat.public_url` says otherwise. Without
    /// it the console shows the address the browser used, as plain `http://`.
    #[serde(default)]
    pub public_url: Option<String>,
    /// What a stranger can make the server hold: connections, time, bytes.
    #[serde(default)]
    pub limits: Limits,
    /// How the desk works for the team (`[desk]`).
    #[serde(default)]
    pub desk: DeskSettings,
}

/// `[desk]`, or `SWITCHBOARD_DESK_<KEY>`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct DeskSettings {
    /// Platforms whose unassigned conversations are given, when their customer writes, to the
    /// agents who have the desk open, in turn (round robin). Empty: nobody is assigned by the
    /// server. `SWITCHBOARD_DESK_AUTO_ASSIGN=douyin,wecom`.
    pub auto_assign: Vec<Platform>,
}

/// Bounds on what any client can make the server hold (`[limits]`, or
/// `SWITCHBOARD_LIMITS_<KEY>`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Connections open at once; further ones wait in the kernel's backlog until one closes.
    pub max_connections: usize,
    /// Seconds a client has to send a request's headers.
    pub header_timeout_secs: u64,
    /// Seconds a client has to send a request's whole body.
    pub body_timeout_secs: u64,
    /// Requests with a large body (over 64 KiB, or of unknown length) read at once; more are
    /// answered 503 with `Retry-After`.
    pub large_bodies: usize,
    /// Seconds a live stream may wait on a client that does not read before it is dropped (it
    /// resumes with `Last-Event-ID`).
    pub stream_stall_secs: u64,
    /// Refused webhook deliveries recorded per source address and minute; past it they are
    /// answered 429 and not recorded.
    pub rejected_per_minute: u32,
    /// Body bytes in one log page (`/api/events`) before it stops early (`more: true`).
    pub page_bytes: usize,
    /// Seconds before a failed or rate-limited profile lookup is tried again; it doubles per
    /// failure, up to an hour.
    pub profile_retry_secs: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: 4096,
            header_timeout_secs: 10,
            body_timeout_secs: 60,
            large_bodies: 16,
            stream_stall_secs: 30,
            rejected_per_minute: 30,
            page_bytes: 4 * 1024 * 1024,
            profile_retry_secs: 30,
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config::default_limits()
    }
}

impl Config {
    /// Whether people reach the console over https (its `public_url` says so): session cookies
    /// are then `Secure` and responses carry HSTS.
    pub fn served_over_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.to_ascii_lowercase().starts_with("https://"))
    }

    /// No platform, default limits.
    pub fn default_limits() -> Config {
        Config {
            yunhu: None,
            douyin: None,
            wecom: None,
            mixin: None,
            wechat: None,
            body_limit: default_body_limit(),
            upstream_timeout_secs: default_upstream_timeout(),
            public_url: None,
            limits: Limits::default(),
            desk: DeskSettings::default(),
        }
    }
}

fn default_body_limit() -> usize {
    8 * 1024 * 1024
}

fn default_upstream_timeout() -> u64 {
    15
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Yunhu {
    #[serde(default = "yunhu_base")]
    pub base_url: String,
    /// Qiniu's form-upload host.
    #[serde(default = "yunhu_upload")]
    pub upload_url: String,
    pub user_token: Option<String>,
    /// The user account's id. With `user_token`, the server keeps the account's push socket
    /// open and receives on it; without it, Yunhu reaches us only through the bot's webhook.
    pub user_id: Option<String>,
    /// The user account's push socket (reference §1.3).
    #[serde(default = "yunhu_socket")]
    pub socket_url: String,
    /// The `deviceId` the socket logs in with (any text Yunhu keeps apart from the account's
    /// other devices); default: one derived from the user id, the same on every restart.
    pub device_id: Option<String>,
    pub bot_token: Option<String>,
    /// Hosts the desk may load media from through `/api/media` (`*.` = any subdomain).
    #[serde(default = "yunhu_media")]
    pub media_hosts: Vec<String>,
    /// Where an uploaded image key can be seen: `{image_base_url}/{key}`.
    #[serde(default = "yunhu_image_base")]
    pub image_base_url: String,
}

fn yunhu_socket() -> String {
    "wss://chat-ws-go.jwzhd.com/ws".into()
}

fn yunhu_image_base() -> String {
    "https://chat-img.jwznb.com".into()
}

fn yunhu_media() -> Vec<String> {
    vec!["*.jwznb.com".into()]
}

fn yunhu_base() -> String {
    "https://chat-go.jwzhd.com".into()
}

fn yunhu_upload() -> String {
    "https://upload-z2.qiniup.com".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Douyin {
    #[serde(default = "douyin_base")]
    pub base_url: String,
    pub access_token: String,
    /// Signs webhooks: `X-Douyin-Signature` = sha1(client_secret + body).
    pub client_secret: String,
    /// Our own account's open_id (the `?open_id=` of send and recall).
    pub open_id: String,
    #[serde(default = "douyin_media")]
    pub media_hosts: Vec<String>,
}

fn douyin_media() -> Vec<String> {
    vec!["*.douyinpic.com".into(), "*.douyinvod.com".into()]
}

fn douyin_base() -> String {
    "https://open.douyin.com".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wecom {
    /// The wkteam enterprise API host.
    pub base_url: String,
    /// Login token, sent as `Authorization: Bearer …`.
    pub token: String,
    pub session_id: String,
    /// The service's send and upload endpoints are not documented anywhere we can check: they
    /// are configuration, modelled on E云's.
    #[serde(default = "wecom_send_text")]
    pub send_text_path: String,
    #[serde(default = "wecom_send_image")]
    pub send_image_path: String,
    #[serde(default = "wecom_send_file")]
    pub send_file_path: String,
    #[serde(default = "wecom_upload")]
    pub upload_path: String,
    /// 外部联系人详情 and 群详情: their doc pages leave the URL blank too (reference
    /// `contacts.md` §4); the defaults are named after the pages.
    #[serde(default = "wecom_contact_info")]
    pub contact_info_path: String,
    #[serde(default = "wecom_room_info")]
    pub room_info_path: String,
    /// Where pictures may be fetched from (`/api/media`); by default where WeCom and WeChat
    /// keep profile pictures.
    #[serde(default = "wecom_media")]
    pub media_hosts: Vec<String>,
}

/// WeCom's own avatars are on `wework.qpic.cn` (`…/wwhead/…`, `…/bizmail/…`); an external
/// contact who is a WeChat user has a WeChat avatar (`*.qlogo.cn`). Seen in WeCom API answers
/// quoted by public clients (member `avatar`, approval `ApplyUserImage`).
fn wecom_media() -> Vec<String> {
    vec!["wework.qpic.cn".into(), "*.qlogo.cn".into()]
}

fn wecom_contact_info() -> String {
    wecom_endpoints::CONTACT_INFO.path.into()
}

fn wecom_room_info() -> String {
    wecom_endpoints::ROOM_INFO.path.into()
}

fn wecom_send_text() -> String {
    wecom_endpoints::SEND_TEXT.path.into()
}

fn wecom_send_image() -> String {
    wecom_endpoints::SEND_IMAGE.path.into()
}

fn wecom_send_file() -> String {
    wecom_endpoints::SEND_FILE.path.into()
}

fn wecom_upload() -> String {
    wecom_endpoints::UPLOAD.path.into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mixin {
    #[serde(default = "mixin_base")]
    pub base_url: String,
    pub user_id: String,
    pub session_id: String,
    /// Ed25519 session private key: base64 (standard or URL-safe) of the 32-byte seed or of the
    /// 64-byte seed‖public key, as Mixin's dashboard exports it.
    pub private_key: String,
    /// Attachment storage: where `PUT upload_url` may go and where `view_url` media come from.
    #[serde(default = "mixin_upload_hosts")]
    pub upload_hosts: Vec<String>,
    /// Where profile pictures come from (`avatar_url`, a group's `icon_url`): fetched through
    /// `/api/media`, never uploaded to.
    #[serde(default = "mixin_avatar_hosts")]
    pub avatar_hosts: Vec<String>,
    /// Blaze, the WebSocket bots receive on. The China mirror is `wss://mixin-blaze.zeromesh.net/`
    /// (Mixin's own clients name it beside `wss://blaze.mixin.one`: the Android app's
    /// `Constants.kt`, the desktop app's `blaze.dart`).
    #[serde(default = "mixin_blaze")]
    pub blaze_url: String,
}

fn mixin_blaze() -> String {
    "wss://blaze.mixin.one/".into()
}

fn mixin_base() -> String {
    "https://api.mixin.one".into()
}

/// Mixin's attachment storage as its answers name it: `upload_url` on
/// `moments-shou-tv.s3.amazonaws.com`, `view_url` on `mixin-assets.zeromesh.net` (formerly
/// `moments.shou.tv`) — from `POST /attachments` answers recorded in public Mixin clients (a
/// 2021 CLI README; the Ruby bot SDK's attachment sample). Not every bucket on S3.
fn mixin_upload_hosts() -> Vec<String> {
    vec![
        "moments-shou-tv.s3.amazonaws.com".into(),
        "mixin-assets.zeromesh.net".into(),
        "moments.shou.tv".into(),
    ]
}

/// WeChat's profile pictures (`getContact`'s `smallHead`/`bigHead`) are on `wx.qlogo.cn`
/// (`http://wx.qlogo.cn/mmhead/…`) and its siblings (`thirdwx.qlogo.cn`).
fn wechat_media() -> Vec<String> {
    vec!["*.qlogo.cn".into()]
}

/// Mixin's images (users' `avatar_url`, apps' and assets' icons) are served from
/// `mixin-images.zeromesh.net` (`…=s256`), as answers quoted in public Mixin clients show.
fn mixin_avatar_hosts() -> Vec<String> {
    vec!["mixin-images.zeromesh.net".into()]
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wechat {
    /// The vendor-assigned `http://host:port`.
    pub base_url: String,
    /// The key from `/member/login`, sent as `Authorization` (no "Bearer").
    pub authorization: String,
    pub w_id: String,
    /// Where pictures may be fetched from (`/api/media`); by default WeChat's avatar hosts.
    #[serde(default = "wechat_media")]
    pub media_hosts: Vec<String>,
    /// This server's address as E云 reaches it (where its callbacks are posted). E云 takes
    /// images and files by URL only: uploads are hosted here. Without it, sending them is off.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Seconds between two pulls of `syncFinder` (视频号 private messages arrive only that way);
    /// 0: not pulled.
    #[serde(default = "wechat_pull_every")]
    pub pull_every_secs: u64,
    /// Our 视频号 (`…@finder`), named as `myUserName` in `privateSend` when the session the
    /// agent answers in has not shown it.
    #[serde(default)]
    pub finder_username: Option<String>,
}

fn wechat_pull_every() -> u64 {
    30
}

impl Mixin {
    /// The 32-byte Ed25519 seed.
    pub fn signing_seed(&self) -> anyhow::Result<[u8; 32]> {
        let text = self.private_key.trim();
        // 64 or 128 hex digits are also valid base64, so hex is tried first.
        let bytes = hex::decode(text)
            .ok()
            .filter(|bytes| matches!(bytes.len(), 32 | 64))
            .map_or_else(
                || {
                    base64::engine::general_purpose::STANDARD
                        .decode(text)
                        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text))
                        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(text))
                        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text))
                },
                Ok,
            )
            .context("mixin.private_key is neither base64 nor hex")?;
        match bytes.len() {
            32 | 64 => Ok(bytes[..32].try_into().expect("32 bytes")),
            other => bail!("mixin.private_key holds {other} bytes; an Ed25519 key has 32 or 64"),
        }
    }
}

impl Config {
    /// Reads the file (if any), overlays the environment, and checks every value.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
        let mut table = match path {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading the configuration {}", path.display()))?;
                text.parse::<toml::Table>()
                    .with_context(|| format!("{} is not valid TOML", path.display()))?
            }
            None => toml::Table::new(),
        };
        overlay_environment(&mut table, std::env::vars());
        Config::from_table(table)
    }

    pub fn from_table(table: toml::Table) -> anyhow::Result<Config> {
        let mut config: Config = toml::Value::Table(table)
            .try_into()
            .map_err(|error: toml::de::Error| anyhow::anyhow!("invalid configuration: {error}"))?;
        config.validate()?;
        if let Some(wechat) = &mut config.wechat
            && wechat.public_url.is_none()
        {
            wechat.public_url = config.public_url.clone();
        }
        Ok(config)
    }

    /// True when no platform is configured: the sandbox stands in for all of them.
    pub fn is_sandbox(&self) -> bool {
        self.yunhu.is_none()
            && self.douyin.is_none()
            && self.wecom.is_none()
            && self.mixin.is_none()
            && self.wechat.is_none()
    }

    fn validate(&self) -> anyhow::Result<()> {
        let mut urls: Vec<(&str, &str)> = Vec::new();
        if let Some(yunhu) = &self.yunhu {
            if yunhu.user_token.is_none() && yunhu.bot_token.is_none() {
                bail!("yunhu: set yunhu.user_token, yunhu.bot_token or both");
            }
            if yunhu.user_id.is_some() && yunhu.user_token.is_none() {
                bail!("yunhu.user_id needs yunhu.user_token: the push socket logs in with both");
            }
            if let Some(user_id) = &yunhu.user_id {
                require_non_empty("yunhu.user_id", user_id)?;
                check_socket_url("yunhu.socket_url", &yunhu.socket_url)?;
            }
            urls.push(("yunhu.base_url", &yunhu.base_url));
            urls.push(("yunhu.upload_url", &yunhu.upload_url));
            urls.push(("yunhu.image_base_url", &yunhu.image_base_url));
        }
        if let Some(douyin) = &self.douyin {
            urls.push(("douyin.base_url", &douyin.base_url));
            for (key, value) in [
                ("douyin.access_token", &douyin.access_token),
                ("douyin.client_secret", &douyin.client_secret),
                ("douyin.open_id", &douyin.open_id),
            ] {
                require_non_empty(key, value)?;
            }
        }
        if let Some(wecom) = &self.wecom {
            urls.push(("wecom.base_url", &wecom.base_url));
            require_non_empty("wecom.token", &wecom.token)?;
            require_non_empty("wecom.session_id", &wecom.session_id)?;
            for (key, value) in [
                ("wecom.send_text_path", &wecom.send_text_path),
                ("wecom.send_image_path", &wecom.send_image_path),
                ("wecom.send_file_path", &wecom.send_file_path),
                ("wecom.upload_path", &wecom.upload_path),
                ("wecom.contact_info_path", &wecom.contact_info_path),
                ("wecom.room_info_path", &wecom.room_info_path),
            ] {
                if !value.starts_with('/') || value.contains("..") || value.contains('?') {
                    bail!("{key} must be a plain path starting with '/', got {value:?}");
                }
            }
        }
        if let Some(mixin) = &self.mixin {
            urls.push(("mixin.base_url", &mixin.base_url));
            require_non_empty("mixin.user_id", &mixin.user_id)?;
            require_non_empty("mixin.session_id", &mixin.session_id)?;
            mixin.signing_seed()?;
        }
        if let Some(public_url) = &self.public_url {
            urls.push(("public_url", public_url));
        }
        if let Some(wechat) = &self.wechat {
            urls.push(("wechat.base_url", &wechat.base_url));
            if let Some(public_url) = &wechat.public_url {
                urls.push(("wechat.public_url", public_url));
            }
            require_non_empty("wechat.authorization", &wechat.authorization)?;
            require_non_empty("wechat.w_id", &wechat.w_id)?;
        }
        for (key, url) in urls {
            check_base_url(key, url)?;
        }
        if self.body_limit < 1024 {
            bail!("body_limit must be at least 1024 bytes");
        }
        if self.upstream_timeout_secs == 0 {
            bail!("upstream_timeout_secs must be at least 1");
        }
        let limits = &self.limits;
        for (key, value) in [
            ("limits.max_connections", limits.max_connections as u64),
            ("limits.header_timeout_secs", limits.header_timeout_secs),
            ("limits.body_timeout_secs", limits.body_timeout_secs),
            ("limits.large_bodies", limits.large_bodies as u64),
            ("limits.stream_stall_secs", limits.stream_stall_secs),
            ("limits.page_bytes", limits.page_bytes as u64),
            ("limits.profile_retry_secs", limits.profile_retry_secs),
        ] {
            if value == 0 {
                bail!("{key} must be at least 1");
            }
        }
        Ok(())
    }
}

fn require_non_empty(key: &str, value: &str) -> anyhow::Result<()> {
    if value.trim().is_empty() {
        bail!("{key} is empty");
    }
    Ok(())
}

fn check_base_url(key: &str, url: &str) -> anyhow::Result<()> {
    let parsed =
        reqwest::Url::parse(url).with_context(|| format!("{key} is not a URL: {url:?}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        bail!("{key} must be an http:// or https:// URL with a host, got {url:?}");
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        bail!("{key} must not carry a query or fragment, got {url:?}");
    }
    Ok(())
}

fn check_socket_url(key: &str, url: &str) -> anyhow::Result<()> {
    let parsed =
        reqwest::Url::parse(url).with_context(|| format!("{key} is not a URL: {url:?}"))?;
    if !matches!(parsed.scheme(), "ws" | "wss") || parsed.host_str().is_none() {
        bail!("{key} must be a ws:// or wss:// URL with a host, got {url:?}");
    }
    Ok(())
}

/// Whether `name` is a section of the configuration: one per platform, the limits, the desk.
fn is_section(name: &str) -> bool {
    name == "limits" || name == "desk" || Platform::from_id(name).is_some()
}

/// `SWITCHBOARD_DOUYIN_ACCESS_TOKEN=x` sets `douyin.access_token`; `SWITCHBOARD_BODY_LIMIT`
/// sets `body_limit` (likewise `upstream_timeout_secs` and `public_url`). Variables of the CLI
/// itself (`SWITCHBOARD_LISTEN`, …) are not settings.
fn overlay_environment(table: &mut toml::Table, variables: impl Iterator<Item = (String, String)>) {
    for (name, value) in variables {
        let Some(rest) = name.strip_prefix("SWITCHBOARD_") else {
            continue;
        };
        let rest = rest.to_ascii_lowercase();
        if let Some((platform, key)) = rest.split_once('_')
            && is_section(platform)
        {
            let section = table
                .entry(platform)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let toml::Value::Table(section) = section {
                section.insert(key.to_owned(), typed_value(key, value));
            }
        } else if matches!(
            rest.as_str(),
            "body_limit" | "upstream_timeout_secs" | "public_url"
        ) {
            table.insert(rest.clone(), typed_value(&rest, value));
        }
    }
}

fn typed_value(key: &str, value: String) -> toml::Value {
    if key == "upload_hosts"
        || key == "media_hosts"
        || key == "avatar_hosts"
        || key == "auto_assign"
    {
        return toml::Value::Array(
            value
                .split(',')
                .map(|host| toml::Value::String(host.trim().to_owned()))
                .collect(),
        );
    }
    let numeric = matches!(
        key,
        "body_limit"
            | "upstream_timeout_secs"
            | "max_connections"
            | "header_timeout_secs"
            | "body_timeout_secs"
            | "large_bodies"
            | "stream_stall_secs"
            | "rejected_per_minute"
            | "page_bytes"
            | "profile_retry_secs"
            | "pull_every_secs"
    );
    match value.parse::<i64>() {
        Ok(number) if numeric => toml::Value::Integer(number),
        _ => toml::Value::String(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> anyhow::Result<Config> {
        Config::from_table(text.parse().unwrap())
    }

    #[test]
    fn nothing_configured_means_sandbox() {
        let config = parse("").unwrap();
        assert!(config.is_sandbox());
        assert_eq!(config.body_limit, 8 * 1024 * 1024);
    }

    #[test]
    fn a_configured_platform_turns_the_sandbox_off() {
        let config =
            parse("[douyin]\naccess_token = \"a\"\nclient_secret = \"s\"\nopen_id = \"o\"\n")
                .unwrap();
        assert!(!config.is_sandbox());
        assert_eq!(config.douyin.unwrap().base_url, "https://open.douyin.com");
    }

    #[test]
    fn profile_pictures_are_allowed_from_the_platforms_avatar_hosts_by_default() {
        use crate::platforms::host_allowed;
        let config = parse(&format!(
            "[wechat]\nbase_url = \"http://h:1\"\nauthorization = \"k\"\nw_id = \"w\"\n\
             [wecom]\nbase_url = \"http://w:1\"\ntoken = \"t\"\nsession_id = \"s\"\n\
             [mixin]\nuser_id = \"u\"\nsession_id = \"s\"\nprivate_key = \"{}\"\n",
            hex::encode([7u8; 32])
        ))
        .unwrap();
        let wechat = config.wechat.unwrap().media_hosts;
        assert!(host_allowed(&wechat, "wx.qlogo.cn"));
        assert!(host_allowed(&wechat, "thirdwx.qlogo.cn"));
        let wecom = config.wecom.unwrap().media_hosts;
        assert!(host_allowed(&wecom, "wework.qpic.cn"));
        assert!(host_allowed(&wecom, "wx.qlogo.cn"));
        let mixin = config.mixin.unwrap();
        assert!(host_allowed(
            &mixin.avatar_hosts,
            "mixin-images.zeromesh.net"
        ));
        assert!(!host_allowed(
            &mixin.upload_hosts,
            "mixin-images.zeromesh.net"
        ));
    }

    #[test]
    fn errors_name_the_key() {
        let unknown = parse("[douyin]\naccess_tokn = \"a\"\n")
            .unwrap_err()
            .to_string();
        assert!(unknown.contains("access_tokn"), "{unknown}");
        let missing = parse("[wechat]\nbase_url = \"http://h:1\"\nw_id = \"w\"\n")
            .unwrap_err()
            .to_string();
        assert!(missing.contains("authorization"), "{missing}");
        let url = parse("[wechat]\nbase_url = \"ftp://h\"\nauthorization = \"k\"\nw_id = \"w\"\n")
            .unwrap_err()
            .to_string();
        assert!(url.contains("wechat.base_url"), "{url}");
        let key = parse("[mixin]\nuser_id = \"u\"\nsession_id = \"s\"\nprivate_key = \"AAAA\"\n")
            .unwrap_err()
            .to_string();
        assert!(key.contains("mixin.private_key"), "{key}");
        let yunhu = parse("[yunhu]\n").unwrap_err().to_string();
        assert!(yunhu.contains("yunhu.user_token"), "{yunhu}");
        let socket = parse("[yunhu]\nbot_token = \"b\"\nuser_id = \"1\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            socket.contains("yunhu.user_id needs yunhu.user_token"),
            "{socket}"
        );
        let socket_url =
            parse("[yunhu]\nuser_token = \"t\"\nuser_id = \"1\"\nsocket_url = \"https://x/ws\"\n")
                .unwrap_err()
                .to_string();
        assert!(socket_url.contains("yunhu.socket_url"), "{socket_url}");
    }

    #[test]
    fn environment_variables_override_the_file() {
        let mut table: toml::Table =
            "[wechat]\nbase_url = \"http://h:1\"\nauthorization = \"file\"\nw_id = \"w\"\n"
                .parse()
                .unwrap();
        overlay_environment(
            &mut table,
            [
                (
                    "SWITCHBOARD_WECHAT_AUTHORIZATION".to_owned(),
                    "env".to_owned(),
                ),
                ("SWITCHBOARD_BODY_LIMIT".to_owned(), "4096".to_owned()),
                ("SWITCHBOARD_LISTEN".to_owned(), "0.0.0.0:1".to_owned()),
                ("PATH".to_owned(), "/bin".to_owned()),
            ]
            .into_iter(),
        );
        let config = Config::from_table(table).unwrap();
        assert_eq!(config.wechat.unwrap().authorization, "env");
        assert_eq!(config.body_limit, 4096);
    }

    #[test]
    fn the_public_url_comes_from_the_environment_and_is_e_yuns_unless_it_has_its_own() {
        let wechat = "[wechat]\nbase_url = \"http://h:1\"\nauthorization = \"k\"\nw_id = \"w\"\n";
        let mut table: toml::Table = wechat.parse().unwrap();
        overlay_environment(
            &mut table,
            [(
                "SWITCHBOARD_PUBLIC_URL".to_owned(),
                "https://desk.example.com/sb".to_owned(),
            )]
            .into_iter(),
        );
        let config = Config::from_table(table).unwrap();
        assert_eq!(
            config.public_url.as_deref(),
            Some("https://desk.example.com/sb")
        );
        assert_eq!(
            config.wechat.unwrap().public_url.as_deref(),
            Some("https://desk.example.com/sb"),
            "E云 fetches hosted media from the server's public address"
        );
        let own = parse(&format!(
            "public_url = \"https://desk.example.com\"\n{wechat}public_url = \"http://10.0.0.2:8080\"\n"
        ))
        .unwrap();
        assert_eq!(
            own.wechat.unwrap().public_url.as_deref(),
            Some("http://10.0.0.2:8080")
        );
        for (text, key) in [
            (
                "public_url = \"desk.example.com\"\n".to_owned(),
                "public_url",
            ),
            (
                format!("{wechat}public_url = \"ftp://h\"\n"),
                "wechat.public_url",
            ),
        ] {
            let error = parse(&text).unwrap_err().to_string();
            assert!(error.contains(key), "{error}");
        }
    }

    #[test]
    fn mixin_keys_in_every_export_form() {
        let seed = [7u8; 32];
        let mut full = seed.to_vec();
        full.extend([9u8; 32]);
        for key in [
            base64::engine::general_purpose::STANDARD.encode(seed),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&full),
            hex::encode(seed),
        ] {
            let mixin = Mixin {
                base_url: mixin_base(),
                user_id: "u".into(),
                session_id: "s".into(),
                private_key: key,
                upload_hosts: vec![],
                avatar_hosts: vec![],
                blaze_url: mixin_blaze(),
            };
            assert_eq!(mixin.signing_seed().unwrap(), seed);
        }
    }
}
