//! One message as the agent sees it: a bubble per content kind, system lines for the rest,
//! with its status (sending → sent / failed), "recalled" (original on demand), "edited",
//! the quoted message, and "inspect" (the raw payload in the inspector).

use leptos::prelude::*;
use switchboard_desk::ConversationKey;
use switchboard_desk::{Actions, Message, MessageStatus};
use switchboard_payload::Platform;
use switchboard_payload::event::{ContentKind, ConversationKind, EventType};
use switchboard_payload::profile::short_id;

use super::avatar::Avatar;
use super::bounds;
use super::content::content_view;
use super::state::{DeskState, Draft, Reply};
use crate::i18n::{I18n, clock_time, use_i18n};

/// Bytes of a message a conversation row shows.
const PREVIEW_BYTES: usize = 512;

/// One line for the conversation list.
pub fn preview_text(i18n: I18n, message: &Message) -> String {
    if message.recalled_at_ms.is_some() {
        return i18n.t("preview-recalled");
    }
    let content = &message.content;
    let text = content
        .text
        .clone()
        .or_else(|| content.title.clone())
        .or_else(|| content.name.clone());
    let label = content_kind_label(i18n, content.kind.unwrap_or(ContentKind::Unknown));
    let prefix = match (&message.agent, message.outgoing) {
        (Some(agent), true) => i18n.f("preview-by", &[("name", agent.into())]),
        (None, true) => i18n.t("preview-by-you"),
        _ => String::new(),
    };
    // One line: the start of a long message is enough (the row cuts it with an ellipsis).
    let text = text.map(|text| bounds::prefix_bytes(&text, PREVIEW_BYTES).0.to_owned());
    match (label, text) {
        (Some(label), Some(text)) => format!("{prefix}{label} {text}"),
        (Some(label), None) => format!("{prefix}{label}"),
        (None, text) => format!("{prefix}{}", text.unwrap_or_default()),
    }
}

/// "[image]", "[file]"…: what a message of this kind is, where only a line is shown; `None` for
/// the kinds that are their text.
pub fn content_kind_label(i18n: I18n, kind: ContentKind) -> Option<String> {
    match kind {
        ContentKind::Text | ContentKind::Markdown | ContentKind::Html | ContentKind::System => None,
        ContentKind::Image => Some("preview-image"),
        ContentKind::Video => Some("preview-video"),
        ContentKind::Audio => Some("preview-audio"),
        ContentKind::File => Some("preview-file"),
        ContentKind::Location => Some("preview-location"),
        ContentKind::Contact => Some("preview-contact"),
        ContentKind::Card | ContentKind::Post => Some("preview-card"),
        ContentKind::Sticker => Some("preview-sticker"),
        ContentKind::Buttons | ContentKind::Form => Some("preview-buttons"),
        ContentKind::Unknown => Some("preview-message"),
    }
    .map(|id| i18n.t(id))
}

fn status_view(i18n: I18n, status: &MessageStatus) -> AnyView {
    match status {
        MessageStatus::Received => ().into_any(),
        MessageStatus::Sending => {
            view! { <span class="status sending">{move || i18n.t("status-sending")}</span> }
                .into_any()
        }
        MessageStatus::Sent => {
            view! { <span class="status sent">{move || i18n.t("status-sent")}</span> }.into_any()
        }
        MessageStatus::Failed(reason) => {
            let why = reason.clone();
            view! { <span class="status failed" title=reason.clone()>{move || i18n.f("status-failed", &[("reason", (&why).into())])}</span> }.into_any()
        }
        MessageStatus::Logged => {
            view! { <span class="status logged">{move || i18n.t("status-logged")}</span> }
                .into_any()
        }
    }
}

/// What happened, as a system line labels it.
pub fn event_type_name(i18n: I18n, kind: EventType) -> String {
    i18n.t(match kind {
        EventType::Message => "event-message",
        EventType::Recall => "event-recall",
        EventType::Edit => "event-edit",
        EventType::Read => "event-read",
        EventType::Join => "event-join",
        EventType::Leave => "event-leave",
        EventType::Topic => "event-topic",
        EventType::Logout => "event-logout",
        EventType::Enter => "event-enter",
        EventType::Upload => "event-upload",
        EventType::Command => "event-command",
        EventType::System => "event-system",
        EventType::Profile => "event-profile",
    })
}

/// Who sent it: the name the platform last gave the sender, the one the message carried, or a
/// short form of their id.
fn sender_name(message: &Message, platform: Platform) -> String {
    let known = message.sender_id.as_deref().and_then(|id| {
        expect_context::<DeskState>()
            .with_desk(|desk| desk.name_of(platform, id).map(str::to_owned))
    });
    known
        .or_else(|| message.sender_name.clone())
        .or_else(|| message.sender_id.as_deref().map(short_id))
        .unwrap_or_default()
}

