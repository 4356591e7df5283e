//! A logged request as a `curl` command, to send it again: a webhook as it came (to this
//! server's intake) or a request the server forwarded (to its upstream). The body goes byte for
//! byte; credentials stay out: the log keeps none (a redacted header is left out and named) and
//! a webhook URL's secret is a shell variable the reader sets.

use base64::Engine;

use crate::headers::{REDACTED, annotation, pseudo};
use crate::row::{Direction, Row};

/// The variable the command reads a webhook URL's secret from.
pub const SECRET_VARIABLE: &str = "SWITCHBOARD_WEBHOOK_SECRET";

/// Headers that describe one connection or one body's framing, not the request: curl sets its own.
const TRANSPORT_HEADERS: [&str; 6] = [
    "host",
    "content-length",
    "connection",
    "transfer-encoding",
    "accept-encoding",
    "expect",
];

/// `row` as a command for a POSIX shell, or `None` when it is no request that came over HTTP
/// (an answer, a pull, a frame off a socket, a refused delivery kept only in part, a desk fact).
/// `base` is this server's address (`http://host:port`), where a webhook is sent again.
pub fn as_curl(row: &Row, base: &str) -> Option<String> {
    let (method, url) = match row.direction {
        Direction::Inbound if is_webhook(row) => (
            "POST".to_owned(),
            format!(
                "{}\"${{{SECRET_VARIABLE}:?the last part of the webhook URL}}\"",
                quoted(&format!(
                    "{}/hooks/{}/",
                    base.trim_end_matches('/'),
                    row.platform.id()
                ))
            ),
        ),
        Direction::Outbound => (
            row.header(pseudo::METHOD).unwrap_or("POST").to_owned(),
            quoted(row.header(pseudo::URL)?),
        ),
        _ => return None,
    };
    let (sendable, left_out) = sendable_headers(row);
    let lines: Vec<String> = sendable
        .iter()
        .map(|(name, value)| format!("  -H {}", quoted(&format!("{name}: {value}"))))
        .collect();
    let mut command = String::new();
    if !left_out.is_empty() {
        command.push_str(&format!(
            "# Left out, redacted in the log: {}\n",
            left_out.join(", ")
        ));
    }
    // The server redacts credentials in a forwarded URL's query and in bodies too.
    let redacted_in = |bytes: &[u8]| {
        [REDACTED.as_bytes(), b"%5Bredacted%5D"]
            .iter()
            .any(|marker| bytes.windows(marker.len()).any(|window| window == *marker))
    };
    for (part, bytes) in [("URL", url.as_bytes()), ("body", &row.body[..])] {
        if redacted_in(bytes) {
            command.push_str(&format!(
                "# The {part} holds {REDACTED} where the log left a credential out: put it back first.\n"
            ));
        }
    }
    let has_body = !row.body.is_empty();
    if has_body {
        command.push_str(&body_source(&row.body));
        command.push_str(" | ");
    }
    command.push_str(&format!("curl -sS -X {}", quoted(&method)));
    for line in lines {
        command.push_str(" \\\n");
        command.push_str(&line);
    }
    if has_body {
        command.push_str(" \\\n  --data-binary @-");
    }
    command.push_str(" \\\n  ");
    command.push_str(&url);
    command.push('\n');
    Some(command)
}

/// The headers a logged request is sent again with, and the names of those the log redacted
/// (left out): not the pseudo-headers, the connection's own, or the desk's annotations.
pub fn sendable_headers(row: &Row) -> (Vec<(&str, &str)>, Vec<&str>) {
    let mut sendable = Vec::new();
    let mut left_out = Vec::new();
    for (name, value) in &row.headers {
        let lower = name.to_ascii_lowercase();
        if name.starts_with(':')
            || TRANSPORT_HEADERS.contains(&lower.as_str())
            || annotation::ALL.contains(&lower.as_str())
        {
            continue;
        }
        if value == REDACTED {
            left_out.push(name.as_str());
        } else {
            sendable.push((name.as_str(), value.as_str()));
        }
    }
    (sendable, left_out)
}

/// Whether `row` is a webhook that came over HTTP (not a frame off a socket or a refusal).
pub fn is_webhook(row: &Row) -> bool {
    row.direction == Direction::Inbound && row.header(pseudo::RECEIVER).is_none()
}

/// A command printing `body` exactly: as text when it is printable text, else through base64.
fn body_source(body: &[u8]) -> String {
    match std::str::from_utf8(body) {
        Ok(text)
            if !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) =>
        {
            format!("printf '%s' {}", quoted(text))
        }
        _ => format!(
            "printf '%s' '{}' | base64 -d",
            base64::engine::general_purpose::STANDARD.encode(body)
        ),
    }
}

/// `text` single-quoted for a POSIX shell: nothing in it is expanded.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::Platform;

    fn row(direction: Direction, headers: &[(&str, &str)], body: &[u8]) -> Row {
        Row {
            seq: 7,
            platform: Platform::Wecom,
            direction,
            received_at_ms: 0,
            content_type: Some("application/json".into()),
            headers: headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            body: body.to_vec(),
            request_seq: None,
        }
    }

    #[test]
    fn a_webhook_goes_back_to_the_intake_with_its_headers_and_exact_body() {
        let command = as_curl(
            &row(
                Direction::Inbound,
                &[
                    ("content-type", "application/json"),
                    ("content-length", "12"),
                    ("authorization", REDACTED),
                    ("x-signature", "it's"),
                ],
                b"{\"a\":\"it's\"}",
            ),
            "http://127.0.0.1:8080/",
        )
        .unwrap();
        assert_eq!(
            command,
            "# Left out, redacted in the log: authorization\n\
             printf '%s' '{\"a\":\"it'\\''s\"}' | curl -sS -X 'POST' \\\n  \
             -H 'content-type: application/json' \\\n  \
             -H 'x-signature: it'\\''s' \\\n  \
             --data-binary @- \\\n  \
             'http://127.0.0.1:8080/hooks/wecom/'\"${SWITCHBOARD_WEBHOOK_SECRET:?the last part of the webhook URL}\"\n"
        );
    }

    #[test]
    fn a_binary_body_goes_through_base64_and_a_forwarded_request_to_its_url() {
        let mut forwarded = row(
            Direction::Outbound,
            &[
                (":method", "PUT"),
                (":url", "https://upstream.example/v1/send?x=1"),
                ("x-switchboard-agent", "王芳"),
            ],
            &[0, 1, 0xff],
        );
        let command = as_curl(&forwarded, "http://ignored").unwrap();
        assert_eq!(
            command,
            "printf '%s' 'AAH/' | base64 -d | curl -sS -X 'PUT' \\\n  --data-binary @- \\\n  \
             'https://upstream.example/v1/send?x=1'\n"
        );
        forwarded.direction = Direction::Response;
        assert_eq!(as_curl(&forwarded, "http://ignored"), None);
        let framed = row(Direction::Inbound, &[(":receiver", "blaze")], b"{}");
        assert_eq!(as_curl(&framed, "http://ignored"), None);
    }
}
