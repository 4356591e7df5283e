//! Every endpoint is declared once: its path string stands in its platform's `endpoints.rs` and
//! nowhere else in the workspace's code (tests aside), so the composer, the server's allow-list
//! and the sandbox's router cannot drift apart.

use std::path::{Path, PathBuf};

use switchboard_payload::endpoint::Endpoint;
use switchboard_payload::platforms::{douyin, mixin, wechat, wecom, yunhu};

fn every_endpoint() -> Vec<Endpoint> {
    [
        yunhu::endpoints::USER_API,
        yunhu::endpoints::BOT_API,
        douyin::endpoints::ALL,
        wecom::endpoints::ALL,
        mixin::endpoints::ALL,
        wechat::endpoints::ALL,
    ]
    .concat()
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
}

/// A file's code without its unit tests (by convention the `#[cfg(test)]` module ends a file).
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match text.find("#[cfg(test)]") {
        Some(start) => text[..start].to_owned(),
        None => text,
    }
}

#[test]
fn each_endpoint_path_is_written_once() {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in [
        "src",
        "crates/payload/src",
        "crates/desk/src",
        "crates/server/src",
        "crates/protocol/src",
    ] {
        rust_files(&workspace.join(dir), &mut files);
    }
    // The server's router declares our own routes (`/api/me`, …), not a platform's: one may
    // share a path with a platform endpoint (Mixin's `/me`) without being one.
    let code: Vec<(PathBuf, String)> = files
        .into_iter()
        .filter(|path| !path.ends_with("crates/server/src/serve.rs"))
        .map(|path| {
            let code = code_of(&path);
            (path, code)
        })
        .collect();
    let endpoints = every_endpoint();
    assert!(endpoints.len() >= 35, "{} endpoints", endpoints.len());
    let mut wrong = Vec::new();
    for endpoint in endpoints {
        let literal = format!("\"{}\"", endpoint.path);
        let places: Vec<String> = code
            .iter()
            .filter(|(_, code)| code.contains(&literal))
            .map(|(path, code)| format!("{} ×{}", path.display(), code.matches(&literal).count()))
            .collect();
        let count: usize = code
            .iter()
            .map(|(_, code)| code.matches(&literal).count())
            .sum();
        if count != 1 {
            wrong.push(format!(
                "{literal} written {count} times: {}",
                places.join(", ")
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
