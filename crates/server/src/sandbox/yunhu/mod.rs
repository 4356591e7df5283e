//! Yunhu emulator: the user API (protobuf bodies, `Status` first in every answer, wrong method =
//! 404), the bot open API (JSON, `?token=`), Qiniu upload tokens and form upload, and a media host
//! that refuses requests without Yunhu's Referer.

pub mod customer;
pub mod socket;

/// The customers' Yunhu user ids.
pub const CUSTOMER_IDS: [&str; 2] = ["5180273", "6020511"];

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use axum::{Json, Router};
use md5::{Digest, Md5};
use prost::Message;
use switchboard_payload::Platform;
use switchboard_payload::platforms::yunhu::{content_type, endpoints};
use switchboard_payload::protobuf::yunhu::{
    GetUserRequest, GetUserResponse, GroupInfoRequest, ListMessageByMidSeqRequest,
    ListMessageBySeqRequest, ListMessageRequest, ListMessageResponse, Msg, MsgContent,
    RecallMsgRequest, SendMessageRequest, Sender, Status, StatusResponse, get_user_response,
};

use super::common::credentials::{YUNHU_BOT_TOKEN, YUNHU_USER_TOKEN};
use super::common::{Refused, lock, now_ms};
use crate::platforms::yunhu::MEDIA_REFERER;

/// Our own account in the sandbox.
pub const AGENT_ID: &str = super::common::credentials::YUNHU_USER_ID;
pub const AGENT_NAME: &str = "Sandbox Agent";
/// Yunhu's Status code for success.
const OK: i32 = 1;
/// Not documented publicly; the shape (a Status with code ≠ 1) is.
const BAD_TOKEN: i32 = -1;
const BAD_REQUEST: i32 = 2;
const PAGE: usize = 30;

#[derive(Default)]
pub struct Store {
    /// Who the customers are (`get-user`, `group/info`).
    pub directory: Arc<crate::sandbox::directory::Directory>,
    /// Messages per (chat_type, chat_id), oldest first.
    pub chats: BTreeMap<(u64, String), Vec<Msg>>,
    next_seq: u64,
    next_request_id: i64,
    qiniu_tokens: HashSet<String>,
    /// Uploaded files by Qiniu key: (content type, bytes).
    pub files: HashMap<String, (String, Vec<u8>)>,
    /// Bot-API sends, by msgId: (recvId, recvType).
    pub bot_messages: HashMap<String, (String, String, bool)>,
    /// The user account's push socket.
    pub socket: Arc<Mutex<socket::PushLine>>,
}

impl Store {
    fn request_id(&mut self) -> i64 {
        self.next_request_id += 1;
        self.next_request_id
    }

    /// Stores a message in its chat, giving it the chat's next seq.
    pub fn push(&mut self, chat_type: u64, chat_id: &str, mut msg: Msg) -> Msg {
        self.next_seq += 1;
        msg.msg_seq = self.next_seq;
        self.chats
            .entry((chat_type, chat_id.to_owned()))
            .or_default()
            .push(msg.clone());
        msg
    }

    fn find(&mut self, msg_id: &str) -> Option<&mut Msg> {
        self.chats
            .values_mut()
            .flat_map(|messages| messages.iter_mut())
            .find(|msg| msg.msg_id == msg_id)
    }
}

fn status(code: i32, msg: &str, request_id: i64) -> Status {
    Status {
        request_id,
        code,
        msg: msg.to_owned(),
    }
}

fn protobuf(message: &impl Message) -> Response {
    (
        [("content-type", "application/x-protobuf")],
        message.encode_to_vec(),
    )
        .into_response()
}

fn status_only(store: &mut Store, code: i32, msg: &str) -> Response {
    protobuf(&StatusResponse {
        status: Some(status(code, msg, store.request_id())),
    })
}

fn user_token_ok(headers: &HeaderMap) -> bool {
    headers.get("token").and_then(|value| value.to_str().ok()) == Some(YUNHU_USER_TOKEN)
}

type Shared = Arc<Mutex<Store>>;

