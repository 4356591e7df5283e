//! Who a platform id is: a person's or a group's name, picture and size, as a platform's
//! profile answer (or a payload that carries them) says, and what the server asks a platform
//! to learn them ([`Subject`], [`Lookups`]). The facts for each platform are in
//! `../shared/reference/contacts.md`.

use serde::{Deserialize, Serialize};

/// What a platform says about one id.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Profile {
    /// The person's or the group's id on the platform (a group's is its conversation id).
    pub id: String,
    /// A group (its conversation), not a person.
    #[serde(default)]
    pub group: bool,
    pub name: Option<String>,
    pub avatar_url: Option<String>,
    /// A group's members, where the platform counts them.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub member_count: Option<u64>,
}

impl Profile {
    pub fn person(id: impl Into<String>) -> Profile {
        Profile {
            id: id.into(),
            ..Profile::default()
        }
    }

    pub fn group(id: impl Into<String>) -> Profile {
        Profile {
            id: id.into(),
            group: true,
            ..Profile::default()
        }
    }

    /// Whether it says anything beyond the id.
    pub fn says_something(&self) -> bool {
        self.name.is_some() || self.avatar_url.is_some() || self.member_count.is_some()
    }
}

/// An id to ask a platform about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subject {
    pub id: String,
    pub group: bool,
}

/// How a platform wants to be asked: how many ids one call may name, and how long to wait
/// between calls (a range: E云 asks for a random 300–800 ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lookups {
    pub people_per_call: usize,
    pub groups_per_call: usize,
    pub pause_ms: (u64, u64),
}

/// A readable short form of a long platform id, for a conversation nobody has named: ids up to
/// 32 characters stay whole; longer ones keep their head and their tail (the `@domain` of a
/// WeChat id, else the last four characters), so two of them still look different.
pub fn short_id(id: &str) -> String {
    const WHOLE: usize = 32;
    const HEAD: usize = 8;
    const TAIL: usize = 24;
    let length = id.chars().count();
    if length <= WHOLE {
        return id.to_owned();
    }
    let head: String = id.chars().take(HEAD).collect();
    let tail = match id.rfind('@') {
        Some(at) if id[at..].chars().count() <= TAIL => &id[at..],
        _ => {
            let start = id
                .char_indices()
                .nth(length - 4)
                .map_or(0, |(index, _)| index);
            &id[start..]
        }
    };
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_keep_short_ones_whole_and_the_ends_of_long_ones() {
        assert_eq!(
            short_id("wxid_sandbox_customer_c1"),
            "wxid_sandbox_customer_c1"
        );
        assert_eq!(
            short_id("c354135b-d7c8-361b-a3f2-77aa1f0e9d1c"),
            "c354135b…9d1c"
        );
        assert_eq!(
            short_id("v2_060000231003b20faec8c6e18f1sandbox@findermsgstranger"),
            "v2_06000…@findermsgstranger"
        );
        assert_eq!(
            short_id("这是一个很长很长很长很长很长很长很长很长很长很长很长很长很长的名字啊"),
            "这是一个很长很长…的名字啊"
        );
    }
}
