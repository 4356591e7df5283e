//! Protobuf text format against our schemas: which message it is (by field names, including
//! the older names the Yunhu documentation uses) and its binary encoding, so a pasted
//! `protoc --decode` dump yields the same events as the bytes would.

use super::recognize::{SchemaMatch, candidates};
use super::schema::{FieldKind, FieldSchema, MessageSchema, Schemas};
use super::yunhu;
use crate::text::literal::{Literal, LiteralValue};

/// Older names for our fields: (message, name in the documentation, field number).
pub const ALIASES: &[(&str, &str, u32)] = &[
    (yunhu::Status::SCHEMA, "number", 1),
    (yunhu::SendMessageRequest::SCHEMA, "data", 5),
    (yunhu::MsgContent::SCHEMA, "at", 6),
    (yunhu::MsgContent::SCHEMA, "file_key", 5),
    (yunhu::MsgContent::SCHEMA, "image_key", 9),
    (yunhu::MsgContent::SCHEMA, "sticker_url", 9),
    (yunhu::MsgContent::SCHEMA, "post_type", 13),
    (yunhu::MsgContent::SCHEMA, "video", 19),
    (yunhu::MsgContent::SCHEMA, "audio", 21),
    (yunhu::MsgContent::SCHEMA, "call_text", 29),
    (yunhu::ListMessageResponse::SCHEMA, "msg_count", 3),
];

fn field_by_name<'s>(schema: &'s MessageSchema, name: &str) -> Option<&'s FieldSchema> {
    schema
        .fields
        .iter()
        .find(|field| field.name == name)
        .or_else(|| {
            ALIASES
                .iter()
                .find(|(message, alias, _)| *message == schema.name && *alias == name)
                .and_then(|(_, _, number)| schema.field(*number))
        })
}

fn members(value: &Literal) -> &[crate::text::literal::Member] {
    match &value.value {
        LiteralValue::Object(members) => members,
        _ => &[],
    }
}

/// Below this a text-format payload is of unknown schema. Lower than for binary: a field name
/// matching is far stronger evidence than a field number, and documentation examples carry
/// placeholder fields (`temp_text: ""`) no schema has.
pub const MIN_CONFIDENCE: f64 = 0.65;

/// The best-fitting candidate message for a text-format payload.
pub fn recognize(value: &Literal, schemas: &Schemas) -> Option<SchemaMatch> {
    let mut scored: Vec<(f64, usize, usize, &str)> = candidates(schemas)
        .enumerate()
        .filter_map(|(order, name)| {
            let schema = schemas.message(name)?;
            let (matched, total) = fit(value, schema, schemas, 8);
            let confidence = if total == 0.0 { 0.0 } else { matched / total };
            (confidence >= MIN_CONFIDENCE).then_some((confidence, schema.fields.len(), order, name))
        })
        .collect();
    // Best fit first; on a tie, the smallest schema that explains everything, then list order.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    scored
        .into_iter()
        .next()
        .map(|(confidence, _, _, name)| SchemaMatch {
            name: name.to_owned(),
            confidence: (confidence * 100.0).round() / 100.0,
        })
}

fn fit(value: &Literal, schema: &MessageSchema, schemas: &Schemas, depth: usize) -> (f64, f64) {
    let mut matched = 0.0;
    let mut total = 0.0;
    let mut seen: Vec<&str> = Vec::new();
    for member in members(value) {
        total += 1.0;
        let Some(field) = field_by_name(schema, &member.key) else {
            continue;
        };
        let repeated_twice = seen.contains(&field.name.as_str());
        seen.push(&field.name);
        if repeated_twice && !field.repeated {
            continue;
        }
        matched += match (&field.kind, &member.value.value) {
            (FieldKind::Message(inner), LiteralValue::Object(_)) if depth > 0 => {
                match schemas.message(inner) {
                    Some(inner) => {
                        let (m, t) = fit(&member.value, inner, schemas, depth - 1);
                        if t == 0.0 { 1.0 } else { 0.5 + 0.5 * m / t }
                    }
                    None => 0.5,
                }
            }
            (FieldKind::Message(_), LiteralValue::Object(_)) => 1.0,
            (FieldKind::String | FieldKind::Bytes, LiteralValue::String(_)) => 1.0,
            (FieldKind::String | FieldKind::Bytes, LiteralValue::Number(_)) => 0.5,
            (FieldKind::Bool, LiteralValue::Bool(_)) => 1.0,
            (
                FieldKind::Varint { .. }
                | FieldKind::Fixed32
                | FieldKind::Fixed64
                | FieldKind::Float
                | FieldKind::Double,
                LiteralValue::Number(_),
            ) => 1.0,
            // Enum values by name.
            (FieldKind::Varint { .. }, LiteralValue::String(_)) => 0.5,
            (_, LiteralValue::Array(_)) if field.repeated => 1.0,
            _ => 0.0,
        };
    }
    (matched, total)
}

