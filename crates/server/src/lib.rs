//! The native half of Switchboard: `switchboard serve` forwards, signs, stores and streams;
//! `switchboard inspect` is the terminal inspector over the shared payload core.

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod event_log;
pub mod hooks;
pub mod hosted;
pub mod inspect;
pub mod platforms;
pub mod sandbox;
pub mod secrets;
pub mod security;
pub mod serve;
pub mod state;
pub mod static_app;
