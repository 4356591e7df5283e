//! What an agent is told about how a platform receives: a sentence per state of its transport
//! (`/api/config`'s `receive`), for Settings and for the desk's status line. Pure and
//! language-free: a sentence is a catalog message id with its arguments, which the app words in
//! the agent's language ("now" comes from the caller).

use switchboard_protocol::{Receive, ReceiveState, Transport};

/// A catalog message and what fills it in.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub id: &'static str,
    pub args: Vec<(&'static str, Word)>,
}

/// One argument of a [`Sentence`].
#[derive(Debug, Clone, PartialEq)]
pub enum Word {
    /// Someone else's words, as they came (an error a connector reported).
    Quoted(String),
    Number(i64),
    /// A unix-ms time, written as the reader's clock writes it.
    Time(i64),
    /// A phrase of its own (worded first, then placed), or nothing when `None`.
    Phrase(Option<Box<Sentence>>),
}

impl Sentence {
    fn new(id: &'static str, args: Vec<(&'static str, Word)>) -> Sentence {
        Sentence { id, args }
    }
}

fn phrase(sentence: Option<Sentence>) -> Word {
    Word::Phrase(sentence.map(Box::new))
}

/// The transport as people call it: a catalog id.
pub fn transport_name(transport: Transport) -> &'static str {
    match transport {
        Transport::Webhook => "transport-webhook",
        Transport::Blaze => "transport-blaze",
        Transport::Websocket => "transport-websocket",
        Transport::Poll => "transport-poll",
    }
}

/// One sentence on how `receive` is going.
pub fn describe(receive: &Receive, now_ms: i64) -> Sentence {
    let over = || {
        (
            "over",
            phrase(Some(Sentence::new(
                transport_name(receive.transport),
                vec![],
            ))),
        )
    };
    let last_frame =
        || {
            (
                "last",
                phrase(receive.last_frame_at.map(|at| {
                    Sentence::new("receiving-last-message", vec![("at", Word::Time(at))])
                })),
            )
        };
    let error = || {
        (
            "error",
            phrase(receive.error.clone().map(|error| {
                Sentence::new("receiving-error", vec![("error", Word::Quoted(error))])
            })),
        )
    };
    let time = |at: Option<i64>| at.map_or(Word::Quoted(String::new()), Word::Time);
    match (receive.transport, receive.state) {
        (Transport::Webhook, _) => Sentence::new("receiving-webhook", vec![]),
        (Transport::Poll, ReceiveState::Connected) => {
            Sentence::new("receiving-pulling-now", vec![over()])
        }
        (_, ReceiveState::Connected) => Sentence::new(
            "receiving-connected",
            vec![over(), ("since", time(receive.since)), last_frame()],
        ),
        (_, ReceiveState::Connecting) if receive.attempt > 1 => Sentence::new(
            "receiving-connecting-again",
            vec![
                over(),
                ("attempt", Word::Number(receive.attempt.into())),
                error(),
            ],
        ),
        (_, ReceiveState::Connecting) => Sentence::new("receiving-connecting", vec![over()]),
        (_, ReceiveState::BackingOff) => {
            let seconds = receive
                .retry_at
                .map_or(0, |at| ((at - now_ms).max(0) + 999) / 1000);
            Sentence::new(
                "receiving-backing-off",
                vec![
                    over(),
                    ("seconds", Word::Number(seconds)),
                    ("attempt", Word::Number(i64::from(receive.attempt) + 1)),
                    error(),
                    last_frame(),
                ],
            )
        }
        (_, ReceiveState::Stopped) => Sentence::new("receiving-stopped", vec![over(), error()]),
        (_, ReceiveState::Standby) => Sentence::new("receiving-standby", vec![over()]),
        (Transport::Poll, ReceiveState::Idle) => Sentence::new(
            "receiving-next-pull",
            vec![over(), ("at", time(receive.retry_at))],
        ),
        (_, ReceiveState::Idle) => Sentence::new("receiving-idle", vec![over(), last_frame()]),
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

    fn arg<'a>(sentence: &'a Sentence, name: &str) -> &'a Word {
        &sentence
            .args
            .iter()
            .find(|(arg, _)| *arg == name)
            .unwrap()
            .1
    }

    #[test]
    fn each_state_is_its_own_sentence_with_what_it_needs() {
        let connected = describe(&blaze(ReceiveState::Connected), 10_000);
        assert_eq!(connected.id, "receiving-connected");
        assert_eq!(arg(&connected, "since"), &Word::Time(1_000));
        let Word::Phrase(Some(last)) = arg(&connected, "last") else {
            panic!("no last message: {connected:?}");
        };
        assert_eq!(last.args, [("at", Word::Time(5_000))]);

        let backing_off = describe(&blaze(ReceiveState::BackingOff), 10_000);
        assert_eq!(backing_off.id, "receiving-backing-off");
        assert_eq!(arg(&backing_off, "seconds"), &Word::Number(8));
        assert_eq!(arg(&backing_off, "attempt"), &Word::Number(4));
        let Word::Phrase(Some(error)) = arg(&backing_off, "error") else {
            panic!("no error: {backing_off:?}");
        };
        assert_eq!(
            error.args,
            [("error", Word::Quoted("Blaze closed the connection".into()))]
        );

        let stopped = describe(&blaze(ReceiveState::Stopped), 10_000);
        assert_eq!(stopped.id, "receiving-stopped");
        let Word::Phrase(Some(over)) = arg(&stopped, "over") else {
            panic!("no transport: {stopped:?}");
        };
        assert_eq!(over.id, "transport-blaze");
        assert_eq!(
            describe(&blaze(ReceiveState::Standby), 10_000).id,
            "receiving-standby"
        );

        assert_eq!(
            describe(&Receive::webhook(), 10_000).id,
            "receiving-webhook"
        );
        let connecting = describe(&blaze(ReceiveState::Connecting), 0);
        assert_eq!(connecting.id, "receiving-connecting-again");
        assert_eq!(arg(&connecting, "attempt"), &Word::Number(3));
    }

    #[test]
    fn what_is_not_known_is_left_out_not_guessed() {
        let quiet = Receive {
            last_frame_at: None,
            error: None,
            ..blaze(ReceiveState::BackingOff)
        };
        let sentence = describe(&quiet, 10_000);
        assert_eq!(arg(&sentence, "last"), &Word::Phrase(None));
        assert_eq!(arg(&sentence, "error"), &Word::Phrase(None));
    }
}
