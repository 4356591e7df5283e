//! Files we host for platforms that take media by URL only (E云's `sendImage2` and `sendFile`):
//! an upload is kept under the data directory (or in the database several instances share, so
//! any of them serves it) and served at
//! `GET /files/{token}/{name}` without a session, the 128-bit random token standing in for one.
//! The platform fetches it from the server's public address, the one its callbacks reach.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::database::Database;

/// Where hosted files live: `{data dir}/files/{token}/{name}`, or the shared database's
/// `hosted_files`.
#[derive(Clone)]
pub struct HostedFiles {
    directory: PathBuf,
    database: Option<Arc<Database>>,
}

/// The hosted files' table: their first migration.
pub const POSTGRES_SCHEMA: &str = "
CREATE TABLE hosted_files (
    token TEXT NOT NULL,
    name TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    stored_at_ms BIGINT NOT NULL,
    PRIMARY KEY (token, name)
);
";

impl HostedFiles {
    pub fn new(data_dir: &std::path::Path) -> HostedFiles {
        HostedFiles {
            directory: data_dir.join("files"),
            database: None,
        }
    }

    /// The hosted files in a shared database, their table brought up to date.
    pub fn on(database: Arc<Database>) -> Result<HostedFiles, crate::database::DatabaseError> {
        database.migrate("hosted", &[POSTGRES_SCHEMA])?;
        Ok(HostedFiles {
            directory: PathBuf::new(),
            database: Some(database),
        })
    }

    /// Keeps `bytes` and answers the path they are served at (`/files/{token}/{name}`,
    /// percent-encoded).
    pub async fn store(&self, name: &str, bytes: &[u8]) -> std::io::Result<String> {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let name = safe_name(name);
        if let Some(database) = self.database.clone() {
            let (token, name, bytes) = (token.clone(), name.clone(), bytes.to_vec());
            tokio::task::spawn_blocking(move || {
                database.execute(
                    "INSERT INTO hosted_files (token, name, bytes, stored_at_ms) VALUES ($1, $2, $3, $4)",
                    &[&token, &name, &bytes, &crate::event_log::now_ms()],
                )
            })
            .await
            .map_err(std::io::Error::other)?
            .map_err(std::io::Error::other)?;
        } else {
            let directory = self.directory.join(&token);
            tokio::fs::create_dir_all(&directory).await?;
            tokio::fs::write(directory.join(&name), bytes).await?;
        }
        let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes())
            .collect::<String>()
            .replace('+', "%20");
        Ok(format!("/files/{token}/{encoded}"))
    }

    /// The bytes kept at `path` (or under `token` and `name` in the database).
    async fn read(&self, path: PathBuf, token: &str, name: &str) -> Option<Vec<u8>> {
        let Some(database) = self.database.clone() else {
            return tokio::fs::read(&path).await.ok();
        };
        // Anyone may ask (the token is the only key): a few at a time, so requests for files
        // never take the database connections the log's writer needs.
        static READING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);
        let _turn = READING.acquire().await.ok()?;
        let (token, name) = (token.to_owned(), name.to_owned());
        tokio::task::spawn_blocking(move || {
            database.run::<_, crate::database::DatabaseError>(async {
                Ok(database
                    .client()
                    .await?
                    .query_opt(
                        "SELECT bytes FROM hosted_files WHERE token = $1 AND name = $2",
                        &[&token, &name],
                    )
                    .await?
                    .map(|row| row.get::<_, Vec<u8>>(0)))
            })
        })
        .await
        .ok()?
        .ok()?
    }

    fn path_of(&self, token: &str, name: &str) -> Option<PathBuf> {
        let token_ok = token.len() == 32 && token.bytes().all(|byte| byte.is_ascii_hexdigit());
        (token_ok && safe_name(name) == name).then(|| self.directory.join(token).join(name))
    }
}

/// Longest hosted name in bytes: file systems count bytes (255 at most), and a Chinese
/// character is three of them.
const NAME_BYTES: usize = 200;

/// A file name that is one plain path segment: separators and control characters become `_`,
/// a name of dots only is replaced, and a long one is cut (on a character boundary, keeping
/// its extension) to [`NAME_BYTES`].
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '"') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = shorten(cleaned.trim(), NAME_BYTES);
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
        "upload".into()
    } else {
        cleaned
    }
}

fn shorten(name: &str, max_bytes: usize) -> String {
    if name.len() <= max_bytes {
        return name.to_owned();
    }
    let extension = name
        .rfind('.')
        .map(|dot| &name[dot..])
        .filter(|extension| extension.len() <= 16)
        .unwrap_or("");
    let mut stem = String::new();
    for c in name[..name.len() - extension.len()].chars() {
        if stem.len() + c.len_utf8() + extension.len() > max_bytes {
            break;
        }
        stem.push(c);
    }
    stem + extension
}

/// The type and disposition a hosted file is served with: raster images inline as
/// themselves, anything else as an opaque download.
fn served_as(name: &str) -> (&'static str, &'static str) {
    let guessed = mime_guess::from_path(name).first_raw().unwrap_or("");
    if inline(guessed) {
        (guessed, "inline")
    } else {
        ("application/octet-stream", "attachment")
    }
}

/// Raster images are shown inline (the desk previews them); anything else downloads, so an
/// uploaded HTML or SVG file can never run on our origin.
fn inline(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

/// `GET /files/{token}/{name}`.
pub async fn serve(
    State(hosted): State<HostedFiles>,
    Path((token, name)): Path<(String, String)>,
) -> Response {
    let Some(path) = hosted.path_of(&token, &name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(bytes) = hosted.read(path, &token, &name).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (content_type, disposition) = served_as(&name);
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{disposition}; filename*=UTF-8''{}",
        encoded.replace('+', "%20")
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_one_segment() {
        assert_eq!(safe_name("../../etc/passwd"), ".._.._etc_passwd");
        assert_eq!(safe_name(".."), "upload");
        assert_eq!(safe_name("价目表.pdf"), "价目表.pdf");
        assert_eq!(safe_name("a\r\nb.txt"), "a__b.txt");
    }

    #[test]
    fn long_names_are_cut_by_bytes_and_keep_their_extension() {
        let long = format!("{}.pdf", "价".repeat(86));
        let name = safe_name(&long);
        assert!(name.len() <= NAME_BYTES, "{} bytes", name.len());
        assert!(name.ends_with(".pdf"), "{name}");
        assert!(name.starts_with("价价"));
        assert_eq!(safe_name(&name), name, "a cut name is stable");
        assert_eq!(safe_name(&"a".repeat(300)).len(), NAME_BYTES);
    }

    #[test]
    fn only_raster_images_are_served_as_themselves() {
        assert_eq!(served_as("photo.PNG"), ("image/png", "inline"));
        assert_eq!(served_as("a.jpg"), ("image/jpeg", "inline"));
        for other in ["page.html", "drawing.svg", "notes.txt", "x.pdf", "noext"] {
            assert_eq!(
                served_as(other),
                ("application/octet-stream", "attachment"),
                "{other}"
            );
        }
    }

    #[test]
    fn only_well_formed_tokens_and_names_resolve() {
        let files = HostedFiles::new(std::path::Path::new("/data"));
        let token = "0123456789abcdef0123456789abcdef";
        assert!(files.path_of(token, "a.png").is_some());
        assert!(files.path_of("../x", "a.png").is_none());
        assert!(files.path_of(token, "..").is_none());
        assert!(files.path_of(token, "a/b").is_none());
    }
}
