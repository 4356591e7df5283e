//! wkteam WeCom emulator: send text/image/file, upload, `message/cancelMsg`, with
//! `Authorization: Bearer` and the session id checked; wkteam's `{code, msg, data}` answers
//! (200 ok, 1001 refused, 500 failed).

pub mod customer;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use switchboard_payload::Platform;
use switchboard_payload::platforms::wecom::endpoints;

use axum::body::Bytes;
use axum::extract::{Multipart, State as AxumState};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};

use super::common::credentials::{WECOM_SESSION_ID, WECOM_TOKEN};
use super::common::{Refused, lock, now_ms};

#[derive(Debug, Clone)]
pub struct SentMessage {
    pub to: String,
    pub kind: &'static str,
    pub content: String,
    pub sent_ms: u64,
    pub cancelled_ms: Option<u64>,
}

#[derive(Default)]
pub struct Store {
    /// Who the customers are (contact and room detail).
    pub directory: Arc<crate::sandbox::directory::Directory>,
    pub sent: HashMap<String, SentMessage>,
    pub files: HashMap<String, Vec<u8>>,
}

type Shared = Arc<Mutex<Store>>;

pub fn routes(state: Shared) -> Router {
    Router::new()
        .route(
            endpoints::SEND_TEXT.path,
            post(|state, headers, body| send(state, headers, body, "text")),
        )
        .route(
            endpoints::SEND_IMAGE.path,
            post(|state, headers, body| send(state, headers, body, "image")),
        )
        .route(
            endpoints::SEND_FILE.path,
            post(|state, headers, body| send(state, headers, body, "file")),
        )
        .route(endpoints::UPLOAD.path, post(upload))
        .route(endpoints::CANCEL_MSG.path, post(cancel))
        .route(endpoints::CONTACT_INFO.path, post(contact_info))
        .route(endpoints::ROOM_INFO.path, post(room_info))
        .with_state(state)
}

fn answer(code: i64, msg: &str, data: serde_json::Value) -> Response {
    Json(serde_json::json!({ "code": code, "msg": msg, "data": data })).into_response()
}

fn authorized(headers: &HeaderMap) -> bool {
    headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        == Some(&format!("Bearer {WECOM_TOKEN}"))
}

fn parse(headers: &HeaderMap, body: &[u8]) -> Result<serde_json::Value, Refused> {
    if !authorized(headers) {
        return Err(Refused::from(answer(
            1001,
            "登录已失效",
            serde_json::Value::Null,
        )));
    }
    let request: serde_json::Value = serde_json::from_slice(body)
        .map_err(|_| answer(500, "参数错误", serde_json::Value::Null))?;
    if request["sessionId"] != WECOM_SESSION_ID {
        return Err(Refused::from(answer(
            1001,
            "sessionId 无效",
            serde_json::Value::Null,
        )));
    }
    Ok(request)
}

/// A detail request (contact or room): who answers it, and the ids of its comma list under
/// `key` (`wxIds` or `roomId`); refused as wkteam refuses.
fn detail_request(
    state: &Shared,
    headers: &HeaderMap,
    body: &[u8],
    key: &str,
) -> Result<(Arc<crate::sandbox::directory::Directory>, Vec<String>), Refused> {
    let request = parse(headers, body)?;
    let directory = lock(state).directory.clone();
    if directory.refusing(Platform::Wecom) {
        return Err(Refused::from(answer(
            500,
            "请求过于频繁",
            serde_json::Value::Null,
        )));
    }
    let ids: Vec<String> = request[key]
        .as_str()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect();
    if ids.is_empty() {
        return Err(Refused::from(answer(
            500,
            &format!("{key} 必填"),
            serde_json::Value::Null,
        )));
    }
    Ok((directory, ids))
}

/// 外部联系人详情: the customers among the ids (unknown ids are left out).
async fn contact_info(
    AxumState(state): AxumState<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (directory, ids) = match detail_request(&state, &headers, &body, "wxIds") {
        Ok(asked) => asked,
        Err(refused) => return refused.into_response(),
    };
    let found: Vec<serde_json::Value> = ids
        .iter()
        .filter_map(|id| customer::CUSTOMER_IDS.iter().position(|known| known == id))
        .map(|index| {
            serde_json::json!({
                "id": customer::CUSTOMER_IDS[index],
                "nickName": directory.name(index),
                "sex": 0,
                "headSmallImageUrl": directory.avatar_url(index),
                "corpId": "",
                "corporation": "",
                "title": "",
                "isAdmin": "false",
                "friend": "true",
                "flag": 0,
                "weixin": "",
                "phones": [],
            })
        })
        .collect();
    answer(200, "成功", serde_json::Value::Array(found))
}

