//! The team's work on conversations, as the desk asks for it and the log keeps it.
//!
//! Every desk fact (a status, an assignment, a private note, how far an agent has read) is a row
//! of the event log with [`Direction::Desk`](crate::Direction::Desk): its body is a [`DeskFact`] as
//! JSON, its [`annotation::AGENT`](crate::headers::annotation::AGENT) header the agent the server
//! logged in, so the desk stays a projection of the log and its history an audit trail. Who is
//! looking at or typing in a conversation is [`Presence`]: streamed, never stored.

use serde::{Deserialize, Serialize};

use crate::Platform;

/// Where a conversation stands for the team (Chatwoot's four).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for the team.
    #[default]
    Open,
    /// Waiting for someone else (the customer, another team); still the team's.
    Pending,
    /// Out of the way until a time, or until the customer writes.
    Snoozed,
    /// Done; the customer's next message opens it again.
    Resolved,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::Pending,
        Status::Snoozed,
        Status::Resolved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Pending => "pending",
            Status::Snoozed => "snoozed",
            Status::Resolved => "resolved",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// One desk fact about one conversation of one platform (the row's platform).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeskFact {
    /// The conversation's status; a snooze may end at `until_ms` (else at the customer's next
    /// message).
    Status {
        conversation: String,
        status: Status,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until_ms: Option<i64>,
    },
    /// Who owns the conversation (`None`: nobody).
    Assign {
        conversation: String,
        #[serde(default)]
        agent: Option<String>,
    },
    /// A private note: the team's only, never sent to a platform. `mentions` are the agents it
    /// names with `@name` (the server reads them out of the text).
    Note {
        conversation: String,
        text: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        mentions: Vec<String>,
        /// The desk's id for the note it shows before the log has it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
    },
    /// The agent who wrote it has seen the conversation up to the row `seq`.
    Read { conversation: String, seq: i64 },
}

impl DeskFact {
    /// The conversation the fact is about.
    pub fn conversation(&self) -> &str {
        match self {
            DeskFact::Status { conversation, .. }
            | DeskFact::Assign { conversation, .. }
            | DeskFact::Note { conversation, .. }
            | DeskFact::Read { conversation, .. } => conversation,
        }
    }
}

/// `GET /api/me`: who this session is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub admin: bool,
}

/// One agent in `GET /api/agents`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    pub name: String,
    pub admin: bool,
    pub disabled: bool,
    /// Whether the agent has the desk open right now (a live stream).
    #[serde(default)]
    pub online: bool,
}

/// A canned reply: typed as `/shortcut` in the composer. The text may hold
/// `{{customer.name}}` and `{{agent.name}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedReply {
    pub shortcut: String,
    pub text: String,
}

/// What an agent is doing in a conversation right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    Viewing,
    Typing,
    /// Left the conversation (closed it, opened another).
    Left,
}

/// `POST /api/presence` from the desk, and the `presence` event of the live stream (with
/// `agent` set by the server). Never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    pub platform: Platform,
    pub conversation: String,
    pub activity: Activity,
    #[serde(default)]
    pub agent: String,
}

/// The name of the live stream's presence events (`event: presence`).
pub const PRESENCE_EVENT: &str = "presence";

/// `@name` mentions in a note: names of letters, digits, `_`, `-` and `.` after an `@` that
/// starts the text or follows a space; each once, in order.
pub fn mentions(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut previous: Option<char> = None;
    for (index, character) in text.char_indices() {
        let starts = character == '@' && previous.is_none_or(char::is_whitespace);
        previous = Some(character);
        if !starts {
            continue;
        }
        let rest = &text[index + 1..];
        let name: String = rest.chars().take_while(|c| is_name_char(*c)).collect();
        let name = name.trim_end_matches('.').to_owned();
        if !name.is_empty() && !found.contains(&name) {
            found.push(name);
        }
    }
    found
}

/// What an agent's name may be made of (also what a mention reads).
pub fn is_name_char(character: char) -> bool {
    character.is_alphanumeric() || matches!(character, '_' | '-' | '.')
}

/// Whether `name` is a valid agent name: 1–32 name characters, not starting with `.`.
pub fn is_agent_name(name: &str) -> bool {
    let count = name.chars().count();
    (1..=32).contains(&count) && name.chars().all(is_name_char) && !name.starts_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_read_and_write_as_the_log_keeps_them() {
        let fact = DeskFact::Status {
            conversation: "c1".into(),
            status: Status::Snoozed,
            until_ms: Some(5),
        };
        let json = serde_json::to_string(&fact).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"status","conversation":"c1","status":"snoozed","until_ms":5}"#
        );
        assert_eq!(serde_json::from_str::<DeskFact>(&json).unwrap(), fact);
        let unassign: DeskFact =
            serde_json::from_str(r#"{"kind":"assign","conversation":"c1"}"#).unwrap();
        assert_eq!(
            unassign,
            DeskFact::Assign {
                conversation: "c1".into(),
                agent: None
            }
        );
    }

    #[test]
    fn mentions_are_names_after_an_at_that_starts_a_word() {
        assert_eq!(
            mentions("@ming please look, cc @林晓. mail a@b.c @ming"),
            ["ming", "林晓"]
        );
        assert!(mentions("no one @ here").is_empty());
        assert!(is_agent_name("林晓") && is_agent_name("ming.zhao"));
        assert!(!is_agent_name("") && !is_agent_name("a b") && !is_agent_name(".x"));
    }
}
