//! Switchboard's browser app: the Desk (conversations, live) and the Inspector (any payload,
//! down to the byte). It renders; all decoding comes from `switchboard-payload`.

pub mod api;
mod app;
pub mod components;
pub mod i18n;
pub mod pages;
mod storage;

pub use app::App;
