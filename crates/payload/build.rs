//! Compiles `proto/*.proto` with protox (no system protoc): prost code for encoding, and static
//! tables of message and field names for the schema-aware decoder (so the wasm build carries no
//! descriptor decoder), and each message's full name as a constant on its type.

use std::path::PathBuf;

#[path = "src/protobuf/descriptor.rs"]
mod descriptor;

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

/// `static MESSAGES: &[MessageTable]`: every message (nested ones too) with its fields, as the
/// payload core reads descriptors at run time (`src/protobuf/descriptor.rs`, shared).
fn schema_tables(set: &prost_types::FileDescriptorSet) -> String {
    let mut out = String::from("pub static MESSAGES: &[MessageTable] = &[\n");
    for message in descriptor::messages(set) {
        out.push_str(&format!(
            "    MessageTable {{ name: {:?}, map_entry: {}, fields: &[\n",
            message.name, message.map_entry
        ));
        for field in &message.fields {
            // `FieldKind`'s Debug form is the table's variant syntax (`Varint { zigzag: true }`).
            out.push_str(&format!(
                "        FieldTable {{ number: {}, name: {:?}, kind: FieldKindTable::{:?}, repeated: {}, type_name: {:?} }},\n",
                field.number, field.name, field.kind, field.repeated, field.type_name,
            ));
        }
        out.push_str("    ] },\n");
    }
    out.push_str("];\n");
    out
}
