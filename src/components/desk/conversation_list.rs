//! Middle column: the conversations, most recent first, filtered by platform, search text, the
//! tab (Mine / Unassigned / All) and the status, virtualized (only the rows in view are in the
//! DOM, so 10k conversations stay smooth). Each row says who it is assigned to.

use leptos::prelude::*;
use switchboard_desk::{ConversationKey, Inbox, Status};
use switchboard_payload::Platform;

use super::avatar::Avatar;
use super::bubble::preview_text;
use super::state::DeskState;
use crate::i18n::{I18n, platform_name, relative_time, use_i18n};

const ROW_HEIGHT: f64 = 64.0;
const OVERSCAN: usize = 6;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Summary {
    key: ConversationKey,
    title: String,
    avatar_url: Option<String>,
    preview: String,
    at_ms: i64,
    unread: usize,
    unread_mentions: usize,
    in_inbox: bool,
    assignee: Option<String>,
}

fn tab_name(i18n: I18n, tab: Inbox) -> String {
    i18n.t(match tab {
        Inbox::Mine => "tab-mine",
        Inbox::Unassigned => "tab-unassigned",
        Inbox::All => "tab-all",
    })
}

pub fn status_name(i18n: I18n, status: Status) -> String {
    i18n.t(match status {
        Status::Open => "status-open",
        Status::Pending => "status-pending",
        Status::Snoozed => "status-snoozed",
        Status::Resolved => "status-resolved",
    })
}

/// A row's element id (for `aria-activedescendant`): the key, with what an id cannot hold
/// spelled out.
fn row_id(key: &ConversationKey) -> String {
    let id: String = key
        .id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!(
        "conversation-{}-{id}-{:x}",
        key.platform.id(),
        fnv1a(&key.id)
    )
}

/// A short hash, so ids that differ only in the characters replaced stay apart.
fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

