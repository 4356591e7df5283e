//! Which message is this blob? Scores a schema-less parse against candidate schemas.

use serde::{Deserialize, Serialize};

use super::raw::{self, Field, Message, RawContent, RawMessage, Reading};
use super::schema::{FieldKind, FieldSchema, Schemas};
use super::wire::WireType;
use super::{douyin_im, yunhu};

/// Root messages a blob may be, per platform, in the order a tie is broken.
pub const CANDIDATES: &[&str] = &[
    yunhu::WsWrapper::SCHEMA,
    yunhu::PushMessage::SCHEMA,
    yunhu::StreamMessage::SCHEMA,
    yunhu::ListMessageResponse::SCHEMA,
    yunhu::SendMessageRequest::SCHEMA,
    yunhu::RecallMsgRequest::SCHEMA,
    yunhu::ListMessageRequest::SCHEMA,
    yunhu::ListMessageBySeqRequest::SCHEMA,
    yunhu::ListMessageByMidSeqRequest::SCHEMA,
    yunhu::ButtonReportRequest::SCHEMA,
    yunhu::StatusResponse::SCHEMA,
    douyin_im::Response::SCHEMA,
    douyin_im::NewMessageNotify::SCHEMA,
    douyin_im::MessageBody::SCHEMA,
    douyin_im::SendMessageRequestBody::SCHEMA,
    douyin_im::RecallMessageRequestBody::SCHEMA,
];

/// At most this many of the user's messages are ranked: every nested payload of an inspection
/// is scored against each candidate, so a large import must not make a small payload slow. The
/// others are still named, and can be picked by hand.
pub const MAX_IMPORTED_CANDIDATES: usize = 256;

/// What a blob may be: our platforms' roots, then the user's imported messages (a tie goes
/// to ours, in this order).
pub fn candidates(schemas: &Schemas) -> impl Iterator<Item = &str> {
    CANDIDATES.iter().copied().chain(
        schemas
            .imported()
            .iter()
            .take(MAX_IMPORTED_CANDIDATES)
            .map(String::as_str),
    )
}

/// Below this confidence a blob is reported as of unknown schema. A perfect fit needs at least
/// three fields of evidence to reach it (see `Fit::confidence`): two small fields fit half the
/// candidates by accident.
pub const MIN_CONFIDENCE: f64 = 0.8;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemaMatch {
    pub name: String,
    /// 0..1: the share of fields (weighted, recursively) that fit the schema.
    pub confidence: f64,
}

/// The best-fitting candidate, if any fits well enough.
/// `bytes` are those the message's offsets point into.
pub fn recognize(message: &RawMessage, bytes: &[u8], schemas: &Schemas) -> Option<SchemaMatch> {
    rank(message, bytes, schemas).into_iter().next()
}

/// All candidates that fit at least [`MIN_CONFIDENCE`], best first.
pub fn rank(message: &RawMessage, bytes: &[u8], schemas: &Schemas) -> Vec<SchemaMatch> {
    if message.is_empty() || message.error.is_some() {
        return Vec::new();
    }
    let mut scored: Vec<(f64, usize, usize, &str)> = candidates(schemas)
        .enumerate()
        .filter_map(|(order, name)| {
            let confidence = fit(message.root(), bytes, name, schemas, 8).confidence();
            let size = schemas
                .message(name)
                .map_or(0, |schema| schema.fields.len());
            (confidence >= MIN_CONFIDENCE).then_some((confidence, size, order, name))
        })
        .collect();
    // Best fit first; on a tie, the smallest schema that explains everything, then list order.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    scored
        .into_iter()
        .map(|(confidence, _, _, name)| SchemaMatch {
            name: name.to_owned(),
            confidence: (confidence * 100.0).round() / 100.0,
        })
        .collect()
}

