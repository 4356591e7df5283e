//! Who Yunhu ids are, from the user API (protobuf, header `token`): `POST /v1/user/get-user
//! {id}` answers a user's `name` and `avatar_url`, `POST /v1/group/info {group_id}` a group's
//! `name`, `avatar_url` and `headcount` (reference `contacts.md` §2 C, yhchatAPI
//! `src/api/v1/user.md`, `group.md`). One id a call: neither batches. The web API
//! (`chat-web-go`) answers the same in JSON on another host; the user API shares the host of
//! every other call. `status.code` 1 is OK; anything else leaves the id undescribed.

use prost::Message;

use crate::event::{Event, Platform};
use crate::profile::{Lookups, Profile, Subject};
use crate::protobuf::yunhu::{
    GetUserRequest, GetUserResponse, GroupInfoRequest, GroupInfoResponse,
};
use crate::request::{Call, ComposeError};

use super::endpoints;

pub const LOOKUPS: Lookups = Lookups {
    people_per_call: 1,
    groups_per_call: 1,
    pause_ms: (200, 400),
};

pub fn describe(subjects: &[Subject]) -> Result<Call, ComposeError> {
    match subjects {
        [subject] if subject.group => Ok(Call::protobuf(
            endpoints::GROUP_INFO.path,
            GroupInfoRequest {
                group_id: subject.id.clone(),
            }
            .encode_to_vec(),
            None,
        )),
        [subject] => Ok(Call::protobuf(
            endpoints::GET_USER.path,
            GetUserRequest {
                id: subject.id.clone(),
            }
            .encode_to_vec(),
            None,
        )),
        _ => Err(ComposeError::Missing("one id to look up")),
    }
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

fn ok(status: Option<&crate::protobuf::yunhu::Status>) -> bool {
    status.is_some_and(|status| status.code == 1)
}

/// The profile a `get-user` or `group/info` answer gives (none when its status is not OK).
pub fn answer_events(schema: &str, bytes: &[u8]) -> Vec<Event> {
    let profile = if schema == GetUserResponse::SCHEMA {
        GetUserResponse::decode(bytes)
            .ok()
            .filter(|answer| ok(answer.status.as_ref()))
            .and_then(|answer| answer.data)
            .filter(|data| !data.id.is_empty())
            .map(|data| Profile {
                name: non_empty(&data.name),
                avatar_url: non_empty(&data.avatar_url),
                ..Profile::person(data.id)
            })
    } else {
        GroupInfoResponse::decode(bytes)
            .ok()
            .filter(|answer| ok(answer.status.as_ref()))
            .and_then(|answer| answer.data)
            .filter(|data| !data.group_id.is_empty())
            .map(|data| Profile {
                name: non_empty(&data.name),
                avatar_url: non_empty(&data.avatar_url),
                member_count: (data.headcount > 0).then_some(data.headcount),
                ..Profile::group(data.group_id)
            })
    };
    profile
        .map(|profile| Event::profile(Platform::Yunhu, profile))
        .into_iter()
        .collect()
}
