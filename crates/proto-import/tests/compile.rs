//! A user's files compiled as the browser and the CLI compile them.

use switchboard_payload::protobuf::schema::{FieldKind, Schemas};
use switchboard_proto_import::{MAX_FILES, ProtoFile, compile};

fn file(name: &str, text: &str) -> ProtoFile {
    ProtoFile {
        name: name.into(),
        text: text.into(),
    }
}

/// The fixtures the CLI tests and the browser's e2e use too.
const COMMON: &str = include_str!("../../payload/tests/fixtures/user-proto/common.proto");
const ORDER: &str = include_str!("../../payload/tests/fixtures/user-proto/order.proto");
const BROKEN: &str = include_str!("../../payload/tests/fixtures/user-proto/broken.proto");
const ORDER_HEX: &str = include_str!("../../payload/tests/fixtures/user-proto/order.hex");

#[test]
fn imports_resolve_among_the_files_and_the_well_known_types_are_built_in() {
    let imported = compile(&[file("order.proto", ORDER), file("common.proto", COMMON)]).unwrap();
    assert_eq!(
        imported.roots,
        ["acme.Money", "acme.Order", "acme.Order.Item"],
        "the user's messages, map entries aside"
    );
    let schemas = Schemas::with_imported(&imported);
    let order = schemas.message("acme.Order").unwrap();
    assert_eq!(order.field(1).unwrap().kind, FieldKind::Fixed64);
    assert_eq!(
        order.field(2).unwrap().kind,
        FieldKind::Message("acme.Money".into())
    );
    assert_eq!(
        order.field(3).unwrap().type_name,
        "google.protobuf.Timestamp"
    );
    assert!(order.field(4).unwrap().repeated);
    assert_eq!(
        schemas
            .message("acme.Money")
            .unwrap()
            .field(2)
            .unwrap()
            .kind,
        FieldKind::Varint { zigzag: true }
    );
    // The imported well-known type names its fields too.
    let timestamp = schemas.message("google.protobuf.Timestamp").unwrap();
    assert_eq!(timestamp.field(1).unwrap().name, "seconds");
    // Ours are still there.
    assert!(schemas.message("yunhu.PushMessage").is_some());
    assert!(!schemas.names().contains(&"acme.Order.TagsEntry"));
}

#[test]
fn a_syntax_error_names_its_file_line_and_column() {
    let error = compile(&[file("broken.proto", BROKEN)]).unwrap_err();
    assert_eq!(error.file.as_deref(), Some("broken.proto"));
    // The field's missing `;` is found at the `}` that follows it.
    assert_eq!((error.line, error.column), (Some(6), Some(1)), "{error}");
    assert!(
        error.to_string().starts_with("broken.proto:6:1: "),
        "{error}"
    );
}

#[test]
fn an_unknown_type_and_a_missing_import_are_placed_too() {
    let unknown = "syntax = \"proto3\";\nmessage A {\n  Missing m = 1;\n}\n";
    let error = compile(&[file("a.proto", unknown)]).unwrap_err();
    assert_eq!(error.file.as_deref(), Some("a.proto"));
    assert_eq!(error.line, Some(3), "{error}");
    assert_eq!(error.column, Some(3), "{error}");

    let missing = "syntax = \"proto3\";\nimport \"nowhere.proto\";\n";
    let error = compile(&[file("b.proto", missing)]).unwrap_err();
    assert_eq!(error.file.as_deref(), Some("b.proto"));
    assert_eq!((error.line, error.column), (Some(2), Some(1)), "{error}");
    assert!(error.message.contains("nowhere.proto"), "{error}");
}

#[test]
fn a_duplicate_is_placed_at_the_second_definition() {
    let twice = "syntax = \"proto3\";\nmessage A {\n  int32 a = 1;\n  int32 b = 1;\n}\n";
    let error = compile(&[file("twice.proto", twice)]).unwrap_err();
    assert_eq!(error.file.as_deref(), Some("twice.proto"));
    assert_eq!(error.line, Some(4), "{error}");
}

#[test]
fn what_a_stranger_can_send_is_bounded() {
    let many: Vec<ProtoFile> = (0..=MAX_FILES)
        .map(|index| file(&format!("f{index}.proto"), "syntax = \"proto3\";"))
        .collect();
    assert!(compile(&many).unwrap_err().message.contains("at most"));
    let huge = format!("syntax = \"proto3\";\n// {}\n", "x".repeat(1 << 20));
    assert!(
        compile(&[file("huge.proto", &huge)])
            .unwrap_err()
            .message
            .contains("at most")
    );
    assert!(compile(&[]).is_err());
    let twice = [file("a.proto", COMMON), file("a.proto", COMMON)];
    assert!(compile(&twice).unwrap_err().message.contains("two files"));
    let cycle = [
        file("x.proto", "syntax = \"proto3\";\nimport \"y.proto\";\n"),
        file("y.proto", "syntax = \"proto3\";\nimport \"x.proto\";\n"),
    ];
    let error = compile(&cycle).unwrap_err();
    assert!(error.message.contains("cycle"), "{error}");
}

/// An `acme.Order` as its sender's protobuf library writes it (id 1234567890123456789, total
/// CNY -2.50, two items).
fn order_bytes() -> Vec<u8> {
    let hex = ORDER_HEX.trim();
    (0..hex.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&hex[at..at + 2], 16).unwrap())
        .collect()
}

#[test]
fn recognition_ranks_the_users_messages_and_the_tree_names_their_fields() {
    use std::sync::Arc;
    use switchboard_payload::{Options, inspect};

    let imported = compile(&[file("order.proto", ORDER), file("common.proto", COMMON)]).unwrap();
    let options = Options {
        schemas: Some(Arc::new(Schemas::with_imported(&imported))),
        ..Options::default()
    };
    let inspection = inspect(&order_bytes(), &options);
    let matched = inspection.schema.expect("recognized");
    assert_eq!(matched.name, "acme.Order");
    assert!(matched.confidence >= 0.8, "{}", matched.confidence);
    let labels: Vec<&str> = inspection
        .tree
        .children
        .iter()
        .map(|node| node.label.as_str())
        .collect();
    assert_eq!(labels, ["id", "total", "items", "items"]);
    assert_eq!(
        inspection.tree.children[0].value.as_deref(),
        Some("1234567890123456789")
    );
    let cents = &inspection.tree.children[1].children[1];
    assert_eq!(
        (cents.label.as_str(), cents.value.as_deref()),
        ("cents", Some("-250"))
    );

    // Without the user's schemas the same bytes are of no known schema.
    assert_eq!(inspect(&order_bytes(), &Options::default()).schema, None);
}
