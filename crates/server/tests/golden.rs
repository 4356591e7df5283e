//! `switchboard inspect --json` for every fixture (the seed payloads and the reference shapes),
//! compared byte for byte with what it printed when the golden files were recorded. A change of
//! structure must not change what the inspector says; a change of behaviour shows up here as a
//! diff to review and re-record with `UPDATE_GOLDEN=1 cargo test -p switchboard-server --test golden`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../payload/tests/fixtures")
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn fixtures() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![fixtures_dir()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn inspect_json(file: &Path) -> Vec<u8> {
    let output = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["inspect", "--json"])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// The first line where two outputs differ, with a little context, so a failure says what moved.
fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    let at = expected
        .iter()
        .zip(actual)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(actual.len()));
    let window = |bytes: &[u8]| {
        let start = at.saturating_sub(120);
        let end = (at + 120).min(bytes.len());
        String::from_utf8_lossy(&bytes[start..end]).into_owned()
    };
    format!(
        "first difference at byte {at}\n  recorded: …{}…\n  now:      …{}…",
        window(expected),
        window(actual)
    )
}

#[test]
fn inspect_json_is_unchanged_for_every_fixture() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let files = fixtures();
    assert!(files.len() >= 60, "fixtures found: {}", files.len());
    let mut differences = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(fixtures_dir()).unwrap();
        let golden = golden_dir().join(relative).with_extension(format!(
            "{}.json",
            relative.extension().unwrap_or_default().to_string_lossy()
        ));
        let actual = inspect_json(file);
        if update {
            std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
            std::fs::write(&golden, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read(&golden)
            .unwrap_or_else(|error| panic!("{}: {error} (record it)", golden.display()));
        if expected != actual {
            differences.push(format!(
                "{}: {}",
                relative.display(),
                first_difference(&expected, &actual)
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} fixtures inspect differently:\n{}",
        differences.len(),
        files.len(),
        differences.join("\n")
    );
}
