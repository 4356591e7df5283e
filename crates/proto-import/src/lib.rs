//! A user's own `.proto` files, compiled in memory into the payload core's schemas.
//!
//! Files import each other by file name, as if they all sat in one folder (a browser is given
//! files, not a folder); `google/protobuf/*.proto` (the well-known types) are built in.
//! Everything is bounded: a stranger's share link or a dropped folder can't make it work
//! without end.

use std::collections::BTreeMap;
use std::path::Path;

use miette::Diagnostic;
use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};
use switchboard_payload::protobuf::descriptor;
pub use switchboard_payload::protobuf::imported::{CompileError, Imported, ProtoFile};

/// At most this many files in one import.
pub const MAX_FILES: usize = 64;
/// At most this many bytes of `.proto` source in all.
pub const MAX_SOURCE_BYTES: usize = 1024 * 1024;

/// Compiles `files` (each also importable by the others) into schemas: every message they
/// define or import, with the user's own as recognition candidates.
pub fn compile(files: &[ProtoFile]) -> Result<Imported, CompileError> {
    if files.is_empty() {
        return Err(CompileError::general("no .proto files given"));
    }
    if files.len() > MAX_FILES {
        return Err(CompileError::general(format!(
            "{} files given; at most {MAX_FILES} at once",
            files.len()
        )));
    }
    let total: usize = files.iter().map(|file| file.text.len()).sum();
    if total > MAX_SOURCE_BYTES {
        return Err(CompileError::general(format!(
            "{total} bytes of .proto source; at most {MAX_SOURCE_BYTES}"
        )));
    }
    let mut sources = BTreeMap::new();
    for file in files {
        if file.name.is_empty() || file.name.starts_with("google/protobuf/") {
            return Err(CompileError::general(format!(
                "{:?} can't be a file name here (the well-known types are built in)",
                file.name
            )));
        }
        if sources
            .insert(file.name.clone(), file.text.clone())
            .is_some()
        {
            return Err(CompileError::general(format!(
                "two files are named {:?}",
                file.name
            )));
        }
    }
    let mut resolver = ChainFileResolver::new();
    resolver.add(InMemory(sources.clone()));
    resolver.add(GoogleFileResolver::new());
    let mut compiler = protox::Compiler::with_file_resolver(resolver);
    compiler.include_imports(true);
    compiler
        .open_files(sources.keys())
        .map_err(|error| located(&error, &sources))?;
    let set = compiler.file_descriptor_set();
    let messages = descriptor::messages(&set);
    // The user's own messages: those of the files they gave, map entries aside.
    let own = prost_types::FileDescriptorSet {
        file: set
            .file
            .iter()
            .filter(|file| sources.contains_key(file.name()))
            .cloned()
            .collect(),
    };
    let mut roots: Vec<String> = descriptor::messages(&own)
        .into_iter()
        .filter(|message| !message.map_entry)
        .map(|message| message.name)
        .collect();
    roots.sort_unstable();
    Ok(Imported { messages, roots })
}

/// The user's files, by name.
struct InMemory(BTreeMap<String, String>);

impl FileResolver for InMemory {
    fn resolve_path(&self, path: &Path) -> Option<String> {
        let name = path.to_str()?;
        self.0.contains_key(name).then(|| name.to_owned())
    }

    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        match self.0.get(name) {
            Some(text) => File::from_source(name, text),
            None => Err(protox::Error::file_not_found(name)),
        }
    }
}

/// The compiler's error with the line and column its label points at: the last one, which for
/// a duplicate is the second definition (the first is labelled before it).
fn located(error: &protox::Error, sources: &BTreeMap<String, String>) -> CompileError {
    let file = error.file().map(str::to_owned);
    let offset = error
        .labels()
        .and_then(|labels| labels.last())
        .map(|label| label.offset());
    let (line, column) = match (file.as_ref().and_then(|f| sources.get(f)), offset) {
        (Some(text), Some(offset)) => {
            let (line, column) = line_and_column(text, offset);
            (Some(line), Some(column))
        }
        _ => (None, None),
    };
    CompileError {
        file,
        line,
        column,
        message: error.to_string(),
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::line_and_column;

    #[test]
    fn lines_and_columns_count_from_one_in_characters() {
        assert_eq!(line_and_column("abc", 0), (1, 1));
        assert_eq!(line_and_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_and_column("名字\nx", 7), (2, 1));
        assert_eq!(line_and_column("名字 x", 7), (1, 4));
    }
}
