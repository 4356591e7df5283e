//! Where the page loads a message's media from.

use switchboard_payload::Platform;

/// Media go through the server's media route (Yunhu's hosts insist on a Referer).
pub fn media_src(platform: Platform, url: &str) -> String {
    // Files our own server hosts (E云's uploads) load directly.
    let origin = web_sys::window().and_then(|window| window.location().origin().ok());
    if let Some(path) = origin
        .as_deref()
        .and_then(|origin| url.strip_prefix(origin))
        .filter(|path| path.starts_with("/files/"))
    {
        return path.to_owned();
    }
    if url.starts_with("http://") || url.starts_with("https://") {
        let encoded: String = js_sys::encode_uri_component(url).into();
        format!("/api/media/{}?url={encoded}", platform.id())
    } else {
        String::new()
    }
}
