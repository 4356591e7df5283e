//! The sandbox: in-process emulators of every platform endpoint the console uses, on their own
//! loopback listener, speaking each platform's wire format (Yunhu protobuf, JSON for the rest)
//! and keeping state (sent messages are listed, recalls get recall times, wrong credentials get
//! the platform's error shape). `switchboard serve` with no configured platform runs against it,
//! and a simulated customer posts webhooks into our own intake on demand.

pub mod customer;
pub mod douyin;
pub mod mixin;
pub mod seed;
pub mod wechat;
pub mod wecom;
pub mod yunhu;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use axum::Router;
use axum::serve::ListenerExt;
use base64::Engine;
use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};

use crate::config::{self, Config};

/// Credentials the sandbox hands out and checks. Not secrets: the sandbox is loopback-only
/// and emulates; still, the leak tests prove none of them reaches a response or the log.
pub mod credentials {
    pub const YUNHU_USER_TOKEN: &str = "sandbox-yunhu-user-token-5b0e";
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
}

/// The Mixin session key: fixed per sandbox so a restart keeps verifying.
pub fn mixin_signing_key() -> SigningKey {
    let seed: [u8; 32] = Sha256::digest(b"switchboard sandbox mixin session key").into();
    SigningKey::from_bytes(&seed)
}

/// A running sandbox.
pub struct Sandbox {
    /// `http://127.0.0.1:PORT`, the root every emulator hangs under.
    pub base_url: String,
    pub state: Arc<State>,
}

/// Every emulator's state, each behind its own lock.
#[derive(Default)]
pub struct State {
    pub yunhu: Mutex<yunhu::Store>,
    pub douyin: Mutex<douyin::Store>,
    pub wecom: Mutex<wecom::Store>,
    pub mixin: Mutex<mixin::Store>,
    pub wechat: Mutex<wechat::Store>,
    /// Where the simulated customer posts webhooks: our own intake, set once we listen.
    pub intake: Mutex<Option<String>>,
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

impl Sandbox {
    /// Binds a loopback port and serves every emulator on it.
    pub async fn start() -> anyhow::Result<Sandbox> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the sandbox's listener")?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let state = Arc::new(State::default());
        yunhu::seed_history(&mut lock(&state.yunhu));
        let router = Router::new()
            .nest("/yunhu", yunhu::routes(state.clone(), base_url.clone()))
            .nest("/qiniu", yunhu::qiniu_routes(state.clone()))
            .nest("/yunhu-media", yunhu::media_routes(state.clone()))
            .nest("/douyin", douyin::routes(state.clone()))
            .nest("/wecom", wecom::routes(state.clone()))
            .nest("/mixin", mixin::routes(state.clone(), base_url.clone()))
            .nest("/mixin-storage", mixin::storage_routes(state.clone()))
            .nest("/wechat", wechat::routes(state.clone()))
            .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024));
        tokio::spawn(async move {
            let listener = listener.tap_io(|stream| {
                let _ = stream.set_nodelay(true);
            });
            if let Err(error) = axum::serve(listener, router).await {
                tracing::error!("the sandbox stopped: {error}");
            }
        });
        Ok(Sandbox { base_url, state })
    }

    /// A configuration with every platform pointing at this sandbox; `public_url` is our own
    /// server's address (E云 fetches hosted files from it).
    pub fn config(&self, public_url: &str) -> Config {
        use credentials::*;
        let base = &self.base_url;
        let host = base.trim_start_matches("http://").to_owned();
        Config {
            yunhu: Some(config::Yunhu {
                base_url: format!("{base}/yunhu"),
                upload_url: format!("{base}/qiniu"),
                user_token: Some(YUNHU_USER_TOKEN.into()),
                bot_token: Some(YUNHU_BOT_TOKEN.into()),
                media_hosts: vec![host.clone()],
                image_base_url: format!("{base}/yunhu-media"),
            }),
            douyin: Some(config::Douyin {
                base_url: format!("{base}/douyin"),
                access_token: DOUYIN_ACCESS_TOKEN.into(),
                client_secret: DOUYIN_CLIENT_SECRET.into(),
                open_id: DOUYIN_OPEN_ID.into(),
                media_hosts: vec![host.clone()],
            }),
            wecom: Some(config::Wecom {
                base_url: format!("{base}/wecom"),
                token: WECOM_TOKEN.into(),
                session_id: WECOM_SESSION_ID.into(),
                send_text_path: "/message/sendText".into(),
                send_image_path: "/message/sendImage".into(),
                send_file_path: "/message/sendFile".into(),
                upload_path: "/message/upload".into(),
                media_hosts: vec![host.clone()],
            }),
            mixin: Some(config::Mixin {
                base_url: format!("{base}/mixin"),
                user_id: MIXIN_USER_ID.into(),
                session_id: MIXIN_SESSION_ID.into(),
                private_key: base64::engine::general_purpose::STANDARD
                    .encode(mixin_signing_key().to_bytes()),
                upload_hosts: vec![host.clone()],
            }),
            wechat: Some(config::Wechat {
                base_url: format!("{base}/wechat"),
                authorization: WECHAT_AUTHORIZATION.into(),
                w_id: WECHAT_W_ID.into(),
                media_hosts: vec![host],
                public_url: Some(public_url.to_owned()),
            }),
            ..Config::default_limits()
        }
    }
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
