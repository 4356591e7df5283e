//! E云's upload "flow": it has no upload endpoint and fetches media by URL, so we keep the file
//! and answer the public URL it is served at.

use axum::http::StatusCode;
use reqwest::Url;

use crate::api_error::ApiError;
use crate::platforms::upload::{Courier, File, Upload};

pub async fn upload(
    courier: &dyn Courier,
    public_url: Option<&Url>,
    file: File,
) -> Result<Upload, ApiError> {
    let public_url = public_url.ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "E云 takes images and files by URL only, and no public_url is configured to host them at",
        )
    })?;
    let path = courier.host(&file).await?;
    let url = format!("{}{path}", public_url.as_str().trim_end_matches('/'));
    Ok(Upload {
        id: url.clone(),
        url: Some(url),
        upstream: serde_json::Value::Null,
    })
}
