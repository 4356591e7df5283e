//! The native half of Switchboard: `switchboard serve` forwards, signs, stores and streams;
//! `switchboard inspect` is the terminal inspector over the shared payload core.

pub mod cli;
pub mod event_log;
pub mod inspect;
pub mod serve;
pub mod static_app;
