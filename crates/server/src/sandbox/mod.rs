//! The sandbox: in-process emulators of every platform endpoint the console uses, on their own
//! loopback listener, speaking each platform's wire format (Yunhu protobuf, JSON for the rest)
//! and keeping state (sent messages are listed, recalls get recall times, wrong credentials get
//! the platform's error shape). `switchboard serve` with no configured platform runs against it,
//! and a simulated customer posts webhooks into our own intake on demand.

pub mod common;
pub mod customer;
pub mod directory;
pub mod douyin;
pub mod mixin;
pub mod received;
pub mod seed;
pub mod wechat;
pub mod wecom;
pub mod yunhu;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::serve::ListenerExt;
use base64::Engine;

pub use common::{credentials, lock, mixin_signing_key, now_ms, numeric_id, png_1x1};

use switchboard_payload::Platform;
use switchboard_payload::platforms::wecom::endpoints as wecom_endpoints;

use crate::config::{self, Config};

/// A running sandbox.
pub struct Sandbox {
    /// `http://127.0.0.1:PORT`, the root every emulator hangs under.
    pub base_url: String,
    pub state: Arc<State>,
}

/// Every emulator's store, each behind its own lock, shared with the simulated customer (who
/// writes into them).
#[derive(Default)]
pub struct State {
    pub yunhu: Arc<Mutex<yunhu::Store>>,
    pub douyin: Arc<Mutex<douyin::Store>>,
    pub wecom: Arc<Mutex<wecom::Store>>,
    pub mixin: Arc<Mutex<mixin::Store>>,
    pub wechat: Arc<Mutex<wechat::Store>>,
    /// The customers' names and pictures, and the profile calls to refuse.
    pub directory: Arc<directory::Directory>,
    /// Where the simulated customer posts webhooks: our own intake, set once we listen.
    pub intake: Arc<Mutex<Option<String>>>,
    /// The bodies the emulators received, for tests to search.
    pub received: Arc<received::Received>,
}

impl Sandbox {
    /// Binds a loopback port and serves every emulator on it.
    pub async fn start() -> anyhow::Result<Sandbox> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the sandbox's listener")?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let state = Arc::new(State::default());
        state.directory.set_base_url(&base_url);
        lock(&state.yunhu).directory = state.directory.clone();
        lock(&state.wecom).directory = state.directory.clone();
        lock(&state.mixin).directory = state.directory.clone();
        lock(&state.wechat).directory = state.directory.clone();
        yunhu::seed_history(&mut lock(&state.yunhu));
        let router = Router::new()
            .nest(
                "/yunhu",
                yunhu::routes(state.yunhu.clone(), base_url.clone()),
            )
            .nest("/qiniu", yunhu::qiniu_routes(state.yunhu.clone()))
            .nest("/yunhu-media", yunhu::media_routes(state.yunhu.clone()))
            .nest(
                "/yunhu-socket",
                yunhu::socket::routes(lock(&state.yunhu).socket.clone()),
            )
            .nest("/douyin", douyin::routes(state.douyin.clone()))
            .nest("/wecom", wecom::routes(state.wecom.clone()))
            .nest(
                "/mixin",
                mixin::routes(state.mixin.clone(), base_url.clone()),
            )
            .nest("/mixin-storage", mixin::storage_routes(state.mixin.clone()))
            .nest("/mixin-blaze", mixin::blaze_routes(&state.mixin))
            .nest(
                "/wechat",
                wechat::routes(state.wechat.clone(), state.intake.clone()),
            )
            .merge(directory::avatar_routes())
            .layer(axum::middleware::from_fn_with_state(
                state.received.clone(),
                received::record,
            ))
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

    /// Closes the socket `platform` keeps open to our server, refusing new ones for `refuse_for`;
    /// `false` when the platform keeps none (it posts webhooks).
    pub fn drop_connection(&self, platform: Platform, refuse_for: Option<Duration>) -> bool {
        match platform {
            Platform::Mixin => {
                let blaze = lock(&self.state.mixin).blaze.clone();
                lock(&blaze).cut(refuse_for);
                true
            }
            Platform::Yunhu => {
                let socket = lock(&self.state.yunhu).socket.clone();
                lock(&socket).cut(refuse_for);
                true
            }
            Platform::Douyin | Platform::Wecom | Platform::Wechat => false,
        }
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
                user_id: Some(yunhu::AGENT_ID.into()),
                socket_url: format!("ws://{host}/yunhu-socket/ws"),
                device_id: None,
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
                send_text_path: wecom_endpoints::SEND_TEXT.path.into(),
                send_image_path: wecom_endpoints::SEND_IMAGE.path.into(),
                send_file_path: wecom_endpoints::SEND_FILE.path.into(),
                upload_path: wecom_endpoints::UPLOAD.path.into(),
                contact_info_path: wecom_endpoints::CONTACT_INFO.path.into(),
                room_info_path: wecom_endpoints::ROOM_INFO.path.into(),
                media_hosts: vec![host.clone()],
            }),
            mixin: Some(config::Mixin {
                base_url: format!("{base}/mixin"),
                user_id: MIXIN_USER_ID.into(),
                session_id: MIXIN_SESSION_ID.into(),
                private_key: base64::engine::general_purpose::STANDARD
                    .encode(mixin_signing_key().to_bytes()),
                upload_hosts: vec![host.clone()],
                avatar_hosts: vec![host.clone()],
                blaze_url: format!("ws://{host}/mixin-blaze"),
            }),
            wechat: Some(config::Wechat {
                base_url: format!("{base}/wechat"),
                authorization: WECHAT_AUTHORIZATION.into(),
                w_id: WECHAT_W_ID.into(),
                media_hosts: vec![host],
                public_url: Some(public_url.to_owned()),
                // Loopback and cheap: a lost message shows within seconds.
                pull_every_secs: 5,
                // Left out: the desk names our 视频号 from the session's own messages.
                finder_username: None,
            }),
            ..Config::default_limits()
        }
    }
}
