//! The user's own `.proto` schemas: kept in this browser (localStorage) until removed, and
//! compiled in the inspector's worker (`worker.rs`), a wasm module of its own that is loaded
//! only when files are added or removed, so the compiler is not part of the first load.

use std::sync::Arc;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use switchboard_payload::protobuf::imported::{CompileError, Imported, ProtoFile};
use switchboard_payload::protobuf::schema::Schemas;
use wasm_bindgen::JsValue;

use super::worker::Job;
use crate::i18n::I18n;

/// Where the files and what they compiled to are kept (so a reload needs no worker). The
/// version changes when what is kept does.
const STORAGE_KEY: &str = "switchboard.schemas.v1";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Saved {
    files: Vec<ProtoFile>,
    imported: Imported,
}

/// The files alone: what is read back when what they compiled to no longer reads.
#[derive(Deserialize)]
struct SavedFiles {
    files: Vec<ProtoFile>,
}

/// The user's schemas, shared by the inspector's views (provided as context).
#[derive(Clone, Copy)]
pub struct UserSchemas {
    /// The files kept, in the order added.
    pub files: RwSignal<Vec<ProtoFile>>,
    /// What their files compiled to (the worker is sent this); `None` when there are none.
    pub imported: RwSignal<Option<Arc<Imported>>>,
    /// Ours and theirs, once their files compiled; `None` when there are none.
    pub schemas: RwSignal<Option<Arc<Schemas>>>,
    /// Why the last change did not compile (the files kept are the ones before it).
    pub error: RwSignal<Option<CompileError>>,
    pub compiling: RwSignal<bool>,
    /// The files the newest change asks for: a change made while another compiles builds on it.
    wanted: StoredValue<Vec<ProtoFile>>,
    job: StoredValue<Option<Job>, LocalStorage>,
    generation: StoredValue<u64>,
    i18n: I18n,
}

impl UserSchemas {
    /// What this browser kept from earlier visits.
    pub fn saved(i18n: I18n) -> Self {
        let json = crate::storage::local_storage()
            .and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten());
        let saved = json
            .as_deref()
            .and_then(|json| serde_json::from_str::<Saved>(json).ok());
        // Files whose compiled form no longer reads are compiled again.
        let recompile = match &saved {
            Some(_) => None,
            None => json
                .as_deref()
                .and_then(|json| serde_json::from_str::<SavedFiles>(json).ok())
                .map(|saved| saved.files),
        };
        let saved = saved.unwrap_or_default();
        let (imported, schemas) = compiled(&saved);
        let job = StoredValue::new_local(None::<Job>);
        on_cleanup(move || {
            if let Some(job) = job.try_update_value(Option::take).flatten() {
                job.cancel();
            }
        });
        let user = UserSchemas {
            files: RwSignal::new(saved.files.clone()),
            imported: RwSignal::new(imported),
            schemas: RwSignal::new(schemas),
            error: RwSignal::new(None),
            compiling: RwSignal::new(false),
            wanted: StoredValue::new(saved.files),
            job,
            generation: StoredValue::new(0),
            i18n,
        };
        if let Some(files) = recompile.filter(|files| !files.is_empty()) {
            user.replace(files);
        }
        user
    }

    /// Adds files (one of the same name is replaced) and compiles the whole set.
    pub fn add(self, added: Vec<ProtoFile>) {
        let mut files = self.wanted.get_value();
        for file in added {
            files.retain(|kept| kept.name != file.name);
            files.push(file);
        }
        self.replace(files);
    }

    pub fn remove(self, name: &str) {
        let mut files = self.wanted.get_value();
        files.retain(|kept| kept.name != name);
        self.replace(files);
    }

    /// Compiles `files` in a worker, ending the compile of an earlier change; only the newest
    /// change's outcome counts, and only what compiles is kept.
    fn replace(self, files: Vec<ProtoFile>) {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        if let Some(job) = self.job.try_update_value(Option::take).flatten() {
            job.cancel();
        }
        self.wanted.set_value(files.clone());
        if files.is_empty() {
            self.compiling.set(false);
            self.error.set(None);
            self.keep(Saved::default());
            return;
        }
        let i18n = self.i18n;
        let failed = move |key: &str, why: String| {
            CompileError::general(i18n.f(key, &[("error", why.into())]))
        };
        let request = serde_json::to_string(&files).unwrap_or_default();
        let (job, answer) = match Job::start(JsValue::from_str(&request), None) {
            Ok(started) => started,
            Err(error) => {
                self.refuse(failed("schemas-worker-unstarted", error.describe(i18n)));
                return;
            }
        };
        self.job.set_value(Some(job));
        self.compiling.set(true);
        leptos::task::spawn_local(async move {
            let answer = answer.await;
            // The inspector may be gone, or a newer change under way.
            if self.generation.try_get_value() != Some(generation) {
                return;
            }
            self.job.set_value(None);
            self.compiling.set(false);
            let compiled = answer
                .map_err(|error| failed("schemas-worker-stopped", error.describe(i18n)))
                .and_then(|answer| {
                    serde_json::from_str::<Result<Imported, CompileError>>(
                        &answer.as_string().unwrap_or_default(),
                    )
                    .map_err(|error| failed("schemas-worker-garbled", error.to_string()))?
                });
            match compiled {
                Ok(imported) => {
                    self.error.set(None);
                    self.keep(Saved { files, imported });
                }
                Err(error) => self.refuse(error),
            }
        });
    }

    /// The change did not compile: the files kept stay, and so does what they compiled to.
    fn refuse(self, error: CompileError) {
        self.compiling.set(false);
        self.wanted.set_value(self.files.get_untracked());
        self.error.set(Some(error));
    }

    fn keep(self, saved: Saved) {
        if let Some(storage) = crate::storage::local_storage() {
            let kept = if saved.files.is_empty() {
                storage.remove_item(STORAGE_KEY).is_ok()
            } else {
                serde_json::to_string(&saved)
                    .ok()
                    .is_some_and(|json| storage.set_item(STORAGE_KEY, &json).is_ok())
            };
            if !kept {
                // Over the quota: the schemas work until the page is left, and an older set
                // is not brought back by a reload.
                let _ = storage.remove_item(STORAGE_KEY);
                self.error
                    .set(Some(CompileError::general(self.i18n.t("schemas-not-kept"))));
            }
        }
        let (imported, schemas) = compiled(&saved);
        self.schemas.set(schemas);
        self.imported.set(imported);
        self.files.set(saved.files);
    }
}

/// What kept files compiled to, and ours with them; nothing when no files are kept.
fn compiled(saved: &Saved) -> (Option<Arc<Imported>>, Option<Arc<Schemas>>) {
    if saved.files.is_empty() {
        return (None, None);
    }
    (
        Some(Arc::new(saved.imported.clone())),
        Some(Arc::new(Schemas::with_imported(&saved.imported))),
    )
}