pub fn routes(state: Shared, base_url: String) -> Router {
    let _ = base_url;
    Router::new()
        .route(endpoints::SEND_MESSAGE.path, user_api(send_message))
        .route(endpoints::EDIT_MESSAGE.path, user_api(edit_message))
        .route(endpoints::RECALL_MSG.path, user_api(recall))
        .route(endpoints::RECALL_MSG_BATCH.path, user_api(recall))
        .route(endpoints::LIST_MESSAGE_BY_SEQ.path, user_api(list_by_seq))
        .route(endpoints::LIST_MESSAGE.path, user_api(list_before))
        .route(
            endpoints::LIST_MESSAGE_BY_MID_SEQ.path,
            user_api(list_by_mid_seq),
        )
        .route(endpoints::GET_USER.path, user_api(get_user))
        .route(endpoints::GROUP_INFO.path, user_api(group_info))
        .route(endpoints::QINIU_TOKEN_IMAGE.path, get(qiniu_token))
        .route(endpoints::QINIU_TOKEN_FILE.path, get(qiniu_token))
        .route(endpoints::QINIU_TOKEN_VIDEO.path, get(qiniu_token))
        .route(endpoints::QINIU_TOKEN_AUDIO.path, get(qiniu_token))
        .route(endpoints::BOT_SEND.path, post(bot_send))
        .route(endpoints::BOT_RECALL.path, post(bot_recall))
        .route(endpoints::BOT_EDIT.path, post(bot_edit))
        .route(endpoints::BOT_IMAGE_UPLOAD.path, post(bot_upload))
        .route(endpoints::BOT_VIDEO_UPLOAD.path, post(bot_upload))
        .route(endpoints::BOT_FILE_UPLOAD.path, post(bot_upload))
        // Yunhu answers a wrong method with 404.
        .method_not_allowed_fallback(|| async { StatusCode::NOT_FOUND })
        .with_state(state)
}

/// A user-API route: the token is checked and the protobuf request decoded (a bad one answered
/// with Yunhu's Status) before `handle` runs, with the store locked.
fn user_api<T, F>(handle: F) -> MethodRouter<Shared>
where
    T: Message + Default + 'static,
    F: Fn(&mut Store, T) -> Response + Clone + Send + Sync + 'static,
{
    post(
        move |AxumState(state): AxumState<Shared>, headers: HeaderMap, body: Bytes| async move {
            let mut store = lock(&state);
            match decode::<T>(&mut store, &headers, &body) {
                Ok(request) => handle(&mut store, request),
                Err(refused) => refused.into_response(),
            }
        },
    )
}

/// Decodes a protobuf request, or answers with Yunhu's Status for a bad one.
fn decode<T: Message + Default>(
    store: &mut Store,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Refused> {
    if !user_token_ok(headers) {
        return Err(Refused::from(status_only(store, BAD_TOKEN, "token 无效")));
    }
    T::decode(body).map_err(|error| {
        Refused::from(status_only(
            store,
            BAD_REQUEST,
            &format!("请求格式错误: {error}"),
        ))
    })
}

/// Not documented publicly; the shape (a Status with code ≠ 1) is.
const TOO_FREQUENT: i32 = 429;

/// `get-user`: a customer's name and avatar; an unknown id still gets data, with neither (as
/// the community docs say of a deleted user).
fn get_user(store: &mut Store, request: GetUserRequest) -> Response {
    if store.directory.refusing(Platform::Yunhu) {
        return status_only(store, TOO_FREQUENT, "请求过于频繁，请稍后再试");
    }
    let customer = CUSTOMER_IDS.iter().position(|id| *id == request.id);
    let request_id = store.request_id();
    protobuf(&GetUserResponse {
        status: Some(status(OK, "success", request_id)),
        data: Some(get_user_response::Data {
            name: customer
                .map(|index| store.directory.name(index).to_owned())
                .unwrap_or_default(),
            avatar_url: customer
                .map(|index| store.directory.avatar_url(index))
                .unwrap_or_default(),
            id: request.id,
            ..Default::default()
        }),
    })
}

/// `group/info`: the emulator has no groups of its own; any id is unknown.
fn group_info(store: &mut Store, request: GroupInfoRequest) -> Response {
    if store.directory.refusing(Platform::Yunhu) {
        return status_only(store, TOO_FREQUENT, "请求过于频繁，请稍后再试");
    }
    let _ = request;
    status_only(store, BAD_REQUEST, "群不存在")
}

fn send_message(store: &mut Store, request: SendMessageRequest) -> Response {
    if request.chat_id.is_empty() || request.msg_id.is_empty() || request.content.is_none() {
        return status_only(
            store,
            BAD_REQUEST,
            "chat_id, msg_id and content are required",
        );
    }
    if let Some(problem) = media_problem(store, &request) {
        return status_only(store, BAD_REQUEST, problem);
    }
    let msg = Msg {
        msg_id: request.msg_id.clone(),
        sender: Some(Sender {
            chat_id: AGENT_ID.into(),
            chat_type: 1,
            name: AGENT_NAME.into(),
            ..Default::default()
        }),
        direction: "right".into(),
        content_type: request.content_type,
        content: request.content.clone(),
        send_time: now_ms(),
        quote_msg_id: request.quote_msg_id.clone(),
        ..Default::default()
    };
    store.push(request.chat_type, &request.chat_id, msg);
    status_only(store, OK, "success")
}

/// An image (2) or file (4) send must carry the key of an upload Qiniu holds; a file also its
/// name. The image key may be in `image` (9) or `image_url` (3): clients differ.
fn media_problem(store: &Store, request: &SendMessageRequest) -> Option<&'static str> {
    let content = request.content.as_ref()?;
    let uploaded = |key: &str| !key.is_empty() && store.files.contains_key(key);
    match request.content_type {
        content_type::IMAGE if !uploaded(&content.image) && !uploaded(&content.image_url) => {
            Some("图片不存在: content.image must be an uploaded key")
        }
        content_type::FILE if !uploaded(&content.file_url) => {
            Some("文件不存在: content.file_url must be an uploaded key")
        }
        content_type::FILE if content.file_name.is_empty() => Some("content.file_name is required"),
        _ => None,
    }
}

