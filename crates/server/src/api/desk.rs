//! `POST /api/desk/{platform}`: a desk fact (status, assignment, note, read mark) about one of
//! the platform's conversations, checked and stored as a `desk` row stamped with the agent of
//! the session; it never reaches the platform. `POST /api/presence`: what an agent is doing
//! in a conversation, streamed to every desk and never stored.

use axum::Extension;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use switchboard_protocol::desk::{DeskFact, Presence, Status, mentions};
use switchboard_protocol::headers::annotation;

use super::ApiError;
use super::route_platform::Configured;
use crate::auth::CurrentAgent;
use crate::event_log::{Appended, Direction};
use crate::state::{AppState, Append};

/// Longest conversation id taken (the longest any platform uses is far shorter).
pub const MAX_CONVERSATION_BYTES: usize = 512;
/// Longest private note.
pub const MAX_NOTE_BYTES: usize = 16 * 1024;
/// Longest client id of a note.
const MAX_CLIENT_ID_BYTES: usize = 128;

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, message)
}

fn check_conversation(conversation: &str) -> Result<(), ApiError> {
    if conversation.is_empty() || conversation.len() > MAX_CONVERSATION_BYTES {
        return Err(bad(format!(
            "a conversation id is 1 to {MAX_CONVERSATION_BYTES} bytes"
        )));
    }
    Ok(())
}

/// The fact as it will be stored: checked, with a note's mentions read from its text and
/// kept to agents who exist.
fn checked(state: &AppState, fact: DeskFact) -> Result<DeskFact, ApiError> {
    check_conversation(fact.conversation())?;
    match fact {
        DeskFact::Status {
            conversation,
            status,
            until_ms,
        } => {
            if until_ms.is_some() && status != Status::Snoozed {
                return Err(bad("only a snooze has an end (`until_ms`)"));
            }
            Ok(DeskFact::Status {
                conversation,
                status,
                until_ms,
            })
        }
        DeskFact::Assign {
            conversation,
            agent,
        } => {
            if let Some(agent) = &agent
                && !state.agents.is_active(agent)?
            {
                return Err(bad(format!("no active agent is called {agent:?}")));
            }
            Ok(DeskFact::Assign {
                conversation,
                agent,
            })
        }
        DeskFact::Note {
            conversation,
            text,
            client_id,
            ..
        } => {
            if text.trim().is_empty() || text.len() > MAX_NOTE_BYTES {
                return Err(bad(format!("a note is 1 to {MAX_NOTE_BYTES} bytes")));
            }
            if client_id
                .as_ref()
                .is_some_and(|id| id.len() > MAX_CLIENT_ID_BYTES)
            {
                return Err(bad("a note's client id is too long"));
            }
            let mut named = mentions(&text);
            if !named.is_empty() {
                // One read of the team, however many names the note has.
                let active: std::collections::HashSet<String> = state
                    .agents
                    .list()?
                    .into_iter()
                    .filter(|agent| !agent.disabled)
                    .map(|agent| agent.name)
                    .collect();
                named.retain(|name| active.contains(name));
            }
            Ok(DeskFact::Note {
                conversation,
                text,
                mentions: named,
                client_id,
            })
        }
        DeskFact::Read { conversation, seq } => {
            if seq < 0 {
                return Err(bad("a read mark's seq is a row of the log"));
            }
            Ok(DeskFact::Read { conversation, seq })
        }
    }
}

/// `POST /api/desk/{platform}`: answers `{"seq": N}` once the fact is durable.
pub async fn record(
    State(state): State<AppState>,
    Configured(rules): Configured,
    Extension(CurrentAgent(agent)): Extension<CurrentAgent>,
    Json(fact): Json<DeskFact>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let fact = {
        let state = state.clone();
        tokio::task::spawn_blocking(move || checked(&state, fact))
            .await
            .map_err(|error| ApiError::internal(error.into()))??
    };
    // A note sent twice (a retry after a lost answer) is stored once.
    let dedupe_key = match &fact {
        DeskFact::Note {
            client_id: Some(id),
            ..
        } => Some(format!("note:{agent}:{id}")),
        _ => None,
    };
    let body = serde_json::to_vec(&fact).map_err(|error| ApiError::internal(error.into()))?;
    let appended = state
        .append(Append {
            platform: rules.platform(),
            direction: Direction::Desk,
            content_type: Some("application/json".into()),
            headers: vec![(annotation::AGENT.to_owned(), agent)],
            body,
            request_seq: None,
            dedupe_key,
        })
        .await?;
    let (seq, duplicate) = match appended {
        Appended::Stored(seq) => (seq, false),
        Appended::Duplicate(seq) => (seq, true),
    };
    Ok(Json(
        serde_json::json!({ "seq": seq, "duplicate": duplicate }),
    ))
}

/// `POST /api/presence`: 204; announced to every live stream with the session's agent.
pub async fn announce(
    State(state): State<AppState>,
    Extension(CurrentAgent(agent)): Extension<CurrentAgent>,
    Json(mut presence): Json<Presence>,
) -> Result<Response, ApiError> {
    check_conversation(&presence.conversation)?;
    if state.platforms.get(presence.platform).is_none() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("platform {} is not configured", presence.platform),
        ));
    }
    // Over the allowance: dropped, as a lost presence update would be.
    if state.presence.may_announce(&agent) {
        presence.agent = agent;
        state.announce(&presence);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
