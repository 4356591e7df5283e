//! The inspector's state: the input, the user's overrides, and the inspection derived from them.

use std::collections::HashSet;
use std::sync::Arc;

use leptos::prelude::*;
use switchboard_payload::diff::Change;
use switchboard_payload::profile::Profile;
use switchboard_payload::protobuf::schema::Schemas;
use switchboard_payload::tree::ReadingChoices;
use switchboard_payload::unwrap::Format;
use switchboard_payload::{Inspection, Options, Platform, inspect};

use super::rows;

/// An inspection shared between views; compared by identity so a new one always re-renders.
#[derive(Clone)]
pub struct Shared(pub Arc<Inspection>);

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
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
    pub comparison: Memo<Option<Arc<Vec<Change>>>>,
    /// Ours and the user's own schemas (`schemas.rs`), or ours alone.
    pub schemas: Signal<Option<Arc<Schemas>>>,
}

impl InspectorState {
    pub fn new(schemas: Signal<Option<Arc<Schemas>>>) -> Self {
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
        let inspection = Memo::new(move |_| {
            let options = overrides();
            Shared(Arc::new(input.with(|bytes| inspect(bytes, &options))))
        });
        let compare = RwSignal::new(Arc::new(Vec::new()));
        let comparison = Memo::new(move |_| {
            let other = compare.get();
            if other.is_empty() {
                return None;
            }
            // Readings chosen per field included: the paths are the same where the two payloads
            // have the same shape.
            let other = inspect(&other, &overrides());
            let first = inspection.get();
            Some(Arc::new(switchboard_payload::diff::diff(
                &first.0.tree,
                &other.tree,
            )))
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
