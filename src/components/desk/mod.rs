//! The desk: platforms, conversations, the open thread, and the connection's state.

pub mod avatar;
pub mod bounds;
pub mod bubble;
pub mod composer;
pub mod content;
pub mod conversation_list;
pub mod markdown;
pub mod notifications;
pub mod platform_list;
pub mod state;
pub mod status_line;
pub mod thread;
pub mod work_bar;