fn edit_message(store: &mut Store, request: SendMessageRequest) -> Response {
    match store.find(&request.msg_id) {
        Some(msg) if msg.msg_delete_time == 0 => {
            msg.content = request.content;
            msg.content_type = request.content_type;
            msg.edit_time = now_ms();
            status_only(store, OK, "success")
        }
        Some(_) => status_only(store, BAD_REQUEST, "消息已撤回"),
        None => status_only(store, BAD_REQUEST, "消息不存在"),
    }
}

fn recall(store: &mut Store, request: RecallMsgRequest) -> Response {
    // All or nothing: every message is checked before any is recalled.
    for msg_id in &request.msg_id {
        match store.find(msg_id) {
            Some(msg)
                if msg
                    .sender
                    .as_ref()
                    .is_some_and(|sender| sender.chat_id == AGENT_ID) => {}
            Some(_) => return status_only(store, BAD_REQUEST, "只能撤回自己的消息"),
            None => return status_only(store, BAD_REQUEST, "消息不存在"),
        }
    }
    let now = now_ms();
    for msg_id in &request.msg_id {
        if let Some(msg) = store.find(msg_id) {
            msg.msg_delete_time = now;
        }
    }
    status_only(store, OK, "success")
}

fn listing(store: &mut Store, messages: Vec<Msg>) -> Response {
    let total = messages.len() as u64;
    let request_id = store.request_id();
    protobuf(&ListMessageResponse {
        status: Some(status(OK, "success", request_id)),
        msg: messages,
        total,
    })
}

fn chat(store: &Store, chat_type: u64, chat_id: &str) -> Vec<Msg> {
    store
        .chats
        .get(&(chat_type, chat_id.to_owned()))
        .cloned()
        .unwrap_or_default()
}

/// Newest first, as the app lists them.
fn newest_first(mut messages: Vec<Msg>) -> Vec<Msg> {
    messages.reverse();
    messages
}

fn list_by_seq(store: &mut Store, request: ListMessageBySeqRequest) -> Response {
    let messages: Vec<Msg> = chat(store, request.chat_type, &request.chat_id)
        .into_iter()
        // After the anchor, oldest first from it (reference §1.3: the anchor is excluded; we
        // page forward, which is how the server's gap fill reads it).
        .filter(|msg| msg.msg_seq > request.msg_start)
        .take(PAGE)
        .collect();
    listing(store, newest_first(messages))
}

fn list_before(store: &mut Store, request: ListMessageRequest) -> Response {
    let all = chat(store, request.chat_type, &request.chat_id);
    let end = if request.msg_id.is_empty() {
        all.len()
    } else {
        all.iter()
            .position(|msg| msg.msg_id == request.msg_id)
            .unwrap_or(0)
    };
    let count = if request.msg_count == 0 {
        PAGE
    } else {
        request.msg_count as usize
    };
    let start = end.saturating_sub(count);
    listing(store, newest_first(all[start..end].to_vec()))
}

fn list_by_mid_seq(store: &mut Store, request: ListMessageByMidSeqRequest) -> Response {
    let all = chat(store, request.chat_type, &request.chat_id);
    let end = all
        .iter()
        .position(|msg| {
            msg.msg_id == request.msg_id
                || (request.msg_id.is_empty() && msg.msg_seq >= request.msg_seq)
        })
        .map_or(all.len(), |index| index + 1);
    let count = if request.msg_count == 0 {
        PAGE
    } else {
        request.msg_count as usize
    };
    listing(
        store,
        newest_first(all[end.saturating_sub(count)..end].to_vec()),
    )
}

