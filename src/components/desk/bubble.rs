//! One message as the agent sees it: a bubble per content kind, system lines for the rest,
//! with its status (sending → sent / failed), "recalled" (original on demand), "edited",
//! the quoted message, and "inspect" (the raw payload in the inspector).

use leptos::prelude::*;
use switchboard_desk::{Actions, Message, MessageStatus};
use switchboard_payload::Platform;
use switchboard_payload::event::{Content, ContentKind, EventType};

use super::bounds;
use super::state::{DeskState, Draft, Reply};
use super::time::clock_time;

/// Bytes of a message a conversation row shows.
const PREVIEW_BYTES: usize = 512;

/// One line for the conversation list.
pub fn preview_text(message: &Message) -> String {
    if message.recalled_at_ms.is_some() {
        return "(recalled)".into();
    }
    let content = &message.content;
    let text = content
        .text
        .clone()
        .or_else(|| content.title.clone())
        .or_else(|| content.name.clone());
    let label = match content.kind.unwrap_or(ContentKind::Unknown) {
        ContentKind::Text | ContentKind::Markdown | ContentKind::Html | ContentKind::System => None,
        ContentKind::Image => Some("[image]"),
        ContentKind::Video => Some("[video]"),
        ContentKind::Audio => Some("[audio]"),
        ContentKind::File => Some("[file]"),
        ContentKind::Location => Some("[location]"),
        ContentKind::Contact => Some("[contact]"),
        ContentKind::Card | ContentKind::Post => Some("[card]"),
        ContentKind::Sticker => Some("[sticker]"),
        ContentKind::Buttons | ContentKind::Form => Some("[buttons]"),
        ContentKind::Unknown => Some("[message]"),
    };
    let prefix = if message.outgoing { "You: " } else { "" };
    // One line: the start of a long message is enough (the row cuts it with an ellipsis).
    let text = text.map(|text| bounds::prefix_bytes(&text, PREVIEW_BYTES).0.to_owned());
    match (label, text) {
        (Some(label), Some(text)) => format!("{prefix}{label} {text}"),
        (Some(label), None) => format!("{prefix}{label}"),
        (None, text) => format!("{prefix}{}", text.unwrap_or_default()),
    }
}

/// Media go through the server's media route (Yunhu's hosts insist on a Referer).
pub fn media_src(platform: Platform, url: &str) -> String {
    // Files our own server hosts (E云's uploads) load directly.
    let origin = web_sys::window().and_then(|window| window.location().origin().ok());
    if let Some(path) = origin
        .as_deref()
        .and_then(|origin| url.strip_prefix(origin))
        .filter(|path| path.starts_with("/files/"))
    {
        return path.to_owned();
    }
    if url.starts_with("http://") || url.starts_with("https://") {
        let encoded: String = js_sys::encode_uri_component(url).into();
        format!("/api/media/{}?url={encoded}", platform.id())
    } else {
        String::new()
    }
}

fn size_text(bytes: i64) -> String {
    match bytes {
        size if size >= 1 << 20 => format!("{:.1} MB", size as f64 / (1 << 20) as f64),
        size if size >= 1 << 10 => format!("{:.1} KB", size as f64 / (1 << 10) as f64),
        size => format!("{size} B"),
    }
}

