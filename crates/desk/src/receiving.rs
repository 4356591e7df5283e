//! What an agent is told about how a platform receives: a sentence per state of its transport
//! (`/api/config`'s `receive`), for Settings and for the desk's status line. Pure: "now" and the
//! clock format come from the caller.

use switchboard_protocol::{Receive, ReceiveState, Transport};

/// The transport as people call it.
pub fn transport_name(transport: Transport) -> &'static str {
    match transport {
        Transport::Webhook => "its webhook",
        Transport::Blaze => "the Blaze WebSocket",
        Transport::Websocket => "its WebSocket",
        Transport::Poll => "the server's pulls",
    }
}

/// One sentence on how `receive` is going; `clock` writes a unix-ms time as the reader reads it.
pub fn describe(receive: &Receive, now_ms: i64, clock: impl Fn(i64) -> String) -> String {
    let over = transport_name(receive.transport);
    let last_frame = receive
        .last_frame_at
        .map(|at| format!("; last message {}", clock(at)))
        .unwrap_or_default();
    let error = receive
        .error
        .as_deref()
        .map(|error| format!(" ({error})"))
        .unwrap_or_default();
    match (receive.transport, receive.state) {
        (Transport::Webhook, _) => "Receives on its webhook URL.".to_owned(),
        (Transport::Poll, ReceiveState::Connected) => {
            format!("Receiving over {over}: pulling now.")
        }
        (_, ReceiveState::Connected) => format!(
            "Receiving over {over}: connected since {}{last_frame}.",
            receive.since.map(&clock).unwrap_or_default()
        ),
        (_, ReceiveState::Connecting) if receive.attempt > 1 => {
            format!(
                "Not receiving: connecting to {over}… attempt {}{error}.",
                receive.attempt
            )
        }
        (_, ReceiveState::Connecting) => format!("Not receiving yet: connecting to {over}…"),
        (_, ReceiveState::BackingOff) => {
            let seconds = receive
                .retry_at
                .map_or(0, |at| ((at - now_ms).max(0) + 999) / 1000);
            format!(
                "Not receiving: reconnecting to {over} in {seconds} s — attempt {}{error}{last_frame}.",
                receive.attempt + 1
            )
        }
        (_, ReceiveState::Stopped) => format!(
            "Stopped receiving over {over}{error}. Correct the configuration and restart the server."
        ),
        (Transport::Poll, ReceiveState::Idle) => format!(
            "Receiving over {over}: next pull {}.",
            receive.retry_at.map(&clock).unwrap_or_default()
        ),
        (_, ReceiveState::Idle) => format!("Receiving over {over}{last_frame}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blaze(state: ReceiveState) -> Receive {
        Receive {
            transport: Transport::Blaze,
            state,
            since: Some(1_000),
            last_frame_at: Some(5_000),
            attempt: 3,
            retry_at: Some(18_000),
            error: Some("Blaze closed the connection".into()),
        }
    }

    fn clock(ms: i64) -> String {
        format!("t{}", ms / 1000)
    }

    #[test]
    fn each_state_reads_as_a_sentence() {
        assert_eq!(
            describe(&blaze(ReceiveState::Connected), 10_000, clock),
            "Receiving over the Blaze WebSocket: connected since t1; last message t5."
        );
        assert_eq!(
            describe(&blaze(ReceiveState::BackingOff), 10_000, clock),
            "Not receiving: reconnecting to the Blaze WebSocket in 8 s — attempt 4 (Blaze closed \
             the connection); last message t5."
        );
        let stopped = Receive {
            error: Some("401".into()),
            ..blaze(ReceiveState::Stopped)
        };
        assert_eq!(
            describe(&stopped, 10_000, clock),
            "Stopped receiving over the Blaze WebSocket (401). Correct the configuration and \
             restart the server."
        );
        assert_eq!(
            describe(&Receive::webhook(), 10_000, clock),
            "Receives on its webhook URL."
        );
        assert!(describe(&blaze(ReceiveState::Connecting), 0, clock).contains("attempt 3"));
    }
}
