//! Douyin's upload flow: images only, to the image upload endpoint; the answer's `image_id` is
//! what an image message sends.

use axum::http::StatusCode;
use switchboard_payload::Platform;
use switchboard_payload::platforms::douyin::endpoints;

use crate::api_error::ApiError;
use crate::platforms::upload::{Courier, File, FileKind, Upload, post};

pub async fn upload(courier: &dyn Courier, file: File) -> Result<Upload, ApiError> {
    if file.kind() != FileKind::Image {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "Douyin uploads images only",
        ));
    }
    let (content_type, body) = file.multipart(&[], "image");
    let exchange = courier
        .send(post(endpoints::IMAGE_UPLOAD.path, content_type, body))
        .await?;
    let id = exchange
        .first_text(&[&["data", "image_id"], &["image_id"]])
        .ok_or_else(|| exchange.missing(Platform::Douyin, "image_id"))?;
    Ok(Upload {
        id,
        url: None,
        upstream: exchange.json(),
    })
}
