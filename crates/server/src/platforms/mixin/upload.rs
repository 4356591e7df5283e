//! Mixin's upload flow: create the attachment (a signed call), then PUT the bytes to the storage
//! URL the answer names — only if that URL is on an allowed storage host.

use axum::http::{Method, StatusCode};
use switchboard_payload::Platform;
use switchboard_payload::platforms::mixin::endpoints;

use crate::api_error::ApiError;
use crate::platforms::outgoing::Outgoing;
use crate::platforms::rules::host_allowed;
use crate::platforms::upload::{Courier, File, Upload, post};

pub async fn upload(
    courier: &dyn Courier,
    upload_hosts: &[String],
    file: File,
) -> Result<Upload, ApiError> {
    let created = courier
        .send(post(
            endpoints::CREATE_ATTACHMENT.path,
            "application/json",
            b"{}".to_vec(),
        ))
        .await?;
    let attachment_id = created
        .first_text(&[&["data", "attachment_id"]])
        .ok_or_else(|| created.missing(Platform::Mixin, "data.attachment_id"))?;
    let upload_url = created
        .first_text(&[&["data", "upload_url"]])
        .ok_or_else(|| created.missing(Platform::Mixin, "data.upload_url"))?;
    let view_url = created.first_text(&[&["data", "view_url"]]);
    let upload_url = reqwest::Url::parse(&upload_url)
        .map_err(|_| ApiError::new(StatusCode::BAD_GATEWAY, "mixin's upload_url is not a URL"))?;
    let host = match (upload_url.host_str(), upload_url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => String::new(),
    };
    if !matches!(upload_url.scheme(), "http" | "https") || !host_allowed(upload_hosts, &host) {
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
    courier.send_to_storage(upload_url, put).await?;
    Ok(Upload {
        id: attachment_id,
        url: view_url,
        upstream: created.json(),
    })
}
