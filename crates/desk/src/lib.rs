//! The desk's model. Rows of the server's event log (as `/api/events` serves them) are decoded by
//! the payload core and projected into conversations: a pure function of the rows, so it is
//! tested natively and the browser only renders it.

pub mod actions;
pub mod projection;
pub mod receiving;
pub mod work;

pub use actions::Actions;
pub use projection::{Conversation, ConversationKey, Desk, Message, MessageStatus};
pub use switchboard_protocol::{Direction, Row};
pub use work::{Inbox, Status, Work};
