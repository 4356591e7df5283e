//! `POST /api/upload/{platform}` (multipart, field `file`): carries a browser file through the
//! platform's upload flow and answers `{platform, id, url?, size, upstream}` where `id` is what
//! a send needs (Yunhu's Qiniu key or bot key, Douyin's image_id, Mixin's attachment_id).
//! The file is held in memory up to the body limit: Yunhu's key is the md5 of the whole file.

use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::{Method, StatusCode};
use md5::{Digest, Md5};
use switchboard_protocol::{Platform, Uploaded};

use super::ApiError;
use super::proxy::{Exchange, send, send_to, send_to_storage};
use super::route_platform::Configured;
use crate::platforms::{Outgoing, PlatformRules, host_allowed, json_text_at};
use crate::state::AppState;

/// The browser's file.
pub struct File {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl File {
    fn kind(&self) -> &'static str {
        match self.content_type.split('/').next() {
            Some("image") => "image",
            Some("video") => "video",
            Some("audio") => "audio",
            _ => "file",
        }
    }

    fn extension(&self) -> String {
        self.name
            .rsplit_once('.')
            .map(|(_, extension)| extension)
            .filter(|extension| {
                !extension.is_empty()
                    && extension.len() <= 8
                    && extension.bytes().all(|byte| byte.is_ascii_alphanumeric())
            })
            .or_else(|| {
                self.content_type
                    .split('/')
                    .nth(1)
                    .filter(|sub| sub.bytes().all(|byte| byte.is_ascii_alphanumeric()))
            })
            .unwrap_or("bin")
            .to_ascii_lowercase()
    }
}

pub async fn upload(
    State(state): State<AppState>,
    Configured(rules): Configured,
    multipart: Multipart,
) -> Result<Json<Uploaded>, ApiError> {
    let file = read_file(multipart).await?;
    let size = file.bytes.len();
    let (id, url, upstream) = match rules.platform() {
        Platform::Yunhu => yunhu(&state, rules.as_ref(), &file).await?,
        Platform::Douyin => douyin(&state, rules.as_ref(), &file).await?,
        Platform::Mixin => mixin(&state, rules.as_ref(), file).await?,
        Platform::Wecom => wecom(&state, rules.as_ref(), &file).await?,
        Platform::Wechat => hosted(&state, rules.as_ref(), &file).await?,
    };
    Ok(Json(Uploaded {
        platform: rules.platform(),
        id,
        url,
        size: size as u64,
        upstream,
    }))
}

async fn read_file(mut multipart: Multipart) -> Result<File, ApiError> {
    while let Some(field) = multipart.next_field().await.map_err(|error| {
        ApiError::new(
            error.status(),
            format!("reading the upload: {}", error.body_text()),
        )
    })? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("upload").to_owned();
        let content_type = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_owned();
        let bytes = field
            .bytes()
            .await
            .map_err(|error| {
                ApiError::new(
                    error.status(),
                    format!("reading the upload: {}", error.body_text()),
                )
            })?
            .to_vec();
        return Ok(File {
            name,
            content_type,
            bytes,
        });
    }
    Err(ApiError::new(
        StatusCode::BAD_REQUEST,
        "the upload has no field named \"file\"",
    ))
}

/// A `multipart/form-data` body, built here because the exact bytes are also logged.
pub fn multipart_body(fields: &[(&str, &str)], file_field: &str, file: &File) -> (String, Vec<u8>) {
    let boundary = format!("switchboard-{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::with_capacity(file.bytes.len() + 512);
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    let file_name = file.name.replace(['"', '\r', '\n'], "_");
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{file_name}\"\r\nContent-Type: {}\r\n\r\n",
            file.content_type
        )
        .as_bytes(),
    );
    body.extend_from_slice(&file.bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn json(exchange: &Exchange) -> serde_json::Value {
    serde_json::from_slice(&exchange.body).unwrap_or(serde_json::Value::Null)
}

fn first_text(exchange: &Exchange, paths: &[&[&str]]) -> Option<String> {
    paths
        .iter()
        .find_map(|path| json_text_at(&exchange.body, path))
}

/// `answerer` is the platform, or the storage service it handed the file to (Qiniu).
fn missing(answerer: impl std::fmt::Display, what: &str, exchange: &Exchange) -> ApiError {
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        format!("{answerer}'s answer has no {what}"),
    )
    .with(
        "upstream_body",
        String::from_utf8_lossy(&exchange.body).into_owned(),
    )
    .with("response_seq", exchange.response_seq)
}

fn post(path: String, content_type: String, body: Vec<u8>) -> Outgoing {
    Outgoing {
        method: Method::POST,
        path,
        query: Vec::new(),
        headers: vec![("Content-Type".into(), content_type)],
        body,
        annotations: Vec::new(),
    }
}

type Outcome = (String, Option<String>, serde_json::Value);

