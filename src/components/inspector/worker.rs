//! One job in a fresh inspector worker (`crates/inspector-worker`): started, sent its message
//! once it says it is ready, answered, ended. Ending it early is how a job is cancelled: the
//! worker stops mid-work.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Trunk's loader for the worker module (`index.html`: `data-type="worker"`).
const WORKER_URL: &str = "/inspector-worker_loader.js";
/// What the worker says once it listens.
const READY: &str = "ready";

#[derive(Debug, Clone, PartialEq)]
pub enum JobError {
    /// [`Job::cancel`] ended it.
    Cancelled,
    /// It did not start, or stopped (the browser's words).
    Failed(String),
}

type Settle = Rc<RefCell<Option<(js_sys::Function, js_sys::Function)>>>;

/// A running job; dropping it does not stop it, [`Job::cancel`] does.
pub struct Job {
    worker: web_sys::Worker,
    settle: Settle,
    cancelled: Rc<Cell<bool>>,
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
        let settle: Settle = Rc::default();
        let promise = js_sys::Promise::new(&mut |resolve, reject| {
            settle.replace(Some((resolve, reject)));
        });
        let on_message = {
            let (settle, worker) = (settle.clone(), worker.clone());
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let data = event.data();
                if data.as_string().as_deref() == Some(READY) {
                    let _ = match &transfer {
                        Some(transfer) => worker.post_message_with_transfer(&message, transfer),
                        None => worker.post_message(&message),
                    };
                } else if let Some((resolve, _)) = settle.borrow_mut().take() {
                    let _ = resolve.call1(&JsValue::NULL, &data);
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
        let cancelled = Rc::new(Cell::new(false));
        let job = Job {
            worker: worker.clone(),
            settle,
            cancelled: cancelled.clone(),
        };
        let answer = async move {
            let answer = wasm_bindgen_futures::JsFuture::from(promise).await;
            worker.terminate();
            // The handlers live until the answer (or the cancel) came.
            drop((on_message, on_error));
            match answer {
                _ if cancelled.get() => Err(JobError::Cancelled),
                Ok(value) => Ok(value),
                Err(error) => Err(JobError::Failed(crate::api::js_text(error))),
            }
        };
        Ok((job, answer))
    }

    /// Stops the worker where it is; the job's answer is [`JobError::Cancelled`].
    pub fn cancel(&self) {
        self.cancelled.set(true);
        self.worker.terminate();
        if let Some((_, reject)) = self.settle.borrow_mut().take() {
            let _ = reject.call0(&JsValue::NULL);
        }
    }
}