/// The message's content, bounded ([`super::bounds`]): a bubble that holds part of a long or
/// deeply nested message back says so.
fn content_view(platform: Platform, content: Content, local_preview: Option<String>) -> AnyView {
    let full = content.text.clone().unwrap_or_default();
    let (body, held_back) = match content.kind.unwrap_or(ContentKind::Unknown) {
        ContentKind::Markdown => super::markdown::render(&full),
        // HTML runs in a sandboxed frame: no scripts, no same-origin access, and the page's own
        // CSP (which the frame inherits) blocks scripts, inline styles and outside fetches too.
        ContentKind::Html => {
            let (html, cut) = bounds::prefix_bytes(&full, bounds::HTML_BYTES);
            let (html, stacked) = bounds::cap_combining(html);
            let cut = cut || stacked;
            let html = html.into_owned();
            (
                view! {
                    <iframe class="bubble-html" sandbox="" referrerpolicy="no-referrer" title="HTML message" srcdoc=html></iframe>
                }
                .into_any(),
                cut,
            )
        }
        _ => {
            let (text, cut) = bounds::shown_text(&full);
            (
                plain_content_view(platform, content, text.into_owned(), local_preview),
                cut,
            )
        }
    };
    if held_back {
        view! {
            <div class="bubble-bounded">
                {body}
                <p class="held-back muted" role="note">"Only part of this message is shown here; “inspect” shows all of it."</p>
            </div>
        }
        .into_any()
    } else {
        body
    }
}

/// Every kind but Markdown and HTML, with its text already bounded.
fn plain_content_view(
    platform: Platform,
    content: Content,
    text: String,
    local_preview: Option<String>,
) -> AnyView {
    match content.kind.unwrap_or(ContentKind::Unknown) {
        ContentKind::Text | ContentKind::System | ContentKind::Markdown | ContentKind::Html => {
            view! { <div class="bubble-text">{text}</div> }.into_any()
        }
        ContentKind::Image => {
            let src = content
                .url
                .as_deref()
                .map(|url| media_src(platform, url))
                .filter(|src| !src.is_empty())
                .or(local_preview)
                .unwrap_or_default();
            let alt = content.name.clone().or(content.key.clone()).unwrap_or_else(|| "image".into());
            if src.is_empty() {
                view! { <div class="bubble-media muted">"[image] "{alt}</div> }.into_any()
            } else {
                let enlarged = RwSignal::new(false);
                view! {
                    <button class="image-button" on:click=move |_| enlarged.update(|open| *open = !*open) aria-label="Enlarge image">
                        <img class="bubble-image" class:enlarged=enlarged src=src alt=alt loading="lazy"/>
                    </button>
                }
                .into_any()
            }
        }
        kind @ (ContentKind::Video | ContentKind::Audio | ContentKind::File) => {
            let label = match kind {
                ContentKind::Video => "Video",
                ContentKind::Audio => "Audio",
                _ => "File",
            };
            let name = content.name.clone().or(content.key.clone()).unwrap_or_else(|| label.to_lowercase());
            let size = content.size.map(size_text);
            let duration = content.duration_ms.map(|ms| format!("{}s", ms / 1000));
            let href = content.url.as_deref().map(|url| media_src(platform, url)).filter(|src| !src.is_empty());
            view! {
                <div class="bubble-file">
                    <span class="content-kind">{label}</span>" "<strong>{name.clone()}</strong>
                    {size.map(|size| view! { " · " {size} })}
                    {duration.map(|duration| view! { " · " {duration} })}
                    {href.map(|href| view! { " · " <a href=href download=name>"download"</a> })}
                </div>
            }
            .into_any()
        }
        ContentKind::Location => {
            let place = content.title.clone().or(content.name.clone()).or(content.text.clone()).unwrap_or_default();
            let coordinates = match (content.lat, content.lon) {
                (Some(lat), Some(lon)) => format!("{lat:.5}, {lon:.5}"),
                _ => String::new(),
            };
            view! { <div class="bubble-location"><span class="content-kind">"Location"</span>" "{place}" "<span class="muted">{coordinates}</span></div> }.into_any()
        }
        ContentKind::Contact => {
            let who = content.name.clone().or(content.text.clone()).unwrap_or_default();
            view! { <div class="bubble-contact"><span class="content-kind">"Contact"</span>" "{who}</div> }.into_any()
        }
        ContentKind::Card | ContentKind::Post => {
            let title = content.title.clone().unwrap_or_default();
            let description = content.description.clone().or(content.text.clone()).unwrap_or_default();
            let link = content.url.clone().filter(|url| url.starts_with("http://") || url.starts_with("https://"));
            view! {
                <div class="bubble-card">
                    <strong>{title}</strong>
                    <p>{description}</p>
                    {link.map(|url| { let shown = url.clone(); view! { <a href=url rel="noopener noreferrer" target="_blank">{shown}</a> } })}
                </div>
            }
            .into_any()
        }
        ContentKind::Sticker => {
            let name = content.name.clone().or(content.text.clone()).or(content.key.clone()).unwrap_or_default();
            view! { <div class="bubble-sticker"><span class="content-kind">"Sticker"</span>" "{name}</div> }.into_any()
        }
        ContentKind::Buttons | ContentKind::Form => {
            let labels: Vec<String> = content
                .buttons
                .as_deref()
                .and_then(|json| serde_json::from_str::<serde_json::Value>(json).ok())
                .map(|value| button_labels(&value))
                .unwrap_or_default();
            view! {
                <div class="bubble-buttons">
                    {(!text.is_empty()).then(|| view! { <div class="bubble-text">{text.clone()}</div> })}
                    <div class="button-row">
                        {labels.into_iter().map(|label| view! { <button disabled=true>{label}</button> }).collect_view()}
                    </div>
                </div>
            }
            .into_any()
        }
        ContentKind::Unknown => view! { <div class="bubble-text muted">{if text.is_empty() { "[unsupported message]".to_owned() } else { text }}</div> }.into_any(),
    }
}

