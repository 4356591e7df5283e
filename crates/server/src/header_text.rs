//! Header values as the log keeps them. HTTP allows bytes that are not UTF-8 (obs-text); a
//! value like that is kept as lossy text for reading *and* exactly, base64-encoded, in a
//! `:header-bytes` pseudo-header (`name: base64`), never dropped.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use base64::Engine;

/// The pseudo-header that carries a non-UTF-8 value's exact bytes.
pub use switchboard_protocol::headers::pseudo::HEADER_BYTES;

/// The headers `keep` selects, as `(name, value)` text pairs for the log.
pub fn loggable(headers: &HeaderMap, keep: impl Fn(&HeaderName) -> bool) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut exact = Vec::new();
    for (name, value) in headers.iter().filter(|(name, _)| keep(name)) {
        match value.to_str() {
            Ok(text) => pairs.push((name.to_string(), text.to_owned())),
            Err(_) => {
                pairs.push((name.to_string(), lossy(value)));
                exact.push((
                    HEADER_BYTES.to_owned(),
                    format!(
                        "{name}: {}",
                        base64::engine::general_purpose::STANDARD.encode(value.as_bytes())
                    ),
                ));
            }
        }
    }
    pairs.extend(exact);
    pairs
}

fn lossy(value: &HeaderValue) -> String {
    String::from_utf8_lossy(value.as_bytes()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_that_is_not_utf8_is_kept_exactly() {
        let mut headers = HeaderMap::new();
        headers.insert("x-name", HeaderValue::from_bytes(b"caf\xe9").unwrap());
        headers.insert("content-type", HeaderValue::from_static("text/plain"));
        let pairs = loggable(&headers, |_| true);
        assert!(pairs.contains(&("content-type".into(), "text/plain".into())));
        assert!(pairs.contains(&("x-name".into(), "caf\u{fffd}".into())));
        assert!(pairs.contains(&(HEADER_BYTES.into(), "x-name: Y2Fm6Q==".into())));
    }
}
