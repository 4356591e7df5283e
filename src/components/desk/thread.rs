//! Right column: the open conversation's messages, oldest at the top. A thread of any length
//! keeps at most [`WINDOW`] bubbles in the page: a window over the messages, pinned to the newest
//! until the agent pages back ("show earlier" / "show later"). Only that window is copied out of
//! the desk when it changes, and bubbles are keyed, so a new message anywhere redraws nothing
//! but what changed.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use switchboard_desk::{ConversationKey, Message};
use switchboard_payload::platforms;

use super::avatar::Avatar;
use super::bubble::{Bubble, DraftBubble, preview_text};
use super::composer::Composer;
use super::state::DeskState;
use super::work_bar::WorkBar;
use crate::i18n::{platform_name, use_i18n};

/// Most messages in the page at once (a screenful many times over; opening a thread draws them).
const WINDOW: usize = 120;
/// How far "show earlier" / "show later" move the window.
const STEP: usize = 60;

/// What the thread shows of the open conversation.
#[derive(Clone, PartialEq)]
struct ThreadWindow {
    key: ConversationKey,
    title: String,
    avatar_url: Option<String>,
    member_count: Option<u64>,
    total: usize,
    /// The window: `messages` are `start..start + messages.len()` of the conversation.
    start: usize,
    messages: Vec<Message>,
    /// Previews of the messages the window's messages quote.
    quoted: HashMap<String, String>,
    /// Client ids of the desk's own messages in the whole conversation (their drafts give way).
    client_ids: HashSet<String>,
    has_history: bool,
    earlier_exhausted: bool,
}

impl ThreadWindow {
    fn end(&self) -> usize {
        self.start + self.messages.len()
    }
}

/// What identifies a bubble's looks: when any of it changes, the bubble is drawn again.
type BubbleKey = (String, i64, String, Option<i64>, Option<i64>, bool);

fn bubble_key(message: &Message) -> BubbleKey {
    (
        message.id.clone(),
        message.seq,
        format!("{:?}", message.status),
        message.recalled_at_ms,
        message.edited_at_ms,
        message.acknowledged,
    )
}

