//! Who the ids of a payload opened from the log are: the log's profile answers that name them
//! (`/api/events/lookups/{platform}`), projected as the desk projects the whole log, so the
//! events show the names and pictures an agent sees, beside what the bytes themselves say.

use leptos::prelude::*;
use switchboard_desk::{Desk, Row};
use switchboard_payload::Platform;
use switchboard_payload::profile::Profile;

use super::state::InspectorState;

/// Ids asked about at most, and their longest (the server's bounds: a longer id would void the
/// whole question).
const IDS_MOST: usize = 16;
const ID_BYTES_MOST: usize = 256;

/// As [`describe_from_log`], once the payload just loaded is decoded (a large one is decoded in
/// the worker, after this is called).
pub fn describe_when_decoded(state: InspectorState, platform: Platform) {
    let asked = StoredValue::new(false);
    Effect::new(move |_| {
        let decoded = state.input.with(|input| state.off_thread.decoded(input));
        if decoded && !asked.get_value() {
            asked.set_value(true);
            describe_from_log(state, platform);
        }
    });
}

/// Asks the log who the inspected payload's senders and conversations are, and keeps what it
/// says in `state.described`. Quiet on failure: the events then show the payload's own words.
pub fn describe_from_log(state: InspectorState, platform: Platform) {
    let ids = state.inspection.with_untracked(|shared| {
        let mut ids: Vec<String> = Vec::new();
        for event in &shared.0.events {
            for id in [&event.sender_id, &event.conversation_id]
                .into_iter()
                .flatten()
            {
                if !id.is_empty() && id.len() <= ID_BYTES_MOST && !ids.contains(id) {
                    ids.push(id.clone());
                }
            }
        }
        ids.truncate(IDS_MOST);
        ids
    });
    if ids.is_empty() {
        return;
    }
    let input = state.input.get_untracked();
    let query = ids
        .iter()
        .map(|id| format!("id={}", String::from(js_sys::encode_uri_component(id))))
        .collect::<Vec<_>>()
        .join("&");
    let url = format!("/api/events/lookups/{}?{query}", platform.id());
    leptos::task::spawn_local(async move {
        let Ok(rows) = crate::api::get_json::<Vec<Row>>(&url).await else {
            return;
        };
        let mut desk = Desk::new();
        for row in &rows {
            desk.apply(row);
        }
        let described: Vec<Profile> = ids
            .iter()
            .filter_map(|id| desk.profile_of(platform, id))
            .filter(Profile::says_something)
            .collect();
        // Only for the payload it was asked for: another may have been opened since.
        if std::sync::Arc::ptr_eq(&state.input.get_untracked(), &input) {
            state.described.set(described);
        }
    });
}
