//! A customer's text message as a platform delivers it to us (its webhook body, or for Mixin
//! the message view Blaze carries). Each platform writes its own in `platforms/<platform>/
//! customer.rs`, reached through [`Codec::customer_message`](crate::codec::Codec::customer_message),
//! so the sandbox's simulated customer, the desk's tests and the end-to-end tests all post the
//! shape the platform really sends.

/// How the customer wrote the text (Yunhu has Markdown and HTML messages, Mixin Markdown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextFormat {
    #[default]
    Text,
    Markdown,
    Html,
}

/// What a delivery says; each platform uses the ids its deliveries carry.
#[derive(Debug, Clone, Copy, Default)]
pub struct CustomerMessage<'a> {
    /// The platform's id for the message (Yunhu's msgId, Douyin's server_message_id, Mixin's
    /// message_id, wkteam's message id, E云's newMsgId).
    pub message_id: &'a str,
    /// A second id unique to this delivery (Yunhu's eventId, Douyin's log_id, Mixin's
    /// session_id, wkteam's seq and remote_id, E云's msgId).
    pub delivery_id: &'a str,
    /// The conversation, where the delivery names one apart from the customer (Douyin's
    /// conversation_short_id, Mixin's conversation_id).
    pub conversation_id: &'a str,
    pub customer_id: &'a str,
    pub customer_name: &'a str,
    /// The customer's picture, where deliveries carry one (Douyin's `user_infos`, Yunhu's
    /// sender); empty when none.
    pub customer_avatar: &'a str,
    /// The account the customer writes to: ours.
    pub own_id: &'a str,
    /// Our display name, where deliveries carry it (Douyin's user_infos).
    pub own_name: &'a str,
    /// Our login with the service, where deliveries name it (Douyin's client_key, wkteam's
    /// session token, E云's account).
    pub own_login: &'a str,
    pub text: &'a str,
    pub format: TextFormat,
    /// When it was sent, in Unix milliseconds.
    pub sent_at_ms: u64,
}
