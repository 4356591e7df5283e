//! Requests the desk sends, as data. Each platform's [`crate::codec::Codec`] composes them in its
//! own wire format (`platforms::of(platform).send_text(…)`); these are the types they take and
//! give. Pure: the caller supplies fresh ids.

pub use crate::request::{Attachment, Call, ComposeError, EARLIER_PAGE, Target};
