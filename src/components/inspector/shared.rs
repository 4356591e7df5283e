//! An inspection as the views share it: compared by identity, and a large one freed in slices.

use std::sync::Arc;

use switchboard_payload::{Inspection, Options, inspect};

/// Above this many bytes a payload is decoded off the page's thread (`off_thread.rs`), and its
/// inspection freed a slice at a time.
pub const OFF_THREAD_BYTES: usize = 64 * 1024;

/// An inspection shared between views; compared by identity so a new one always re-renders.
/// The last one of a large payload's is freed a slice at a time, between the browser's turns
/// (a tree of 400 000 nodes takes longer to free than a frame).
#[derive(Clone)]
pub struct Shared(pub Arc<Inspection>);

impl Drop for Shared {
    fn drop(&mut self) {
        // In the browser only: natively (the app's unit tests) there is no task to free it in.
        if cfg!(target_arch = "wasm32")
            && self.0.bytes.len() > OFF_THREAD_BYTES
            && Arc::strong_count(&self.0) == 1
        {
            let last = std::mem::replace(&mut self.0, empty());
            if let Ok(inspection) = Arc::try_unwrap(last) {
                leptos::task::spawn_local(free_in_slices(inspection.tree));
            }
        }
    }
}

impl Shared {
    /// The inspection of no input (what a large one shows until it is decoded).
    pub fn empty() -> Shared {
        Shared(empty())
    }
}

/// The inspection of no input, made once.
fn empty() -> Arc<Inspection> {
    thread_local! {
        static EMPTY: Arc<Inspection> = Arc::new(inspect(&[], &Options::default()));
    }
    EMPTY.with(Arc::clone)
}

/// Frees a tree a few thousand nodes at a time.
async fn free_in_slices(tree: switchboard_payload::tree::Node) {
    let mut left = vec![tree];
    loop {
        let started = js_sys::Date::now();
        while js_sys::Date::now() - started < 4.0 {
            for _ in 0..256 {
                let Some(mut node) = left.pop() else {
                    return;
                };
                left.append(&mut node.children);
                if let Some(nested) = node.nested.take() {
                    left.push(nested.tree);
                }
            }
        }
        crate::components::yielding::yield_to_browser().await;
    }
}

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
