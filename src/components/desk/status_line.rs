//! "live", "reconnecting…", "offline since …": whether what the agent sees is current; how much
//! of the log's past is still being read; and which platform is not receiving now.

use leptos::prelude::*;

use super::state::{Connection, DeskState};
use crate::i18n::{clock_time_seconds, use_i18n};

#[component]
pub fn StatusLine() -> impl IntoView {
    let state = expect_context::<DeskState>();
    let i18n = use_i18n();
    let text = move || match state.connection.get() {
        Connection::Loading { rows } => i18n.f("connection-loading", &[("rows", rows.into())]),
        Connection::Live => i18n.t("connection-live"),
        Connection::Reconnecting { .. } => i18n.t("connection-reconnecting"),
        Connection::Offline { since_ms } => i18n.f(
            "connection-offline",
            &[("since", clock_time_seconds(since_ms as i64).into())],
        ),
        Connection::LoggedOut => i18n.t("connection-logged-out"),
        Connection::Failed(message) => message,
    };
    // What a test or a script reads, whatever the language.
    let state_name = move || match state.connection.get() {
        Connection::Loading { .. } => "loading",
        Connection::Live => "live",
        Connection::Reconnecting { .. } => "reconnecting",
        Connection::Offline { .. } => "offline",
        Connection::LoggedOut => "logged-out",
        Connection::Failed(_) => "failed",
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
                    {i18n.f("connection-history", &[("percent", format!("{:.0}", share * 100.0).into())])}
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
        <div class=class role="status" aria-live="polite" data-testid="connection" data-state=state_name>{text}</div>
        {history}
        <div role="status" aria-live="polite">{not_receiving}</div>
    }
}
