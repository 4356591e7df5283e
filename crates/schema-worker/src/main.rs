//! The schema worker (`schema-worker_loader.js`, built by Trunk as a worker): says `"ready"`,
//! then answers each message — a JSON array of `{name, text}` `.proto` files — with the JSON
//! of `{"Ok": Imported}` or `{"Err": CompileError}`. See `src/components/inspector/schemas.rs`.

use switchboard_proto_import::{CompileError, ProtoFile, compile};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// What the page is told once the handler is in place (messages sent before it would be lost).
const READY: &str = "ready";

fn main() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let answer = answer(event.data().as_string().as_deref());
        let _ = replies.post_message(&JsValue::from_str(&answer));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page keeps it; so does its handler.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str(READY));
}

fn answer(request: Option<&str>) -> String {
    let result = match request.map(serde_json::from_str::<Vec<ProtoFile>>) {
        Some(Ok(files)) => compile(&files),
        Some(Err(error)) => Err(CompileError::general(format!(
            "not a list of .proto files: {error}"
        ))),
        None => Err(CompileError::general("not a list of .proto files")),
    };
    serde_json::to_string(&result).unwrap_or_default()
}
