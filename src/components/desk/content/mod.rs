//! A message's content, one view per kind (a file each): text, Markdown and HTML here, the
//! rest in their own files. Everything shown is bounded first ([`super::bounds`]).

mod buttons;
mod card;
mod contact;
mod file;
mod image;
mod location;
pub mod media;
mod sticker;

use leptos::prelude::*;
use switchboard_payload::Platform;
use switchboard_payload::event::{Content, ContentKind};

use super::bounds;
use crate::i18n::use_i18n;

/// The message's content, bounded ([`super::bounds`]): a bubble that holds part of a long or
/// deeply nested message back says so.
pub fn content_view(
    platform: Platform,
    content: Content,
    local_preview: Option<String>,
) -> AnyView {
    let i18n = use_i18n();
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
                    <iframe class="bubble-html" sandbox="" referrerpolicy="no-referrer" title=move || i18n.t("html-message") srcdoc=html></iframe>
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
                <p class="held-back muted" role="note">{move || i18n.t("held-back")}</p>
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
        ContentKind::Image => image::view(platform, content, local_preview),
        kind @ (ContentKind::Video | ContentKind::Audio | ContentKind::File) => {
            file::view(platform, content, kind)
        }
        ContentKind::Location => location::view(content),
        ContentKind::Contact => contact::view(content),
        ContentKind::Card | ContentKind::Post => card::view(content),
        ContentKind::Sticker => sticker::view(content),
        ContentKind::Buttons | ContentKind::Form => buttons::view(content, text),
        ContentKind::Unknown => {
            let i18n = use_i18n();
            view! { <div class="bubble-text muted">{move || if text.is_empty() { i18n.t("content-unsupported") } else { text.clone() }}</div> }.into_any()
        }
    }
}
