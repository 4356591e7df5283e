//! E云 emulator: `sendText`, `sendImage2` and `sendFile` (the URL they name is downloaded, as
//! E云 does), `revokeMsg` (needs the send's msgId, newMsgId and createTime), and the 视频号
//! (WeChat Channels) private messages: `syncFinder` pages of them (and live notices) in the
//! seed's shape, paged by `keyBuff` (base64 protobuf, like the real one), and `privateSend`
//! into a session (its `sessionId`, our `myUserName` and the session's customer checked; the
//! reply is in the next page with `isSender` 1). `Authorization` and `wId` are checked on
//! every call; answers `{code:"1000"|"1001", message, data}`.

pub mod customer;

/// The customers' wxids.
pub const CUSTOMER_IDS: [&str; 2] = ["wxid_sandbox_customer_c1", "wxid_sandbox_customer_c2"];

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use switchboard_payload::Platform;
use switchboard_payload::platforms::wechat::endpoints;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use prost::Message;

use super::common::credentials::{WECHAT_AUTHORIZATION, WECHAT_FINDER_USERNAME, WECHAT_W_ID};
use super::common::{Refused, lock, now_ms};

const PAGE: usize = 10;

#[derive(Debug, Clone)]
pub struct SentMessage {
    pub wc_id: String,
    pub kind: u32,
    pub content: String,
    pub msg_id: u64,
    pub new_msg_id: u64,
    pub create_time: u64,
    pub revoked: bool,
}

#[derive(Default)]
pub struct Store {
    /// Who the customers are (`getContact`).
    pub directory: Arc<crate::sandbox::directory::Directory>,
    pub sent: Vec<SentMessage>,
    /// syncFinder's items (视频号 private messages and live notices), oldest first; an
    /// item's seq is its index + 1.
    pub items: Vec<serde_json::Value>,
    /// How many items `syncFinder` pages have handed out (the newest page's end).
    pub synced: usize,
    /// 视频号 sessions (`…@findermsg`) and the customer (`…@findermsgstranger`) in each.
    pub sessions: HashMap<String, String>,
    /// Every `privateSend` accepted: (session, toUserName, myUserName, content).
    pub private_sends: Vec<(String, String, String, String)>,
    next_msg_id: u64,
}

impl Store {
    pub fn next_ids(&mut self) -> (u64, u64) {
        self.next_msg_id += 1;
        // NewMsgId is a 64-bit number past 2^53 in real traffic: keep it so.
        let new_msg_id = 3_876_235_366_388_000_000 + self.next_msg_id * 7919 + now_ms() % 1000;
        (self.next_msg_id + 1_000_000, new_msg_id)
    }

    /// The session between a customer and our 视频号: `…@findermsg`, stable per customer.
    pub fn session_of(&mut self, customer: &str) -> String {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(format!("{customer} {WECHAT_FINDER_USERNAME}"));
        let session = format!("{}@findermsg", hex::encode(digest));
        self.sessions
            .entry(session.clone())
            .or_insert_with(|| customer.to_owned());
        session
    }

    /// Adds a message to what syncFinder will return.
    pub fn push_item(&mut self, item: SyncItem<'_>) {
        let SyncItem {
            from,
            to,
            msg_type,
            content,
            is_sender,
            new_msg_id,
            msg_id,
            session,
        } = item;
        let seq = self.items.len() as u64 + 1;
        self.items.push(serde_json::json!({
            "syncKeyType": 1, "itemType": 1, "subType": 0,
            "content": {
                "msg": {
                    "MsgId": msg_id, "FromUserName": { "string": from }, "ToUserName": { "string": to },
                    "MsgType": msg_type, "Content": { "string": content }, "Status": 3, "ImgStatus": 1,
                    "ImgBuf": { "iLen": 0 }, "CreateTime": now_ms() / 1000, "MsgSeq": seq, "NewMsgId": new_msg_id,
                    "MsgSource": "<msgsource></msgsource>"
                },
                "isSender": if is_sender { 1 } else { 0 }, "msgSessionId": session, "seq": seq
            }
        }));
    }
}

/// One message as syncFinder lists it.
pub struct SyncItem<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub msg_type: u32,
    pub content: &'a str,
    pub is_sender: bool,
    pub new_msg_id: u64,
    pub msg_id: u64,
    /// The 视频号 session (`…@findermsg`); empty for a live notice.
    pub session: &'a str,
}

