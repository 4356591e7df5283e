//! Mixin emulator: `POST /messages`, `POST /attachments` + storage `PUT`, `GET /attachments/:id`,
//! `POST /acknowledgements`, `GET /me` — every API call's EdDSA JWT verified for real against the
//! session key (signature, expiry, and `sig` over method + URI + exact body), errors in Mixin's
//! `{error:{status, code, description}}` shape.

mod auth;
pub mod blaze;
pub mod customer;

/// The customers' Mixin user ids.
pub const CUSTOMER_IDS: [&str; 2] = [
    "11efbb75-e7fe-44d7-a14f-698535289310",
    "2b1a6d0c-5e4f-4c8e-9a1b-3f2e1d0c9b8a",
];

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use switchboard_payload::Platform;
use switchboard_payload::platforms::mixin::{endpoints, unique_conversation_id};

use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use base64::Engine;

use self::auth::{authenticate, error};
use super::common::credentials::MIXIN_USER_ID;
use super::common::{Refused, lock, now_ms};

#[derive(Debug, Clone)]
pub struct StoredMessage {
    pub conversation_id: String,
    pub recipient_id: String,
    pub category: String,
    pub data: Vec<u8>,
    pub quote_message_id: Option<String>,
    pub recalled: bool,
}

#[derive(Default)]
pub struct Store {
    /// Who the customers are (`/users/fetch`, `/conversations/{id}`).
    pub directory: Arc<crate::sandbox::directory::Directory>,
    pub messages: HashMap<String, StoredMessage>,
    /// Attachment id → uploaded bytes (None until the PUT arrives).
    pub attachments: HashMap<String, Option<Vec<u8>>>,
    /// Message ids acknowledged as READ.
    pub read: Vec<String>,
    /// The request ids (`jti`) seen, to refuse a replay.
    seen_request_ids: std::collections::HashSet<String>,
    /// What Blaze pushes to the bot.
    pub blaze: Arc<Mutex<blaze::Queue>>,
}

type Shared = Arc<Mutex<Store>>;

struct Context {
    state: Shared,
    base_url: String,
}

pub fn routes(state: Shared, base_url: String) -> Router {
    let context = Arc::new(Context { state, base_url });
    Router::new()
        .route(endpoints::MESSAGES.path, post(messages))
        .route(endpoints::CREATE_ATTACHMENT.path, post(create_attachment))
        .route(endpoints::ATTACHMENT.path, get(show_attachment))
        .route(endpoints::ACKNOWLEDGEMENTS.path, post(acknowledgements))
        .route(endpoints::ME.path, get(me))
        .route(endpoints::USERS_FETCH.path, post(users_fetch))
        .route(endpoints::CONVERSATION.path, get(conversation))
        .with_state(context)
}

fn data(value: serde_json::Value) -> Response {
    Json(serde_json::json!({ "data": value })).into_response()
}

/// A request whose Bearer token passed [`authenticate`]; its body.
struct Signed(Bytes);

impl FromRequest<Arc<Context>> for Signed {
    type Rejection = Refused;

    async fn from_request(request: Request, context: &Arc<Context>) -> Result<Signed, Refused> {
        let (parts, body) = request.into_parts();
        let (method, uri, headers) = (
            parts.method.clone(),
            parts.uri.clone(),
            parts.headers.clone(),
        );
        let body = Bytes::from_request(Request::from_parts(parts, body), context)
            .await
            .map_err(|rejection| Refused::from(rejection.into_response()))?;
        authenticate(
            &mut lock(&context.state).seen_request_ids,
            &method,
            &uri,
            &headers,
            &body,
        )?;
        Ok(Signed(body))
    }
}

/// An image or data message must name an attachment whose bytes were PUT to storage, with the
/// fields Mixin's clients need to show it.
fn attachment_problem(store: &Store, category: &str, payload: &[u8]) -> Option<&'static str> {
    let required: &[&str] = match category {
        "PLAIN_IMAGE" => &["attachment_id", "mime_type", "size"],
        "PLAIN_DATA" => &["attachment_id", "mime_type", "size", "name"],
        _ => return None,
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(payload) else {
        return Some("The request data has invalid field. (payload is not JSON)");
    };
    if required.iter().any(|key| value[*key].is_null()) {
        return Some("The request data has invalid field. (attachment payload)");
    }
    let uploaded = value["attachment_id"]
        .as_str()
        .and_then(|id| store.attachments.get(id))
        .and_then(Option::as_ref);
    match uploaded {
        Some(bytes) if value["size"].as_u64() == Some(bytes.len() as u64) => None,
        Some(_) => Some("The request data has invalid field. (size)"),
        None => Some("The request data has invalid field. (attachment not uploaded)"),
    }
}

