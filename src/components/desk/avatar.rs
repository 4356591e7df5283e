//! A person's or a group's picture: loaded through the server's media route, lazily, and cached
//! by the browser; the initial of the name when there is none or it fails to load.

use leptos::prelude::*;
use switchboard_payload::Platform;

use super::content::media::media_src;

/// The first letter of `name`, upper-cased.
fn initial(name: &str) -> String {
    name.chars()
        .next()
        .map(|letter| letter.to_uppercase().to_string())
        .unwrap_or_default()
}

#[component]
pub fn Avatar(platform: Platform, name: String, url: Option<String>) -> impl IntoView {
    let failed = RwSignal::new(false);
    let src = url
        .map(|url| media_src(platform, &url))
        .filter(|src| !src.is_empty());
    let letter = initial(&name);
    view! {
        <span class="avatar" aria-hidden="true">
            {move || match (&src, failed.get()) {
                (Some(src), false) => view! {
                    <img
                        class="avatar-picture"
                        src=src.clone()
                        alt=""
                        loading="lazy"
                        decoding="async"
                        on:error=move |_| failed.set(true)
                    />
                }
                .into_any(),
                _ => letter.clone().into_any(),
            }}
        </span>
    }
}
