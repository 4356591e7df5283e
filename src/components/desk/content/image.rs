//! An image: shown through the media route (or this tab's own preview of an upload), enlarged
//! on click; its name where there is no picture.

use leptos::prelude::*;
use switchboard_payload::Platform;
use switchboard_payload::event::Content;

use super::media::media_src;
use crate::i18n::use_i18n;

pub fn view(platform: Platform, content: Content, local_preview: Option<String>) -> AnyView {
    let i18n = use_i18n();
    let src = content
        .url
        .as_deref()
        .map(|url| media_src(platform, url))
        .filter(|src| !src.is_empty())
        .or(local_preview)
        .unwrap_or_default();
    let alt = content
        .name
        .clone()
        .or(content.key.clone())
        .unwrap_or_else(|| i18n.t("content-image"));
    if src.is_empty() {
        view! { <div class="bubble-media muted">{move || i18n.t("preview-image")}" "{alt}</div> }
            .into_any()
    } else {
        let enlarged = RwSignal::new(false);
        view! {
            <button class="image-button" on:click=move |_| enlarged.update(|open| *open = !*open) aria-label=move || i18n.t("enlarge-image")>
                <img class="bubble-image" class:enlarged=enlarged src=src alt=alt loading="lazy"/>
            </button>
        }
        .into_any()
    }
}