/// A customer as Mixin's user object.
fn user_object(
    directory: &crate::sandbox::directory::Directory,
    index: usize,
) -> serde_json::Value {
    serde_json::json!({
        "type": "user",
        "user_id": CUSTOMER_IDS[index],
        "identity_number": format!("7000{}", 104_200 + index),
        "full_name": directory.name(index),
        "avatar_url": directory.avatar_url(index),
        "biography": "",
        "relationship": "STRANGER",
        "is_verified": false,
        "is_scam": false,
    })
}

/// `POST /users/fetch`: the users among the ids that exist (the others are left out).
async fn users_fetch(
    AxumState(context): AxumState<Arc<Context>>,
    Signed(body): Signed,
) -> Response {
    let directory = lock(&context.state).directory.clone();
    if directory.refusing(Platform::Mixin) {
        return error(429, "Too Many Requests");
    }
    let Ok(ids) = serde_json::from_slice::<Vec<String>>(&body) else {
        return error(400, "The request body can’t be parsed as valid data.");
    };
    let users: Vec<serde_json::Value> = ids
        .iter()
        .filter_map(|id| CUSTOMER_IDS.iter().position(|known| known == id))
        .map(|index| user_object(&directory, index))
        .collect();
    data(serde_json::Value::Array(users))
}

/// `GET /conversations/{id}`: a customer's conversation with the bot (CONTACT: no name, no
/// icon); any other id is not found.
async fn conversation(
    AxumState(context): AxumState<Arc<Context>>,
    Path(id): Path<String>,
    Signed(_): Signed,
) -> Response {
    let directory = lock(&context.state).directory.clone();
    if directory.refusing(Platform::Mixin) {
        return error(429, "Too Many Requests");
    }
    let Some(customer) = CUSTOMER_IDS
        .iter()
        .find(|customer| unique_conversation_id(customer, MIXIN_USER_ID) == id)
    else {
        return error(404, "The endpoint is not found.");
    };
    let participant = |user_id: &str, role: &str| serde_json::json!({ "type": "participant", "user_id": user_id, "role": role, "created_at": "2026-01-01T00:00:00Z" });
    data(serde_json::json!({
        "type": "conversation",
        "conversation_id": id,
        "category": "CONTACT",
        "name": "",
        "icon_url": "",
        "announcement": "",
        "creator_id": customer,
        "participants": [participant(customer, ""), participant(MIXIN_USER_ID, "")],
        "participant_sessions": [],
        "code_url": "",
    }))
}

async fn messages(AxumState(context): AxumState<Arc<Context>>, Signed(body): Signed) -> Response {
    let mut store = lock(&context.state);
    let Ok(batch) = serde_json::from_slice::<Vec<serde_json::Value>>(&body) else {
        return error(400, "The request body can’t be parsed as valid data.");
    };
    if batch.is_empty() || batch.len() > 100 || body.len() > 128 * 1024 {
        return error(400, "The request data has invalid field.");
    }
    for message in &batch {
        let text = |key: &str| message[key].as_str().map(str::to_owned);
        let (Some(conversation_id), Some(message_id), Some(category)) = (
            text("conversation_id"),
            text("message_id"),
            text("category"),
        ) else {
            return error(400, "The request data has invalid field.");
        };
        if uuid::Uuid::parse_str(&message_id).is_err() {
            return error(400, "The request data has invalid field. (message_id)");
        }
        let payload = match message["data_base64"].as_str() {
            Some(encoded) => base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(encoded),
            None => match message["data"].as_str() {
                Some(encoded) => base64::engine::general_purpose::STANDARD.decode(encoded),
                None => return error(400, "The request data has invalid field. (data_base64)"),
            },
        };
        let Ok(payload) = payload else {
            return error(
                400,
                "The request data has invalid field. (data_base64 is not base64url)",
            );
        };
        if let Some(problem) = attachment_problem(&store, &category, &payload) {
            return error(400, problem);
        }
        if category == "MESSAGE_RECALL" {
            let target = serde_json::from_slice::<serde_json::Value>(&payload)
                .ok()
                .and_then(|value| value["message_id"].as_str().map(str::to_owned));
            match target.and_then(|id| store.messages.get_mut(&id)) {
                Some(original) => original.recalled = true,
                None => return error(404, "The endpoint is not found. (recalled message)"),
            }
        }
        if category != "MESSAGE_RECALL" {
            // The customer's app gets it, and (in the sandbox) reads it at once.
            let mut blaze = lock(&store.blaze);
            for status in ["DELIVERED", "READ"] {
                blaze.push(
                    "ACKNOWLEDGE_MESSAGE_RECEIPT",
                    &message_id,
                    serde_json::json!({ "message_id": message_id, "status": status }),
                );
            }
        }
        store.messages.insert(
            message_id,
            StoredMessage {
                conversation_id,
                recipient_id: text("recipient_id").unwrap_or_default(),
                category,
                data: payload,
                quote_message_id: text("quote_message_id"),
                recalled: false,
            },
        );
    }
    data(serde_json::json!([]))
}

