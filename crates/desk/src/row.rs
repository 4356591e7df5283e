//! One row of the event log, as `/api/events` and the live stream serve it.

use base64::Engine;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Inbound,
    Outbound,
    Response,
    Pulled,
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub seq: i64,
    pub platform: String,
    pub direction: Direction,
    pub received_at_ms: i64,
    pub content_type: Option<String>,
    pub headers: Vec<(String, String)>,
    #[serde(rename = "body_base64", with = "body_base64")]
    pub body: Vec<u8>,
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
        let url = self.header(":url")?;
        let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
        let path = after_scheme
            .find('/')
            .map_or("/", |start| &after_scheme[start..]);
        Some(path.split('?').next().unwrap_or(path).to_owned())
    }

    /// The HTTP status of a logged answer.
    pub fn status(&self) -> Option<u16> {
        self.header(":status")?.parse().ok()
    }

    /// Whether this row came from the seed documents rather than live traffic.
    pub fn is_seed(&self) -> bool {
        self.header(":seed").is_some()
    }
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

    #[test]
    fn rows_read_as_the_server_writes_them() {
        let json = r#"{"seq":7,"platform":"yunhu","direction":"outbound","received_at_ms":1,"content_type":null,
            "headers":[[":method","POST"],[":url","http://127.0.0.1:9/yunhu/v1/msg/send-message?x=1"]],
            "body_base64":"AAE=","request_seq":null}"#;
        let row: Row = serde_json::from_str(json).unwrap();
        assert_eq!(row.body, [0, 1]);
        assert_eq!(row.direction, Direction::Outbound);
        assert_eq!(
            row.upstream_path().as_deref(),
            Some("/yunhu/v1/msg/send-message")
        );
        assert_eq!(row.header(":METHOD"), Some("POST"));
    }
}
