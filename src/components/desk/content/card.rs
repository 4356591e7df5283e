//! A link card or post: title, description, and the link (http and https only).

use leptos::prelude::*;
use switchboard_payload::event::Content;

pub fn view(content: Content) -> AnyView {
    let title = content.title.unwrap_or_default();
    let description = content.description.or(content.text).unwrap_or_default();
    let link = content
        .url
        .filter(|url| url.starts_with("http://") || url.starts_with("https://"));
    view! {
        <div class="bubble-card">
            <strong>{title}</strong>
            <p>{description}</p>
            {link.map(|url| { let shown = url.clone(); view! { <a href=url rel="noopener noreferrer" target="_blank">{shown}</a> } })}
        </div>
    }
    .into_any()
}