/// User token: Qiniu upload token, then a form upload keyed by the file's md5. Bot token only:
/// the bot API's own upload.
async fn yunhu(
    state: &AppState,
    rules: &dyn PlatformRules,
    file: &File,
) -> Result<Outcome, ApiError> {
    use switchboard_payload::platforms::yunhu::endpoints;
    let token_path = match file.kind() {
        "image" => endpoints::QINIU_TOKEN_IMAGE.path,
        "video" => endpoints::QINIU_TOKEN_VIDEO.path,
        "audio" => endpoints::QINIU_TOKEN_AUDIO.path,
        _ => endpoints::QINIU_TOKEN_FILE.path,
    };
    if !rules.allows(&Method::GET, token_path) {
        let (kind, upload) = match file.kind() {
            "image" => ("image", endpoints::BOT_IMAGE_UPLOAD),
            "video" => ("video", endpoints::BOT_VIDEO_UPLOAD),
            _ => ("file", endpoints::BOT_FILE_UPLOAD),
        };
        let (content_type, body) = multipart_body(&[], kind, file);
        let exchange = send(
            state,
            rules,
            post(upload.path.to_owned(), content_type, body),
        )
        .await?;
        let key_name = format!("{kind}Key");
        let id = first_text(&exchange, &[&["data", key_name.as_str()]])
            .ok_or_else(|| missing(Platform::Yunhu, &key_name, &exchange))?;
        return Ok((id, None, json(&exchange)));
    }
    let token_exchange = send(
        state,
        rules,
        Outgoing {
            method: Method::GET,
            path: token_path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Vec::new(),
            annotations: Vec::new(),
        },
    )
    .await?;
    let upload_token = first_text(&token_exchange, &[&["data", "token"]])
        .ok_or_else(|| missing(Platform::Yunhu, "data.token", &token_exchange))?;
    let key = format!(
        "{}.{}",
        hex::encode(Md5::digest(&file.bytes)),
        file.extension()
    );
    let (content_type, body) =
        multipart_body(&[("token", &upload_token), ("key", &key)], "file", file);
    let upload_url = rules
        .storage_url()
        .cloned()
        .ok_or_else(|| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "no Qiniu upload URL"))?;
    let exchange = send_to(
        state,
        rules,
        upload_url,
        post(String::new(), content_type, body),
    )
    .await?;
    let id =
        first_text(&exchange, &[&["key"]]).ok_or_else(|| missing("Qiniu", "key", &exchange))?;
    let url = rules.media_url_for(&id);
    Ok((id, url, json(&exchange)))
}

async fn douyin(
    state: &AppState,
    rules: &dyn PlatformRules,
    file: &File,
) -> Result<Outcome, ApiError> {
    if file.kind() != "image" {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "Douyin uploads images only",
        ));
    }
    let (content_type, body) = multipart_body(&[], "image", file);
    let exchange = send(
        state,
        rules,
        post(
            switchboard_payload::platforms::douyin::endpoints::IMAGE_UPLOAD
                .path
                .into(),
            content_type,
            body,
        ),
    )
    .await?;
    let id = first_text(&exchange, &[&["data", "image_id"], &["image_id"]])
        .ok_or_else(|| missing(Platform::Douyin, "image_id", &exchange))?;
    Ok((id, None, json(&exchange)))
}

/// Create the attachment (signed), then PUT the bytes to the storage URL it names — only if
/// that URL is on an allowed storage host.
async fn mixin(
    state: &AppState,
    rules: &dyn PlatformRules,
    file: File,
) -> Result<Outcome, ApiError> {
    let created = send(
        state,
        rules,
        post(
            switchboard_payload::platforms::mixin::endpoints::CREATE_ATTACHMENT
                .path
                .into(),
            "application/json".into(),
            b"{}".to_vec(),
        ),
    )
    .await?;
    let attachment_id = first_text(&created, &[&["data", "attachment_id"]])
        .ok_or_else(|| missing(Platform::Mixin, "data.attachment_id", &created))?;
    let upload_url = first_text(&created, &[&["data", "upload_url"]])
        .ok_or_else(|| missing(Platform::Mixin, "data.upload_url", &created))?;
    let view_url = first_text(&created, &[&["data", "view_url"]]);
    let upload_url = reqwest::Url::parse(&upload_url)
        .map_err(|_| ApiError::new(StatusCode::BAD_GATEWAY, "mixin's upload_url is not a URL"))?;
    let host = match (upload_url.host_str(), upload_url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => String::new(),
    };
    if !matches!(upload_url.scheme(), "http" | "https")
        || !host_allowed(&rules.media_hosts(), &host)
    {
        return Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            format!("mixin's upload_url points at {host}, which is not an allowed storage host"),
        ));
    }
    let put = Outgoing {
        method: Method::PUT,
        path: String::new(),
        query: Vec::new(),
        headers: vec![
            ("Content-Type".into(), "application/octet-stream".into()),
            ("x-amz-acl".into(), "public-read".into()),
        ],
        body: file.bytes,
        annotations: Vec::new(),
    };
    send_to_storage(state, rules, upload_url, put).await?;
    Ok((attachment_id, view_url, json(&created)))
}

/// E云 has no upload endpoint and fetches media by URL: we keep the file and answer the public
/// URL it is served at.
async fn hosted(
    state: &AppState,
    rules: &dyn PlatformRules,
    file: &File,
) -> Result<Outcome, ApiError> {
    let public_url = rules.public_url().ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "E云 takes images and files by URL only, and no public_url is configured to host them at",
        )
    })?;
    let path = state
        .hosted
        .store(&file.name, &file.bytes)
        .await
        .map_err(|error| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("keeping the upload: {error}"),
            )
        })?;
    let url = format!("{}{path}", public_url.as_str().trim_end_matches('/'));
    Ok((url.clone(), Some(url), serde_json::Value::Null))
}

async fn wecom(
    state: &AppState,
    rules: &dyn PlatformRules,
    file: &File,
) -> Result<Outcome, ApiError> {
    let (content_type, body) = multipart_body(&[], "file", file);
    let upload_path = rules
        .upload_path()
        .ok_or_else(|| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "no wecom upload path"))?
        .to_owned();
    let exchange = send(state, rules, post(upload_path, content_type, body)).await?;
    let id = first_text(
        &exchange,
        &[
            &["data", "fileId"],
            &["data", "id"],
            &["data", "url"],
            &["data", "path"],
        ],
    )
    .ok_or_else(|| missing(Platform::Wecom, "file id", &exchange))?;
    Ok((id, None, json(&exchange)))
}