async fn qiniu_token(AxumState(state): AxumState<Shared>, headers: HeaderMap) -> Response {
    if !user_token_ok(&headers) {
        return Json(serde_json::json!({ "code": BAD_TOKEN, "msg": "token 无效" })).into_response();
    }
    let token = format!(
        "sandboxAK:{}:{}",
        super::common::numeric_id(12),
        super::common::numeric_id(10)
    );
    lock(&state).qiniu_tokens.insert(token.clone());
    Json(serde_json::json!({ "code": OK, "data": { "token": token }, "msg": "success" }))
        .into_response()
}

#[derive(serde::Deserialize)]
struct BotQuery {
    token: Option<String>,
}

fn bot_error(message: &str) -> Response {
    Json(serde_json::json!({ "code": 1002, "msg": message })).into_response()
}

async fn bot_send(
    AxumState(state): AxumState<Shared>,
    Query(query): Query<BotQuery>,
    body: Bytes,
) -> Response {
    if query.token.as_deref() != Some(YUNHU_BOT_TOKEN) {
        return bot_error("token 无效");
    }
    let Ok(request) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return bot_error("请求体不是 JSON");
    };
    let (Some(recv_id), Some(recv_type)) =
        (request["recvId"].as_str(), request["recvType"].as_str())
    else {
        return bot_error("recvId and recvType are required");
    };
    if !matches!(
        request["contentType"].as_str(),
        Some("text" | "image" | "video" | "file" | "markdown" | "html")
    ) {
        return bot_error("contentType 不支持");
    }
    let key_field = match request["contentType"].as_str() {
        Some("image") => Some("imageKey"),
        Some("file") => Some("fileKey"),
        Some("video") => Some("videoKey"),
        _ => None,
    };
    if let Some(field) = key_field {
        let key = request["content"][field].as_str().unwrap_or_default();
        if !lock(&state).files.contains_key(key) {
            return bot_error(&format!("content.{field} 不存在"));
        }
    }
    let msg_id = request["msgId"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    lock(&state).bot_messages.insert(
        msg_id.clone(),
        (recv_id.to_owned(), recv_type.to_owned(), false),
    );
    Json(serde_json::json!({
        "code": OK,
        "data": { "messageInfo": { "msgId": msg_id, "recvId": recv_id, "recvType": recv_type } },
        "msg": "success"
    }))
    .into_response()
}

/// `bot/edit`: the send shape naming one of the bot's messages (`msgId`), not recalled.
async fn bot_edit(state: AxumState<Shared>, query: Query<BotQuery>, body: Bytes) -> Response {
    let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let msg_id = request["msgId"].as_str().unwrap_or_default();
    let editable = lock(&state)
        .bot_messages
        .get(msg_id)
        .is_some_and(|(_, _, recalled)| !recalled);
    if query.token.as_deref() == Some(YUNHU_BOT_TOKEN) && !editable {
        return bot_error("消息不存在");
    }
    bot_send(state, query, body).await
}

async fn bot_recall(
    AxumState(state): AxumState<Shared>,
    Query(query): Query<BotQuery>,
    body: Bytes,
) -> Response {
    if query.token.as_deref() != Some(YUNHU_BOT_TOKEN) {
        return bot_error("token 无效");
    }
    let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let msg_id = request["msgId"].as_str().unwrap_or_default();
    match lock(&state).bot_messages.get_mut(msg_id) {
        Some(entry) => {
            entry.2 = true;
            Json(serde_json::json!({ "code": OK, "msg": "success" })).into_response()
        }
        None => bot_error("消息不存在"),
    }
}

async fn bot_upload(
    AxumState(state): AxumState<Shared>,
    Query(query): Query<BotQuery>,
    multipart: Multipart,
) -> Response {
    if query.token.as_deref() != Some(YUNHU_BOT_TOKEN) {
        return bot_error("token 无效");
    }
    let Some((field, content_type, bytes)) = super::common::first_file(multipart).await else {
        return bot_error("no file");
    };
    let key = hex::encode(Md5::digest(&bytes));
    lock(&state)
        .files
        .insert(key.clone(), (content_type, bytes));
    Json(
        serde_json::json!({ "code": OK, "data": { format!("{field}Key"): key }, "msg": "success" }),
    )
    .into_response()
}

pub fn qiniu_routes(state: Shared) -> Router {
    Router::new()
        .route("/", post(qiniu_upload))
        .with_state(state)
}

