//! A shared contact card: who it names.

use leptos::prelude::*;

use crate::i18n::use_i18n;
use switchboard_payload::event::Content;

pub fn view(content: Content) -> AnyView {
    let who = content.name.or(content.text).unwrap_or_default();
    let i18n = use_i18n();
    view! { <div class="bubble-contact"><span class="content-kind">{move || i18n.t("content-contact")}</span>" "{who}</div> }
        .into_any()
}
