//! Login attempts, limited per name from one address, per name from anywhere, and per
//! address: an attempt counts as it starts (so parallel guesses cannot all slip in before the
//! first failure is known) and a good login gives it back. Over a limit the login is refused
//! without a password check until the oldest attempt ages out. A name locked from one address
//! stays open from others up to its own, much higher, limit.
//!
//! Attempts are counted where the server keeps its state: in memory for one instance
//! ([`here`]), in the database for instances sharing one ([`shared`]), so a guesser behind a
//! load balancer gets the same tries as against one instance, not that many times over.

mod here;
mod limits;
mod shared;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

pub use limits::{ADDRESS_FAILURES, NAME_AT_ADDRESS_FAILURES, NAME_FAILURES, WINDOW};

pub enum LoginLimiter {
    Here(here::Attempts),
    Shared(shared::Attempts),
}

impl Default for LoginLimiter {
    fn default() -> LoginLimiter {
        LoginLimiter::Here(here::Attempts::default())
    }
}

impl LoginLimiter {
    /// Attempts counted in `database`, for every instance that shares it.
    pub fn on(database: Arc<crate::database::Database>) -> anyhow::Result<LoginLimiter> {
        Ok(LoginLimiter::Shared(shared::Attempts::on(database)?))
    }

    /// Starts an attempt: `Ok(Err(wait))` while the name or the address has used up its tries,
    /// else counted (as a failure until [`LoginLimiter::succeeded`]). In a shared database the
    /// counting runs on the database's runtime; no thread waits for it.
    pub async fn attempt(
        &self,
        name: &str,
        address: Option<IpAddr>,
    ) -> anyhow::Result<Result<(), Duration>> {
        match self {
            LoginLimiter::Here(attempts) => Ok(attempts.attempt(name, address)),
            LoginLimiter::Shared(attempts) => attempts.attempt(name, address).await,
        }
    }

    /// A good login: the name's failures are forgotten and the address gets this try back.
    pub async fn succeeded(&self, name: &str, address: Option<IpAddr>) -> anyhow::Result<()> {
        match self {
            LoginLimiter::Here(attempts) => {
                attempts.succeeded(name, address);
                Ok(())
            }
            LoginLimiter::Shared(attempts) => attempts.succeeded(name, address).await,
        }
    }
}
