//! The inspector's state: the input, the user's overrides, and the inspection derived from them.

use std::collections::HashSet;
use std::sync::Arc;

use leptos::prelude::*;
use switchboard_payload::diff::Change;
use switchboard_payload::handoff::Request;
use switchboard_payload::profile::Profile;
use switchboard_payload::protobuf::schema::Schemas;
use switchboard_payload::tree::ReadingChoices;
use switchboard_payload::unwrap::Format;
use switchboard_payload::{Options, Platform, inspect};

use super::off_thread::OffThread;
use super::rows;
use super::schemas::UserSchemas;
use super::shared::OFF_THREAD_BYTES;
pub use super::shared::Shared;

/// The changes from the first payload to the second, with both payloads' decoded bytes (the
/// change ranges point into them).
#[derive(PartialEq)]
pub struct Comparison {
    pub changes: Vec<Change>,
    pub before: Shared,
    pub after_bytes: Vec<u8>,
}

#[derive(Clone, Copy)]
pub struct InspectorState {
    /// The payload exactly as pasted or dropped.
    pub input: RwSignal<Arc<Vec<u8>>>,
    /// Where it came from: "pasted", a file name, "shared link".
    pub source: RwSignal<String>,
    pub format: RwSignal<Option<Format>>,
    pub platform: RwSignal<Option<Platform>>,
    pub schema: RwSignal<Option<String>>,
    pub choices: RwSignal<ReadingChoices>,
    pub inspection: Memo<Shared>,
    /// The tree row the user selected (its key), highlighted in the bytes view too.
    pub selected: RwSignal<Option<String>>,
    pub expanded: RwSignal<HashSet<String>>,
    /// A short message for the user: "Copied", "Link copied", a share-link error.
    pub notice: RwSignal<Option<String>>,
    /// Who the payload's ids are, as the log's profile answers say (a payload opened from the
    /// log; see `described.rs`).
    pub described: RwSignal<Vec<Profile>>,
    /// The log row the payload was opened from (the desk's "inspect"), for "Copy as curl".
    pub log_row: RwSignal<Option<Arc<switchboard_protocol::Row>>>,
    /// Whether the server runs against the sandbox (a webhook from the log can be replayed).
    pub sandbox: RwSignal<bool>,
    /// A second payload to compare the first with (`compare_view.rs`).
    pub compare: RwSignal<Arc<Vec<u8>>>,
    /// The changes from the first payload to the second, when there is a second.
    pub comparison: Memo<Option<Arc<Comparison>>>,
    /// Ours and the user's own schemas (`schemas.rs`), or ours alone.
    pub schemas: Signal<Option<Arc<Schemas>>>,
    /// Large inputs, decoded in the worker (`off_thread.rs`).
    pub off_thread: OffThread,
}

impl InspectorState {
    pub fn new(user: UserSchemas) -> Self {
        let schemas: Signal<Option<Arc<Schemas>>> = user.schemas.into();
        let input = RwSignal::new(Arc::new(Vec::new()));
        let format = RwSignal::new(None);
        let platform = RwSignal::new(None);
        let schema = RwSignal::new(None::<String>);
        let choices = RwSignal::new(ReadingChoices::default());
        // What the user told the inspector: both payloads are read with it.
        let overrides = move || Options {
            format: format.get(),
            platform: platform.get(),
            schema: schema.get(),
            choices: choices.get(),
            schemas: schemas.get(),
            ..Options::default()
        };
        let off_thread = OffThread::new();
        // A small input is decoded here and now; a large one in the worker (see the effect).
        let inspection = Memo::new(move |_| {
            let options = overrides();
            input.with(|bytes| {
                if bytes.len() <= OFF_THREAD_BYTES {
                    Shared(Arc::new(inspect(bytes, &options)))
                } else {
                    off_thread.inspection(bytes)
                }
            })
        });
        Effect::new(move |_| {
            let (format, platform, schema) = (format.get(), platform.get(), schema.get());
            let (choices, imported) = (choices.get(), user.imported.get());
            off_thread.decode(input.get(), move || Request {
                format,
                platform,
                schema,
                choices: choices.0,
                imported: imported.map(|imported| (*imported).clone()),
            });
        });
        let compare = RwSignal::new(Arc::new(Vec::new()));
        let comparison = Memo::new(move |_| {
            let other = compare.get();
            // Nothing to compare with while the first payload is still being decoded.
            if other.is_empty() || off_thread.decoding.get().is_some() {
                return None;
            }
            // Readings chosen per field included: the paths are the same where the two payloads
            // have the same shape.
            let other = inspect(&other, &overrides());
            let first = inspection.get();
            Some(Arc::new(Comparison {
                changes: switchboard_payload::diff::diff(&first.0.tree, &other.tree),
                before: first,
                after_bytes: other.bytes,
            }))
        });
        InspectorState {
            input,
            source: RwSignal::new(String::new()),
            format,
            platform,
            schema,
            choices,
            inspection,
            selected: RwSignal::new(None),
            expanded: RwSignal::new(rows::initially_expanded()),
            notice: RwSignal::new(None),
            described: RwSignal::new(Vec::new()),
            log_row: RwSignal::new(None),
            sandbox: RwSignal::new(false),
            compare,
            comparison,
            schemas,
            off_thread,
        }
    }

    /// Replaces the payload, keeping the overrides but not the per-field choices.
    pub fn load(&self, bytes: Vec<u8>, source: impl Into<String>) {
        self.choices.set(ReadingChoices::default());
        self.selected.set(None);
        self.expanded.set(rows::initially_expanded());
        self.source.set(source.into());
        self.described.set(Vec::new());
        self.log_row.set(None);
        self.input.set(Arc::new(bytes));
    }

    pub fn clear(&self) {
        self.format.set(None);
        self.platform.set(None);
        self.schema.set(None);
        self.load(Vec::new(), "");
        self.compare.set(Arc::new(Vec::new()));
        self.notice.set(None);
    }
}