/// keyBuff: `{1: {1: key type, 2: seq}, 2: 0}`, base64.
#[derive(Clone, PartialEq, prost::Message)]
struct KeyBuff {
    #[prost(message, repeated, tag = "1")]
    keys: Vec<SyncKey>,
    #[prost(uint32, tag = "2")]
    flag: u32,
}

#[derive(Clone, PartialEq, prost::Message)]
struct SyncKey {
    #[prost(uint32, tag = "1")]
    key_type: u32,
    #[prost(uint64, tag = "2")]
    seq: u64,
}

/// The emulator's store, and our intake's address (hosted files are fetched from it).
struct Emulator {
    store: Arc<Mutex<Store>>,
    intake: Arc<Mutex<Option<String>>>,
}

type Shared = Arc<Emulator>;

pub fn routes(store: Arc<Mutex<Store>>, intake: Arc<Mutex<Option<String>>>) -> Router {
    let state = Arc::new(Emulator { store, intake });
    Router::new()
        .route(
            endpoints::SEND_TEXT.path,
            post(|state, headers, body| send(state, headers, body, 1)),
        )
        .route(
            endpoints::SEND_IMAGE2.path,
            post(|state, headers, body| send(state, headers, body, 3)),
        )
        .route(
            endpoints::SEND_FILE.path,
            post(|state, headers, body| send(state, headers, body, 6)),
        )
        .route(endpoints::REVOKE_MSG.path, post(revoke))
        .route(endpoints::SYNC_FINDER.path, post(sync_finder))
        .route(endpoints::PRIVATE_SEND.path, post(private_send))
        .route(endpoints::GET_CONTACT.path, post(get_contact))
        .with_state(state)
}

fn ok(data: serde_json::Value) -> Response {
    Json(serde_json::json!({ "code": "1000", "message": "处理成功", "data": data })).into_response()
}

fn fail(message: &str) -> Response {
    Json(serde_json::json!({ "code": "1001", "message": message, "data": null })).into_response()
}

fn parse(headers: &HeaderMap, body: &[u8]) -> Result<serde_json::Value, Refused> {
    if headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        != Some(WECHAT_AUTHORIZATION)
    {
        return Err(Refused::from(fail("授权失败")));
    }
    let request: serde_json::Value = serde_json::from_slice(body).map_err(|_| fail("失败"))?;
    if request["wId"] != WECHAT_W_ID {
        return Err(Refused::from(fail("wId 不存在")));
    }
    Ok(request)
}

async fn send(
    AxumState(state): AxumState<Shared>,
    headers: HeaderMap,
    body: Bytes,
    kind: u32,
) -> Response {
    let request = match parse(&headers, &body) {
        Ok(request) => request,
        Err(refused) => return refused.into_response(),
    };
    let wc_id = request["wcId"].as_str().unwrap_or_default();
    let content = match kind {
        6 => request["path"]
            .as_str()
            .filter(|_| request["fileName"].as_str().is_some()),
        3 => request["content"]
            .as_str()
            .filter(|url| url.starts_with("http://") || url.starts_with("https://")),
        _ => request["content"].as_str(),
    }
    .unwrap_or_default();
    if wc_id.is_empty() || content.is_empty() {
        return fail("失败");
    }
    // E云 downloads what an image or file send points at; a URL it cannot fetch fails the send.
    if kind != 1 && !fetchable(&state, content).await {
        return fail("文件下载失败");
    }
    let mut store = lock(&state.store);
    let (msg_id, new_msg_id) = store.next_ids();
    let create_time = now_ms() / 1000;
    store.sent.push(SentMessage {
        wc_id: wc_id.to_owned(),
        kind,
        content: content.to_owned(),
        msg_id,
        new_msg_id,
        create_time,
        revoked: false,
    });
    ok(
        serde_json::json!({ "type": kind, "msgId": msg_id, "newMsgId": new_msg_id, "createTime": create_time, "wcId": wc_id }),
    )
}

/// Whether E云 could download `url`. The emulator fetches only what our own server hosts
/// (`{intake}/files/…`): a send may name any URL, and the sandbox must not become a way to
/// make requests to anything else on this machine.
async fn fetchable(state: &Shared, url: &str) -> bool {
    let hosted_prefix = lock(&state.intake)
        .as_ref()
        .map(|intake| format!("{}/files/", intake.trim_end_matches('/')));
    if !hosted_prefix.is_some_and(|prefix| url.starts_with(&prefix)) || url.contains("/../") {
        return false;
    }
    let Ok(client) = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
    else {
        return false;
    };
    match client.get(url).send().await {
        Ok(response) if response.status().is_success() => response.bytes().await.is_ok(),
        _ => false,
    }
}

