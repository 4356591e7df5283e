//! The limits: what an attempt counts against, and how many each allows in a window.

use std::net::IpAddr;
use std::time::Duration;

/// The window attempts count in.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures a name may have from one address within the window.
pub const NAME_AT_ADDRESS_FAILURES: usize = 5;
/// Failures a name may have from all addresses together (a spread-out guesser).
pub const NAME_FAILURES: usize = 50;
/// Failures an address may have within the window (several agents behind one office NAT).
pub const ADDRESS_FAILURES: usize = 20;

/// What an attempt counts against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    NameAt(String, Option<IpAddr>),
    Name(String),
    Address(Option<IpAddr>),
}

/// The keys an attempt counts against, with the attempts each allows.
pub fn keys(name: &str, address: Option<IpAddr>) -> [(Key, usize); 3] {
    [
        (
            Key::NameAt(name.to_owned(), address),
            NAME_AT_ADDRESS_FAILURES,
        ),
        (Key::Name(name.to_owned()), NAME_FAILURES),
        (Key::Address(address), ADDRESS_FAILURES),
    ]
}
