//! Textual formats: JSON and Node console dumps.

pub mod literal;
pub mod textproto;
