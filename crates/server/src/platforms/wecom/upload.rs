//! wkteam WeCom's upload flow: the file as a form upload to the configured upload path; the
//! answer's file id (or URL, or path: the service's answers vary) is what a send names.

use switchboard_payload::Platform;

use crate::api_error::ApiError;
use crate::platforms::upload::{Courier, File, Upload, post};

pub async fn upload(
    courier: &dyn Courier,
    upload_path: &str,
    file: File,
) -> Result<Upload, ApiError> {
    let (content_type, body) = file.multipart(&[], "file");
    let exchange = courier.send(post(upload_path, content_type, body)).await?;
    let id = exchange
        .first_text(&[
            &["data", "fileId"],
            &["data", "id"],
            &["data", "url"],
            &["data", "path"],
        ])
        .ok_or_else(|| exchange.missing(Platform::Wecom, "file id"))?;
    Ok(Upload {
        id,
        url: None,
        upstream: exchange.json(),
    })
}
