//! The normalized events as the desk would show them: bubbles for messages, lines for the rest.

use leptos::prelude::*;
use switchboard_payload::Event;
use switchboard_payload::event::{ContentKind, EventType};
use switchboard_payload::profile::Profile;

use super::state::InspectorState;
use crate::components::desk::bubble::{content_kind_label, event_type_name};
use crate::i18n::{I18n, use_i18n};

#[component]
pub fn EventsView() -> impl IntoView {
    let state = expect_context::<InspectorState>();
    let i18n = use_i18n();
    let events = move || state.inspection.with(|shared| shared.0.events.clone());
    let described = state.described;
    view! {
        <section class="events" aria-label=move || i18n.t("events-label")>
            <h2>{move || i18n.t("events-title")}</h2>
            {move || {
                let events = events();
                if events.is_empty() {
                    view! { <p class="muted">{i18n.t("events-none")}</p> }
                        .into_any()
                } else {
                    let described = described.get();
                    view! { <ol class="event-list">{events.into_iter().map(|event| event_view(i18n, event, &described)).collect_view()}</ol> }.into_any()
                }
            }}
        </section>
    }
}

fn time_text(at_ms: Option<i64>) -> String {
    at_ms
        .map(|ms| {
            js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64))
                .to_iso_string()
                .as_string()
                .unwrap_or_default()
        })
        .unwrap_or_default()
}

fn content_text(i18n: I18n, event: &Event) -> String {
    let Some(content) = &event.content else {
        return String::new();
    };
    let kind = content.kind.unwrap_or(ContentKind::Unknown);
    let detail = content
        .text
        .clone()
        .or_else(|| content.title.clone())
        .or_else(|| content.name.clone())
        .or_else(|| content.url.clone())
        .or_else(|| content.key.clone())
        .unwrap_or_default();
    match content_kind_label(i18n, kind) {
        Some(label) => format!("{label} {detail}"),
        None => detail,
    }
}

/// A profile's facts in one line: name, picture, member count.
fn profile_facts(i18n: I18n, profile: &Profile) -> String {
    [
        profile
            .name
            .clone()
            .map(|name| i18n.f("event-name", &[("name", name.into())])),
        profile
            .avatar_url
            .clone()
            .map(|url| i18n.f("event-picture", &[("url", url.into())])),
        profile
            .member_count
            .map(|count| i18n.f("member-count", &[("count", count.into())])),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ")
}

/// What the log's profile answers say of the event's sender and conversation, a line each.
fn described_lines(i18n: I18n, event: &Event, described: &[Profile]) -> impl IntoView + use<> {
    let mut ids: Vec<&String> = event.sender_id.iter().collect();
    if let Some(conversation) = &event.conversation_id
        && event.sender_id.as_ref() != Some(conversation)
    {
        ids.push(conversation);
    }
    ids.into_iter()
        .filter_map(|id| described.iter().find(|profile| &profile.id == id))
        .map(|profile| {
            let line = i18n.f(
                "event-described",
                &[
                    ("id", profile.id.clone().into()),
                    ("facts", profile_facts(i18n, profile).into()),
                ],
            );
            view! { <div class="bubble-ids described">{line}</div> }
        })
        .collect_view()
}

fn event_view(i18n: I18n, event: Event, described: &[Profile]) -> impl IntoView {
    // The payload's own name first (what the bytes say), then the log's, then the id.
    let who = event
        .sender_name
        .clone()
        .or_else(|| {
            let sender = event.sender_id.as_ref()?;
            described
                .iter()
                .find(|profile| &profile.id == sender)?
                .name
                .clone()
        })
        .or_else(|| event.sender_id.clone())
        .unwrap_or_default();
    let from_log = described_lines(i18n, &event, described);
    let when = time_text(event.at_ms);
    let conversation = event.conversation_id.clone().unwrap_or_default();
    let kind = serde_json::to_value(event.kind)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default();
    // The sender as the payload names them: name, id, picture (its address: the inspector
    // shows what the bytes say and loads nothing).
    let sender = event.sender_id.clone().map(|id| {
        let picture = event
            .sender_avatar
            .clone()
            .map(|url| format!(" · {}", i18n.f("event-picture", &[("url", url.into())])))
            .unwrap_or_default();
        format!("{id}{picture}")
    });
    if let Some(profile) = &event.profile {
        let what = if profile.group {
            "event-profile-group"
        } else {
            "event-profile-person"
        };
        let facts = profile_facts(i18n, profile);
        return view! {
            <li class="event line profile" data-type=kind>
                <span class="line-kind">{i18n.t(what)}</span>
                {format!(" {} — {}", profile.id, if facts.is_empty() { i18n.t("event-profile-empty") } else { facts })}
            </li>
        }
        .into_any();
    }
    if event.kind == EventType::Message {
        let text = content_text(i18n, &event);
        view! {
            <li class="event bubble" class:outgoing=event.outgoing == Some(true) data-type=kind>
                <div class="bubble-meta"><strong>{who}</strong>" · "<time>{when}</time></div>
                {sender.map(|sender| view! { <div class="bubble-ids">{i18n.f("event-sender", &[("sender", sender.into())])}</div> })}
                <div class="bubble-text">{text}</div>
                <div class="bubble-ids">{i18n.f("event-ids", &[("conversation", conversation.into()), ("message", event.message_id.clone().unwrap_or_default().into())])}</div>
                {from_log}
            </li>
        }
        .into_any()
    } else {
        let target = event
            .target_message_id
            .clone()
            .map(|target| format!(" {}", i18n.f("event-target", &[("message", target.into())])))
            .unwrap_or_default();
        let detail = content_text(i18n, &event);
        let data_type = kind.clone();
        view! {
            <li class="event line" data-type=data_type>
                <span class="line-kind">{event_type_name(i18n, event.kind)}</span>
                {format!(" {who}{target} {detail}")}
                <time>{when}</time>
                {from_log}
            </li>
        }
        .into_any()
    }
}
