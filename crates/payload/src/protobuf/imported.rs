//! A user's own schemas: the `.proto` files they gave, what those compile to, and why they
//! did not. Plain data: compiled by `switchboard-proto-import` (the CLI and the browser's schema
//! worker), kept by the browser, read by [`super::schema::Schemas::with_imported`].

use std::fmt;

use serde::{Deserialize, Serialize};

use super::descriptor::MessageSchema;

/// Schemas a user compiled from their own `.proto` files: what the browser keeps and the CLI's
/// `--proto` reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    /// Every message the files define or import (well-known types included), so fields name
    /// their nested messages.
    pub messages: Vec<MessageSchema>,
    /// The messages of the user's own files (not their imports' and not map entries).
    pub roots: Vec<String>,
}

/// One `.proto` file as the user gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtoFile {
    /// Its file name, as other files import it (`common.proto`).
    pub name: String,
    pub text: String,
}

/// Why the files did not compile, and where: the file, and the line and column (1-based,
/// columns in characters) when the compiler pointed at a place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompileError {
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for CompileError {
    /// `order.proto:4:3: expected ';'` — the form compilers and editors link from.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line, self.column) {
            (Some(file), Some(line), Some(column)) => {
                write!(f, "{file}:{line}:{column}: {}", self.message)
            }
            (Some(file), _, _) => write!(f, "{file}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for CompileError {}

impl CompileError {
    /// An error about the files as a whole, placed nowhere.
    pub fn general(message: impl Into<String>) -> Self {
        CompileError {
            file: None,
            line: None,
            column: None,
            message: message.into(),
        }
    }
}
