//! Giving the browser its turn in the middle of long work.

/// Lets the browser handle input and paint before more work: a message to ourselves, which
/// (unlike a zero timeout) is not throttled to 4 ms.
pub async fn yield_to_browser() {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return;
    };
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        channel.port1().set_onmessage(Some(&resolve));
    });
    let _ = channel.port2().post_message(&wasm_bindgen::JsValue::NULL);
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
