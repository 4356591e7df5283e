//! Our `.proto` schemas as data: message and field names by number, for naming the fields of a
//! schema-less parse and for scoring which message a blob is.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::wire::WireType;

/// Build-time tables of our schemas (see build.rs): names by number, no descriptor decoder.
mod tables {
    pub struct MessageTable {
        pub name: &'static str,
        pub map_entry: bool,
        pub fields: &'static [FieldTable],
    }

    pub struct FieldTable {
        pub number: u32,
        pub name: &'static str,
        pub kind: FieldKindTable,
        pub repeated: bool,
        pub type_name: &'static str,
    }

    // Every protobuf kind has a variant, whether or not today's protos use it.
    #[allow(dead_code)]
    pub enum FieldKindTable {
        Message(&'static str),
        String,
        Bytes,
        Bool,
        Varint { zigzag: bool },
        Fixed32,
        Fixed64,
        Float,
        Double,
    }

    include!(concat!(env!("OUT_DIR"), "/schema_tables.rs"));
}

pub use super::descriptor::{FieldKind, FieldSchema, MessageSchema};
pub use super::imported::Imported;

impl FieldKind {
    /// The wire type a non-packed value of this kind uses.
    pub fn wire_type(&self) -> WireType {
        match self {
            FieldKind::Message(_) | FieldKind::String | FieldKind::Bytes => WireType::Len,
            FieldKind::Bool | FieldKind::Varint { .. } => WireType::Varint,
            FieldKind::Fixed32 | FieldKind::Float => WireType::Fixed32,
            FieldKind::Fixed64 | FieldKind::Double => WireType::Fixed64,
        }
    }
}

impl MessageSchema {
    pub fn field(&self, number: u32) -> Option<&FieldSchema> {
        self.fields.iter().find(|field| field.number == number)
    }
}

#[derive(Debug, Default)]
pub struct Schemas {
    messages: HashMap<String, MessageSchema>,
    /// The user's messages a payload may be, sorted (see [`Imported`]): recognition ranks them
    /// beside our platforms' roots.
    imported: Vec<String>,
}

impl Schemas {
    /// The schemas compiled from `proto/` (built once from the build-time tables).
    pub fn builtin() -> &'static Schemas {
        static SCHEMAS: OnceLock<Schemas> = OnceLock::new();
        SCHEMAS.get_or_init(|| {
            use tables::FieldKindTable as K;
            let messages = tables::MESSAGES
                .iter()
                .map(|message| {
                    let fields = message
                        .fields
                        .iter()
                        .map(|field| FieldSchema {
                            number: field.number,
                            name: field.name.to_owned(),
                            kind: match field.kind {
                                K::Message(name) => FieldKind::Message(name.to_owned()),
                                K::String => FieldKind::String,
                                K::Bytes => FieldKind::Bytes,
                                K::Bool => FieldKind::Bool,
                                K::Varint { zigzag } => FieldKind::Varint { zigzag },
                                K::Fixed32 => FieldKind::Fixed32,
                                K::Fixed64 => FieldKind::Fixed64,
                                K::Float => FieldKind::Float,
                                K::Double => FieldKind::Double,
                            },
                            repeated: field.repeated,
                            type_name: field.type_name.to_owned(),
                        })
                        .collect();
                    let schema = MessageSchema {
                        name: message.name.to_owned(),
                        fields,
                        map_entry: message.map_entry,
                    };
                    (schema.name.clone(), schema)
                })
                .collect();
            Schemas {
                messages,
                imported: Vec::new(),
            }
        })
    }

    /// Ours and the user's together. A user's message of the same full name as one of ours
    /// replaces it: they said what it is.
    pub fn with_imported(imported: &Imported) -> Schemas {
        let mut messages = Schemas::builtin().messages.clone();
        for message in &imported.messages {
            messages.insert(message.name.clone(), message.clone());
        }
        let mut roots: Vec<String> = imported
            .roots
            .iter()
            .filter(|name| messages.contains_key(*name))
            .cloned()
            .collect();
        roots.sort_unstable();
        roots.dedup();
        Schemas {
            messages,
            imported: roots,
        }
    }

    /// The user's root messages, sorted.
    pub fn imported(&self) -> &[String] {
        &self.imported
    }

    pub fn message(&self, name: &str) -> Option<&MessageSchema> {
        self.messages.get(name)
    }

    /// Every field name of every message.
    pub fn field_names(&self) -> std::collections::HashSet<String> {
        self.messages
            .values()
            .flat_map(|message| message.fields.iter().map(|field| field.name.clone()))
            .collect()
    }

    /// Every message name, sorted (for the UI's schema picker); map entries are left out.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .messages
            .values()
            .filter(|message| !message.map_entry)
            .map(|message| message.name.as_str())
            .collect();
        names.sort_unstable();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_schemas_know_field_numbers_from_the_reference() {
        let schemas = Schemas::builtin();
        let push = schemas.message("yunhu.PushMessage").unwrap();
        assert_eq!(push.field(8).unwrap().name, "timestamp");
        assert_eq!(
            push.field(2).unwrap().kind,
            FieldKind::Message("yunhu.Sender".into())
        );
        let body = schemas.message("douyin_im.MessageBody").unwrap();
        assert_eq!(body.field(17).unwrap().name, "index_in_conversation_v2");
        let ext = body.field(9).unwrap();
        assert!(ext.repeated);
        assert_eq!(
            ext.kind,
            FieldKind::Message("douyin_im.MessageBody.ExtEntry".into())
        );
        assert!(schemas.message("douyin_im.MessageBody.ExtEntry").is_some());
        assert!(schemas.message("yunhu.WsWrapper.Info").is_some());
    }

    #[test]
    fn the_generated_types_name_schemas_the_tables_hold() {
        use crate::protobuf::{douyin_im, yunhu};
        let schemas = Schemas::builtin();
        for name in [
            yunhu::WsWrapper::SCHEMA,
            yunhu::SendMessageRequest::SCHEMA,
            yunhu::StatusResponse::SCHEMA,
            douyin_im::MessageBody::SCHEMA,
            douyin_im::Response::SCHEMA,
        ] {
            assert!(schemas.message(name).is_some(), "{name}");
        }
        assert_eq!(yunhu::PushMessage::SCHEMA, "yunhu.PushMessage");
    }
}
