//! File uploads with progress: XMLHttpRequest, because `fetch` reports no upload progress.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::fetch::{error_text, js_text};
use switchboard_protocol::Uploaded;

/// Uploads a file as multipart field `file`, reporting progress (0–1); XMLHttpRequest because
/// `fetch` reports no upload progress.
pub async fn upload(
    i18n: crate::i18n::I18n,
    url: &str,
    file: &web_sys::File,
    on_progress: impl Fn(f64) + 'static,
) -> Result<Uploaded, String> {
    let form = web_sys::FormData::new().map_err(js_text)?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(js_text)?;
    let request = web_sys::XmlHttpRequest::new().map_err(js_text)?;
    request
        .open_with_async("POST", url, true)
        .map_err(js_text)?;
    let progress = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(
        move |event: web_sys::ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                on_progress(event.loaded() / event.total());
            }
        },
    );
    request
        .upload()
        .map_err(js_text)?
        .set_onprogress(Some(progress.as_ref().unchecked_ref()));
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        request.set_onload(Some(&resolve));
        request.set_onerror(Some(&reject));
        request.set_onabort(Some(&reject));
    });
    request
        .send_with_opt_form_data(Some(&form))
        .map_err(js_text)?;
    let outcome = JsFuture::from(done).await;
    drop(progress);
    if outcome.is_err() {
        return Err(i18n.t("upload-broke-off"));
    }
    let status = request.status().unwrap_or(0);
    let text = request.response_text().ok().flatten().unwrap_or_default();
    if !(200..300).contains(&status) {
        return Err(error_text(i18n, status, &text));
    }
    serde_json::from_str(&text)
        .map_err(|error| super::fetch::ApiError::Unexpected(error.to_string()).describe(i18n))
}
