//! Schemas as data, read from compiled `.proto` descriptors. One reading serves both the
//! build script (our `proto/`, written out as static tables) and the files a user imports at
//! run time, so the two can never name a field's kind differently.
//!
//! This file is also compiled into `build.rs` (`#[path]`): it uses only std, serde and
//! prost-types.

use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FileDescriptorSet};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldKind {
    Message(String),
    String,
    Bytes,
    Bool,
    /// Any varint integer or enum; `zigzag` for sint32/sint64.
    Varint {
        zigzag: bool,
    },
    Fixed32,
    Fixed64,
    Float,
    Double,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldSchema {
    pub number: u32,
    pub name: String,
    pub kind: FieldKind,
    pub repeated: bool,
    /// The `.proto` type as written (`string`, `uint64`, `yunhu.Sender`...).
    pub type_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageSchema {
    /// Full name, e.g. `yunhu.PushMessage`.
    pub name: String,
    pub fields: Vec<FieldSchema>,
    /// A map's entry type (`map<k, v>`): never a payload on its own.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub map_entry: bool,
}

/// Every message of every file in `set`, nested ones too (a nested message before its parent).
pub fn messages(set: &FileDescriptorSet) -> Vec<MessageSchema> {
    let mut out = Vec::new();
    for file in &set.file {
        for message in &file.message_type {
            collect(&mut out, file.package(), message);
        }
    }
    out
}

fn collect(out: &mut Vec<MessageSchema>, scope: &str, message: &DescriptorProto) {
    let name = if scope.is_empty() {
        message.name().to_owned()
    } else {
        format!("{scope}.{}", message.name())
    };
    for nested in &message.nested_type {
        collect(out, &name, nested);
    }
    let fields = message
        .field
        .iter()
        .map(|field| {
            let referenced = field.type_name().trim_start_matches('.');
            let (kind, type_name) = match field.r#type() {
                Type::Message | Type::Group => (
                    FieldKind::Message(referenced.to_owned()),
                    referenced.to_owned(),
                ),
                Type::Enum => (FieldKind::Varint { zigzag: false }, referenced.to_owned()),
                other => {
                    let kind = match other {
                        Type::String => FieldKind::String,
                        Type::Bytes => FieldKind::Bytes,
                        Type::Bool => FieldKind::Bool,
                        Type::Sint32 | Type::Sint64 => FieldKind::Varint { zigzag: true },
                        Type::Fixed32 | Type::Sfixed32 => FieldKind::Fixed32,
                        Type::Fixed64 | Type::Sfixed64 => FieldKind::Fixed64,
                        Type::Float => FieldKind::Float,
                        Type::Double => FieldKind::Double,
                        _ => FieldKind::Varint { zigzag: false },
                    };
                    (kind, format!("{other:?}").to_lowercase())
                }
            };
            FieldSchema {
                number: u32::try_from(field.number()).unwrap_or(0),
                name: field.name().to_owned(),
                kind,
                repeated: field.label() == Label::Repeated,
                type_name,
            }
        })
        .collect();
    out.push(MessageSchema {
        name,
        fields,
        map_entry: message
            .options
            .as_ref()
            .is_some_and(|options| options.map_entry()),
    });
}
