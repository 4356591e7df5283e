//! Media and storage URLs come from what platforms (and customers) send: a host name that
//! matches a platform's media hosts could still resolve to this machine or the office network.
//! So those fetches go through a client whose resolver refuses any name that resolves to a
//! loopback, private, link-local or otherwise non-public address, and connects to exactly the
//! addresses it checked (no second lookup to rebind); a URL naming such an address directly is
//! refused before it is sent.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether `address` is on the public internet.
pub fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(address: Ipv4Addr) -> bool {
    let [a, b, ..] = address.octets();
    !(address.is_loopback()
        || address.is_private()
        || address.is_link_local()
        || address.is_unspecified()
        || address.is_broadcast()
        || address.is_multicast()
        || address.is_documentation()
        // 100.64.0.0/10 (carrier-grade NAT), 192.0.0.0/24, 198.18.0.0/15 (benchmarking), 240/4.
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && address.octets()[2] == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240
        || a == 0)
}

fn is_public_v6(address: Ipv6Addr) -> bool {
    let first = address.segments()[0];
    !(address.is_loopback()
        || address.is_unspecified()
        || address.is_multicast()
        // fc00::/7 unique local, fe80::/10 link-local, 2001:db8::/32 documentation; NAT64
        // (64:ff9b::/96), 6to4 (2002::/16) and IPv4-compatible (::/96) can carry a private
        // IPv4 address, so they are refused whole.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first == 0x2001 && address.segments()[1] == 0x0db8)
        || (first == 0x0064 && address.segments()[1] == 0xff9b)
        || first == 0x2002
        || address.segments()[..6].iter().all(|segment| *segment == 0))
}

/// Refuses a URL whose host is a non-public address literal (names are checked on resolution).
pub fn check_literal(url: &reqwest::Url) -> Result<(), String> {
    let literal = match url.host() {
        Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
        Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
        _ => None,
    };
    match literal {
        Some(address) if !is_public(address) => Err(format!(
            "{address} is not a public address: media and storage are only fetched from the internet"
        )),
        _ => Ok(()),
    }
}

/// A resolver that answers only public addresses.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(refused) = found.iter().find(|address| !is_public(address.ip())) {
                return Err(format!(
                    "{host} resolves to {}, which is not a public address",
                    refused.ip()
                )
                .into());
            }
            if found.is_empty() {
                return Err(format!("{host} has no address").into());
            }
            let addresses: Addrs = Box::new(found.into_iter());
            Ok(addresses)
        })
    }
}

/// The client for media and storage: no redirects, the configured timeouts, and — unless the
/// platforms are the sandbox's loopback emulators — only public addresses.
pub fn client(timeout_secs: u64, allow_loopback: bool) -> anyhow::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // A proxy would resolve the name itself, past the check.
        .no_proxy()
        .connect_timeout(Duration::from_secs(timeout_secs.min(10)))
        .timeout(Duration::from_secs(timeout_secs));
    if !allow_loopback {
        builder = builder.dns_resolver(Arc::new(PublicOnly));
    }
    builder.build().context("building the media client")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_pass() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.9",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2002:a00:1::1",
            "::10.0.0.1",
        ] {
            assert!(!is_public(refused.parse().unwrap()), "{refused}");
        }
        for allowed in [
            "93.184.216.34",
            "2606:2800:220:1:248:1893:25c8:1946",
            "8.8.8.8",
        ] {
            assert!(is_public(allowed.parse().unwrap()), "{allowed}");
        }
    }

    #[test]
    fn literal_addresses_are_checked_before_sending() {
        let url = |text: &str| reqwest::Url::parse(text).unwrap();
        assert!(check_literal(&url("http://127.0.0.1:9/x.png")).is_err());
        assert!(check_literal(&url("http://[::1]/x.png")).is_err());
        assert!(check_literal(&url("https://8.8.8.8/x.png")).is_ok());
        assert!(check_literal(&url("https://chat-img.jwznb.com/x.png")).is_ok());
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_loopback_is_refused() {
        let client = client(5, false).unwrap();
        let error = client
            .get("http://localhost:9/x.png")
            .send()
            .await
            .unwrap_err();
        let text = format!("{error:?}");
        assert!(text.contains("not a public address"), "{text}");
    }
}
