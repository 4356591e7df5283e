//! A location: the place's name and its coordinates.

use leptos::prelude::*;

use crate::i18n::use_i18n;
use switchboard_payload::event::Content;

pub fn view(content: Content) -> AnyView {
    let place = content
        .title
        .or(content.name)
        .or(content.text)
        .unwrap_or_default();
    let coordinates = match (content.lat, content.lon) {
        (Some(lat), Some(lon)) => format!("{lat:.5}, {lon:.5}"),
        _ => String::new(),
    };
    let i18n = use_i18n();
    view! { <div class="bubble-location"><span class="content-kind">{move || i18n.t("content-location")}</span>" "{place}" "<span class="muted">{coordinates}</span></div> }.into_any()
}
