//! `switchboard inspect` as a user runs it: the contract is
//! `switchboard inspect --json FILE` → `{"platform", "schema", "chain", "events", "tree"}`.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn switchboard() -> Command {
    Command::new(env!("CARGO_BIN_EXE_switchboard"))
}

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../payload/tests/fixtures")
        .join(path)
}

fn json_of(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&output.stdout)))
}

#[test]
fn json_output_has_exactly_the_contract_keys() {
    let output = switchboard()
        .args(["inspect", "--json"])
        .arg(fixture("wecom/message_text.json"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = json_of(&output);
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["chain", "events", "platform", "schema", "tree"]);
    assert_eq!(json["platform"], "wecom");
    assert_eq!(json["chain"], serde_json::json!(["json"]));
    assert_eq!(json["events"][0]["type"], "message");
    assert_eq!(json["events"][0]["content"]["text"], "文本");
}

#[test]
fn sixty_four_bit_ids_are_decimal_strings_in_json() {
    let output = switchboard()
        .args(["inspect", "--json"])
        .arg(fixture("douyin/im_message_body_followed.dump.txt"))
        .output()
        .unwrap();
    let json = json_of(&output);
    assert_eq!(json["events"][0]["sender_id"], "7028939348067795974");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("\"7028939348067795974\""));
}