/// Encodes a text-format message as binary protobuf with `schema`. Fields the schema does not
/// know, and values that do not fit their type, are left out.
pub fn encode(value: &Literal, schema: &str, schemas: &Schemas) -> Vec<u8> {
    let mut out = Vec::new();
    if let Some(schema) = schemas.message(schema) {
        encode_into(&mut out, value, schema, schemas, 64);
    }
    out
}

fn encode_into(
    out: &mut Vec<u8>,
    value: &Literal,
    schema: &MessageSchema,
    schemas: &Schemas,
    depth: usize,
) {
    for member in members(value) {
        let Some(field) = field_by_name(schema, &member.key) else {
            continue;
        };
        let items: Vec<&Literal> = match &member.value.value {
            LiteralValue::Array(items) => items.iter().collect(),
            _ => vec![&member.value],
        };
        for item in items {
            encode_field(out, field, item, schemas, depth);
        }
    }
}

fn encode_field(
    out: &mut Vec<u8>,
    field: &FieldSchema,
    value: &Literal,
    schemas: &Schemas,
    depth: usize,
) {
    let number = u64::from(field.number);
    let text = match &value.value {
        LiteralValue::String(text) | LiteralValue::Number(text) => Some(text.as_str()),
        LiteralValue::Bool(true) => Some("1"),
        LiteralValue::Bool(false) => Some("0"),
        _ => None,
    };
    match &field.kind {
        FieldKind::Message(inner) => {
            if let (Some(inner), true) = (schemas.message(inner), depth > 0) {
                let mut nested = Vec::new();
                encode_into(&mut nested, value, inner, schemas, depth - 1);
                put_len(out, number, &nested);
            }
        }
        FieldKind::String | FieldKind::Bytes => {
            if let Some(text) = text {
                put_len(out, number, text.as_bytes());
            }
        }
        FieldKind::Bool | FieldKind::Varint { zigzag: false } => {
            if let Some(value) = text.and_then(parse_integer) {
                put_varint(out, number << 3);
                put_varint(out, value);
            }
        }
        FieldKind::Varint { zigzag: true } => {
            if let Some(value) = text.and_then(|t| t.parse::<i64>().ok()) {
                put_varint(out, number << 3);
                put_varint(out, ((value << 1) ^ (value >> 63)) as u64);
            }
        }
        FieldKind::Fixed32 | FieldKind::Float => {
            let bits = match field.kind {
                FieldKind::Float => text.and_then(|t| t.parse::<f32>().ok()).map(f32::to_bits),
                _ => text.and_then(parse_integer).map(|v| v as u32),
            };
            if let Some(bits) = bits {
                put_varint(out, (number << 3) | 5);
                out.extend_from_slice(&bits.to_le_bytes());
            }
        }
        FieldKind::Fixed64 | FieldKind::Double => {
            let bits = match field.kind {
                FieldKind::Double => text.and_then(|t| t.parse::<f64>().ok()).map(f64::to_bits),
                _ => text.and_then(parse_integer),
            };
            if let Some(bits) = bits {
                put_varint(out, (number << 3) | 1);
                out.extend_from_slice(&bits.to_le_bytes());
            }
        }
    }
}

/// An unsigned or two's-complement integer from decimal text.
fn parse_integer(text: &str) -> Option<u64> {
    text.parse::<u64>()
        .ok()
        .or_else(|| text.parse::<i64>().ok().map(|v| v as u64))
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_len(out: &mut Vec<u8>, number: u64, bytes: &[u8]) {
    put_varint(out, (number << 3) | 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    #[test]
    fn a_status_only_response_is_recognised_as_such() {
        let value =
            crate::text::textproto::parse("status { number: 114514 code: 1 msg: \"success\"}")
                .unwrap();
        let matched = recognize(&value, Schemas::builtin()).unwrap();
        assert_eq!(matched.name, "yunhu.StatusResponse");
        let bytes = encode(&value, &matched.name, Schemas::builtin());
        let decoded = super::super::yunhu::StatusResponse::decode(bytes.as_slice()).unwrap();
        let status = decoded.status.unwrap();
        assert_eq!(
            (status.request_id, status.code, status.msg.as_str()),
            (114514, 1, "success")
        );
    }
}
