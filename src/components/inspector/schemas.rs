//! The user's own `.proto` schemas: kept in this browser (localStorage) until removed, and
//! compiled in the schema worker (`crates/schema-worker`), a wasm module of its own that is
//! loaded only when files are added or removed, so the compiler is not part of the first load.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use switchboard_payload::protobuf::imported::{CompileError, Imported, ProtoFile};
use switchboard_payload::protobuf::schema::Schemas;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Where the files and what they compiled to are kept (so a reload needs no worker).
const STORAGE_KEY: &str = "switchboard.schemas";
/// Trunk's loader for the worker module (`index.html`: `data-type="worker"`).
const WORKER_URL: &str = "/schema-worker_loader.js";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Saved {
    files: Vec<ProtoFile>,
    imported: Imported,
}

/// The user's schemas, shared by the inspector's views (provided as context).
#[derive(Clone, Copy)]
pub struct UserSchemas {
    /// The files as given, in the order added.
    pub files: RwSignal<Vec<ProtoFile>>,
    /// Ours and theirs, once their files compiled; `None` when there are none.
    pub schemas: RwSignal<Option<Arc<Schemas>>>,
    /// Why the last change did not compile (the files kept are the ones before it).
    pub error: RwSignal<Option<CompileError>>,
    pub compiling: RwSignal<bool>,
}

impl UserSchemas {
    /// What this browser kept from earlier visits.
    pub fn saved() -> Self {
        let saved = read_saved().unwrap_or_default();
        let schemas =
            (!saved.files.is_empty()).then(|| Arc::new(Schemas::with_imported(&saved.imported)));
        UserSchemas {
            files: RwSignal::new(saved.files),
            schemas: RwSignal::new(schemas),
            error: RwSignal::new(None),
            compiling: RwSignal::new(false),
        }
    }

    /// Adds files (one of the same name is replaced) and compiles the whole set.
    pub fn add(self, added: Vec<ProtoFile>) {
        let mut files = self.files.get_untracked();
        for file in added {
            files.retain(|kept| kept.name != file.name);
            files.push(file);
        }
        self.replace(files);
    }

    pub fn remove(self, name: &str) {
        let mut files = self.files.get_untracked();
        files.retain(|kept| kept.name != name);
        self.replace(files);
    }

    /// Compiles `files` in the worker; only what compiles is kept.
    fn replace(self, files: Vec<ProtoFile>) {
        if files.is_empty() {
            self.error.set(None);
            self.keep(Saved::default());
            return;
        }
        self.compiling.set(true);
        let i18n = crate::i18n::use_i18n();
        leptos::task::spawn_local(async move {
            let result = compile_in_worker(i18n, &files).await;
            self.compiling.set(false);
            match result {
                Ok(imported) => {
                    self.error.set(None);
                    self.keep(Saved { files, imported });
                }
                Err(error) => self.error.set(Some(error)),
            }
        });
    }

    fn keep(self, saved: Saved) {
        if let Some(storage) = storage() {
            if saved.files.is_empty() {
                let _ = storage.remove_item(STORAGE_KEY);
            } else if let Ok(json) = serde_json::to_string(&saved) {
                // Over the browser's quota the schemas still work until the page is left.
                let _ = storage.set_item(STORAGE_KEY, &json);
            }
        }
        self.schemas.set(
            (!saved.files.is_empty()).then(|| Arc::new(Schemas::with_imported(&saved.imported))),
        );
        self.files.set(saved.files);
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn read_saved() -> Option<Saved> {
    let json = storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    serde_json::from_str(&json).ok()
}

/// One compile in a fresh worker: it says "ready", is sent the files, answers, and is ended.
async fn compile_in_worker(
    i18n: crate::i18n::I18n,
    files: &[ProtoFile],
) -> Result<Imported, CompileError> {
    let failed =
        |key: &str, error: String| CompileError::general(i18n.f(key, &[("error", error.into())]));
    let request = serde_json::to_string(files)
        .map_err(|error| failed("schemas-worker-garbled", error.to_string()))?;
    let worker = web_sys::Worker::new(WORKER_URL)
        .map_err(|error| failed("schemas-worker-unstarted", crate::api::js_text(error)))?;
    // The promise's settle functions, handed to the worker's handlers.
    let settle: Rc<RefCell<Option<(js_sys::Function, js_sys::Function)>>> = Rc::default();
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        settle.replace(Some((resolve, reject)));
    });
    let on_message = {
        let (settle, worker) = (settle.clone(), worker.clone());
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let data = event.data().as_string().unwrap_or_default();
            if data == "ready" {
                let _ = worker.post_message(&JsValue::from_str(&request));
            } else if let Some((resolve, _)) = settle.borrow_mut().take() {
                let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str(&data));
            }
        })
    };
    let on_error = {
        let settle = settle.clone();
        Closure::<dyn Fn(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
            if let Some((_, reject)) = settle.borrow_mut().take() {
                let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&event.message()));
            }
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let answer = wasm_bindgen_futures::JsFuture::from(promise).await;
    worker.terminate();
    drop((on_message, on_error));
    let answer = answer
        .map_err(|error| failed("schemas-worker-stopped", crate::api::js_text(error)))?
        .as_string()
        .unwrap_or_default();
    serde_json::from_str::<Result<Imported, CompileError>>(&answer)
        .map_err(|error| failed("schemas-worker-garbled", error.to_string()))?
}
