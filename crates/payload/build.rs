//! Compiles `proto/*.proto` with protox (no system protoc): prost code for encoding, and static
//! tables of message and field names for the schema-aware decoder (so the wasm build carries no
//! descriptor decoder), and each message's full name as a constant on its type.

use std::path::PathBuf;

const PROTOS: &[&str] = &["yunhu.proto", "douyin_im.proto"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../proto");
    for proto in PROTOS {
        println!("cargo:rerun-if-changed={}", proto_dir.join(proto).display());
    }
    let descriptors = protox::compile(PROTOS, [&proto_dir])?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("schema_tables.rs"),
        schema_tables(&descriptors),
    )?;
    for file in &descriptors.file {
        std::fs::write(
            out_dir.join(format!("{}.schema_names.rs", file.package())),
            schema_names(file),
        )?;
    }
    prost_build::Config::new()
        .btree_map(["."])
        .compile_fds(descriptors)?;
    Ok(())
}

/// `impl Message { pub const SCHEMA: &str = "package.Message"; }` for every top-level message,
/// so code names a schema through its generated type and a misspelt name does not compile.
fn schema_names(file: &prost_types::FileDescriptorProto) -> String {
    let mut out = String::new();
    for message in &file.message_type {
        let name = message.name();
        out.push_str(&format!(
            "impl {name} {{\n    /// The message's full protobuf name, as schemas and endpoints name it.\n    pub const SCHEMA: &'static str = \"{}.{name}\";\n}}\n",
            file.package()
        ));
    }
    out
}

/// `static MESSAGES: &[MessageTable]`: every message (nested ones too) with its fields.
fn schema_tables(set: &prost_types::FileDescriptorSet) -> String {
    let mut out = String::from("pub static MESSAGES: &[MessageTable] = &[\n");
    for file in &set.file {
        for message in &file.message_type {
            write_message(&mut out, file.package(), message);
        }
    }
    out.push_str("];\n");
    out
}

fn write_message(out: &mut String, scope: &str, message: &prost_types::DescriptorProto) {
    use prost_types::field_descriptor_proto::{Label, Type};
    let name = if scope.is_empty() {
        message.name().to_owned()
    } else {
        format!("{scope}.{}", message.name())
    };
    for nested in &message.nested_type {
        write_message(out, &name, nested);
    }
    out.push_str(&format!("    MessageTable {{ name: {name:?}, fields: &[\n"));
    for field in &message.field {
        let referenced = field.type_name().trim_start_matches('.');
        let (kind, type_name) = match field.r#type() {
            Type::Message | Type::Group => (
                format!("FieldKindTable::Message({referenced:?})"),
                referenced.to_owned(),
            ),
            Type::Enum => (
                "FieldKindTable::Varint { zigzag: false }".to_owned(),
                referenced.to_owned(),
            ),
            other => {
                let kind = match other {
                    Type::String => "FieldKindTable::String",
                    Type::Bytes => "FieldKindTable::Bytes",
                    Type::Bool => "FieldKindTable::Bool",
                    Type::Sint32 | Type::Sint64 => "FieldKindTable::Varint { zigzag: true }",
                    Type::Fixed32 | Type::Sfixed32 => "FieldKindTable::Fixed32",
                    Type::Fixed64 | Type::Sfixed64 => "FieldKindTable::Fixed64",
                    Type::Float => "FieldKindTable::Float",
                    Type::Double => "FieldKindTable::Double",
                    _ => "FieldKindTable::Varint { zigzag: false }",
                };
                (kind.to_owned(), format!("{other:?}").to_lowercase())
            }
        };
        out.push_str(&format!(
            "        FieldTable {{ number: {}, name: {:?}, kind: {kind}, repeated: {}, type_name: {type_name:?} }},\n",
            field.number(),
            field.name(),
            field.label() == Label::Repeated,
        ));
    }
    out.push_str("    ] },\n");
}
