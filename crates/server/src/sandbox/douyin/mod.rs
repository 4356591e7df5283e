//! Douyin Open Platform emulator: `im/send/msg`, `im/recall/msg`, `tool/imagex/client_upload`,
//! with the `access-token` header and our `open_id` checked, and errors in Douyin's
//! `{data:{error_code, description}, extra:{logid}}` shape.

pub mod customer;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use switchboard_payload::platforms::douyin::endpoints;

use axum::body::Bytes;
use axum::extract::{Multipart, Query, State as AxumState};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use md5::{Digest, Md5};

use super::common::credentials::{DOUYIN_ACCESS_TOKEN, DOUYIN_OPEN_ID};
use super::common::{Refused, lock, now_ms};

const INVALID_TOKEN: i64 = 2_190_008;
const INVALID_PARAM: i64 = 2_100_005;

#[derive(Debug, Clone)]
pub struct SentMessage {
    pub conversation_id: String,
    pub to_user_id: String,
    pub content: serde_json::Value,
    pub created_ms: u64,
    pub recalled_ms: Option<u64>,
}

#[derive(Default)]
pub struct Store {
    /// Our sends, by the server_message_id we issued.
    pub sent: HashMap<String, SentMessage>,
    /// Uploaded images by image_id.
    pub images: HashMap<String, Vec<u8>>,
    /// Customer messages by server_message_id (what a send may answer).
    pub received: HashMap<String, String>,
}

type Shared = Arc<Mutex<Store>>;

pub fn routes(state: Shared) -> Router {
    Router::new()
        .route(endpoints::SEND_MSG.path, post(send))
        .route(endpoints::RECALL_MSG.path, post(recall))
        .route(endpoints::IMAGE_UPLOAD.path, post(upload))
        .with_state(state)
}

fn answer(error_code: i64, description: &str, mut data: serde_json::Value) -> Response {
    data["error_code"] = error_code.into();
    data["description"] = description.into();
    Json(serde_json::json!({
        "data": data,
        "extra": { "error_code": error_code, "description": description, "sub_error_code": 0, "sub_description": "", "logid": super::common::numeric_id(20), "now": now_ms() / 1000 }
    }))
    .into_response()
}

#[derive(serde::Deserialize)]
struct OpenId {
    open_id: Option<String>,
}

fn check(headers: &HeaderMap, open_id: Option<&str>) -> Result<(), Refused> {
    if headers
        .get("access-token")
        .and_then(|value| value.to_str().ok())
        != Some(DOUYIN_ACCESS_TOKEN)
    {
        return Err(Refused::from(answer(
            INVALID_TOKEN,
            "access_token无效",
            serde_json::json!({}),
        )));
    }
    if open_id != Some(DOUYIN_OPEN_ID) {
        return Err(Refused::from(answer(
            INVALID_PARAM,
            "open_id 不是授权账号",
            serde_json::json!({}),
        )));
    }
    Ok(())
}

async fn send(
    AxumState(state): AxumState<Shared>,
    headers: HeaderMap,
    Query(query): Query<OpenId>,
    body: Bytes,
) -> Response {
    if let Err(refused) = check(&headers, query.open_id.as_deref()) {
        return refused.into_response();
    }
    let request: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(_) => return answer(INVALID_PARAM, "请求体不是 JSON", serde_json::json!({})),
    };
    let (Some(conversation_id), Some(to_user_id)) = (
        request["conversation_id"].as_str(),
        request["to_user_id"].as_str(),
    ) else {
        return answer(
            INVALID_PARAM,
            "conversation_id 与 to_user_id 必填",
            serde_json::json!({}),
        );
    };
    let content = &request["content"];
    let mut store = lock(&state);
    // A reply answers a message the customer sent in this conversation (within 24 h).
    let answers = request["msg_id"]
        .as_str()
        .and_then(|msg_id| store.received.get(msg_id));
    if answers.map(String::as_str) != Some(conversation_id) {
        return answer(
            INVALID_PARAM,
            "msg_id 不是该会话中用户发来的消息",
            serde_json::json!({}),
        );
    }
    let valid = match content["msg_type"].as_i64() {
        Some(1) => content["text"]["text"]
            .as_str()
            .is_some_and(|text| !text.is_empty()),
        Some(2) => content["image"]["media_id"]
            .as_str()
            .is_some_and(|id| store.images.contains_key(id)),
        Some(3) => content["video"]["item_id"].as_str().is_some(),
        _ => false,
    };
    if !valid {
        return answer(INVALID_PARAM, "content 不合法", serde_json::json!({}));
    }
    let msg_id = super::common::numeric_id(19);
    store.sent.insert(
        msg_id.clone(),
        SentMessage {
            conversation_id: conversation_id.to_owned(),
            to_user_id: to_user_id.to_owned(),
            content: content.clone(),
            created_ms: now_ms(),
            recalled_ms: None,
        },
    );
    answer(0, "", serde_json::json!({ "msg_id": msg_id }))
}

async fn recall(
    AxumState(state): AxumState<Shared>,
    headers: HeaderMap,
    Query(query): Query<OpenId>,
    body: Bytes,
) -> Response {
    if let Err(refused) = check(&headers, query.open_id.as_deref()) {
        return refused.into_response();
    }
    let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let msg_id = request["msg_id"].as_str().unwrap_or_default();
    let mut store = lock(&state);
    match store.sent.get_mut(msg_id) {
        Some(sent)
            if Some(sent.conversation_id.as_str()) == request["conversation_id"].as_str() =>
        {
            sent.recalled_ms = Some(now_ms());
            answer(0, "", serde_json::json!({}))
        }
        _ => answer(INVALID_PARAM, "消息不存在", serde_json::json!({})),
    }
}

/// As the seed's last object: `{image_id, width, height, md5, data, extra}`.
async fn upload(
    AxumState(state): AxumState<Shared>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    if headers
        .get("access-token")
        .and_then(|value| value.to_str().ok())
        != Some(DOUYIN_ACCESS_TOKEN)
    {
        return answer(INVALID_TOKEN, "access_token无效", serde_json::json!({}));
    }
    let Some((field, _content_type, bytes)) = super::common::first_file(multipart).await else {
        return answer(INVALID_PARAM, "缺少 image", serde_json::json!({}));
    };
    if field != "image" {
        return answer(INVALID_PARAM, "缺少 image", serde_json::json!({}));
    }
    let md5 = hex::encode(Md5::digest(&bytes));
    let image_id = format!("@sandbox{md5}");
    lock(&state).images.insert(image_id.clone(), bytes);
    let mut response =
        serde_json::json!({ "image_id": image_id, "width": 1, "height": 1, "md5": md5 });
    response["data"] = serde_json::json!({ "error_code": 0, "description": "" });
    response["extra"] = serde_json::json!({ "error_code": 0, "description": "", "logid": super::common::numeric_id(20), "now": now_ms() / 1000 });
    Json(response).into_response()
}