/// Button labels from any of the platforms' button JSON (arrays of `{label|text}`, nested rows).
fn button_labels(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::Array(items) => items.iter().flat_map(button_labels).collect(),
        serde_json::Value::Object(object) => object
            .get("label")
            .or_else(|| object.get("text"))
            .and_then(|label| label.as_str())
            .map(|label| vec![label.to_owned()])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn status_view(status: &MessageStatus) -> AnyView {
    match status {
        MessageStatus::Received => ().into_any(),
        MessageStatus::Sending => view! { <span class="status sending">"sending…"</span> }.into_any(),
        MessageStatus::Sent => view! { <span class="status sent">"sent"</span> }.into_any(),
        MessageStatus::Failed(reason) => view! { <span class="status failed" title=reason.clone()>{format!("failed — {reason}")}</span> }.into_any(),
        MessageStatus::Logged => view! { <span class="status logged">"logged"</span> }.into_any(),
    }
}

#[component]
pub fn Bubble(
    message: Message,
    platform: Platform,
    #[prop(optional_no_strip)] quoted: Option<String>,
) -> impl IntoView {
    if message.kind != EventType::Message {
        let text = message.content.text.clone().unwrap_or_default();
        let who = message
            .sender_name
            .clone()
            .or(message.sender_id.clone())
            .unwrap_or_default();
        let kind = serde_json::to_value(message.kind)
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
            .unwrap_or_default();
        return view! {
            <li class="system-line" data-type=kind.clone()>
                <span class="line-kind">{kind.clone()}</span>" "{who}" "{text}" "<time>{clock_time(message.at_ms)}</time>
            </li>
        }
        .into_any();
    }
    let show_original = RwSignal::new(false);
    let recalled = message.recalled_at_ms.is_some();
    let edited = message.edited_at_ms.is_some();
    let who = if message.outgoing {
        "You".to_owned()
    } else {
        message
            .sender_name
            .clone()
            .or(message.sender_id.clone())
            .unwrap_or_default()
    };
    let content = message.content.clone();
    let original = message.original.clone();
    let seq = message.seq;
    let state = expect_context::<DeskState>();
    let capabilities = state.capabilities_untracked(platform);
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
        <li class="bubble" class:outgoing=message.outgoing class:recalled=recalled data-message=message.id.clone() data-status=format!("{:?}", message.status)>
            <div class="bubble-meta">
                <strong>{who}</strong>" · "<time>{clock_time(message.at_ms)}</time>
                {edited.then(|| view! { " · " <span class="edited">"edited"</span> })}
                {recalled.then(|| view! { " · " <span class="recalled-mark">"recalled"</span> })}
                " "{status_view(&message.status)}
            </div>
            {quoted.map(|text| view! { <blockquote class="quote">{text}</blockquote> })}
            {if recalled {
                let content = content.clone();
                view! {
                    <button class="link-button" on:click=move |_| show_original.update(|open| *open = !*open)>
                        {move || if show_original.get() { "hide original" } else { "show original" }}
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
                            aria-label="Edit message"
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
                        <button class="link-button" on:click=move |_| save()>"save"</button>
                        <button class="link-button" on:click=move |_| editing.set(None)>"cancel"</button>
                    </div>
                }
            })}
            {original.filter(|_| edited).map(|original| view! {
                <details class="before-edit"><summary>"before the edit"</summary>{content_view(platform, original, None)}</details>
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
                                    preview: preview_text(&message),
                                }));
                                focus_composer();
                            }
                        }>"reply"</button>
                    }
                })}
                {can_recall.then(|| {
                    let message = recall_target.clone();
                    view! {
                        <button class="link-button" on:click=move |_| {
                            if let Some(key) = state.selected.get_untracked() {
                                state.recall(key, message.clone());
                            }
                        }>"recall"</button>
                    }
                })}
                {can_edit.then(|| {
                    let current = message.content.text.clone().unwrap_or_default();
                    view! {
                        <button class="link-button" on:click=move |_| editing.set(Some(current.clone()))>"edit"</button>
                    }
                })}
                {retry_text.map(|text| view! {
                    <button class="link-button" on:click=move |_| {
                        if let Some(key) = state.selected.get_untracked() {
                            // A failed Markdown message is retried as Markdown.
                            state.send_text(key, text.clone(), retry_markdown, retry_quote.clone());
                        }
                    }>"retry"</button>
                })}
                {copy_text.map(|text| view! {
                    <button class="link-button" on:click=move |_| copy(&text)>"copy"</button>
                })}
                <a class="inspect-link" href=format!("/inspect#log={seq}") title="Open the raw payload in the inspector">"inspect"</a>
            </div>
        </li>
    }
    .into_any()
}

