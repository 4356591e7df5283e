//! Share links: a payload compressed into a URL fragment (never sent to a server), and back,
//! with the view it was shown in: `#p=PAYLOAD&v=VIEW`.

use std::io::{Read, Write};

use base64::Engine;
use serde::{Deserialize, Serialize};

/// The fragment key carrying the payload.
pub const PAYLOAD_KEY: &str = "p";
/// The fragment key carrying the view.
pub const VIEW_KEY: &str = "v";
/// A view longer than this is refused (a link is for people, not for thousands of overrides).
pub const MAX_VIEW: usize = 64 * 1024;

/// What the inspector was told besides the payload: the forced format, platform and schema, and
/// the reading chosen for each field (`decode as`), by path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<(String, usize)>,
}

/// `p=PAYLOAD`, and `&v=VIEW` when the view is not the default one.
pub fn fragment(payload: &[u8], view: &View) -> String {
    let mut fragment = format!("{PAYLOAD_KEY}={}", encode(payload));
    if *view != View::default() {
        let json = serde_json::to_vec(view).unwrap_or_default();
        let view = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        fragment.push_str(&format!("&{VIEW_KEY}={view}"));
    }
    fragment
}

/// The payload and view of a fragment (without its `#`), or why they cannot be read; `None` when
/// it is not a share link.
pub fn parse(fragment: &str, max_size: usize) -> Option<Result<(Vec<u8>, View), String>> {
    let mut payload = None;
    let mut view = None;
    for part in fragment.split('&') {
        match part.split_once('=') {
            Some((PAYLOAD_KEY, value)) => payload = Some(value),
            Some((VIEW_KEY, value)) => view = Some(value),
            _ => {}
        }
    }
    let payload = payload?;
    Some(decode(payload, max_size).and_then(|payload| {
        let view = view.map_or(Ok(View::default()), decode_view)?;
        Ok((payload, view))
    }))
}

fn decode_view(text: &str) -> Result<View, String> {
    if text.len() > MAX_VIEW {
        return Err(format!(
            "the link's view is {} characters, over {MAX_VIEW}",
            text.len()
        ));
    }
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|error| format!("the link's view is damaged: {error}"))?;
    serde_json::from_slice(&json).map_err(|error| format!("the link's view is damaged: {error}"))
}

/// Fragments longer than this are refused: browsers and chat apps truncate long URLs.
pub const MAX_FRAGMENT: usize = 1_500_000;

/// Deflate, then base64url without padding.
pub fn encode(payload: &[u8]) -> String {
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(payload);
    let compressed = encoder.finish().unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(compressed)
}

/// The payload a fragment carries, or why it cannot be read.
pub fn decode(fragment: &str, max_size: usize) -> Result<Vec<u8>, String> {
    if fragment.len() > MAX_FRAGMENT {
        return Err(format!(
            "the link is {} characters, over {MAX_FRAGMENT}",
            fragment.len()
        ));
    }
    let compressed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(fragment.trim_end_matches('='))
        .map_err(|error| format!("the link is damaged: {error}"))?;
    let mut payload = Vec::new();
    flate2::read::DeflateDecoder::new(compressed.as_slice())
        .take(max_size as u64 + 1)
        .read_to_end(&mut payload)
        .map_err(|error| format!("the link is damaged: {error}"))?;
    if payload.len() > max_size {
        return Err(format!("the shared payload is over {max_size} bytes"));
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_damage() {
        let payload = "{\"text\":\"你好\"}".repeat(50).into_bytes();
        let fragment = encode(&payload);
        assert!(fragment.len() < payload.len(), "compressed");
        assert!(
            fragment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(decode(&fragment, 1 << 20).unwrap(), payload);
        assert!(decode("!!!", 1 << 20).unwrap_err().contains("damaged"));
        assert!(decode(&fragment, 10).unwrap_err().contains("over 10 bytes"));
    }

    #[test]
    fn a_link_carries_the_view_it_was_shown_in() {
        let payload = [0x0a, 0x02, b'H', b'i'];
        let view = View {
            format: Some("delimited".into()),
            platform: None,
            schema: Some("yunhu.WsWrapper".into()),
            readings: vec![("/#2/1@0".into(), 1), ("/a&b=c".into(), 0)],
        };
        let fragment = fragment(&payload, &view);
        assert_eq!(
            parse(&fragment, 1 << 20),
            Some(Ok((payload.to_vec(), view)))
        );
        // No view: the payload alone, as links made before views were.
        let plain = fragment_without_view(&payload);
        assert_eq!(plain, format!("p={}", encode(&payload)));
        assert_eq!(
            parse(&plain, 1 << 20),
            Some(Ok((payload.to_vec(), View::default())))
        );
        assert_eq!(parse("log=12", 1 << 20), None);
        let damaged = parse(&format!("{plain}&v=!!"), 1 << 20)
            .unwrap()
            .unwrap_err();
        assert!(damaged.contains("view is damaged"), "{damaged}");
    }

    fn fragment_without_view(payload: &[u8]) -> String {
        fragment(payload, &View::default())
    }
}
