//! Yunhu's upload flow. With a user token: a Qiniu upload token for the file's kind, then a form
//! upload to Qiniu keyed by the file's md5. With a bot token only: the bot API's own upload.

use md5::{Digest, Md5};
use reqwest::Url;
use switchboard_payload::Platform;
use switchboard_payload::platforms::yunhu::endpoints;

use crate::api_error::ApiError;
use crate::platforms::upload::{Courier, File, FileKind, Upload, get, post};

/// Where Yunhu's user API puts files: Qiniu's form upload, and the host that serves them.
pub struct Qiniu {
    pub upload_url: Url,
    /// Where an uploaded key can be seen.
    pub image_base_url: String,
}

/// `qiniu` is there when the user API is open (a user token is configured).
pub async fn upload(
    courier: &dyn Courier,
    qiniu: Option<&Qiniu>,
    file: File,
) -> Result<Upload, ApiError> {
    let Some(qiniu) = qiniu else {
        return bot_upload(courier, &file).await;
    };
    let token_path = match file.kind() {
        FileKind::Image => endpoints::QINIU_TOKEN_IMAGE.path,
        FileKind::Video => endpoints::QINIU_TOKEN_VIDEO.path,
        FileKind::Audio => endpoints::QINIU_TOKEN_AUDIO.path,
        FileKind::Other => endpoints::QINIU_TOKEN_FILE.path,
    };
    let token_exchange = courier.send(get(token_path)).await?;
    let upload_token = token_exchange
        .first_text(&[&["data", "token"]])
        .ok_or_else(|| token_exchange.missing(Platform::Yunhu, "data.token"))?;
    let key = format!(
        "{}.{}",
        hex::encode(Md5::digest(&file.bytes)),
        file.extension()
    );
    let (content_type, body) = file.multipart(&[("token", &upload_token), ("key", &key)], "file");
    let exchange = courier
        .send_to(qiniu.upload_url.clone(), post("", content_type, body))
        .await?;
    let id = exchange
        .first_text(&[&["key"]])
        .ok_or_else(|| exchange.missing("Qiniu", "key"))?;
    let url = Some(format!("{}/{id}", qiniu.image_base_url));
    Ok(Upload {
        id,
        url,
        upstream: exchange.json(),
    })
}

/// The bot API's upload: images, videos, and everything else as a file.
async fn bot_upload(courier: &dyn Courier, file: &File) -> Result<Upload, ApiError> {
    let (kind, endpoint) = match file.kind() {
        FileKind::Image => ("image", endpoints::BOT_IMAGE_UPLOAD),
        FileKind::Video => ("video", endpoints::BOT_VIDEO_UPLOAD),
        FileKind::Audio | FileKind::Other => ("file", endpoints::BOT_FILE_UPLOAD),
    };
    let (content_type, body) = file.multipart(&[], kind);
    let exchange = courier
        .send(post(endpoint.path, content_type, body))
        .await?;
    let key_name = format!("{kind}Key");
    let id = exchange
        .first_text(&[&["data", key_name.as_str()]])
        .ok_or_else(|| exchange.missing(Platform::Yunhu, &key_name))?;
    Ok(Upload {
        id,
        url: None,
        upstream: exchange.json(),
    })
}
