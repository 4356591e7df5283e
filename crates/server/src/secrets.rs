//! The secrets generated at first start and kept in the data directory: the access token a
//! person trades for a session at the login page, and — one per platform, in
//! `webhook-secrets/{platform}` — the path segment that authenticates that platform's webhooks
//! (a leaked Douyin URL opens no other platform's intake). Each is 256 random bits; none ever
//! appears in a log row. `switchboard rotate-secret PLATFORM` replaces one; a running server
//! notices the file change at the next webhook.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use anyhow::Context;
use subtle::ConstantTimeEq;
use switchboard_payload::Platform;

#[derive(Clone)]
pub struct Secrets {
    webhooks: Arc<WebhookSecrets>,
}

/// How long an instance on a shared database goes on with a webhook secret before it asks the
/// database again: a rotation reaches every instance within this.
const SHARED_SECRETS_FRESH: std::time::Duration = std::time::Duration::from_secs(1);

/// Every platform's webhook secret, re-read when its file changes (a rotation), or — in a
/// database several instances share — when it was read more than [`SHARED_SECRETS_FRESH`] ago.
struct WebhookSecrets {
    directory: PathBuf,
    known: Mutex<BTreeMap<&'static str, (String, Option<FileVersion>)>>,
    shared: Option<Shared>,
}

struct Shared {
    database: Arc<crate::database::Database>,
    /// Every platform's secret, and when it was read.
    read: Mutex<(BTreeMap<String, String>, Option<std::time::Instant>)>,
}

/// Every platform's secret in the shared database; with `make_missing`, each missing one is
/// made first (by whichever instance comes first).
fn shared_secrets(
    database: &crate::database::Database,
    make_missing: bool,
) -> Result<BTreeMap<String, String>, crate::database::DatabaseError> {
    database.run::<_, crate::database::DatabaseError>(async {
        let client = database.client().await?;
        if make_missing {
            for platform in Platform::ALL {
                client
                    .execute(
                        "INSERT INTO webhook_secrets (platform, secret) VALUES ($1, $2)
                         ON CONFLICT (platform) DO NOTHING",
                        &[&platform.id(), &random_token()],
                    )
                    .await?;
            }
        }
        Ok(client
            .query("SELECT platform, secret FROM webhook_secrets", &[])
            .await?
            .iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect())
    })
}

/// Where a data directory keeps `platform`'s webhook secret.
pub fn webhook_secret_path(data_dir: &Path, platform: Platform) -> PathBuf {
    data_dir.join("webhook-secrets").join(platform.id())
}

/// What tells one version of a secret file from the next: its time, and — since file times
/// can be coarser than two writes — its inode (a rotation renames a new file in) and length.
type FileVersion = (SystemTime, u64, u64);

fn modified(path: &Path) -> Option<FileVersion> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some((meta.modified().ok()?, inode, meta.len()))
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Secrets { .. }")
    }
}

impl Secrets {
    /// Reads the secrets from `data_dir`, creating any that are missing.
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<Secrets> {
        let directory = data_dir.join("webhook-secrets");
        create_private_dir(&directory)?;
        // A data directory from before per-platform secrets: its one secret carries on for
        // each platform until rotated, so the URLs given to the platforms keep working.
        let legacy = std::fs::read_to_string(data_dir.join("webhook-secret"))
            .ok()
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty());
        let mut known = BTreeMap::new();
        for platform in Platform::ALL {
            let path = webhook_secret_path(data_dir, platform);
            if let Some(legacy) = &legacy
                && !path.exists()
            {
                write_secret(&path, legacy)?;
            }
            let secret = load_or_create(&path)?;
            known.insert(platform.id(), (secret, modified(&path)));
        }
        // The shared access token of the time before agents logged in by name opens nothing now.
        let _ = std::fs::remove_file(data_dir.join("access-token"));
        Ok(Secrets {
            webhooks: Arc::new(WebhookSecrets {
                directory,
                known: Mutex::new(known),
                shared: None,
            }),
        })
    }

    /// The secrets in a database several instances share: one set for all of them, so a
    /// platform's webhook URL works on any instance. (`data_dir` keeps nothing of them.)
    pub fn shared(database: Arc<crate::database::Database>) -> anyhow::Result<Secrets> {
        database.migrate(
            "secrets",
            &["CREATE TABLE webhook_secrets (platform TEXT PRIMARY KEY, secret TEXT NOT NULL)"],
        )?;
        let secrets = shared_secrets(&database, true)?;
        Ok(Secrets {
            webhooks: Arc::new(WebhookSecrets {
                directory: PathBuf::new(),
                known: Mutex::new(BTreeMap::new()),
                shared: Some(Shared {
                    database,
                    read: Mutex::new((secrets, Some(std::time::Instant::now()))),
                }),
            }),
        })
    }

    /// `platform`'s current webhook secret (read again if its file changed).
    pub fn webhook_secret(&self, platform: Platform) -> String {
        if let Some(shared) = &self.webhooks.shared {
            let mut read = shared
                .read
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if read.1.is_none_or(|at| at.elapsed() >= SHARED_SECRETS_FRESH) {
                // Counted as read either way: a database that is away is asked again in a
                // second, not by every webhook meanwhile.
                read.1 = Some(std::time::Instant::now());
                match shared_secrets(&shared.database, false) {
                    Ok(secrets) => read.0 = secrets,
                    // The secrets known stand (none is made up).
                    Err(error) => tracing::warn!("reading the webhook secrets: {error}"),
                }
            }
            return read.0.get(platform.id()).cloned().unwrap_or_default();
        }
        let path = self.webhooks.directory.join(platform.id());
        let mut known = self
            .webhooks
            .known
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let changed = modified(&path);
        let entry = known
            .entry(platform.id())
            .or_insert_with(|| (String::new(), None));
        if entry.1 != changed
            && let Ok(text) = std::fs::read_to_string(&path)
            && !text.trim().is_empty()
        {
            *entry = (text.trim().to_owned(), changed);
        }
        entry.0.clone()
    }

    pub fn is_webhook_secret(&self, platform: Platform, candidate: &str) -> bool {
        constant_time_eq(candidate, &self.webhook_secret(platform))
    }

    /// Replaces `platform`'s webhook secret in a shared database and returns the new one.
    pub fn rotate_shared(
        database: &crate::database::Database,
        platform: Platform,
    ) -> anyhow::Result<String> {
        let secret = random_token();
        database.execute(
            "INSERT INTO webhook_secrets (platform, secret) VALUES ($1, $2)
             ON CONFLICT (platform) DO UPDATE SET secret = EXCLUDED.secret",
            &[&platform.id(), &secret],
        )?;
        Ok(secret)
    }

    /// Replaces `platform`'s webhook secret in `data_dir` and returns the new one.
    pub fn rotate(data_dir: &Path, platform: Platform) -> anyhow::Result<String> {
        let path = webhook_secret_path(data_dir, platform);
        create_private_dir(path.parent().expect("inside the data directory"))?;
        let secret = random_token();
        // Written aside and renamed over: a running server reads the old or the new, never half.
        let staged = path.with_extension("new");
        write_secret(&staged, &secret)?;
        std::fs::rename(&staged, &path).with_context(|| format!("replacing {}", path.display()))?;
        Ok(secret)
    }
}

