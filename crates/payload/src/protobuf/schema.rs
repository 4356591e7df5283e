//! Our `.proto` schemas as data: message and field names by number, for naming the fields of a
//! schema-less parse and for scoring which message a blob is.

use std::collections::HashMap;
use std::sync::OnceLock;

use prost::Message;
use prost_types::field_descriptor_proto::{Label, Type};

use super::wire::WireType;

const DESCRIPTORS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/descriptors.bin"));

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    Message(String),
    String,
    Bytes,
    Bool,
    /// Any varint integer or enum; `signed` means zigzag (sint32/sint64).
    Varint {
        zigzag: bool,
    },
    Fixed32,
    Fixed64,
    Float,
    Double,
}

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

#[derive(Debug, Clone)]
pub struct FieldSchema {
    pub number: u32,
    pub name: String,
    pub kind: FieldKind,
    pub repeated: bool,
    /// The `.proto` type as written (`string`, `uint64`, `yunhu.Sender`...).
    pub type_name: String,
}

#[derive(Debug, Clone)]
pub struct MessageSchema {
    /// Full name, e.g. `yunhu.PushMessage`.
    pub name: String,
    pub fields: Vec<FieldSchema>,
}

impl MessageSchema {
    pub fn field(&self, number: u32) -> Option<&FieldSchema> {
        self.fields.iter().find(|field| field.number == number)
    }
}

#[derive(Debug, Default)]
pub struct Schemas {
    messages: HashMap<String, MessageSchema>,
}

impl Schemas {
    /// The schemas compiled from `proto/` (parsed once).
    pub fn builtin() -> &'static Schemas {
        static SCHEMAS: OnceLock<Schemas> = OnceLock::new();
        SCHEMAS.get_or_init(|| {
            let set = prost_types::FileDescriptorSet::decode(DESCRIPTORS)
                .expect("the build script wrote a valid descriptor set");
            Schemas::from_descriptors(&set)
        })
    }

    pub fn from_descriptors(set: &prost_types::FileDescriptorSet) -> Schemas {
        let mut schemas = Schemas::default();
        for file in &set.file {
            let package = file.package();
            for message in &file.message_type {
                schemas.add(package, message);
            }
        }
        schemas
    }

    fn add(&mut self, scope: &str, message: &prost_types::DescriptorProto) {
        let name = if scope.is_empty() {
            message.name().to_owned()
        } else {
            format!("{scope}.{}", message.name())
        };
        for nested in &message.nested_type {
            self.add(&name, nested);
        }
        let fields = message
            .field
            .iter()
            .map(|field| {
                let kind = match field.r#type() {
                    Type::Message | Type::Group => {
                        FieldKind::Message(field.type_name().trim_start_matches('.').to_owned())
                    }
                    Type::String => FieldKind::String,
                    Type::Bytes => FieldKind::Bytes,
                    Type::Bool => FieldKind::Bool,
                    Type::Sint32 | Type::Sint64 => FieldKind::Varint { zigzag: true },
                    Type::Int32 | Type::Int64 | Type::Uint32 | Type::Uint64 | Type::Enum => {
                        FieldKind::Varint { zigzag: false }
                    }
                    Type::Fixed32 | Type::Sfixed32 => FieldKind::Fixed32,
                    Type::Fixed64 | Type::Sfixed64 => FieldKind::Fixed64,
                    Type::Float => FieldKind::Float,
                    Type::Double => FieldKind::Double,
                };
                let type_name = match field.r#type() {
                    Type::Message | Type::Group | Type::Enum => {
                        field.type_name().trim_start_matches('.').to_owned()
                    }
                    other => format!("{other:?}").to_lowercase(),
                };
                FieldSchema {
                    number: field.number() as u32,
                    name: field.name().to_owned(),
                    kind,
                    repeated: field.label() == Label::Repeated,
                    type_name,
                }
            })
            .collect();
        self.messages
            .insert(name.clone(), MessageSchema { name, fields });
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

    /// Every message name, sorted (for the UI's schema picker).
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.messages.keys().map(String::as_str).collect();
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
}