#[component]
pub fn Thread() -> impl IntoView {
    let state = expect_context::<DeskState>();
    let i18n = use_i18n();
    // Where the window ends; `None`: at the newest message, following new ones.
    let window_end = RwSignal::new(None::<usize>);
    Effect::new(move |_| {
        state.selected.track();
        window_end.set(None);
    });
    let list = NodeRef::<leptos::html::Ol>::new();
    let window = Memo::new(move |_| {
        let key = state.selected.get()?;
        let end = window_end.get();
        state.with_desk(|desk| {
            let conversation = desk.conversation(&key)?;
            let total = conversation.messages.len();
            let end = end.map_or(total, |end| end.min(total));
            let start = end.saturating_sub(WINDOW);
            let messages: Vec<Message> = conversation.messages.range(start..end).cloned().collect();
            let quoting: HashSet<&str> = messages
                .iter()
                .filter_map(|message| message.quote_message_id.as_deref())
                .collect();
            let quoted = if quoting.is_empty() {
                HashMap::new()
            } else {
                conversation
                    .messages
                    .iter()
                    .filter(|message| quoting.contains(message.id.as_str()))
                    .map(|message| (message.id.clone(), preview_text(i18n, message)))
                    .collect()
            };
            let platform = key.platform;
            Some(ThreadWindow {
                title: conversation.title.clone(),
                avatar_url: conversation.avatar_url.clone(),
                member_count: conversation.member_count,
                total,
                start,
                messages,
                quoted,
                client_ids: conversation
                    .messages
                    .iter()
                    .filter_map(|message| message.client_id.clone())
                    .collect(),
                // Past what the log holds, the platform's own history (where it has one).
                has_history: state.capabilities(platform).history
                    && platforms::of(platform).serves_earlier_pages(conversation.kind),
                earlier_exhausted: conversation.earlier_exhausted,
                key,
            })
        })
    });
    // New messages scroll into view; an earlier page loading above does not move the reader.
    let newest = Memo::new(move |_| {
        window.with(|window| {
            window.as_ref().map(|window| {
                (
                    window.key.clone(),
                    window.messages.last().map(|message| message.id.clone()),
                )
            })
        })
    });
    Effect::new(move |_| {
        newest.track();
        state.drafts.track();
        if window_end.get_untracked().is_none()
            && let Some(element) = list.get()
        {
            element.set_scroll_top(element.scroll_height());
        }
    });
    let move_window = move |earlier: bool| {
        let Some((end, total)) = window
            .with_untracked(|window| window.as_ref().map(|window| (window.end(), window.total)))
        else {
            return;
        };
        let end = if earlier {
            end.saturating_sub(STEP).max(WINDOW.min(total))
        } else {
            end + STEP
        };
        window_end.set((end < total).then_some(end));
    };
    let bubbles = move || {
        window.with(|window| {
            window
                .as_ref()
                .map(|window| {
                    window
                        .messages
                        .iter()
                        .map(|message| {
                            let quoted = message.quote_message_id.as_deref().map(|id| {
                                window.quoted.get(id).cloned().unwrap_or_else(|| {
                                    i18n.f("quoted-unknown", &[("id", id.into())])
                                })
                            });
                            (message.clone(), quoted)
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    // The frame (header, composer) is drawn once per conversation: what the agent is typing
    // survives new messages.
    let open =
        Memo::new(move |_| window.with(|window| window.as_ref().map(|window| window.key.clone())));
    view! {
        <section class="thread" aria-label=move || i18n.t("thread-label")>
            {move || match open.get() {
                None => view! { <p class="muted thread-empty">{move || i18n.t("thread-empty")}</p> }.into_any(),
                Some(key) => {
                    let title = move || window.with(|window| window.as_ref().map(|window| window.title.clone()).unwrap_or_default());
                    let face = move || window.with(|window| window.as_ref().map(|window| (window.title.clone(), window.avatar_url.clone())).unwrap_or_default());
                    let members = move || window.with(|window| window.as_ref().and_then(|window| window.member_count));
                    let platform = key.platform;
                    let in_inbox = {
                        let key = key.clone();
                        move || state.with_desk(|desk| desk.conversation(&key).is_some_and(|conversation| conversation.in_channels_inbox()))
                    };
                    let earlier = move || window.with(|window| window.as_ref().map_or(0, |window| window.start));
                    let later = move || window.with(|window| window.as_ref().map_or(0, |window| window.total - window.end()));
                    let history_end = move || window.with(|window| {
                        window.as_ref().filter(|window| window.start == 0 && window.has_history).map(|window| window.earlier_exhausted)
                    });
                    let load_key = key.clone();
                    let conversation = key.clone();
                    view! {
                        <header class="thread-header">
                            {move || {
                                let (name, url) = face();
                                view! { <Avatar platform name url/> }
                            }}
                            <h2>{title}</h2>
                            {move || members().map(|count| view! { <span class="member-count">{move || i18n.f("member-count", &[("count", count.into())])}</span> })}
                            <span class="platform-badge">{move || platform_name(i18n, platform)}</span>
                            {move || in_inbox().then(|| view! { <span class="kind-badge" data-kind="channels_inbox">{move || i18n.t("channels-inbox")}</span> })}
                            <span class="muted">{key.id.clone()}</span>
                        </header>
                        <WorkBar key=key.clone()/>
                        {move || (earlier() > 0).then(|| view! {
                            <button class="link-button" on:click=move |_| move_window(true)>
                                {move || i18n.f("show-earlier", &[("count", earlier().into())])}
                            </button>
                        })}
                        {move || history_end().map(|exhausted| if exhausted {
                            view! { <p class="muted history-end">{move || i18n.t("history-start")}</p> }.into_any()
                        } else {
                            let key = load_key.clone();
                            view! {
                                <button class="link-button load-earlier" on:click=move |_| state.load_earlier(key.clone())>
                                    {move || i18n.t("load-earlier")}
                                </button>
                            }.into_any()
                        })}
                        <ol class="message-list" node_ref=list>
                            <For
                                each=bubbles
                                key=|(message, quoted): &(Message, Option<String>)| (bubble_key(message), quoted.clone())
                                children=move |(message, quoted)| view! { <Bubble message key=conversation.clone() quoted/> }
                            />
                            {move || {
                                // Bubbles the log has not shown yet: they give way to its rows.
                                let key = state.selected.get();
                                let shown = window.with(|window| window.as_ref().map(|window| window.client_ids.clone()).unwrap_or_default());
                                state.drafts.get().into_iter()
                                    .filter(|draft| Some(&draft.key) == key.as_ref() && !shown.contains(&draft.client_id))
                                    .map(|draft| view! { <DraftBubble draft/> })
                                    .collect_view()
                            }}
                        </ol>
                        {move || (later() > 0).then(|| view! {
                            <div class="thread-later">
                                <button class="link-button" on:click=move |_| move_window(false)>
                                    {move || i18n.f("show-later", &[("count", later().into())])}
                                </button>
                                " "
                                <button class="link-button" on:click=move |_| window_end.set(None)>{move || i18n.t("show-newest")}</button>
                            </div>
                        })}
                        {move || state.notice.get().map(|notice| view! {
                            <p class="notice" role="alert">{notice}" "
                                <button class="link-button" on:click=move |_| state.notice.set(None)>{move || i18n.t("dismiss")}</button>
                            </p>
                        })}
                        <Composer key=key.clone()/>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}
