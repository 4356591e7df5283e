//! `switchboard inspect` as a user runs it.

use std::io::Write;
use std::process::{Command, Stdio};

fn switchboard() -> Command {
    Command::new(env!("CARGO_BIN_EXE_switchboard"))
}

#[test]
fn prints_a_hex_dump_of_a_file() {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), b"\x08\x96\x01hello").unwrap();
    let output = switchboard()
        .arg("inspect")
        .arg(file.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("00000000  08 96 01 68 65 6c 6c 6f "),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with("|...hello|"), "{stdout}");
}

#[test]
fn reads_standard_input_for_dash() {
    let mut child = switchboard()
        .args(["inspect", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"AB").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8(output.stdout).unwrap().contains("41 42"));
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