/// 群详情: the group the customers write in (unknown ids are left out).
async fn room_info(
    AxumState(state): AxumState<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (directory, ids) = match detail_request(&state, &headers, &body, "roomId") {
        Ok(asked) => asked,
        Err(refused) => return refused.into_response(),
    };
    let members: Vec<&str> = customer::CUSTOMER_IDS
        .iter()
        .copied()
        .chain([customer::OWN_ID])
        .collect();
    let found: Vec<serde_json::Value> = ids
        .iter()
        .filter(|id| **id == customer::ROOM_ID)
        .map(|id| {
            serde_json::json!({
                "id": id,
                "wxId": id,
                "nickName": crate::sandbox::directory::GROUP_NAME,
                "owner": customer::OWN_ID,
                "memberNum": members.len(),
                "headSmallImageUrl": directory.group_avatar_url(),
                "status": 0,
                "admins": [customer::OWN_ID],
                "members": members,
                "notice": "",
                "dismissed": "false",
                "flag": 0,
            })
        })
        .collect();
    answer(200, "成功", serde_json::Value::Array(found))
}

async fn send(
    AxumState(state): AxumState<Shared>,
    headers: HeaderMap,
    body: Bytes,
    kind: &'static str,
) -> Response {
    let request = match parse(&headers, &body) {
        Ok(request) => request,
        Err(refused) => return refused.into_response(),
    };
    let to = request["toId"]
        .as_str()
        .or(request["wxId"].as_str())
        .or(request["roomId"].as_str())
        .unwrap_or_default();
    let content = match kind {
        "text" => request["content"].as_str(),
        _ => request["fileId"]
            .as_str()
            .or(request["url"].as_str())
            .or(request["content"].as_str()),
    }
    .unwrap_or_default();
    if to.is_empty() || content.is_empty() {
        return answer(500, "接收者与内容必填", serde_json::Value::Null);
    }
    if kind != "text" {
        // Media sends name a file uploaded before; a file send also names it for the customer.
        if request["fileId"]
            .as_str()
            .is_none_or(|id| !lock(&state).files.contains_key(id))
        {
            return answer(500, "文件不存在", serde_json::Value::Null);
        }
        if kind == "file" && request["fileName"].as_str().is_none_or(str::is_empty) {
            return answer(500, "文件名必填", serde_json::Value::Null);
        }
    }
    let message_id = super::common::numeric_id(19);
    lock(&state).sent.insert(
        message_id.clone(),
        SentMessage {
            to: to.to_owned(),
            kind,
            content: content.to_owned(),
            sent_ms: now_ms(),
            cancelled_ms: None,
        },
    );
    answer(
        200,
        "success",
        serde_json::json!({ "messageId": message_id, "timestamp": (now_ms() / 1000).to_string() }),
    )
}

async fn upload(
    AxumState(state): AxumState<Shared>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    if !authorized(&headers) {
        return answer(1001, "登录已失效", serde_json::Value::Null);
    }
    let Some((_, _, bytes)) = super::common::first_file(multipart).await else {
        return answer(500, "缺少文件", serde_json::Value::Null);
    };
    let file_id = format!("sandbox-file-{}", super::common::numeric_id(12));
    lock(&state).files.insert(file_id.clone(), bytes);
    answer(200, "success", serde_json::json!({ "fileId": file_id }))
}

async fn cancel(AxumState(state): AxumState<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let request = match parse(&headers, &body) {
        Ok(request) => request,
        Err(refused) => return refused.into_response(),
    };
    let message_id = request["messageId"].as_str().unwrap_or_default();
    let mut store = lock(&state);
    match store.sent.get_mut(message_id) {
        Some(sent) if Some(sent.to.as_str()) == request["wxId"].as_str() => {
            sent.cancelled_ms = Some(now_ms());
            answer(200, "success", serde_json::Value::Null)
        }
        _ => answer(500, "消息不存在", serde_json::Value::Null),
    }
}