#[derive(Debug, Default, Clone, Copy)]
struct Fit {
    matched: f64,
    total: f64,
    /// How many fields, at any depth, the schema explained: one varint fits almost any schema,
    /// so a fit backed by little evidence is worth less.
    evidence: usize,
}

impl Fit {
    fn confidence(&self) -> f64 {
        if self.total == 0.0 {
            0.0
        } else {
            self.matched / self.total * (1.0 - 1.0 / (self.evidence as f64 + 2.0))
        }
    }

    fn share(&self) -> f64 {
        if self.total == 0.0 {
            0.0
        } else {
            self.matched / self.total
        }
    }
}

fn fit(message: Message<'_>, bytes: &[u8], name: &str, schemas: &Schemas, depth: usize) -> Fit {
    let Some(schema) = schemas.message(name) else {
        return Fit::default();
    };
    let mut fit = Fit::default();
    let mut seen: Vec<u32> = Vec::new();
    for field in message.fields() {
        fit.total += 1.0;
        let Some(field_schema) = schema.field(field.number) else {
            continue;
        };
        let repeated_twice = seen.contains(&field.number);
        seen.push(field.number);
        if repeated_twice && !field_schema.repeated {
            continue;
        }
        let (score, inner_evidence) = field_fit(field, bytes, field_schema, schemas, depth);
        fit.matched += score;
        if score > 0.0 {
            fit.evidence += 1 + inner_evidence;
        }
    }
    fit
}

/// How well one field fits its schema (0..1), and the evidence found inside it.
fn field_fit(
    field: Field<'_>,
    bytes: &[u8],
    schema: &FieldSchema,
    schemas: &Schemas,
    depth: usize,
) -> (f64, usize) {
    let value = bytes.get(field.value.clone()).unwrap_or_default();
    if let (FieldKind::Message(inner), RawContent::Len { .. }) = (&schema.kind, &field.content) {
        return match field.message() {
            Some(message) if depth > 0 => {
                let inner_fit = fit(message, bytes, inner, schemas, depth - 1);
                // An empty nested message is legal and says nothing either way.
                if inner_fit.total == 0.0 {
                    (0.75, 0)
                } else {
                    (0.5 + 0.5 * inner_fit.share(), inner_fit.evidence)
                }
            }
            Some(_) => (1.0, 0),
            None if field.value.is_empty() => (0.75, 0),
            // Well-formed, but text read better: possible, not evidence.
            None if raw::is_message(value) => (0.5, 0),
            None => (0.0, 0),
        };
    }
    let score = match (&schema.kind, &field.content) {
        (FieldKind::String, RawContent::Len { reading })
            if matches!(reading, Reading::Text { .. }) || std::str::from_utf8(value).is_ok() =>
        {
            1.0
        }
        (FieldKind::String, RawContent::Len { .. }) => 0.0,
        (FieldKind::Bytes, RawContent::Len { .. }) => 1.0,
        (FieldKind::Bool, RawContent::Varint { value }) => {
            if *value <= 1 {
                1.0
            } else {
                0.5
            }
        }
        (kind, RawContent::Len { .. }) if schema.repeated && kind.wire_type() != WireType::Len => {
            // Packed repeated scalars.
            1.0
        }
        (kind, _) if kind.wire_type() == field.wire_type => 1.0,
        _ => 0.0,
    };
    (score, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protobuf::raw::decode;

    #[test]
    fn too_little_evidence_is_an_unknown_schema() {
        // {1: {1: 5}, 2: 7} fits Douyin's MessageBody field for field, but proves nothing.
        let message = decode(&[0x0a, 0x02, 0x08, 0x05, 0x10, 0x07]);
        let bytes = [0x0a, 0x02, 0x08, 0x05, 0x10, 0x07];
        assert_eq!(recognize(&message, &bytes, Schemas::builtin()), None);
        let bytes = [0x08, 0x96, 0x01];
        let single = decode(&bytes);
        assert_eq!(recognize(&single, &bytes, Schemas::builtin()), None);
    }
}