#[test]
fn the_readable_report_shows_chain_platform_schema_tree_and_events() {
    let output = switchboard()
        .arg("inspect")
        .arg(fixture("wechat/syncFinder_response.json"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let report = String::from_utf8(output.stdout).unwrap();
    assert!(report.contains("chain:    JSON"), "{report}");
    assert!(report.contains("platform: WeChat"), "{report}");
    assert!(
        report.contains("schema:   wechat.syncFinder.response"),
        "{report}"
    );
    assert!(
        report.contains("↳ nested base64 → protobuf"),
        "keyBuff is expanded: {report}"
    );
    assert!(
        report.contains("\"NewMsgId\"")
            || report.contains("NewMsgId number = \"3876235366388279544\""),
        "{report}"
    );
    assert!(
        report.contains("events:\n  {\"type\":\"system\""),
        "{report}"
    );
}

#[test]
fn hex_base64_and_gzip_forms_of_a_seed_give_the_same_events() {
    use base64::Engine;
    let original = std::fs::read(fixture("mixin/message_view_plain_text.json")).unwrap();
    let reference = json_of(
        &switchboard()
            .args(["inspect", "--json"])
            .arg(fixture("mixin/message_view_plain_text.json"))
            .output()
            .unwrap(),
    )["events"]
        .clone();
    let mut gzipped = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzipped.write_all(&original).unwrap();
    let gzipped = gzipped.finish().unwrap();
    let forms: Vec<(&str, Vec<u8>)> = vec![
        (
            "hex",
            original
                .iter()
                .map(|b| format!("{b:02x} "))
                .collect::<String>()
                .into_bytes(),
        ),
        (
            "base64",
            base64::engine::general_purpose::STANDARD
                .encode(&original)
                .into_bytes(),
        ),
        (
            "base64url",
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(&original)
                .into_bytes(),
        ),
        ("gzip", gzipped.clone()),
        (
            "base64 gzip",
            base64::engine::general_purpose::STANDARD
                .encode(&gzipped)
                .into_bytes(),
        ),
    ];
    for (name, bytes) in forms {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &bytes).unwrap();
        let output = switchboard()
            .args(["inspect", "--json"])
            .arg(file.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(json_of(&output)["events"], reference, "{name}");
    }
}

#[test]
fn reads_standard_input_for_dash_and_prints_a_hex_dump_on_request() {
    let mut child = switchboard()
        .args(["inspect", "--hex", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&[0x08, 0x96, 0x01])
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let report = String::from_utf8(output.stdout).unwrap();
    assert!(report.contains("chain:    protobuf"), "{report}");
    assert!(report.contains("1 [varint] varint = \"150\""), "{report}");
    assert!(report.contains("00000000  08 96 01"), "{report}");
}

#[test]
fn malformed_input_prints_the_partial_tree_and_fails_with_the_offset() {
    let file = tempfile::NamedTempFile::new().unwrap();
    // field 1 = 1, then field 2 announces 9 bytes but only 1 follows.
    std::fs::write(file.path(), [0x08, 0x01, 0x12, 0x09, 0x41]).unwrap();
    let output = switchboard()
        .args(["inspect", "--json"])
        .arg(file.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let json = json_of(&output);
    assert_eq!(
        json["tree"]["children"][0]["value"], "1",
        "the field before the fault"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("protobuf at byte 3"), "{stderr}");
    assert!(
        stderr.contains("a length that fits in the input"),
        "{stderr}"
    );
}

#[test]
fn forcing_platform_format_and_schema() {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), "0a0568656c6c6f").unwrap();
    let output = switchboard()
        .args([
            "inspect",
            "--json",
            "--format",
            "hex",
            "--schema",
            "yunhu.StreamMessage",
        ])
        .arg(file.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    let json = json_of(&output);
    assert_eq!(json["schema"]["name"], "yunhu.StreamMessage");
    assert_eq!(json["tree"]["children"][0]["label"], "msg_id");

    let bad = switchboard()
        .args(["inspect", "--platform", "icq", "-"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(
        String::from_utf8(bad.stderr)
            .unwrap()
            .contains("unknown platform \"icq\"")
    );
    let bad = switchboard()
        .args(["inspect", "--schema", "nope.Nope"])
        .arg(file.path())
        .output()
        .unwrap();
    assert!(
        String::from_utf8(bad.stderr)
            .unwrap()
            .contains("unknown schema \"nope.Nope\"")
    );
}

#[test]
fn a_missing_file_is_a_clear_error_and_a_failure_exit() {
    let output = switchboard()
        .args(["inspect", "/no/such/payload.bin"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("reading /no/such/payload.bin"), "{stderr}");
}

#[test]
fn serve_and_inspect_are_the_subcommands() {
    let output = switchboard().arg("--help").output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.contains("serve"), "{help}");
    assert!(help.contains("inspect"), "{help}");
}

#[test]
fn keys_that_hold_terminal_escapes_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.json");
    // JSON's own escapes: the decoded keys and values hold raw ESC, BEL, C1 CSI and RLO.
    std::fs::write(
        &path,
        r#"{"\u001b]0;pwned\u0007\u001b[2J": "x", "left\u202eright": {"\u009b31m": 1}}"#,
    )
    .unwrap();
    let output = switchboard().arg("inspect").arg(&path).output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    for raw in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
        assert!(
            !stdout.contains(raw),
            "{raw:?} reached the terminal: {stdout:?}"
        );
    }
    assert!(stdout.contains(r"\u{1b}]0;pwned\u{7}"), "{stdout}");
    assert!(stdout.contains(r"left\u{202e}right"), "{stdout}");
}

#[test]
fn diff_lists_what_changed_from_one_payload_to_the_other() {
    let before = std::fs::read_to_string(fixture("wecom/message_text.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&before).unwrap();
    // The same callback, its text edited.
    let mut edited = json.clone();
    let text = find_string_member(&mut edited, "text").expect("a text member");
    let was = std::mem::replace(text, serde_json::Value::String("改过的内容".into()));
    let after = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(after.path(), serde_json::to_vec_pretty(&edited).unwrap()).unwrap();

    let report = report_of(
        switchboard()
            .args(["inspect", "--diff"])
            .arg(fixture("wecom/message_text.json"))
            .arg(after.path()),
    );
    assert!(report.contains("changes: 1\n"), "{report}");
    assert!(
        report.contains(&format!("~ message/text: {was} → \"改过的内容\"")),
        "{report}"
    );

    let output = switchboard()
        .args(["inspect", "--json", "--diff"])
        .arg(fixture("wecom/message_text.json"))
        .arg(fixture("wecom/message_text.json"))
        .output()
        .unwrap();
    assert_eq!(json_of(&output)["changes"], serde_json::json!([]));
}

/// The first string member named `name`, anywhere in `value`.
fn find_string_member<'a>(
    value: &'a mut serde_json::Value,
    name: &str,
) -> Option<&'a mut serde_json::Value> {
    match value {
        serde_json::Value::Object(members) => {
            if members.get(name).is_some_and(serde_json::Value::is_string) {
                return members.get_mut(name);
            }
            members
                .values_mut()
                .find_map(|member| find_string_member(member, name))
        }
        serde_json::Value::Array(items) => items
            .iter_mut()
            .find_map(|item| find_string_member(item, name)),
        _ => None,
    }
}

#[test]
fn a_stream_of_delimited_messages_prints_one_frame_each() {
    let push = std::fs::read(fixture("proto/yunhu_push_message.bin")).unwrap();
    let mut stream = Vec::new();
    for _ in 0..3 {
        let mut length = push.len();
        while length >= 0x80 {
            stream.push((length as u8) | 0x80);
            length >>= 7;
        }
        stream.push(length as u8);
        stream.extend_from_slice(&push);
    }
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &stream).unwrap();
    let report = report_of(switchboard().arg("inspect").arg(file.path()));
    assert!(
        report.starts_with("chain:    varint-delimited frames\n"),
        "{report}"
    );
    for frame in [
        "#1 yunhu.WsWrapper",
        "#2 yunhu.WsWrapper",
        "#3 yunhu.WsWrapper",
    ] {
        assert!(report.contains(frame), "{frame}: {report}");
    }
}

/// What a successful run printed.
fn report_of(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn proto_files_of_ones_own_name_and_recognize_a_payload() {
    let proto = |name: &str| fixture(&format!("user-proto/{name}"));
    let report = report_of(
        switchboard()
            .arg("inspect")
            .arg("--proto")
            .arg(proto("order.proto"))
            .arg("--proto")
            .arg(proto("common.proto"))
            .arg(proto("order.hex")),
    );
    assert!(
        report.contains("schema:   acme.Order (confidence"),
        "recognized among ours: {report}"
    );
    assert!(report.contains("id"), "{report}");
    assert!(report.contains("1234567890123456789"), "{report}");
    assert!(
        report.contains("-250"),
        "a sint64 reads as declared: {report}"
    );

    // Forced by name, as JSON.
    let output = switchboard()
        .args(["inspect", "--json", "--schema", "acme.Order.Item"])
        .arg("--proto")
        .arg(proto("order.proto"))
        .arg("--proto")
        .arg(proto("common.proto"))
        .arg(proto("order.hex"))
        .output()
        .unwrap();
    assert_eq!(json_of(&output)["schema"]["name"], "acme.Order.Item");

    // Without the file its import names, the import is the error, placed.
    let output = switchboard()
        .arg("inspect")
        .arg("--proto")
        .arg(proto("order.proto"))
        .arg(proto("order.hex"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("order.proto:4:1: "), "{stderr}");
    assert!(stderr.contains("common.proto"), "{stderr}");

    // A syntax error names its file, line and column.
    let output = switchboard()
        .arg("inspect")
        .arg("--proto")
        .arg(proto("broken.proto"))
        .arg(proto("order.hex"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.proto:6:1: "), "{stderr}");
}
