//! The normalized events as the desk would show them: bubbles for messages, lines for the rest.

use leptos::prelude::*;
use switchboard_payload::Event;
use switchboard_payload::event::{ContentKind, EventType};

use super::state::InspectorState;

#[component]
pub fn EventsView() -> impl IntoView {
    let state = expect_context::<InspectorState>();
    let events = move || state.inspection.with(|shared| shared.0.events.clone());
    view! {
        <section class="events" aria-label="Events">
            <h2>"What the agent will see"</h2>
            {move || {
                let events = events();
                if events.is_empty() {
                    view! { <p class="muted">"No events: this payload carries no message or conversation change."</p> }
                        .into_any()
                } else {
                    view! { <ol class="event-list">{events.into_iter().map(event_view).collect_view()}</ol> }.into_any()
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

fn content_text(event: &Event) -> String {
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
    match kind {
        ContentKind::Text | ContentKind::Markdown | ContentKind::Html | ContentKind::System => {
            detail
        }
        other => format!("[{}] {detail}", serde_kind(other)),
    }
}

fn serde_kind(kind: ContentKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn event_view(event: Event) -> impl IntoView {
    let who = event
        .sender_name
        .clone()
        .or_else(|| event.sender_id.clone())
        .unwrap_or_default();
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
            .map(|url| format!(" · picture {url}"))
            .unwrap_or_default();
        format!("{id}{picture}")
    });
    if let Some(profile) = &event.profile {
        let what = if profile.group { "group" } else { "person" };
        let facts = [
            profile.name.clone().map(|name| format!("name {name}")),
            profile
                .avatar_url
                .clone()
                .map(|url| format!("picture {url}")),
            profile.member_count.map(|count| format!("{count} members")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
        return view! {
            <li class="event line profile" data-type=kind>
                <span class="line-kind">{format!("profile of a {what}")}</span>
                {format!(" {} — {}", profile.id, if facts.is_empty() { "nothing said".to_owned() } else { facts })}
            </li>
        }
        .into_any();
    }
    if event.kind == EventType::Message {
        let text = content_text(&event);
        view! {
            <li class="event bubble" class:outgoing=event.outgoing == Some(true) data-type=kind>
                <div class="bubble-meta"><strong>{who}</strong>" · "<time>{when}</time></div>
                {sender.map(|sender| view! { <div class="bubble-ids">{format!("sender {sender}")}</div> })}
                <div class="bubble-text">{text}</div>
                <div class="bubble-ids">{format!("conversation {conversation} · message {}", event.message_id.clone().unwrap_or_default())}</div>
            </li>
        }
        .into_any()
    } else {
        let target = event
            .target_message_id
            .clone()
            .map(|target| format!(" message {target}"))
            .unwrap_or_default();
        let detail = content_text(&event);
        let data_type = kind.clone();
        view! {
            <li class="event line" data-type=data_type>
                <span class="line-kind">{kind}</span>
                {format!(" {who}{target} {detail}")}
                <time>{when}</time>
            </li>
        }
        .into_any()
    }
}