/// Most ids one `getContact` takes ("每次最多支持20个微信/群号").
const CONTACTS_PER_CALL: usize = 20;

/// `getContact`: the customers among at most 20 comma-separated ids.
async fn get_contact(
    AxumState(state): AxumState<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = match parse(&headers, &body) {
        Ok(request) => request,
        Err(refused) => return refused.into_response(),
    };
    let directory = lock(&state.store).directory.clone();
    if directory.refusing(Platform::Wechat) {
        return fail("请求过于频繁，请稍后再试");
    }
    let ids: Vec<&str> = request["wcId"]
        .as_str()
        .unwrap_or_default()
        .split(',')
        .filter(|id| !id.is_empty())
        .collect();
    if ids.is_empty() || ids.len() > CONTACTS_PER_CALL {
        return fail("wcId 为空或超过20个");
    }
    let contacts: Vec<serde_json::Value> = ids
        .iter()
        .filter_map(|id| CUSTOMER_IDS.iter().position(|known| known == id))
        .map(|index| {
            let avatar = directory.avatar_url(index);
            serde_json::json!({
                "userName": CUSTOMER_IDS[index],
                "nickName": directory.name(index),
                "remark": "",
                "signature": "",
                "sex": 0,
                "aliasName": "",
                "country": "CN",
                "bigHead": avatar,
                "smallHead": avatar,
                "labelList": "",
                "v1": "",
            })
        })
        .collect();
    ok(serde_json::Value::Array(contacts))
}

async fn revoke(AxumState(state): AxumState<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let request = match parse(&headers, &body) {
        Ok(request) => request,
        Err(refused) => return refused.into_response(),
    };
    let mut store = lock(&state.store);
    let found = store.sent.iter_mut().find(|sent| {
        request["wcId"] == sent.wc_id.as_str()
            && request["msgId"].as_u64() == Some(sent.msg_id)
            && request["newMsgId"].as_u64() == Some(sent.new_msg_id)
            && request["createTime"].as_u64() == Some(sent.create_time)
    });
    match found {
        Some(sent) if !sent.revoked => {
            sent.revoked = true;
            ok(serde_json::Value::Null)
        }
        _ => fail("撤回失败"),
    }
}

async fn sync_finder(
    AxumState(state): AxumState<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = match parse(&headers, &body) {
        Ok(request) => request,
        Err(refused) => return refused.into_response(),
    };
    let after = match request["keyBuff"].as_str().unwrap_or_default() {
        "" => 0,
        text => match base64::engine::general_purpose::STANDARD
            .decode(text)
            .ok()
            .and_then(|bytes| KeyBuff::decode(bytes.as_slice()).ok())
        {
            Some(key) => key
                .keys
                .iter()
                .find(|key| key.key_type == 1)
                .map_or(0, |key| key.seq) as usize,
            None => return fail("keyBuff 无效"),
        },
    };
    let mut store = lock(&state.store);
    let page: Vec<serde_json::Value> = store.items.iter().skip(after).take(PAGE).cloned().collect();
    let next = (after + page.len()) as u64;
    store.synced = store.synced.max(next as usize);
    let key_buff = KeyBuff {
        keys: vec![SyncKey {
            key_type: 1,
            seq: next,
        }],
        flag: 0,
    }
    .encode_to_vec();
    ok(
        serde_json::json!({ "list": page, "keyBuff": base64::engine::general_purpose::STANDARD.encode(key_buff) }),
    )
}

/// `privateSend {wId, toUserName, myUserName, sessionId, content}`: a text reply in a 视频号
/// session. The session must exist and name that customer, and we must be its profile.
async fn private_send(
    AxumState(state): AxumState<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = match parse(&headers, &body) {
        Ok(request) => request,
        Err(refused) => return refused.into_response(),
    };
    let text = |key: &str| request[key].as_str().unwrap_or_default().to_owned();
    let (session, to, me, content) = (
        text("sessionId"),
        text("toUserName"),
        text("myUserName"),
        text("content"),
    );
    let mut store = lock(&state.store);
    if content.is_empty()
        || me != WECHAT_FINDER_USERNAME
        || store.sessions.get(&session) != Some(&to)
    {
        return fail("失败");
    }
    let (msg_id, new_msg_id) = store.next_ids();
    store.push_item(SyncItem {
        from: &me,
        to: &to,
        msg_type: 1,
        content: &content,
        is_sender: true,
        new_msg_id,
        msg_id,
        session: &session,
    });
    store.private_sends.push((session, to, me, content));
    ok(serde_json::json!({ "newMsgId": new_msg_id }))
}
