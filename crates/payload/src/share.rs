//! Share links: a payload compressed into a URL fragment (never sent to a server), and back.

use std::io::{Read, Write};

use base64::Engine;

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
}