async fn create_attachment(AxumState(context): AxumState<Arc<Context>>, _: Signed) -> Response {
    let mut store = lock(&context.state);
    let id = uuid::Uuid::new_v4().to_string();
    store.attachments.insert(id.clone(), None);
    let url = format!("{}/mixin-storage/{id}", context.base_url);
    data(
        serde_json::json!({ "type": "attachment", "attachment_id": id, "upload_url": url, "view_url": url, "created_at": now_ms() }),
    )
}

async fn show_attachment(
    AxumState(context): AxumState<Arc<Context>>,
    Path(id): Path<String>,
    _: Signed,
) -> Response {
    let store = lock(&context.state);
    if !store.attachments.contains_key(&id) {
        return error(404, "The endpoint is not found.");
    }
    let url = format!("{}/mixin-storage/{id}", context.base_url);
    data(serde_json::json!({ "type": "attachment", "attachment_id": id, "view_url": url }))
}

async fn acknowledgements(
    AxumState(context): AxumState<Arc<Context>>,
    Signed(body): Signed,
) -> Response {
    let mut store = lock(&context.state);
    let Ok(batch) = serde_json::from_slice::<Vec<serde_json::Value>>(&body) else {
        return error(400, "The request body can’t be parsed as valid data.");
    };
    if batch.len() > 100
        || batch
            .iter()
            .any(|ack| ack["status"] != "READ" || ack["message_id"].as_str().is_none())
    {
        return error(400, "The request data has invalid field.");
    }
    let message_ids: Vec<&str> = batch
        .iter()
        .filter_map(|ack| ack["message_id"].as_str())
        .collect();
    lock(&store.blaze).acknowledge(message_ids.iter().copied());
    store
        .read
        .extend(message_ids.into_iter().map(str::to_owned));
    data(serde_json::json!([]))
}

async fn me(_: Signed) -> Response {
    data(
        serde_json::json!({ "type": "user", "user_id": MIXIN_USER_ID, "identity_number": "7000104111", "full_name": "Sandbox Bot" }),
    )
}

/// Blaze, on its own host in real life (`wss://blaze.mixin.one/`).
pub fn blaze_routes(state: &Shared) -> Router {
    blaze::routes(lock(state).blaze.clone())
}

pub fn storage_routes(state: Shared) -> Router {
    Router::new()
        .route("/{id}", put(store_attachment).get(fetch_attachment))
        .with_state(state)
}

/// The S3-style storage: `PUT` with `x-amz-acl: public-read`, then public `GET`.
async fn store_attachment(
    AxumState(state): AxumState<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if headers
        .get("x-amz-acl")
        .and_then(|value| value.to_str().ok())
        != Some("public-read")
    {
        return (StatusCode::FORBIDDEN, "AccessDenied").into_response();
    }
    let mut store = lock(&state);
    match store.attachments.get_mut(&id) {
        Some(slot) => {
            *slot = Some(body.to_vec());
            StatusCode::OK.into_response()
        }
        None => (StatusCode::NOT_FOUND, "NoSuchUpload").into_response(),
    }
}

async fn fetch_attachment(AxumState(state): AxumState<Shared>, Path(id): Path<String>) -> Response {
    match lock(&state).attachments.get(&id) {
        Some(Some(bytes)) => ([("content-type", sniff(bytes))], bytes.clone()).into_response(),
        _ => (StatusCode::NOT_FOUND, "NoSuchKey").into_response(),
    }
}

/// Storage serves what was uploaded as octet-stream; images are recognised by magic number.
pub fn sniff(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        "image/jpeg"
    } else if bytes.starts_with(b"GIF8") {
        "image/gif"
    } else {
        "application/octet-stream"
    }
}
