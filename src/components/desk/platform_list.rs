//! Left column: "All" and each configured platform, with unread counts; under a platform with a
//! Channels inbox (a public profile's private messages), that inbox.

use leptos::prelude::*;
use switchboard_payload::Platform;

use super::state::DeskState;
use crate::i18n::{platform_name, use_i18n};

#[component]
pub fn PlatformList() -> impl IntoView {
    let state = expect_context::<DeskState>();
    let i18n = use_i18n();
    let counts = Memo::new(move |_| state.with_desk(|desk| desk.unread_by_platform()));
    let platforms = move || {
        state
            .config
            .get()
            .map(|config| {
                config
                    .platforms
                    .iter()
                    .map(|platform| platform.id)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let inbox_entry = move |platform: Platform| {
        let unread =
            Memo::new(move |_| state.with_desk(|desk| desk.unread_in_channels_inbox(platform)));
        view! {
            <li class="inbox-item">
                <button
                    class="platform-entry inbox-entry"
                    data-platform=platform.id()
                    data-inbox="channels"
                    aria-pressed=move || (state.platform_filter.get() == Some(platform) && state.inbox_filter.get()).to_string()
                    on:click=move |_| {
                        state.platform_filter.set(Some(platform));
                        state.inbox_filter.set(true);
                    }
                >
                    <span>{move || i18n.t("channels-inbox")}</span>
                    {move || (unread.get() > 0).then(|| view! { <span class="unread-badge" aria-label=move || i18n.t("unread")>{unread.get()}</span> })}
                </button>
            </li>
        }
    };
    let entry = move |platform: Option<Platform>| {
        let label = move || {
            platform.map_or_else(
                || i18n.t("platform-all"),
                |platform| platform_name(i18n, platform),
            )
        };
        let unread = move || {
            counts.with(|counts| match platform {
                Some(platform) => counts.get(&platform).copied().unwrap_or(0),
                None => counts.values().sum(),
            })
        };
        let id = platform.map_or("all", Platform::id);
        // Platforms that must be polled get a "pull now" beside them.
        let pull = platform
            .filter(|platform| state.pulled_platforms().contains(platform))
            .map(|platform| {
                let busy = move || state.pulling.with(|pulling| pulling.contains(&platform));
                view! {
                    <button
                        class="link-button pull-now"
                        title=move || i18n.f("pull-now-title", &[("platform", platform_name(i18n, platform).into())])
                        aria-label=move || i18n.f("pull-now-label", &[("platform", platform_name(i18n, platform).into())])
                        disabled=busy
                        on:click=move |_| state.pull(platform)
                    >
                        {move || if busy() { i18n.t("pulling") } else { i18n.t("pull") }}
                    </button>
                }
            });
        view! {
            <li>
                <button
                    class="platform-entry"
                    data-platform=id
                    aria-pressed=move || (state.platform_filter.get() == platform && !state.inbox_filter.get()).to_string()
                    on:click=move |_| {
                        state.platform_filter.set(platform);
                        state.inbox_filter.set(false);
                    }
                >
                    <span>{label}</span>
                    {move || (unread() > 0).then(|| view! { <span class="unread-badge" aria-label=move || i18n.t("unread")>{unread()}</span> })}
                </button>
                {pull}
            </li>
            {platform.filter(|platform| state.capabilities(*platform).channels_inbox.is_some()).map(inbox_entry)}
        }
    };
    view! {
        <nav class="platform-list" aria-label=move || i18n.t("platforms-label")>
            <ul>
                {entry(None)}
                {move || platforms().into_iter().map(|platform| entry(Some(platform))).collect_view()}
            </ul>
        </nav>
    }
}
