//! Who E云 ids are: `POST /getContact {wcId: "wxid_a,wxid_b,…@chatroom"}` describes friends and
//! groups alike (`data[]`: `userName`, `nickName`, `remark`, `smallHead`, `bigHead`), "每次最多支持
//! 20个微信/群号, 本接口每次调用请随机间隔300ms-800ms之间" (reference `contacts.md` §5, okwinds
//! `api_catalog.json` § POST /getContact). The server adds `wId`. Member counts are not in its
//! answer (`getChatRoomInfo`'s fields are not documented), so groups get a name and a picture.

use crate::event::{Event, Platform};
use crate::profile::{Lookups, Profile, Subject};
use crate::request::{Call, ComposeError};
use crate::text::literal::Literal;

use super::endpoints;
use crate::platforms::fields::{id, string};

pub const LOOKUPS: Lookups = Lookups {
    people_per_call: 20,
    groups_per_call: 20,
    pause_ms: (300, 800),
};

/// A group's id ends so.
const GROUP_SUFFIX: &str = "@chatroom";

pub fn describe(subjects: &[Subject]) -> Result<Call, ComposeError> {
    if subjects.is_empty() {
        return Err(ComposeError::Missing("an id to look up"));
    }
    let ids: Vec<&str> = subjects.iter().map(|subject| subject.id.as_str()).collect();
    Ok(Call::json(
        endpoints::GET_CONTACT.path,
        &serde_json::json!({ "wcId": ids.join(",") }),
        None,
    ))
}

/// The events of a `getContact` answer's `data[]` (items with `userName` and `nickName`).
pub fn contact_events(items: &[Literal]) -> Option<Vec<Event>> {
    if !items
        .iter()
        .all(|item| item.get("userName").is_some() && item.get("nickName").is_some())
    {
        return None;
    }
    Some(
        items
            .iter()
            .filter_map(|item| {
                let user = id(item, "userName")?;
                let mut profile = if user.ends_with(GROUP_SUFFIX) {
                    Profile::group(user)
                } else {
                    Profile::person(user)
                };
                // The remark is what the account itself named them: what its agents know them by.
                profile.name = string(item, "remark").or_else(|| string(item, "nickName"));
                profile.avatar_url = string(item, "smallHead").or_else(|| string(item, "bigHead"));
                Some(Event::profile(Platform::Wechat, profile))
            })
            .collect(),
    )
}
