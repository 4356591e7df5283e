//! The inspector's worker (`inspector-worker_loader.js`, built by Trunk as a worker). It says
//! `"ready"`, then answers each message:
//! - a string: a JSON array of `{name, text}` `.proto` files → the JSON of `{"Ok": Imported}`
//!   or `{"Err": CompileError}`;
//! - `[request, bytes]`: a JSON `handoff::Request` and a payload's bytes → the inspection as a
//!   `handoff` buffer (its `ArrayBuffer` transferred, not copied), or a string saying why not.
//!
//! The page starts one per job and ends it to cancel (`src/components/inspector/worker.rs`).

use switchboard_payload::handoff::{Request, encode};
use switchboard_payload::inspect;
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
        let data = event.data();
        let _ = match data.as_string() {
            Some(files) => replies.post_message(&JsValue::from_str(&compiled(&files))),
            None => match inspected(&data) {
                Ok(buffer) => {
                    let buffer = js_sys::Uint8Array::from(buffer.as_slice()).buffer();
                    replies.post_message_with_transfer(&buffer, &js_sys::Array::of1(&buffer))
                }
                Err(why) => replies.post_message(&JsValue::from_str(&why)),
            },
        };
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page keeps it; so does its handler.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str(READY));
}

fn compiled(files: &str) -> String {
    let result = match serde_json::from_str::<Vec<ProtoFile>>(files) {
        Ok(files) => compile(&files),
        Err(error) => Err(CompileError::general(format!(
            "not a list of .proto files: {error}"
        ))),
    };
    serde_json::to_string(&result).unwrap_or_default()
}

fn inspected(message: &JsValue) -> Result<Vec<u8>, String> {
    let parts: js_sys::Array = message
        .clone()
        .dyn_into()
        .map_err(|_| "expected [request, bytes]".to_owned())?;
    let request: Request = serde_json::from_str(&parts.get(0).as_string().unwrap_or_default())
        .map_err(|error| format!("request: {error}"))?;
    let bytes = js_sys::Uint8Array::new(&parts.get(1)).to_vec();
    Ok(encode(&inspect(&bytes, &request.options())))
}
