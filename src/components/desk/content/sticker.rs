//! A sticker: its name.

use leptos::prelude::*;

use crate::i18n::use_i18n;
use switchboard_payload::event::Content;

pub fn view(content: Content) -> AnyView {
    let name = content
        .name
        .or(content.text)
        .or(content.key)
        .unwrap_or_default();
    let i18n = use_i18n();
    view! { <div class="bubble-sticker"><span class="content-kind">{move || i18n.t("content-sticker")}</span>" "{name}</div> }
        .into_any()
}
