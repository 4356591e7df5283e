//! The user's own `.proto` schemas: kept in this browser (localStorage) until removed, and
//! compiled in the inspector's worker (`worker.rs`), a wasm module of its own that is loaded
//! only when files are added or removed, so the compiler is not part of the first load.

use std::sync::Arc;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use switchboard_payload::protobuf::imported::{CompileError, Imported, ProtoFile};
use switchboard_payload::protobuf::schema::Schemas;
use wasm_bindgen::JsValue;

use super::worker::{Job, JobError};

/// Where the files and what they compiled to are kept (so a reload needs no worker).
const STORAGE_KEY: &str = "switchboard.schemas";

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
    /// What their files compiled to (the worker is sent this); `None` when there are none.
    pub imported: RwSignal<Option<Arc<Imported>>>,
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
        let any = !saved.files.is_empty();
        let schemas = any.then(|| Arc::new(Schemas::with_imported(&saved.imported)));
        let imported = any.then(|| Arc::new(saved.imported));
        UserSchemas {
            files: RwSignal::new(saved.files),
            imported: RwSignal::new(imported),
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
        let any = !saved.files.is_empty();
        self.schemas
            .set(any.then(|| Arc::new(Schemas::with_imported(&saved.imported))));
        self.imported.set(any.then(|| Arc::new(saved.imported)));
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

/// One compile in a fresh worker.
async fn compile_in_worker(
    i18n: crate::i18n::I18n,
    files: &[ProtoFile],
) -> Result<Imported, CompileError> {
    let failed =
        |key: &str, error: String| CompileError::general(i18n.f(key, &[("error", error.into())]));
    let request = serde_json::to_string(files)
        .map_err(|error| failed("schemas-worker-garbled", error.to_string()))?;
    let unstarted = |error| match error {
        JobError::Failed(why) => why,
        JobError::Cancelled => String::new(),
    };
    let (_job, answer) = Job::start(JsValue::from_str(&request), None)
        .map_err(|error| failed("schemas-worker-unstarted", unstarted(error)))?;
    let answer = answer
        .await
        .map_err(|error| failed("schemas-worker-stopped", unstarted(error)))?
        .as_string()
        .unwrap_or_default();
    serde_json::from_str::<Result<Imported, CompileError>>(&answer)
        .map_err(|error| failed("schemas-worker-garbled", error.to_string()))?
}
