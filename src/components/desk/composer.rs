//! The reply box: Enter (or Ctrl+Enter) sends, Shift+Enter starts a new line, Esc drops the quote
//! being answered. Shown only where the platform can send text (the capability table decides,
//! not the click).

use leptos::prelude::*;
use switchboard_desk::ConversationKey;

use super::state::DeskState;

#[component]
pub fn Composer(key: ConversationKey) -> impl IntoView {
    let state = expect_context::<DeskState>();
    let text = RwSignal::new(String::new());
    let as_markdown = RwSignal::new(false);
    let platform = key.platform;
    let capabilities = {
        let key = key.clone();
        Memo::new(move |_| state.conversation_capabilities(&key))
    };
    let can_send = move || capabilities.get().send_text;
    let can_markdown = move || capabilities.get().markdown;
    let can_attach_image = move || {
        let capabilities = capabilities.get();
        capabilities.upload && capabilities.send_image
    };
    let can_attach_file = move || {
        let capabilities = capabilities.get();
        capabilities.upload && capabilities.send_file
    };
    let attach_key = key.clone();
    // A Callback is Copy: the nested <Show>s can each hold it.
    let on_file = Callback::new(move |event: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&event);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            state.send_attachment(attach_key.clone(), file);
        }
        input.set_value("");
    });
    // The message being answered, when it is in this conversation.
    let reply = {
        let key = key.clone();
        Memo::new(move |_| {
            state
                .replying
                .get()
                .filter(|reply| reply.key == key && capabilities.get().quote_reply)
        })
    };
    let send = {
        let key = key.clone();
        move || {
            let message = text.get_untracked();
            if message.trim().is_empty() {
                return;
            }
            let quote = reply.get_untracked().map(|reply| reply.message_id);
            state.send_text(key.clone(), message, as_markdown.get_untracked(), quote);
            state.replying.set(None);
            text.set(String::new());
        }
    };
    let send_on_key = send.clone();
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Escape" && reply.get_untracked().is_some() {
            event.prevent_default();
            state.replying.set(None);
        } else if event.key() == "Enter"
            && (!event.shift_key() || event.ctrl_key())
            && !event.is_composing()
        {
            event.prevent_default();
            send_on_key();
        }
    };
    view! {
        <Show
            when=can_send
            fallback=move || view! { <p class="composer muted">{format!("{} cannot send messages from here.", platform.name())}</p> }
        >
            <form class="composer" aria-label="Reply" on:submit={
                let send = send.clone();
                move |event: leptos::ev::SubmitEvent| {
                    event.prevent_default();
                    send();
                }
            }>
                {move || reply.get().map(|reply| view! {
                    <div class="replying" data-testid="replying">
                        <span class="muted">"Replying to "</span>
                        <q>{reply.preview}</q>
                        <button type="button" class="link-button" aria-label="Cancel the reply" on:click=move |_| state.replying.set(None)>"✕"</button>
                    </div>
                })}
                <textarea
                    class="composer-text"
                    aria-label="Message"
                    placeholder="Reply… (Enter sends, Shift+Enter for a new line)"
                    rows="2"
                    prop:value=move || text.get()
                    on:input=move |event| text.set(event_target_value(&event))
                    on:keydown=on_keydown.clone()
                ></textarea>
                <Show when=can_markdown>
                    <label class="markdown-toggle" title="Send as Markdown (the customer's app renders it)">
                        <input type="checkbox" prop:checked=move || as_markdown.get() on:change=move |event| as_markdown.set(event_target_checked(&event))/>
                        " Markdown"
                    </label>
                </Show>
                <Show when=can_attach_image>
                    <label class="button attach">
                        "Image…"
                        <input class="visually-hidden" type="file" accept="image/*" aria-label="Attach an image" on:change=move |event| on_file.run(event)/>
                    </label>
                </Show>
                <Show when=can_attach_file>
                    <label class="button attach">
                        "File…"
                        <input class="visually-hidden" type="file" aria-label="Attach a file" on:change=move |event| on_file.run(event)/>
                    </label>
                </Show>
                <button class="button" type="submit" disabled=move || text.with(|text| text.trim().is_empty())>"Send"</button>
            </form>
        </Show>
    }
}