#[component]
pub fn Bubble(
    message: Message,
    key: ConversationKey,
    #[prop(optional_no_strip)] quoted: Option<String>,
) -> impl IntoView {
    let platform = key.platform;
    let i18n = use_i18n();
    if message.kind != EventType::Message {
        let text = message.content.text.clone().unwrap_or_default();
        let who = sender_name(&message, platform);
        let kind = serde_json::to_value(message.kind)
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
            .unwrap_or_default();
        let event_type = message.kind;
        return view! {
            <li class="system-line" data-type=kind.clone()>
                <span class="line-kind">{move || event_type_name(i18n, event_type)}</span>" "{who}" "{text}" "<time>{clock_time(message.at_ms)}</time>
            </li>
        }
        .into_any();
    }
    let show_original = RwSignal::new(false);
    let recalled = message.recalled_at_ms.is_some();
    let edited = message.edited_at_ms.is_some();
    let in_group = expect_context::<DeskState>().with_desk_untracked(|desk| {
        desk.conversation(&key)
            .is_some_and(|conversation| conversation.kind == Some(ConversationKind::Group))
    });
    let who = {
        let message = message.clone();
        move || match (&message.agent, message.outgoing) {
            // The agent the server stamped: "林晓 (agent)", or "(you)" for this one.
            (Some(agent), true) => {
                let me = expect_context::<DeskState>().my_name();
                if me.as_deref() == Some(agent.as_str()) {
                    i18n.f("sender-agent-you", &[("name", agent.into())])
                } else {
                    i18n.f("sender-agent", &[("name", agent.into())])
                }
            }
            (None, true) => i18n.t("sender-you"),
            _ => sender_name(&message, platform),
        }
    };
    // In a group, each member's picture beside their name.
    let face = (in_group && !message.outgoing).then(|| {
        let message = message.clone();
        move || {
            let name = sender_name(&message, platform);
            let url = message.sender_id.as_deref().and_then(|id| {
                expect_context::<DeskState>()
                    .with_desk(|desk| desk.avatar_of(platform, id).map(str::to_owned))
            });
            view! { <Avatar platform name url/> }
        }
    });
    let content = message.content.clone();
    let original = message.original.clone();
    let seq = message.seq;
    let state = expect_context::<DeskState>();
    let capabilities = state.conversation_capabilities_untracked(&key);
    let local_preview = message.client_id.as_ref().and_then(|id| {
        state
            .previews
            .with_value(|previews| previews.get(id).cloned())
    });
    let actions = Actions::of(&message, &capabilities, js_sys::Date::now());
    let (can_recall, can_edit, can_quote) = (actions.recall, actions.edit, actions.quote);
    let copy_text = message.content.text.clone();
    let editing = RwSignal::new(None::<String>);
    let edit_target = message.clone();
    let retry_text = message.content.text.clone().filter(|_| actions.retry);
    let retry_markdown = message.content.kind == Some(ContentKind::Markdown);
    let reply_to = message.clone();
    let retry_quote = message.quote_message_id.clone();
    let recall_target = message.clone();
    view! {
        <li class="bubble" class:outgoing=message.outgoing class:recalled=recalled class:note=message.note data-message=message.id.clone() data-status=format!("{:?}", message.status)>
            <div class="bubble-meta">
                {message.note.then(|| view! { <span class="note-mark">{move || i18n.t("private-note")}</span>" · " })}
                {face}<strong>{who}</strong>" · "<time>{clock_time(message.at_ms)}</time>
                {edited.then(|| view! { " · " <span class="edited">{move || i18n.t("mark-edited")}</span> })}
                {recalled.then(|| view! { " · " <span class="recalled-mark">{move || i18n.t("mark-recalled")}</span> })}
                " "{(!message.note).then(|| status_view(i18n, &message.status))}
            </div>
            {quoted.map(|text| view! { <blockquote class="quote">{text}</blockquote> })}
            {if recalled {
                let content = content.clone();
                view! {
                    <button class="link-button" on:click=move |_| show_original.update(|open| *open = !*open)>
                        {move || if show_original.get() { i18n.t("hide-original") } else { i18n.t("show-original") }}
                    </button>
                    {move || show_original.get().then(|| content_view(platform, content.clone(), None))}
                }
                .into_any()
            } else {
                content_view(platform, content.clone(), local_preview.clone())
            }}
            {move || editing.get().map(|draft| {
                let target = edit_target.clone();
                let save = move || {
                    let text = editing.get_untracked().unwrap_or_default();
                    if let Some(key) = state.selected.get_untracked()
                        && !text.trim().is_empty()
                    {
                        state.edit(key, target.clone(), text);
                    }
                    editing.set(None);
                };
                let save_on_key = save.clone();
                view! {
                    <div class="edit-box">
                        <textarea
                            aria-label=move || i18n.t("edit-message-label")
                            prop:value=draft
                            on:input=move |event| editing.set(Some(event_target_value(&event)))
                            on:keydown=move |event: leptos::ev::KeyboardEvent| {
                                if event.key() == "Escape" {
                                    editing.set(None);
                                } else if event.key() == "Enter" && !event.shift_key() {
                                    event.prevent_default();
                                    save_on_key();
                                }
                            }
                        ></textarea>
                        <button class="link-button" on:click=move |_| save()>{move || i18n.t("save")}</button>
                        <button class="link-button" on:click=move |_| editing.set(None)>{move || i18n.t("cancel")}</button>
                    </div>
                }
            })}
            {original.filter(|_| edited).map(|original| view! {
                <details class="before-edit"><summary>{move || i18n.t("before-edit")}</summary>{content_view(platform, original, None)}</details>
            })}
            <div class="bubble-actions">
                {can_quote.then(|| {
                    let message = reply_to.clone();
                    view! {
                        <button class="link-button" on:click=move |_| {
                            if let Some(key) = state.selected.get_untracked() {
                                state.replying.set(Some(Reply {
                                    key,
                                    message_id: message.id.clone(),
                                    preview: preview_text(i18n, &message),
                                }));
                                focus_composer();
                            }
                        }>{move || i18n.t("action-reply")}</button>
                    }
                })}
                {can_recall.then(|| {
                    let message = recall_target.clone();
                    view! {
                        <button class="link-button" on:click=move |_| {
                            if let Some(key) = state.selected.get_untracked() {
                                state.recall(key, message.clone());
                            }
                        }>{move || i18n.t("action-recall")}</button>
                    }
                })}
                {can_edit.then(|| {
                    let current = message.content.text.clone().unwrap_or_default();
                    view! {
                        <button class="link-button" on:click=move |_| editing.set(Some(current.clone()))>{move || i18n.t("action-edit")}</button>
                    }
                })}
                {retry_text.map(|text| view! {
                    <button class="link-button" on:click=move |_| {
                        if let Some(key) = state.selected.get_untracked() {
                            // A failed Markdown message is retried as Markdown.
                            state.send_text(key, text.clone(), retry_markdown, retry_quote.clone());
                        }
                    }>{move || i18n.t("action-retry")}</button>
                })}
                {copy_text.map(|text| view! {
                    <button class="link-button" on:click=move |_| copy(&text)>{move || i18n.t("action-copy")}</button>
                })}
                <a class="inspect-link" href=format!("/inspect#log={seq}") title=move || i18n.t("inspect-title")>{move || i18n.t("action-inspect")}</a>
            </div>
        </li>
    }
    .into_any()
}

