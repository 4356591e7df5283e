//! Refused webhook deliveries (wrong secret, bad signature) are kept for the inspector, but a
//! stranger decides how many and how large they are: each is recorded as a bounded summary
//! ([`RejectedRecord`]), and each source address may leave only so many a minute
//! ([`RejectionLimiter`]).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use sha2::{Digest, Sha256};
use switchboard_protocol::headers::pseudo;

/// Bytes of a refused body kept: enough to see what it was.
pub const KEPT_PREFIX: usize = 4096;

/// Header bytes (names and values) kept of a refused delivery; values are cut to fit.
pub const KEPT_HEADER_BYTES: usize = 8 * 1024;

/// The first headers of a refused delivery that fit in [`KEPT_HEADER_BYTES`], and a
/// `:headers-dropped` count when some did not.
pub fn bounded_headers(headers: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut kept = Vec::new();
    let mut used = 0;
    let mut dropped = 0;
    for (name, value) in headers {
        let room = KEPT_HEADER_BYTES.saturating_sub(used + name.len());
        if room == 0 {
            dropped += 1;
            continue;
        }
        let mut end = value.len().min(room);
        while !value.is_char_boundary(end) {
            end -= 1;
        }
        used += name.len() + end;
        kept.push((name, value[..end].to_owned()));
    }
    if dropped > 0 {
        kept.push((pseudo::HEADERS_DROPPED.to_owned(), dropped.to_string()));
    }
    kept
}

/// Addresses tracked at once; a flood from more addresses than this within one minute is
/// refused as a whole rather than grow the table.
const TRACKED_ADDRESSES: usize = 4096;

/// What is stored of a refused delivery: its size, its SHA-256 and its first bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRecord {
    pub size: usize,
    pub sha256: String,
    pub prefix: Vec<u8>,
}

impl RejectedRecord {
    pub fn of(body: &[u8]) -> RejectedRecord {
        RejectedRecord {
            size: body.len(),
            sha256: hex::encode(Sha256::digest(body)),
            prefix: body[..body.len().min(KEPT_PREFIX)].to_vec(),
        }
    }

    /// The pseudo-headers that describe the whole body beside the kept prefix.
    pub fn headers(&self) -> [(String, String); 3] {
        [
            (pseudo::SIZE.to_owned(), self.size.to_string()),
            (pseudo::SHA256.to_owned(), self.sha256.clone()),
            (
                pseudo::TRUNCATED.to_owned(),
                (self.size > self.prefix.len()).to_string(),
            ),
        ]
    }
}

/// A fixed one-minute window per source address (IPv6 by its /64, which one host can fill).
pub struct RejectionLimiter {
    per_minute: u32,
    started: Instant,
    windows: Mutex<HashMap<IpAddr, (u64, u32)>>,
}

impl RejectionLimiter {
    pub fn new(per_minute: u32) -> RejectionLimiter {
        RejectionLimiter {
            per_minute,
            started: Instant::now(),
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Whether one more refused delivery from `address` may be recorded now.
    pub fn allow(&self, address: Option<IpAddr>) -> bool {
        self.allow_at(address, self.started.elapsed().as_secs() / 60)
    }

    fn allow_at(&self, address: Option<IpAddr>, minute: u64) -> bool {
        // A request without a peer address (a test calling the router directly) shares one.
        let key = address.map_or(IpAddr::from([0, 0, 0, 0]), network_of);
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !windows.contains_key(&key) && windows.len() >= TRACKED_ADDRESSES {
            windows.retain(|_, (window, _)| *window == minute);
            if windows.len() >= TRACKED_ADDRESSES {
                return false;
            }
        }
        let (window, count) = windows.entry(key).or_insert((minute, 0));
        if *window != minute {
            *window = minute;
            *count = 0;
        }
        if *count >= self.per_minute {
            return false;
        }
        *count += 1;
        true
    }
}

fn network_of(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::from(segments)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_keeps_the_size_the_hash_and_the_first_bytes_only() {
        let body = vec![b'x'; 10_000];
        let record = RejectedRecord::of(&body);
        assert_eq!(record.size, 10_000);
        assert_eq!(record.prefix.len(), KEPT_PREFIX);
        assert_eq!(record.sha256, hex::encode(Sha256::digest(&body)));
        assert_eq!(record.headers()[2].1, "true");
        assert_eq!(RejectedRecord::of(b"{}").headers()[2].1, "false");
        assert_eq!(RejectedRecord::of(b"{}").prefix, b"{}");
    }

    #[test]
    fn refused_headers_are_kept_within_their_bound() {
        let headers: Vec<(String, String)> = (0..100)
            .map(|index| (format!("x-padding-{index}"), "v".repeat(4000)))
            .collect();
        let kept = bounded_headers(headers);
        let bytes: usize = kept
            .iter()
            .map(|(name, value)| name.len() + value.len())
            .sum();
        assert!(bytes <= KEPT_HEADER_BYTES + 32, "{bytes}");
        assert_eq!(kept.last().unwrap().0, pseudo::HEADERS_DROPPED);
        let small = vec![("content-type".to_owned(), "application/json".to_owned())];
        assert_eq!(bounded_headers(small.clone()), small);
    }

    #[test]
    fn each_address_gets_its_allowance_a_minute() {
        let limiter = RejectionLimiter::new(3);
        let one = Some(IpAddr::from([192, 0, 2, 1]));
        let other = Some(IpAddr::from([192, 0, 2, 2]));
        assert!((0..3).all(|_| limiter.allow_at(one, 0)));
        assert!(
            !limiter.allow_at(one, 0),
            "the fourth in a minute is refused"
        );
        assert!(limiter.allow_at(other, 0), "another address has its own");
        assert!(limiter.allow_at(one, 1), "the next minute starts afresh");
    }

    #[test]
    fn one_ipv6_host_cannot_spread_over_its_subnet() {
        let limiter = RejectionLimiter::new(1);
        let first: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let neighbour: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        assert!(limiter.allow_at(Some(first), 0));
        assert!(!limiter.allow_at(Some(neighbour), 0));
    }

    #[test]
    fn the_table_is_bounded_under_a_flood_of_addresses() {
        let limiter = RejectionLimiter::new(1);
        for index in 0..TRACKED_ADDRESSES as u32 {
            assert!(limiter.allow_at(Some(IpAddr::from(index.to_be_bytes())), 0));
        }
        assert!(!limiter.allow_at(Some(IpAddr::from([203, 0, 113, 9])), 0));
        assert!(
            limiter.allow_at(Some(IpAddr::from([203, 0, 113, 9])), 1),
            "a new minute frees the table"
        );
        assert!(limiter.windows.lock().unwrap().len() <= TRACKED_ADDRESSES);
    }
}
