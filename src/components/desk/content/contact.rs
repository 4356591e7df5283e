//! A shared contact card: who it names.

use leptos::prelude::*;
use switchboard_payload::event::Content;

pub fn view(content: Content) -> AnyView {
    let who = content.name.or(content.text).unwrap_or_default();
    view! { <div class="bubble-contact"><span class="content-kind">"Contact"</span>" "{who}</div> }
        .into_any()
}
