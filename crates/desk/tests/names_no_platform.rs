//! The desk's projection is generic: what differs per platform comes from the payload core
//! (`Codec`: listings, cursors, schemas by endpoint), so its source names no platform.

use std::path::PathBuf;

use switchboard_payload::Platform;

#[test]
fn the_desk_source_names_no_platform() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut names: Vec<String> = Platform::ALL
        .iter()
        .flat_map(|platform| [platform.id().to_owned(), platform.name().to_lowercase()])
        .collect();
    names.extend(
        [
            "云湖",
            "抖音",
            "企业微信",
            "wkteam",
            "e云",
            "视频号",
            "keybuff",
            "syncfinder",
        ]
        .map(str::to_owned),
    );
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap().to_lowercase();
        for (number, line) in text.lines().enumerate() {
            for name in &names {
                if line.contains(name.as_str()) {
                    found.push(format!("{}:{}: {name}", path.display(), number + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
