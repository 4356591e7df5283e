//! Large payloads are decoded in the inspector's worker: the page stays free for clicks and
//! typing meanwhile, a new input or override cancels the decode under way (the worker is ended),
//! and the answer is read back a slice at a time between the browser's turns.

use std::sync::Arc;

use leptos::prelude::*;
use switchboard_payload::handoff::{Decoder, Request};
use switchboard_payload::{Inspection, inspect};
use wasm_bindgen::JsValue;

use super::shared::{OFF_THREAD_BYTES, Shared};
use super::worker::{Job, JobError};
use crate::components::yielding::yield_to_browser;

/// How long the page reads the worker's answer before giving the browser its turn.
const SLICE_MS: f64 = 8.0;
/// Nodes read between looks at the clock.
const NODES_PER_LOOK: usize = 512;

/// A decode asked for: of this input (by identity), with these overrides.
type Ask = (Arc<Vec<u8>>, Request);

/// The decode of the current large input, once it is done.
#[derive(Clone, Copy)]
pub struct OffThread {
    /// The input it is of, and the inspection.
    done: RwSignal<Option<(Arc<Vec<u8>>, Shared)>>,
    /// A large input is being decoded: how many bytes.
    pub decoding: RwSignal<Option<usize>>,
    /// Why the worker could not decode it (it was then decoded on the page).
    pub failure: RwSignal<Option<JobError>>,
    job: StoredValue<Option<Job>, LocalStorage>,
    generation: StoredValue<u64>,
    /// What the last decode was asked for (the input by identity): the same ask is not started
    /// again.
    last: StoredValue<Option<Ask>, LocalStorage>,
}

impl OffThread {
    pub fn new() -> Self {
        let job = StoredValue::new_local(None::<Job>);
        // Leaving the inspector ends a decode under way: its worker stops.
        on_cleanup(move || {
            if let Some(job) = job.try_update_value(Option::take).flatten() {
                job.cancel();
            }
        });
        OffThread {
            done: RwSignal::new(None),
            decoding: RwSignal::new(None),
            failure: RwSignal::new(None),
            job,
            generation: StoredValue::new(0),
            last: StoredValue::new_local(None),
        }
    }

    /// The inspection of `input` once it is decoded; until then the one before it of the same
    /// input (another override is being applied), or an empty one.
    pub fn inspection(self, input: &Arc<Vec<u8>>) -> Shared {
        self.done
            .with(|done| {
                done.as_ref()
                    .filter(|(of, _)| Arc::ptr_eq(of, input))
                    .map(|(_, shared)| shared.clone())
            })
            .unwrap_or_else(Shared::empty)
    }

    /// Whether `input`'s inspection is the one shown (a small input's always is).
    pub fn decoded(self, input: &Arc<Vec<u8>>) -> bool {
        input.len() <= OFF_THREAD_BYTES
            || self
                .done
                .with(|done| done.as_ref().is_some_and(|(of, _)| Arc::ptr_eq(of, input)))
    }

    /// Starts decoding `input` (cancelling what is under way), or only cancels for a small one.
    /// `request` is asked for only for a large one.
    pub fn decode(self, input: Arc<Vec<u8>>, request: impl FnOnce() -> Request) {
        let request = (input.len() > OFF_THREAD_BYTES).then(request);
        let same = self.last.with_value(|last| {
            last.as_ref()
                .zip(request.as_ref())
                .is_some_and(|((of, asked), request)| Arc::ptr_eq(of, &input) && asked == request)
        });
        if same {
            return;
        }
        self.last.set_value(
            request
                .as_ref()
                .map(|request| (input.clone(), request.clone())),
        );
        if let Some(job) = self.job.try_update_value(Option::take).flatten() {
            job.cancel();
        }
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        self.failure.set(None);
        let Some(request) = request else {
            self.decoding.set(None);
            self.done.set(None);
            return;
        };
        self.decoding.set(Some(input.len()));
        let bytes = js_sys::Uint8Array::from(input.as_slice());
        let message = js_sys::Array::of2(
            &JsValue::from_str(&serde_json::to_string(&request).unwrap_or_default()),
            &bytes,
        );
        let transfer = js_sys::Array::of1(&bytes.buffer());
        let answer = match Job::start(message.into(), Some(transfer)) {
            Ok((job, answer)) => {
                self.job.set_value(Some(job));
                answer
            }
            Err(error) => {
                self.on_the_page(input, &request, error);
                return;
            }
        };
        leptos::task::spawn_local(async move {
            // The inspector may be gone by the time the worker answers.
            let current = move || self.generation.try_get_value() == Some(generation);
            let result = match answer.await {
                Err(JobError::Cancelled) => return,
                Err(error) => Err(error),
                Ok(value) => match value.as_string() {
                    Some(why) => Err(JobError::Failed(why)),
                    None => read_back(js_sys::Uint8Array::new(&value).to_vec(), current)
                        .await
                        .map_err(JobError::Failed),
                },
            };
            if !current() {
                return;
            }
            match result {
                Ok(Some(inspection)) => self.finish(input, inspection),
                Ok(None) => {}
                Err(error) => self.on_the_page(input, &request, error),
            }
        });
    }

    fn finish(self, input: Arc<Vec<u8>>, inspection: Inspection) {
        self.job.set_value(None);
        self.decoding.set(None);
        self.done.set(Some((input, Shared(Arc::new(inspection)))));
    }

    /// The worker could not: the page decodes it (blocking, but nothing is lost) and says why.
    fn on_the_page(self, input: Arc<Vec<u8>>, request: &Request, error: JobError) {
        if error != JobError::Cancelled {
            self.failure.set(Some(error));
        }
        let inspection = inspect(&input, &request.options());
        self.finish(input, inspection);
    }
}

impl Default for OffThread {
    fn default() -> Self {
        Self::new()
    }
}

/// Reads the worker's buffer a slice at a time; `None` when a newer decode took over.
async fn read_back(
    buffer: Vec<u8>,
    current: impl Fn() -> bool,
) -> Result<Option<Inspection>, String> {
    let mut decoder = Decoder::new(buffer).map_err(|error| error.to_string())?;
    loop {
        let started = js_sys::Date::now();
        while js_sys::Date::now() - started < SLICE_MS {
            if let Some(inspection) = decoder
                .step(NODES_PER_LOOK)
                .map_err(|error| error.to_string())?
            {
                return Ok(Some(inspection));
            }
        }
        yield_to_browser().await;
        if !current() {
            return Ok(None);
        }
    }
}
