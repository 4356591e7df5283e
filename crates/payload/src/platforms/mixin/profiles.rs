//! Who Mixin ids are: `POST /users/fetch` with a JSON array of user ids answers the users that
//! exist (`data[]`: `user_id`, `full_name`, `avatar_url`), `GET /conversations/{id}` a
//! conversation (`data`: `category`, `name`, `icon_url`, `participants[]`). Reference
//! `contacts.md` §1 (docs `api/users/users.md`, `api/conversations/read.md`; bot-api-go-client
//! `user.go` `GetUsers`, `conversation.go`). Errors come as HTTP 202 with `error.code`.

use crate::event::{Event, Platform};
use crate::profile::{Lookups, Profile, Subject};
use crate::request::{Call, ComposeError};
use crate::text::literal::Literal;

use super::endpoints;
use crate::platforms::fields::{id, string};

/// The docs give no batch limit for `/users/fetch`; 100 ids keep a request small.
pub const LOOKUPS: Lookups = Lookups {
    people_per_call: 100,
    groups_per_call: 1,
    pause_ms: (200, 400),
};

pub fn describe(subjects: &[Subject]) -> Result<Call, ComposeError> {
    match subjects {
        [] => Err(ComposeError::Missing("an id to look up")),
        // A conversation id is a UUID: one plain path segment.
        [group]
            if group.group
                && !group
                    .id
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-') =>
        {
            Err(ComposeError::Missing("a conversation id"))
        }
        [group] if group.group => Ok(Call {
            method: endpoints::CONVERSATION.method,
            path: endpoints::CONVERSATION.path.replace("{id}", &group.id),
            content_type: "application/json",
            body: Vec::new(),
            message_id: None,
        }),
        people => {
            let ids: Vec<&str> = people.iter().map(|person| person.id.as_str()).collect();
            Ok(Call::json(
                endpoints::USERS_FETCH.path,
                &serde_json::json!(ids),
                None,
            ))
        }
    }
}

/// A user object (`type: "user"`), as every user answer carries it.
fn user_profile(user: &Literal) -> Option<Profile> {
    let mut profile = Profile::person(id(user, "user_id")?);
    profile.name = string(user, "full_name");
    profile.avatar_url = string(user, "avatar_url");
    Some(profile)
}

/// The events of `{"data": [user…]}` or `{"data": user}` or `{"data": conversation}`, when
/// `data` is one of those.
pub fn answer_events(data: &Literal) -> Option<(String, Vec<Event>)> {
    if let Some(users) = data.as_array() {
        let profiles: Vec<Event> = users
            .iter()
            .filter(|user| user.get("full_name").is_some())
            .filter_map(user_profile)
            .map(|profile| Event::profile(Platform::Mixin, profile))
            .collect();
        return (!profiles.is_empty() || users.is_empty())
            .then(|| ("mixin.users".to_owned(), profiles));
    }
    if data.get("participants").is_some() && data.get("conversation_id").is_some() {
        // A CONTACT conversation has no name or icon of its own: its person is the profile.
        if string(data, "category").as_deref() != Some("GROUP") {
            return Some(("mixin.conversation".into(), Vec::new()));
        }
        let mut profile = Profile::group(id(data, "conversation_id")?);
        profile.name = string(data, "name");
        profile.avatar_url = string(data, "icon_url");
        profile.member_count = data
            .get("participants")
            .and_then(Literal::as_array)
            .map(|participants| participants.len() as u64);
        return Some((
            "mixin.conversation".into(),
            vec![Event::profile(Platform::Mixin, profile)],
        ));
    }
    if data.get("full_name").is_some() && data.get("user_id").is_some() {
        let profile = user_profile(data)?;
        return Some((
            "mixin.user".into(),
            vec![Event::profile(Platform::Mixin, profile)],
        ));
    }
    None
}