#[component]
pub fn ConversationList(search_input: NodeRef<leptos::html::Input>) -> impl IntoView {
    let state = expect_context::<DeskState>();
    let i18n = use_i18n();
    // The order is all the list needs of every conversation; rows are summarised only while
    // in view.
    let order = Memo::new(move |_| state.listed_keys());
    let container = NodeRef::<leptos::html::Div>::new();
    let scroll_top = RwSignal::new(0.0);
    let viewport = RwSignal::new(800.0);
    let first =
        Memo::new(move |_| ((scroll_top.get() / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN));
    let window = move || {
        let first = first.get();
        let count = (viewport.get() / ROW_HEIGHT) as usize + 2 * OVERSCAN;
        order.with(|all| {
            let end = (first + count).min(all.len());
            let in_view = all.get(first.min(end)..end).unwrap_or_default();
            state.with_desk(|desk| {
                in_view
                    .iter()
                    .filter_map(|key| desk.conversation(key))
                    .map(|conversation| Summary {
                        key: conversation.key.clone(),
                        title: conversation.title.clone(),
                        avatar_url: conversation.avatar_url.clone(),
                        preview: conversation
                            .last_message()
                            .map(|message| preview_text(i18n, message))
                            .unwrap_or_default(),
                        at_ms: conversation.last_activity_ms,
                        unread: conversation.unread,
                        unread_mentions: conversation.unread_mentions,
                        in_inbox: conversation.in_channels_inbox(),
                        assignee: conversation.work.assignee().map(str::to_owned),
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    // Keep the selected conversation in view when Alt+J/K moves it.
    Effect::new(move |_| {
        let Some(selected) = state.selected.get() else {
            return;
        };
        let Some(index) = order.with_untracked(|all| all.iter().position(|key| *key == selected))
        else {
            return;
        };
        if let Some(element) = container.get_untracked() {
            let top = index as f64 * ROW_HEIGHT;
            let height = element.client_height() as f64;
            let scrolled = element.scroll_top() as f64;
            if top < scrolled {
                element.set_scroll_top(top as i32);
            } else if top + ROW_HEIGHT > scrolled + height {
                element.set_scroll_top((top + ROW_HEIGHT - height) as i32);
            }
        }
    });
    let total = move || format!("{}px", order.with(Vec::len) as f64 * ROW_HEIGHT);
    let offset = move || format!("translateY({}px)", first.get() as f64 * ROW_HEIGHT);
    view! {
        <section class="conversation-column" aria-label=move || i18n.t("conversations-label")>
            <input
                class="conversation-search"
                type="search"
                placeholder=move || i18n.t("search-placeholder")
                aria-label=move || i18n.t("search-label")
                node_ref=search_input
                prop:value=move || state.search.get()
                on:input=move |event| state.search.set(event_target_value(&event))
            />
            <div class="inbox-tabs">
                <div role="group" aria-label=move || i18n.t("tabs-label") class="inbox-tab-group">
                    {Inbox::ALL.into_iter().map(|tab| view! {
                        <button
                            type="button"
                            class="inbox-tab"
                            aria-pressed=move || (state.inbox.get() == tab).to_string()
                            on:click=move |_| state.inbox.set(tab)
                        >{move || tab_name(i18n, tab)}</button>
                    }).collect_view()}
                </div>
                <select
                    class="status-filter"
                    aria-label=move || i18n.t("status-label")
                    on:change=move |event| state.status_filter.set(Status::parse(&event_target_value(&event)))
                >
                    {Status::ALL.into_iter().map(|status| view! {
                        <option value=status.as_str() selected=move || state.status_filter.get() == Some(status)>
                            {move || status_name(i18n, status)}
                        </option>
                    }).collect_view()}
                    <option value="all" selected=move || state.status_filter.get().is_none()>{move || i18n.t("status-all")}</option>
                </select>
            </div>
            <div
                class="conversation-list"
                role="listbox"
                aria-label=move || i18n.t("conversation-list-label")
                // Focusable, so the keyboard scrolls it; the arrows move the selection.
                tabindex="0"
                aria-activedescendant=move || state.selected.get().map(|key| row_id(&key))
                on:keydown=move |event: leptos::ev::KeyboardEvent| {
                    let step = match event.key().as_str() {
                        "ArrowDown" if !event.alt_key() => 1,
                        "ArrowUp" if !event.alt_key() => -1,
                        _ => return,
                    };
                    event.prevent_default();
                    state.move_selection(step);
                }
                node_ref=container
                on:scroll=move |_| {
                    if let Some(element) = container.get() {
                        scroll_top.set(element.scroll_top() as f64);
                        viewport.set(element.client_height() as f64);
                    }
                }
            >
                {move || (order.with(Vec::len) == 0).then(|| view! {
                    <p class="muted empty-list">{move || i18n.t("no-conversations")}</p>
                })}
                <div class="conversation-spacer" style:height=total>
                    <div class="conversation-window" style:transform=offset>
                        // Keyed by everything a row shows: a change redraws that row alone.
                        <For
                            each=window
                            key=|summary: &Summary| summary.clone()
                            children=|summary| view! { <ConversationRow summary/> }
                        />
                    </div>
                </div>
            </div>
        </section>
    }
}

#[component]
fn ConversationRow(summary: Summary) -> impl IntoView {
    let state = expect_context::<DeskState>();
    let i18n = use_i18n();
    let key = summary.key.clone();
    let selected = Memo::new({
        let key = key.clone();
        move |_| state.selected.get().as_ref() == Some(&key)
    });
    let platform: Platform = summary.key.platform;
    let at_ms = summary.at_ms;
    let when = move || relative_time(i18n, at_ms);
    view! {
        <div
            class="conversation-row"
            id=row_id(&summary.key)
            role="option"
            aria-selected=move || selected.get().to_string()
            class:selected=selected
            data-platform=platform.id()
            data-conversation=summary.key.id.clone()
            data-kind=summary.in_inbox.then_some("channels_inbox")
            on:click=move |_| state.select(key.clone())
        >
            <Avatar platform name=summary.title.clone() url=summary.avatar_url.clone()/>
            <span class="conversation-text">
                <span class="conversation-title">{summary.title.clone()}</span>
                <span class="conversation-preview">{summary.preview.clone()}</span>
            </span>
            <span class="conversation-meta">
                <time>{when}</time>
                <span class="platform-badge">{move || platform_name(i18n, platform)}</span>
                {summary.in_inbox.then(|| view! { <span class="kind-badge" data-kind="channels_inbox">{move || i18n.t("channels-badge")}</span> })}
                {(summary.unread_mentions > 0).then(|| view! { <span class="mention-badge" title=move || i18n.t("mention-badge") aria-label=move || i18n.t("mention-badge")>"@"</span> })}
                {(summary.unread > 0).then(|| view! { <span class="unread-badge" aria-label=move || i18n.t("unread")>{summary.unread}</span> })}
                {summary.assignee.clone().map(|agent| view! { <span class="assignee" title=move || i18n.t("assigned-to")>{format!("→ {agent}")}</span> })}
            </span>
        </div>
    }
}
