//! One job in a fresh inspector worker (`crates/inspector-worker`): started, sent its message
//! once it says it is ready, answered, ended. Ending it early is how a job is cancelled: the
//! worker stops mid-work. A worker that does not load, or does not say it is ready in time,
//! fails the job (the caller then does the work itself or says why).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::set_timeout;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Trunk's loader for the worker module (`index.html`: `data-type="worker"`).
const WORKER_URL: &str = "/inspector-worker_loader.js";
/// What the worker says once it listens.
const READY: &str = "ready";
/// How long a worker may take to load its module and say it is ready.
const READY_WITHIN: Duration = Duration::from_secs(15);

#[derive(Debug, Clone, PartialEq)]
pub enum JobError {
    /// [`Job::cancel`] ended it.
    Cancelled,
    /// Its script did not load (not served, refused).
    NotLoaded,
    /// Its module did not say it was ready in time.
    NotReady,
    /// It stopped (the browser's words).
    Failed(String),
}

impl JobError {
    /// In the agent's language.
    pub fn describe(&self, i18n: crate::i18n::I18n) -> String {
        match self {
            JobError::Cancelled => String::new(),
            JobError::NotLoaded => i18n.t("worker-not-loaded"),
            JobError::NotReady => i18n.t("worker-not-ready"),
            JobError::Failed(why) => why.clone(),
        }
    }
}

/// Settles the job's promise once: an answer, or why not.
#[derive(Clone, Default)]
struct Settle(Rc<RefCell<Option<(js_sys::Function, js_sys::Function)>>>);

impl Settle {
    fn resolve(&self, value: &JsValue) {
        // Taken before calling out: a settle function never runs while the cell is borrowed.
        let taken = self.0.borrow_mut().take();
        if let Some((resolve, _)) = taken {
            let _ = resolve.call1(&JsValue::NULL, value);
        }
    }

    fn reject(&self, why: &str) {
        let taken = self.0.borrow_mut().take();
        if let Some((_, reject)) = taken {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(why));
        }
    }
}

/// Why a job ended without an answer, when it was not the worker that said so.
type Reason = Rc<RefCell<Option<JobError>>>;

/// A running job; dropping it does not stop it, [`Job::cancel`] does.
pub struct Job {
    worker: web_sys::Worker,
    settle: Settle,
    reason: Reason,
}

impl Job {
    /// Starts a worker for `message` (with `transfer`: the buffers handed over, not copied).
    /// The future is its answer.
    pub fn start(
        message: JsValue,
        transfer: Option<js_sys::Array>,
    ) -> Result<(Job, impl Future<Output = Result<JsValue, JobError>>), JobError> {
        let worker = web_sys::Worker::new(WORKER_URL)
            .map_err(|error| JobError::Failed(crate::api::js_text(error)))?;
        let settle = Settle::default();
        let promise = js_sys::Promise::new(&mut |resolve, reject| {
            settle.0.replace(Some((resolve, reject)));
        });
        let ready = Rc::new(Cell::new(false));
        let on_message = {
            let (settle, worker, ready) = (settle.clone(), worker.clone(), ready.clone());
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let data = event.data();
                if data.as_string().as_deref() == Some(READY) {
                    ready.set(true);
                    let sent = match &transfer {
                        Some(transfer) => worker.post_message_with_transfer(&message, transfer),
                        None => worker.post_message(&message),
                    };
                    if let Err(error) = sent {
                        settle.reject(&crate::api::js_text(error));
                    }
                } else {
                    settle.resolve(&data);
                }
            })
        };
        let reason = Reason::default();
        // A script that does not load fires a plain `Event`; an exception inside, an `ErrorEvent`.
        let on_error = {
            let (settle, reason) = (settle.clone(), reason.clone());
            Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
                let message = event
                    .dyn_ref::<web_sys::ErrorEvent>()
                    .map(|error| error.message())
                    .filter(|message| !message.is_empty());
                match message {
                    Some(why) => settle.reject(&why),
                    None => {
                        reason.borrow_mut().get_or_insert(JobError::NotLoaded);
                        settle.reject("");
                    }
                }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        {
            // A module that fails to start inside the worker reports nothing: wait so long only.
            let (settle, ready, reason) = (settle.clone(), ready.clone(), reason.clone());
            set_timeout(
                move || {
                    if !ready.get() {
                        reason.borrow_mut().get_or_insert(JobError::NotReady);
                        settle.reject("");
                    }
                },
                READY_WITHIN,
            );
        }
        let job = Job {
            worker: worker.clone(),
            settle,
            reason: reason.clone(),
        };
        let answer = async move {
            let answer = wasm_bindgen_futures::JsFuture::from(promise).await;
            worker.terminate();
            // The handlers live until the answer (or the cancel) came.
            drop((on_message, on_error));
            let reason = reason.borrow_mut().take();
            match (reason, answer) {
                (Some(reason), _) => Err(reason),
                (None, Ok(value)) => Ok(value),
                (None, Err(error)) => Err(JobError::Failed(crate::api::js_text(error))),
            }
        };
        Ok((job, answer))
    }

    /// Stops the worker where it is; the job's answer is [`JobError::Cancelled`].
    pub fn cancel(&self) {
        self.reason.borrow_mut().get_or_insert(JobError::Cancelled);
        self.worker.terminate();
        self.settle.reject("");
    }
}