/// `switchboard rotate-secret PLATFORM`: the new secret, and the webhook path that carries it.
pub fn rotate_command(args: &crate::cli::RotateSecretArgs) -> anyhow::Result<()> {
    let secret = match &args.database {
        Some(url) => {
            Secrets::rotate_shared(&*crate::database::Database::open(url)?, args.platform)?
        }
        None => rotate_in_data_dir(args)?,
    };
    println!(
        "New {} webhook secret. Its webhook path is now /hooks/{}/{secret}",
        args.platform.name(),
        args.platform.id()
    );
    println!(
        "The old URL is refused from now on; give {} the new one.",
        args.platform.name()
    );
    Ok(())
}

fn rotate_in_data_dir(args: &crate::cli::RotateSecretArgs) -> anyhow::Result<String> {
    if !args.data_dir.join("webhook-secrets").is_dir() {
        anyhow::bail!(
            "{} is not a Switchboard data directory (no webhook-secrets); pass --data-dir",
            args.data_dir.display()
        );
    }
    Secrets::rotate(&args.data_dir, args.platform)
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

fn create_private_dir(path: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(path).with_context(|| format!("creating {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("restricting {}", path.display()))?;
    }
    Ok(())
}

fn load_or_create(path: &Path) -> anyhow::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(text) if !text.trim().is_empty() => return Ok(text.trim().to_owned()),
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error).with_context(|| format!("reading {}", path.display())),
    }
    let token = random_token();
    write_secret(path, &token)?;
    Ok(token)
}

fn write_secret(path: &Path, token: &str) -> anyhow::Result<()> {
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = Secrets::load_or_create(dir.path()).unwrap();
        let again = Secrets::load_or_create(dir.path()).unwrap();
        for platform in Platform::ALL {
            assert_eq!(
                first.webhook_secret(platform),
                again.webhook_secret(platform)
            );
        }
        let secrets: std::collections::BTreeSet<String> = Platform::ALL
            .into_iter()
            .map(|platform| first.webhook_secret(platform))
            .collect();
        assert_eq!(secrets.len(), 5, "one secret per platform");
        assert_eq!(first.webhook_secret(Platform::Yunhu).len(), 64);
        assert!(!format!("{first:?}").contains(&first.webhook_secret(Platform::Yunhu)));
    }

    #[test]
    fn a_rotation_replaces_one_platform_and_a_running_server_sees_it() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = Secrets::load_or_create(dir.path()).unwrap();
        let old = secrets.webhook_secret(Platform::Douyin);
        let other = secrets.webhook_secret(Platform::Yunhu);
        // File times can be coarse: make sure the rotation is a visible change.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let new = Secrets::rotate(dir.path(), Platform::Douyin).unwrap();
        assert_ne!(old, new);
        assert!(secrets.is_webhook_secret(Platform::Douyin, &new));
        assert!(!secrets.is_webhook_secret(Platform::Douyin, &old));
        assert!(secrets.is_webhook_secret(Platform::Yunhu, &other));
        assert!(!secrets.is_webhook_secret(Platform::Yunhu, &new));
    }

    #[test]
    fn a_legacy_shared_secret_carries_on_until_rotated() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("webhook-secret"), "legacy-secret\n").unwrap();
        let secrets = Secrets::load_or_create(dir.path()).unwrap();
        assert!(secrets.is_webhook_secret(Platform::Wecom, "legacy-secret"));
        Secrets::rotate(dir.path(), Platform::Wecom).unwrap();
        let again = Secrets::load_or_create(dir.path()).unwrap();
        assert!(!again.is_webhook_secret(Platform::Wecom, "legacy-secret"));
        assert!(again.is_webhook_secret(Platform::Mixin, "legacy-secret"));
    }
}
