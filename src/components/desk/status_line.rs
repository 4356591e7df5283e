//! "live", "reconnecting…", "offline since …": whether what the agent sees is current; how much
//! of the log's past is still being read; and which platform is not receiving now.

use leptos::prelude::*;

use super::state::{Connection, DeskState};

fn clock(ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    format!(
        "{:02}:{:02}:{:02}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}

#[component]
pub fn StatusLine() -> impl IntoView {
    let state = expect_context::<DeskState>();
    let text = move || match state.connection.get() {
        Connection::Loading { rows } => format!("loading the log… {rows} rows"),
        Connection::Live => "live".to_owned(),
        Connection::Reconnecting { .. } => "reconnecting…".to_owned(),
        Connection::Offline { since_ms } => format!("offline since {}", clock(since_ms)),
        Connection::LoggedOut => "logged out".to_owned(),
        Connection::Failed(message) => message,
    };
    let class = move || match state.connection.get() {
        Connection::Live => "status-line live",
        Connection::Offline { .. } | Connection::Failed(_) => "status-line offline",
        _ => "status-line pending",
    };
    // The log's past is read behind the live desk: how far it has got.
    let history = move || {
        state.history.get().map(|share| {
            view! {
                <div class="status-line pending" data-testid="history">
                    {format!("reading history… {:.0}%", share * 100.0)}
                </div>
            }
        })
    };
    // A platform that cannot receive now (its socket backing off, its connector stopped).
    let not_receiving = move || {
        state
            .not_receiving()
            .into_iter()
            .map(|line| view! { <div class="status-line offline" data-testid="receiving">{line}</div> })
            .collect_view()
    };
    view! {
        <div class=class role="status" aria-live="polite" data-testid="connection">{text}</div>
        {history}
        <div role="status" aria-live="polite">{not_receiving}</div>
    }
}
