//! The two secrets generated at first start and kept in the data directory: the access token a
//! person trades for a session at the login page, and the path segment that authenticates
//! webhooks. Both are 256 random bits; neither ever appears in a response body or a log row.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use subtle::ConstantTimeEq;

#[derive(Clone)]
pub struct Secrets {
    pub access_token: String,
    pub webhook_secret: String,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Secrets { .. }")
    }
}

impl Secrets {
    /// Reads the secrets from `data_dir`, creating any that are missing.
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<Secrets> {
        Ok(Secrets {
            access_token: load_or_create(&data_dir.join("access-token"))?,
            webhook_secret: load_or_create(&data_dir.join("webhook-secret"))?,
        })
    }

    pub fn is_access_token(&self, candidate: &str) -> bool {
        constant_time_eq(candidate, &self.access_token)
    }

    pub fn is_webhook_secret(&self, candidate: &str) -> bool {
        constant_time_eq(candidate, &self.webhook_secret)
    }
}

pub fn constant_time_eq(left: &str, right: &str) -> bool {
    left.len() == right.len() && bool::from(left.as_bytes().ct_eq(right.as_bytes()))
}

/// 32 random bytes as lowercase hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    hex::encode(bytes)
}

fn load_or_create(path: &Path) -> anyhow::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(text) if !text.trim().is_empty() => return Ok(text.trim().to_owned()),
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error).with_context(|| format!("reading {}", path.display())),
    }
    let token = random_token();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    writeln!(file, "{token}").with_context(|| format!("writing {}", path.display()))?;
    file.sync_all()?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = Secrets::load_or_create(dir.path()).unwrap();
        let again = Secrets::load_or_create(dir.path()).unwrap();
        assert_eq!(first.access_token, again.access_token);
        assert_eq!(first.webhook_secret, again.webhook_secret);
        assert_ne!(first.access_token, first.webhook_secret);
        assert_eq!(first.access_token.len(), 64);
        assert!(first.is_access_token(&again.access_token));
        assert!(!first.is_access_token("nope"));
        assert!(!format!("{first:?}").contains(&first.access_token));
    }
}