/// Puts the caret in the reply box (after "reply" the agent types the answer).
fn focus_composer() {
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
    let error = draft.error.clone();
    let retry = draft.clone();
    // An upload's draft has a progress bar; Retry resends text only (the file must be chosen
    // again: the browser's handle to it is not kept).
    let is_attachment = draft.progress.is_some();
    let progress = draft.progress.filter(|_| draft.error.is_none());
    view! {
        <li class="bubble outgoing draft" data-client-id=draft.client_id.clone()>
            <div class="bubble-meta">
                <strong>"You"</strong>" · "<time>{clock_time(draft.at_ms as i64)}</time>" "
                {match error.clone() {
                    None => view! { <span class="status sending">"sending…"</span> }.into_any(),
                    Some(reason) => view! { <span class="status failed">{format!("failed — {reason}")}</span> }.into_any(),
                }}
            </div>
            {match draft.image_preview.clone() {
                Some(preview) => view! { <img class="bubble-image" src=preview alt=draft.text.clone()/> }.into_any(),
                None => view! { <div class="bubble-text">{draft.text.clone()}</div> }.into_any(),
            }}
            {progress.map(|fraction| view! {
                <progress class="upload-progress" max="1" value=fraction aria-label="Upload progress">{format!("{:.0}%", fraction * 100.0)}</progress>
            })}
            {error.filter(|_| !is_attachment).map(|_| view! {
                <div class="bubble-actions">
                    <button class="link-button" on:click=move |_| state.retry(retry.clone())>"retry"</button>
                </div>
            })}
        </li>
    }
}
