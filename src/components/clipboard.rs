//! Writing text to the clipboard: the one place the app asks the browser for it.

use std::future::Future;

/// Starts writing `text` now (inside the click that asked for it, while the browser still
/// counts the gesture) and resolves to whether the browser took it.
pub fn write_text(text: &str) -> impl Future<Output = bool> + use<> {
    let started = web_sys::window().map(|window| {
        wasm_bindgen_futures::JsFuture::from(window.navigator().clipboard().write_text(text))
    });
    async move {
        match started {
            Some(written) => written.await.is_ok(),
            None => false,
        }
    }
}
