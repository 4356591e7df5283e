//! The native half of Switchboard: `switchboard serve` forwards, signs, stores and streams;
//! `switchboard inspect` is the terminal inspector over the shared payload core.

pub mod api;
pub mod api_error;
pub mod auth;
pub mod body_guard;
pub mod cli;
pub mod config;
pub mod connections;
pub mod event_log;
pub mod header_text;
pub mod health;
pub mod hooks;
pub mod hosted;
pub mod inspect;
pub mod platforms;
pub mod profiles;
pub mod public_address;
pub mod receive;
pub mod rejections;
pub mod sandbox;
pub mod secrets;
pub mod security;
pub mod serve;
pub mod sessions;
pub mod state;
pub mod static_app;