/// Puts the caret in the reply box (after "reply" the agent types the answer, after Alt+P the
/// note).
pub fn focus_composer() {
    if let Some(textarea) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.query_selector(".composer-text").ok().flatten())
        .and_then(|element| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element).ok())
    {
        let _ = textarea.focus();
    }
}

fn copy(text: &str) {
    // The bubble shows no outcome: the write is started and left to finish.
    drop(crate::components::clipboard::write_text(text));
}

/// The optimistic bubble: "sending…" until the log shows the request, or why it never left.
#[component]
pub fn DraftBubble(draft: Draft) -> impl IntoView {
    let state = expect_context::<DeskState>();
    let i18n = use_i18n();
    let error = draft.error.clone();
    let retry = draft.clone();
    // An upload's draft has a progress bar; Retry resends text only (the file must be chosen
    // again: the browser's handle to it is not kept).
    let is_attachment = draft.progress.is_some();
    let progress = draft.progress.filter(|_| draft.error.is_none());
    view! {
        <li class="bubble outgoing draft" data-client-id=draft.client_id.clone()>
            <div class="bubble-meta">
                <strong>{move || i18n.t("sender-you")}</strong>" · "<time>{clock_time(draft.at_ms as i64)}</time>" "
                {match error.clone() {
                    None => view! { <span class="status sending">{move || i18n.t("status-sending")}</span> }.into_any(),
                    Some(reason) => view! { <span class="status failed">{move || i18n.f("status-failed", &[("reason", (&reason).into())])}</span> }.into_any(),
                }}
            </div>
            {match draft.image_preview.clone() {
                Some(preview) => view! { <img class="bubble-image" src=preview alt=draft.text.clone()/> }.into_any(),
                None => view! { <div class="bubble-text">{draft.text.clone()}</div> }.into_any(),
            }}
            {progress.map(|fraction| view! {
                <progress class="upload-progress" max="1" value=fraction aria-label=move || i18n.t("upload-progress")>{format!("{:.0}%", fraction * 100.0)}</progress>
            })}
            {error.filter(|_| !is_attachment).map(|_| view! {
                <div class="bubble-actions">
                    <button class="link-button" on:click=move |_| state.retry(retry.clone())>{move || i18n.t("action-retry")}</button>
                </div>
            })}
        </li>
    }
}
