//! Right column: the open conversation's messages, oldest at the top.

use leptos::prelude::*;

use super::bubble::{Bubble, preview_text};
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
    // New messages scroll into view.
    Effect::new(move |_| {
        conversation.track();
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
                        <ol class="message-list" node_ref=list>{bubbles}</ol>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}
