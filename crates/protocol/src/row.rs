//! One row of the event log as `/api/events` and the live stream serve it, and a page of rows.

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::Platform;
use crate::headers::pseudo;

/// Which way a logged row travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// A webhook a platform posted to us.
    Inbound,
    /// A request we forwarded to a platform.
    Outbound,
    /// A platform's answer to an outbound request.
    Response,
    /// Something we fetched on our own (history, syncFinder pages).
    Pulled,
    /// A webhook refused (bad signature, unknown secret): kept for the inspector, never a message.
    Rejected,
    /// The team's own work on a conversation (a status, an assignment, a note, a read mark):
    /// a [`DeskFact`](crate::DeskFact), never sent to a platform.
    Desk,
}

impl Direction {
    pub const ALL: [Direction; 6] = [
        Direction::Inbound,
        Direction::Outbound,
        Direction::Response,
        Direction::Pulled,
        Direction::Rejected,
        Direction::Desk,
    ];

    /// The name stored in the log and sent as JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
            Direction::Response => "response",
            Direction::Pulled => "pulled",
            Direction::Rejected => "rejected",
            Direction::Desk => "desk",
        }
    }

    pub fn parse(text: &str) -> Option<Direction> {
        Direction::ALL
            .into_iter()
            .find(|direction| direction.as_str() == text)
    }
}

impl std::fmt::Display for Direction {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// One row of the event log; the body travels as base64 because it is bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub seq: i64,
    pub platform: Platform,
    pub direction: Direction,
    pub received_at_ms: i64,
    pub content_type: Option<String>,
    pub headers: Vec<(String, String)>,
    #[serde(rename = "body_base64", with = "body_base64")]
    pub body: Vec<u8>,
    /// For a response: the seq of the request it answers.
    pub request_seq: Option<i64>,
}

impl Row {
    /// A header's value (first match, any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The upstream path of a forwarded request (from its logged `:url`).
    pub fn upstream_path(&self) -> Option<String> {
        let url = self.header(pseudo::URL)?;
        let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
        let path = after_scheme
            .find('/')
            .map_or("/", |start| &after_scheme[start..]);
        Some(path.split('?').next().unwrap_or(path).to_owned())
    }

    /// The HTTP status of a logged answer.
    pub fn status(&self) -> Option<u16> {
        self.header(pseudo::STATUS)?.parse().ok()
    }

    /// The agent whose session caused this row (a send, a desk fact), as the server stamped it.
    pub fn agent(&self) -> Option<&str> {
        self.header(crate::headers::annotation::AGENT)
    }

    /// Whether this row came from the seed documents rather than live traffic.
    pub fn is_seed(&self) -> bool {
        self.header(pseudo::SEED).is_some()
    }
}

/// A page of `/api/events`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// Pass as `after` for the next page (paging back: the newest seq in this page, where the
    /// stream takes over).
    pub next_after: i64,
    /// Paging back: pass as `before` for the next, older page.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub next_before: Option<i64>,
    /// Whether more events follow this page right now (paging back: precede it).
    pub more: bool,
    pub events: Vec<Row>,
}

mod body_base64 {
    use super::*;

    pub fn serialize<S: serde::Serializer>(body: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(body))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROW: &str = r#"{"seq":7,"platform":"yunhu","direction":"outbound","received_at_ms":1,"content_type":null,"headers":[[":method","POST"],[":url","http://127.0.0.1:9/yunhu/v1/msg/send-message?x=1"]],"body_base64":"AAE=","request_seq":null}"#;

    #[test]
    fn rows_read_and_write_as_the_server_sends_them() {
        let row: Row = serde_json::from_str(ROW).unwrap();
        assert_eq!(row.body, [0, 1]);
        assert_eq!(row.platform, Platform::Yunhu);
        assert_eq!(row.direction, Direction::Outbound);
        assert_eq!(
            row.upstream_path().as_deref(),
            Some("/yunhu/v1/msg/send-message")
        );
        assert_eq!(row.header(":METHOD"), Some("POST"));
        assert_eq!(serde_json::to_string(&row).unwrap(), ROW);
    }

    #[test]
    fn directions_are_their_stored_names() {
        for direction in Direction::ALL {
            assert_eq!(Direction::parse(direction.as_str()), Some(direction));
            assert_eq!(
                serde_json::to_string(&direction).unwrap(),
                format!("\"{direction}\"")
            );
        }
    }
}
