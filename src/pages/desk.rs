use leptos::prelude::*;

use crate::components::empty_state::EmptyState;

/// Conversations per platform, live.
#[component]
pub fn Desk() -> impl IntoView {
    view! {
        <EmptyState title="Desk">
            <p>"No conversations yet. Messages from Yunhu, Douyin, WeCom, Mixin and WeChat appear here as they arrive."</p>
        </EmptyState>
    }
}
