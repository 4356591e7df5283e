//! The one trait a platform implements in the payload core: how to read its payloads and its
//! answers, and how to write its requests. [`crate::platforms::of`] finds a platform's
//! implementation through [`Platform`]; nothing outside `platforms/` names a platform's shapes,
//! paths or field names.

use std::collections::BTreeMap;

use crate::customer::CustomerMessage;
use crate::event::{ConversationKind, Event, Platform};
use crate::outcome::Outcome;
use crate::profile::{Lookups, Subject};
use crate::protobuf::raw::Message;
use crate::request::{Attachment, Call, ComposeError, Target};
use crate::text::literal::Literal;

/// How to read an answer that lists messages (a history page, a pull).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing {
    /// The answer's protobuf schema, where the body does not say what it is.
    pub schema: Option<&'static str>,
    /// The listed messages name no conversation: they are the requested conversation's, and a
    /// page with fewer messages than this is its first.
    pub page_of_conversation: Option<usize>,
    /// The answer's id (in its [`Outcome`]) that holds where the next pull starts.
    pub cursor: Option<&'static str>,
    /// The answer lists what came after a point (Yunhu's gap fill after the socket was down,
    /// E云's `syncFinder` pull): its messages are news (unread); those that name no conversation
    /// are the requested one's; a short page does not mean history is exhausted.
    pub catch_up: bool,
    /// The answer lists its messages newest first (messages in the same millisecond then keep
    /// their order only when read back to front).
    pub newest_first: bool,
}

pub trait Codec: Sync {
    fn platform(&self) -> Platform;

    /// A JSON or Node-dump payload in one of the platform's shapes: the shape's name and its events.
    fn recognize_literal(&self, value: &Literal) -> Option<(String, Vec<Event>)>;

    /// Whether a protobuf schema (`package.Message`) is one of the platform's.
    fn owns_schema(&self, schema: &str) -> bool {
        schema
            .split_once('.')
            .is_some_and(|(package, _)| package == self.platform().id())
    }

    /// The events of a protobuf message of one of the platform's schemas.
    fn proto_events(&self, _schema: &str, _bytes: &[u8]) -> Vec<Event> {
        Vec::new()
    }

    /// The schema of a payload that a message of one of the platform's schemas carries inside
    /// it, where the message names it (Yunhu's push frame names `data.value`'s by `info.cmd`).
    /// `message` is the schema-less parse of `bytes`.
    fn carried_schema(
        &self,
        _schema: &str,
        _message: Message<'_>,
        _bytes: &[u8],
    ) -> Option<&'static str> {
        None
    }

    /// The protobuf schemas of a call's request and answer, by its path, for bodies that do not
    /// say what they are.
    fn endpoint_schemas(&self, _path: &str) -> Option<(&'static str, &'static str)> {
        None
    }

    /// The events of a logged request whose meaning is in its path rather than its body.
    fn path_events(&self, _path: &str, _body: &[u8]) -> Option<Vec<Event>> {
        None
    }

    /// What the platform's answer to a call on `path` says: ok, or its code and words; the ids
    /// later calls need.
    fn outcome(&self, path: &str, body: &[u8]) -> Outcome;

    /// Whether an answer to `path` lists messages, and how to read it.
    fn listing(&self, _path: &str) -> Option<Listing> {
        None
    }

    /// Where the pull after this answer to `path` starts, when the answer is a pull's page.
    fn next_cursor(&self, path: &str, answer: &[u8]) -> Option<String> {
        let cursor = self.listing(path)?.cursor?;
        self.outcome(path, answer).ids.get(cursor).cloned()
    }

    /// A customer's text message as the platform delivers it to us (the webhook's JSON).
    fn customer_message(&self, message: &CustomerMessage) -> serde_json::Value;

    /// A text message; `fresh_id` is a new UUID (used where the client names the message).
    fn send_text(
        &self,
        target: &Target,
        text: &str,
        quote: Option<&str>,
        fresh_id: &str,
    ) -> Result<Call, ComposeError>;

    /// A Markdown message (rendered by the customer's app).
    fn send_markdown(
        &self,
        _target: &Target,
        _markdown: &str,
        _quote: Option<&str>,
        _fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        Err(ComposeError::Unsupported("Markdown messages"))
    }

    /// An image message carrying an uploaded image.
    fn send_image(
        &self,
        target: &Target,
        image: &Attachment,
        fresh_id: &str,
    ) -> Result<Call, ComposeError>;

    /// A file message carrying an uploaded file.
    fn send_file(
        &self,
        target: &Target,
        file: &Attachment,
        fresh_id: &str,
    ) -> Result<Call, ComposeError>;

    /// Whether the platform serves earlier pages of a conversation of `kind` (what
    /// [`Codec::earlier_messages`] composes; the desk offers "load earlier" only there).
    fn serves_earlier_pages(&self, _kind: Option<ConversationKind>) -> bool {
        false
    }

    /// The page of a conversation's history before `before` (a message id; `None` = the newest).
    fn earlier_messages(
        &self,
        _target: &Target,
        _before: Option<&str>,
    ) -> Result<Call, ComposeError> {
        Err(ComposeError::Unsupported("loading earlier messages"))
    }

    /// The next page of the account's messages after `cursor` (`None` starts from the beginning).
    fn sync(&self, _cursor: Option<&str>) -> Result<Call, ComposeError> {
        Err(ComposeError::Unsupported("pulling messages"))
    }

    /// Replaces the text of one of our messages.
    fn edit(
        &self,
        _target: &Target,
        _message_id: &str,
        _platform_ids: &BTreeMap<String, String>,
        _text: &str,
    ) -> Result<Call, ComposeError> {
        Err(ComposeError::Unsupported("editing a sent message"))
    }

    /// How the platform answers who an id is, where it can be asked (`None`: its payloads say
    /// all it will tell, as Douyin's `user_infos` do).
    fn lookups(&self) -> Option<Lookups> {
        None
    }

    /// The call that describes `subjects` (all people or all groups, at most as many as
    /// [`Codec::lookups`] allows per call); its answer reads as [`EventType::Profile`]
    /// events (decoded with the answer schema [`Codec::endpoint_schemas`] gives its path).
    ///
    /// [`EventType::Profile`]: crate::event::EventType::Profile
    fn describe(&self, _subjects: &[Subject]) -> Result<Call, ComposeError> {
        Err(ComposeError::Unsupported("looking up profiles"))
    }

    /// Whether a payload's event says enough about its sender that nobody needs to be asked.
    fn describes_sender(&self, event: &Event) -> bool {
        event.sender_name.is_some() && event.sender_avatar.is_some()
    }

    /// Read receipts for the customer's messages.
    fn read_receipts(&self, _message_ids: &[String]) -> Result<Call, ComposeError> {
        Err(ComposeError::Unsupported("read receipts"))
    }

    /// Recalls one of our messages: its id, and the ids the platform's answer gave it.
    fn recall(
        &self,
        target: &Target,
        message_id: &str,
        platform_ids: &BTreeMap<String, String>,
        fresh_id: &str,
    ) -> Result<Call, ComposeError>;
}
