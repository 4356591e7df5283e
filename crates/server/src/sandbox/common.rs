//! What every emulator shares: the sandbox's credentials and signing key, the refusal an
//! emulator answers with, the lock that survives a panicking handler, ids, a test image and the
//! file of an upload form; what a simulated customer writes and the delivery it makes.

use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::Multipart;
use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};
use switchboard_payload::Platform;
use switchboard_payload::customer::{CustomerMessage, TextFormat};

/// Credentials the sandbox hands out and checks. Not secrets: the sandbox is loopback-only
/// and emulates; still, the leak tests prove none of them reaches a response or the log.
pub mod credentials {
    pub const YUNHU_USER_TOKEN: &str = "sandbox-yunhu-user-token-5b0e";
    /// The user account the token belongs to (its push socket logs in with both).
    pub const YUNHU_USER_ID: &str = "7058262";
    pub const YUNHU_BOT_TOKEN: &str = "sandbox-yunhu-bot-token-91c2";
    pub const DOUYIN_ACCESS_TOKEN: &str = "sandbox-douyin-access-token-77fa";
    pub const DOUYIN_CLIENT_SECRET: &str = "sandbox-douyin-client-secret-3e19";
    pub const DOUYIN_OPEN_ID: &str = "_000sandbox-agent-open-id";
    pub const WECOM_TOKEN: &str = "sandbox-wecom-login-token-c4d1";
    pub const WECOM_SESSION_ID: &str = "sandbox-wecom-session";
    pub const MIXIN_USER_ID: &str = "7000104111-0000-4000-8000-00000000b07a";
    pub const MIXIN_SESSION_ID: &str = "5e55a4f0-0000-4000-8000-00000000a11d";
    pub const WECHAT_AUTHORIZATION: &str = "sandbox-wechat-key-2d8b";
    pub const WECHAT_W_ID: &str = "sandbox-wid-0001";
    pub const WECHAT_OWN_WXID: &str = "wxid_sandbox_agent";
    /// The business's 视频号 (WeChat Channels) profile, whose private messages E云 syncs.
    pub const WECHAT_FINDER_USERNAME: &str =
        "v2_060000231003b20faec8c6e18f1sandbox0000000000000000000000000000000000000001@finder";
}

/// The Mixin session key: fixed per sandbox so a restart keeps verifying.
pub fn mixin_signing_key() -> SigningKey {
    let seed: [u8; 32] = Sha256::digest(b"switchboard sandbox mixin session key").into();
    SigningKey::from_bytes(&seed)
}

/// An emulator's refusal, already in the platform's own error shape (boxed: a response is big).
pub struct Refused(Box<axum::response::Response>);

impl From<axum::response::Response> for Refused {
    fn from(response: axum::response::Response) -> Refused {
        Refused(Box::new(response))
    }
}

impl axum::response::IntoResponse for Refused {
    fn into_response(self) -> axum::response::Response {
        *self.0
    }
}

pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}

/// A fresh id of `digits` decimal digits (platform ids are often long numbers).
pub fn numeric_id(digits: usize) -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("randomness");
    let mut number = u128::from_le_bytes(bytes);
    let mut id = String::with_capacity(digits);
    for position in 0..digits {
        let digit = (number % 10) as u8;
        number /= 10;
        // No leading zero.
        id.push(char::from(
            b'0' + if position + 1 == digits && digit == 0 {
                7
            } else {
                digit
            },
        ));
    }
    id
}

/// A tiny valid PNG (1×1, the given colour), for generated images.
pub fn png_1x1(rgb: [u8; 3]) -> Vec<u8> {
    use std::io::Write;
    let mut raw = vec![0u8];
    raw.extend(rgb);
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&raw).expect("in memory");
    let idat = encoder.finish().expect("in memory");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend((data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        png.extend(kind);
        png.extend(data);
        png.extend(crc.sum().to_be_bytes());
    };
    chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
    chunk(b"IDAT", &idat);
    chunk(b"IEND", &[]);
    png
}

/// The first file field of a form: (field name, content type, bytes).
pub async fn first_file(mut multipart: Multipart) -> Option<(String, String, Vec<u8>)> {
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.file_name().is_some() {
            let name = field.name().unwrap_or_default().to_owned();
            let content_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_owned();
            let bytes = field.bytes().await.ok()?.to_vec();
            return Some((name, content_type, bytes));
        }
    }
    None
}

/// What a customer writes: which of them, their name, and the text.
pub struct Writing<'a> {
    /// 0 or 1.
    pub customer: usize,
    pub name: &'a str,
    /// Their picture (served by the sandbox), where deliveries carry one.
    pub avatar: String,
    pub text: &'a str,
    pub format: TextFormat,
    /// Whether the platform delivers it (`false`: a lost callback, only in the platform's history).
    pub delivered: bool,
    /// Yunhu: the customer writes to the bot (delivered by its webhook) rather than to the user
    /// account (pushed on its socket).
    pub to_bot: bool,
    /// WeChat: the customer writes to the business's 视频号 (Channels) profile, a private message
    /// E云 only syncs (`syncFinder`), rather than to its WeChat account (a callback).
    pub to_channels: bool,
    /// wkteam WeCom: the customer writes in the group (`room_id`) rather than to us alone.
    pub in_group: bool,
}

/// A customer's message on its way: a webhook to post to `/hooks/{platform}/{secret}` (headers
/// and body), or a frame the platform already pushed on its socket.
pub struct Delivery {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The platform's id for the message, for the caller to find it again.
    pub message_id: String,
    pub carried: Carried,
}

/// How the platform carries a customer's message to us.
pub enum Carried {
    /// It posts the delivery to our webhook intake.
    Webhook,
    /// It pushed the message on the socket our server keeps open. The check says whether it has
    /// reached our server yet (acknowledged; on a socket without acknowledgements, written to
    /// it) (`None`: no connection is open to push it on).
    Socket(Box<dyn Fn() -> Option<bool> + Send + Sync>),
    /// It keeps the message for our server's next pull. The check says whether a pull has
    /// fetched it yet.
    Pulled(Box<dyn Fn() -> bool + Send + Sync>),
}

impl Writing<'_> {
    /// The message `customer_id` writes now, under the platform's `message_id`; a platform's
    /// other ids are added to it.
    pub fn message<'a>(&'a self, message_id: &'a str, customer_id: &'a str) -> CustomerMessage<'a> {
        CustomerMessage {
            message_id,
            customer_id,
            customer_name: self.name,
            customer_avatar: &self.avatar,
            text: self.text,
            format: self.format,
            sent_at_ms: now_ms(),
            ..CustomerMessage::default()
        }
    }
}

impl Delivery {
    /// `message` as `platform` delivers it: JSON, with no headers beyond its content type.
    pub fn of(platform: Platform, message: &CustomerMessage) -> Delivery {
        let body = switchboard_payload::platforms::of(platform).customer_message(message);
        Delivery {
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: serde_json::to_vec(&body).expect("a JSON value serializes"),
            message_id: message.message_id.to_owned(),
            carried: Carried::Webhook,
        }
    }
}
