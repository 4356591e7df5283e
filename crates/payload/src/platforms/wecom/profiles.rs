//! Who wkteam WeCom ids are: 外部联系人详情 `{wxIds: "id1,id2"}` answers `data[]` with `id`,
//! `nickName`, `headSmallImageUrl`; 群详情 `{roomId: "id1,id2"}` answers `data[]` with `id`,
//! `nickName` (the group's name), `memberNum`, `headSmallImageUrl` (reference `contacts.md` §4:
//! http://qw.wkteam.cn/qw-api/contact/contactInfo.html, …/room/roomInfo.html). Their pages
//! leave the request URL blank, so the paths here are the defaults only, named after the doc
//! pages like the send paths, and configuration (`wecom.contact_info_path`,
//! `wecom.room_info_path`) says where they really are. No batch limit is stated.

use crate::event::{Event, Platform};
use crate::profile::{Lookups, Profile, Subject};
use crate::request::{Call, ComposeError};
use crate::text::literal::Literal;

use super::endpoints;
use crate::platforms::fields::{id, string};

pub const LOOKUPS: Lookups = Lookups {
    people_per_call: 20,
    groups_per_call: 20,
    pause_ms: (200, 400),
};

pub fn describe(subjects: &[Subject]) -> Result<Call, ComposeError> {
    let Some(first) = subjects.first() else {
        return Err(ComposeError::Missing("an id to look up"));
    };
    let ids: Vec<&str> = subjects.iter().map(|subject| subject.id.as_str()).collect();
    let ids = ids.join(",");
    Ok(if first.group {
        Call::json(
            endpoints::ROOM_INFO.path,
            &serde_json::json!({ "roomId": ids }),
            None,
        )
    } else {
        Call::json(
            endpoints::CONTACT_INFO.path,
            &serde_json::json!({ "wxIds": ids }),
            None,
        )
    })
}

/// The events of a detail answer's `data[]`: rooms carry `memberNum`, contacts do not.
pub fn detail_events(items: &[Literal]) -> Option<Vec<Event>> {
    if !items
        .iter()
        .all(|item| item.get("id").is_some() && item.get("nickName").is_some())
    {
        return None;
    }
    Some(
        items
            .iter()
            .filter_map(|item| {
                let subject = id(item, "id")?;
                let mut profile = match item.get("memberNum") {
                    Some(members) => Profile {
                        member_count: members.as_i64().map(|count| count.max(0) as u64),
                        ..Profile::group(subject)
                    },
                    None => Profile::person(subject),
                };
                profile.name = string(item, "nickName");
                profile.avatar_url = string(item, "headSmallImageUrl");
                Some(Event::profile(Platform::Wecom, profile))
            })
            .collect(),
    )
}
