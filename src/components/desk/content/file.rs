//! A video, a voice message or a file: its name, size and length, and a download link.

use leptos::prelude::*;
use switchboard_payload::Platform;
use switchboard_payload::event::{Content, ContentKind};

use super::media::media_src;
use crate::i18n::use_i18n;

pub fn view(platform: Platform, content: Content, kind: ContentKind) -> AnyView {
    let i18n = use_i18n();
    let label = match kind {
        ContentKind::Video => "content-video",
        ContentKind::Audio => "content-audio",
        _ => "content-file",
    };
    let name = content
        .name
        .clone()
        .or(content.key.clone())
        .unwrap_or_else(|| label.to_lowercase());
    let size = content.size.map(size_text);
    let duration = content.duration_ms.map(|ms| format!("{}s", ms / 1000));
    let href = content
        .url
        .as_deref()
        .map(|url| media_src(platform, url))
        .filter(|src| !src.is_empty());
    view! {
    <div class="bubble-file">
        <span class="content-kind">{move || i18n.t(label)}</span>" "<strong>{name.clone()}</strong>
        {size.map(|size| view! { " · " {size} })}
        {duration.map(|duration| view! { " · " {duration} })}
        {href.map(|href| view! { " · " <a href=href download=name>{move || i18n.t("download")}</a> })}
    </div>
    }
    .into_any()
}

fn size_text(bytes: i64) -> String {
    match bytes {
        size if size >= 1 << 20 => format!("{:.1} MB", size as f64 / (1 << 20) as f64),
        size if size >= 1 << 10 => format!("{:.1} KB", size as f64 / (1 << 10) as f64),
        size => format!("{size} B"),
    }
}
