//! Right column: the open conversation's messages, oldest at the top.

use leptos::prelude::*;
use switchboard_payload::compose;

use super::bubble::{Bubble, DraftBubble, preview_text};
use super::composer::Composer;
use super::state::DeskState;

/// Messages rendered at once; older ones come with "show earlier".
const WINDOW: usize = 300;

#[component]
pub fn Thread() -> impl IntoView {
    let state = expect_context::<DeskState>();
    let shown = RwSignal::new(WINDOW);
    Effect::new(move |_| {
        state.selected.track();
        shown.set(WINDOW);
    });
    let list = NodeRef::<leptos::html::Ol>::new();
    let conversation = Memo::new(move |_| {
        let key = state.selected.get()?;
        state.with_desk(|desk| desk.conversation(&key).cloned())
    });
    let conversation_client_ids = move || {
        conversation.with(|conversation| {
            conversation
                .iter()
                .flat_map(|conversation| {
                    conversation
                        .messages
                        .iter()
                        .filter_map(|message| message.client_id.clone())
                })
                .collect()
        })
    };
    // New messages scroll into view; an earlier page loading above does not move the reader.
    let newest = Memo::new(move |_| {
        conversation.with(|conversation| {
            conversation.as_ref().map(|conversation| {
                (
                    conversation.key.clone(),
                    conversation
                        .messages
                        .last()
                        .map(|message| message.id.clone()),
                )
            })
        })
    });
    Effect::new(move |_| {
        newest.track();
        state.drafts.track();
        if let Some(element) = list.get() {
            element.set_scroll_top(element.scroll_height());
        }
    });
    view! {
        <section class="thread" aria-label="Conversation">
            {move || match conversation.get() {
                None => view! { <p class="muted thread-empty">"Pick a conversation (Alt+J / Alt+K move through them)."</p> }.into_any(),
                Some(conversation) => {
                    let platform = conversation.key.platform;
                    let total = conversation.messages.len();
                    let start = total.saturating_sub(shown.get());
                    let by_id: std::collections::HashMap<&str, String> = conversation
                        .messages
                        .iter()
                        .map(|message| (message.id.as_str(), preview_text(message)))
                        .collect();
                    let bubbles = conversation.messages[start..]
                        .iter()
                        .map(|message| {
                            let quoted = message.quote_message_id.as_deref().map(|id| by_id.get(id).cloned().unwrap_or_else(|| format!("message {id}")));
                            view! { <Bubble message=message.clone() platform quoted=quoted/> }
                        })
                        .collect_view();
                    view! {
                        <header class="thread-header">
                            <h2>{conversation.title.clone()}</h2>
                            <span class="platform-badge">{platform.name()}</span>
                            <span class="muted">{conversation.key.id.clone()}</span>
                        </header>
                        {(start > 0).then(|| view! {
                            <button class="link-button" on:click=move |_| shown.update(|shown| *shown += WINDOW)>
                                {format!("show earlier ({start} more)")}
                            </button>
                        })}
                        {
                            // Past what the log holds, the platform's own history (where it has one).
                            let has_history = state.capabilities(platform).history
                                && compose::earlier_messages(platform, &conversation.target(), None).is_ok();
                            let key = conversation.key.clone();
                            (start == 0 && has_history).then(|| if conversation.earlier_exhausted {
                                view! { <p class="muted history-end">"Beginning of the conversation"</p> }.into_any()
                            } else {
                                view! {
                                    <button class="link-button load-earlier" on:click=move |_| state.load_earlier(key.clone())>
                                        "Load earlier messages"
                                    </button>
                                }.into_any()
                            })
                        }
                        <ol class="message-list" node_ref=list>
                            {bubbles}
                            {move || {
                                // Bubbles the log has not shown yet: they give way to its rows.
                                let key = state.selected.get();
                                let shown: std::collections::HashSet<String> = conversation_client_ids();
                                state.drafts.get().into_iter()
                                    .filter(|draft| Some(&draft.key) == key.as_ref() && !shown.contains(&draft.client_id))
                                    .map(|draft| view! { <DraftBubble draft/> })
                                    .collect_view()
                            }}
                        </ol>
                        {move || state.notice.get().map(|notice| view! {
                            <p class="notice" role="alert">{notice}" "
                                <button class="link-button" on:click=move |_| state.notice.set(None)>"dismiss"</button>
                            </p>
                        })}
                        <Composer key=conversation.key.clone()/>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}
