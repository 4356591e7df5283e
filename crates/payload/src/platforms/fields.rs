//! Reading fields of a JSON or Node-dump value, as every platform's recognizer does.

use crate::text::literal::Literal;

/// Parses JSON text nested in a string field (Douyin `content`, WeCom `text`...).
pub fn nested_json(text: &str) -> Option<Literal> {
    let trimmed = text.trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return None;
    }
    crate::text::literal::parse(text, crate::text::literal::Dialect::Json).ok()
}

/// Member `key` as an id string (string or exact number), `None` when absent or empty.
pub fn id(value: &Literal, key: &str) -> Option<String> {
    value.get(key).and_then(Literal::as_id)
}

pub fn string(value: &Literal, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Literal::as_str)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

pub fn has_keys(value: &Literal, keys: &[&str]) -> bool {
    keys.iter().all(|key| value.get(key).is_some())
}
