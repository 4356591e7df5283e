//! A sticker: its name.

use leptos::prelude::*;
use switchboard_payload::event::Content;

pub fn view(content: Content) -> AnyView {
    let name = content
        .name
        .or(content.text)
        .or(content.key)
        .unwrap_or_default();
    view! { <div class="bubble-sticker"><span class="content-kind">"Sticker"</span>" "{name}</div> }
        .into_any()
}