/// Qiniu form upload: `token`, `key`, `file` → `{key, hash, fsize}`; a bad token is 401 `{error}`.
async fn qiniu_upload(AxumState(state): AxumState<Shared>, mut multipart: Multipart) -> Response {
    let (mut token, mut key, mut file) = (None, None, None);
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name().unwrap_or_default() {
            "token" => token = field.text().await.ok(),
            "key" => key = field.text().await.ok(),
            "file" => {
                let content_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_owned();
                file = field
                    .bytes()
                    .await
                    .ok()
                    .map(|bytes| (content_type, bytes.to_vec()));
            }
            _ => {}
        }
    }
    let mut store = lock(&state);
    if !token
        .as_ref()
        .is_some_and(|token| store.qiniu_tokens.contains(token))
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({ "error": "bad token" })),
        )
            .into_response();
    }
    let (Some(key), Some((content_type, bytes))) = (key, file) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({ "error": "key and file are required" })),
        )
            .into_response();
    };
    let hash = hex::encode(Md5::digest(&bytes));
    let size = bytes.len();
    store.files.insert(key.clone(), (content_type, bytes));
    Json(serde_json::json!({ "key": key, "hash": hash, "fsize": size })).into_response()
}

pub fn media_routes(state: Shared) -> Router {
    Router::new().route("/{key}", get(media)).with_state(state)
}

/// Like chat-img.jwznb.com: 403 without the app's Referer.
async fn media(
    AxumState(state): AxumState<Shared>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Response {
    if headers.get("referer").and_then(|value| value.to_str().ok()) != Some(MEDIA_REFERER) {
        return StatusCode::FORBIDDEN.into_response();
    }
    match lock(&state).files.get(&key) {
        Some((content_type, bytes)) => {
            ([("content-type", content_type.clone())], bytes.clone()).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A customer's message as the emulator stores it (so history lists it).
/// The chats the seed documents show, with history the log does not hold: older messages for
/// "load earlier" to find, ending with the seed's own message (so paging back from it works).
pub fn seed_history(store: &mut Store) {
    let now = now_ms();
    let chats: [(u64, &str, &str, usize); 2] = [
        (1, "7356666", "4f9c2a7be1d34c0f9a8e6b5d4c3b2a19", 45),
        (2, "big-group", "a1b2c3d4", 12),
    ];
    for (chat_type, chat_id, newest_id, count) in chats {
        for index in 0..count {
            let minutes_ago = (count - index) as u64 * 7 + 60;
            let ours = index % 4 == 3;
            let mut msg = if ours {
                Msg {
                    msg_id: format!("{chat_id}-history-{index:03}"),
                    sender: Some(Sender {
                        chat_id: AGENT_ID.into(),
                        chat_type: 1,
                        name: AGENT_NAME.into(),
                        ..Default::default()
                    }),
                    direction: "right".into(),
                    content_type: content_type::TEXT,
                    content: Some(MsgContent {
                        text: format!("好的，第 {} 条回复", index + 1),
                        ..Default::default()
                    }),
                    ..Default::default()
                }
            } else {
                customer_msg(
                    &format!("{chat_id}-history-{index:03}"),
                    "7356666",
                    "历史客户",
                    &format!("历史消息 {}", index + 1),
                )
            };
            msg.send_time = now - minutes_ago * 60_000;
            store.push(chat_type, chat_id, msg);
        }
        // The seed's message is one we sent.
        let mut newest = customer_msg(newest_id, AGENT_ID, AGENT_NAME, "（种子消息）");
        newest.direction = "right".into();
        newest.send_time = now - 30 * 60_000;
        store.push(chat_type, chat_id, newest);
    }
}

pub fn customer_msg(msg_id: &str, user_id: &str, name: &str, text: &str) -> Msg {
    written_msg(msg_id, user_id, name, "", text, content_type::TEXT)
}

/// A customer's message of Yunhu content type `content_type` (1 text, 3 Markdown, 8 HTML).
pub fn written_msg(
    msg_id: &str,
    user_id: &str,
    name: &str,
    avatar_url: &str,
    text: &str,
    content_type: u64,
) -> Msg {
    Msg {
        msg_id: msg_id.to_owned(),
        sender: Some(Sender {
            chat_id: user_id.to_owned(),
            chat_type: 1,
            name: name.to_owned(),
            avatar_url: avatar_url.to_owned(),
            ..Default::default()
        }),
        direction: "left".into(),
        content_type,
        content: Some(MsgContent {
            text: text.to_owned(),
            ..Default::default()
        }),
        send_time: now_ms(),
        ..Default::default()
    }
}
