//! One request on its way upstream ([`Outgoing`]) and the helpers a platform's rules use to adjust
//! its body, headers and query, or to read a field from a JSON answer.

use axum::http::Method;

/// One request on its way upstream; [`PlatformRules::authorize`](super::PlatformRules::authorize) adds the credentials.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub method: Method,
    /// Path below the platform's base URL, e.g. `/v1/msg/send-message`.
    pub path: String,
    /// Query pairs, in order.
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The desk's notes on the call (`x-switchboard-conversation`, …): logged with the request,
    /// never sent upstream.
    pub annotations: Vec<(String, String)>,
}

impl Outgoing {
    /// Replaces (or adds) a header, case-insensitively.
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        set_header(&mut self.headers, name, value.into());
    }

    /// Replaces (or adds) a query parameter.
    pub fn set_query(&mut self, name: &str, value: impl Into<String>) {
        set_query(&mut self.query, name, value.into());
    }

    /// Sets `key` in the JSON object body and says the body is JSON; see [`set_json_field`].
    pub fn set_json_field(&mut self, key: &str, value: &str) -> anyhow::Result<()> {
        set_json_field(&mut self.body, key, value)?;
        self.set_header("Content-Type", "application/json");
        Ok(())
    }
}

/// Sets `key` in a JSON object body (what wkteam's APIs expect for their session ids). A body
/// that is not a JSON object is refused rather than forwarded unauthenticated.
fn set_json_field(body: &mut Vec<u8>, key: &str, value: &str) -> anyhow::Result<()> {
    let mut object: serde_json::Map<String, serde_json::Value> = if body.is_empty() {
        serde_json::Map::new()
    } else {
        serde_json::from_slice(body)
            .map_err(|error| anyhow::anyhow!("the request body must be a JSON object: {error}"))?
    };
    object.insert(key.to_owned(), serde_json::Value::String(value.to_owned()));
    *body = serde_json::to_vec(&object)?;
    Ok(())
}

/// Replaces (or adds) a header, case-insensitively.
fn set_header(headers: &mut Vec<(String, String)>, name: &str, value: String) {
    headers.retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
    headers.push((name.to_owned(), value));
}

/// Replaces (or adds) a query parameter.
fn set_query(query: &mut Vec<(String, String)>, name: &str, value: String) {
    query.retain(|(existing, _)| existing != name);
    query.push((name.to_owned(), value));
}

/// A JSON string field at `path` in a body, if the body is JSON and the field is there.
pub fn json_text_at(body: &[u8], path: &[&str]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let mut current = &value;
    for key in path {
        current = current.get(key)?;
    }
    match current {
        serde_json::Value::String(text) if !text.is_empty() => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_fields_are_set_and_non_objects_refused() {
        let mut body = br#"{"wcId":"wxid_1","wId":"forged"}"#.to_vec();
        set_json_field(&mut body, "wId", "real").unwrap();
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["wId"], "real");
        assert_eq!(value["wcId"], "wxid_1");
        let mut array = b"[1]".to_vec();
        assert!(set_json_field(&mut array, "wId", "x").is_err());
    }
}
