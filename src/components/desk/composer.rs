//! The reply box: Enter (or Ctrl+Enter) sends, Shift+Enter starts a new line, Esc drops the quote
//! being answered. Replies only where the platform can send text (the capability table decides,
//! not the click); a private note (Alt+P switches) anywhere: it stays with the team. `/` at the
//! start opens the canned replies, searchable, their variables filled in when picked.

use leptos::prelude::*;
use switchboard_desk::ConversationKey;
use switchboard_protocol::CannedReply;

use super::state::DeskState;
use crate::i18n::{platform_name, use_i18n};

/// Canned replies the picker lists at most.
const PICKER_ROWS: usize = 8;

/// The canned replies `query` (what follows the `/`) finds: shortcuts that start with it first,
/// then those whose shortcut or text contains it.
fn matching(canned: &[CannedReply], query: &str) -> Vec<CannedReply> {
    let query = query.to_lowercase();
    let mut found: Vec<(bool, &CannedReply)> = canned
        .iter()
        .filter_map(|reply| {
            let shortcut = reply.shortcut.to_lowercase();
            if shortcut.starts_with(&query) {
                Some((true, reply))
            } else if shortcut.contains(&query) || reply.text.to_lowercase().contains(&query) {
                Some((false, reply))
            } else {
                None
            }
        })
        .collect();
    found.sort_by_key(|(prefix, reply)| (!*prefix, reply.shortcut.clone()));
    found
        .into_iter()
        .take(PICKER_ROWS)
        .map(|(_, reply)| reply.clone())
        .collect()
}

#[component]
pub fn Composer(key: ConversationKey) -> impl IntoView {
    let state = expect_context::<DeskState>();
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let as_markdown = RwSignal::new(false);
    let note_mode = state.note_mode;
    note_mode.set(false);
    // The canned reply picker: the highlighted row, and whether Esc closed it.
    let picked = RwSignal::new(0usize);
    let picker_closed = RwSignal::new(false);
    let picker = Memo::new(move |_| {
        let typed = text.get();
        let query = typed.strip_prefix('/')?;
        if picker_closed.get() || query.contains(char::is_whitespace) {
            return None;
        }
        Some(state.canned.with(|canned| matching(canned, query)))
    });
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
            if note_mode.get_untracked() {
                state.add_note(&key, message);
                text.set(String::new());
                return;
            }
            if !capabilities.get_untracked().send_text {
                return;
            }
            let quote = reply.get_untracked().map(|reply| reply.message_id);
            state.send_text(key.clone(), message, as_markdown.get_untracked(), quote);
            state.replying.set(None);
            text.set(String::new());
        }
    };
    let send_on_key = send.clone();
    let fill_key = key.clone();
    let choose = move |reply: CannedReply| {
        text.set(state.fill_variables(&fill_key, &reply.text));
        picked.set(0);
    };
    let choose_on_key = choose.clone();
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        if let Some(rows) = picker.get_untracked().filter(|rows| !rows.is_empty()) {
            match event.key().as_str() {
                "ArrowDown" => {
                    event.prevent_default();
                    picked.update(|row| *row = (*row + 1).min(rows.len() - 1));
                    return;
                }
                "ArrowUp" => {
                    event.prevent_default();
                    picked.update(|row| *row = row.saturating_sub(1));
                    return;
                }
                "Enter" | "Tab" if !event.is_composing() => {
                    event.prevent_default();
                    let row = picked.get_untracked().min(rows.len() - 1);
                    choose_on_key(rows[row].clone());
                    return;
                }
                "Escape" => {
                    event.prevent_default();
                    picker_closed.set(true);
                    return;
                }
                _ => {}
            }
        }
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
    let typing_key = key.clone();
    let writable = move || note_mode.get() || can_send();
    view! {
        <form
            class="composer"
            class:note-mode=move || note_mode.get()
            aria-label=move || if note_mode.get() { i18n.t("private-note") } else { i18n.t("composer-reply") }
            on:submit={
                let send = send.clone();
                move |event: leptos::ev::SubmitEvent| {
                    event.prevent_default();
                    send();
                }
            }
        >
            <div class="composer-modes" role="group" aria-label=move || i18n.t("composer-modes")>
                <button type="button" class="composer-mode" aria-pressed=move || (!note_mode.get()).to_string() on:click=move |_| note_mode.set(false)>{move || i18n.t("composer-reply")}</button>
                <button type="button" class="composer-mode" title="Alt+P" aria-pressed=move || note_mode.get().to_string() on:click=move |_| note_mode.set(true)>{move || i18n.t("private-note")}</button>
                {move || note_mode.get().then(|| view! { <span class="muted note-hint">{move || i18n.t("note-hint")}</span> })}
            </div>
            {move || (!writable()).then(|| view! { <p class="muted">{move || i18n.f("cannot-send-here", &[("platform", platform_name(i18n, platform).into())])}</p> })}
            {move || (!note_mode.get()).then(|| reply.get()).flatten().map(|reply| view! {
                <div class="replying" data-testid="replying">
                    <span class="muted">{move || i18n.t("replying-to")}" "</span>
                    <q>{reply.preview}</q>
                    <button type="button" class="link-button" aria-label=move || i18n.t("cancel-reply") on:click=move |_| state.replying.set(None)>"✕"</button>
                </div>
            })}
            {move || picker.get().map(|rows| {
                let choose = choose.clone();
                if rows.is_empty() {
                    view! { <p class="canned-picker muted">{move || i18n.t("canned-none")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="canned-picker" id="canned-picker" role="listbox" aria-label=move || i18n.t("canned-label")>
                            {rows.into_iter().enumerate().map(|(index, row)| {
                                let choose = choose.clone();
                                let chosen = row.clone();
                                view! {
                                    <li role="option" id=format!("canned-{index}") class="canned-option" aria-selected=move || (picked.get() == index).to_string()
                                        on:mousedown=move |event| { event.prevent_default(); choose(chosen.clone()); }>
                                        <strong>{format!("/{}", row.shortcut)}</strong>" "<span class="muted">{row.text.clone()}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            })}
            <textarea
                class="composer-text"
                aria-label=move || if note_mode.get() { i18n.t("composer-note-label") } else { i18n.t("composer-message-label") }
                placeholder=move || if note_mode.get() {
                    i18n.t("composer-note-placeholder")
                } else {
                    i18n.t("composer-reply-placeholder")
                }
                rows="2"
                aria-controls=move || picker.with(|rows| rows.as_ref().is_some_and(|rows| !rows.is_empty())).then_some("canned-picker")
                aria-activedescendant=move || picker.with(|rows| rows.as_ref().is_some_and(|rows| !rows.is_empty())).then(|| format!("canned-{}", picked.get()))
                disabled=move || !writable()
                prop:value=move || text.get()
                on:input=move |event| {
                    text.set(event_target_value(&event));
                    picker_closed.set(false);
                    picked.set(0);
                    state.typing(&typing_key);
                }
                on:keydown=on_keydown.clone()
            ></textarea>
            <Show when=move || can_markdown() && !note_mode.get()>
                <label class="markdown-toggle" title=move || i18n.t("markdown-title")>
                    <input type="checkbox" prop:checked=move || as_markdown.get() on:change=move |event| as_markdown.set(event_target_checked(&event))/>
                    " "{move || i18n.t("markdown")}
                </label>
            </Show>
            <Show when=move || can_attach_image() && !note_mode.get()>
                <label class="button attach">
                    {move || i18n.t("attach-image")}
                    <input class="visually-hidden" type="file" accept="image/*" aria-label=move || i18n.t("attach-image-label") on:change=move |event| on_file.run(event)/>
                </label>
            </Show>
            <Show when=move || can_attach_file() && !note_mode.get()>
                <label class="button attach">
                    {move || i18n.t("attach-file")}
                    <input class="visually-hidden" type="file" aria-label=move || i18n.t("attach-file-label") on:change=move |event| on_file.run(event)/>
                </label>
            </Show>
            <button class="button" type="submit" disabled=move || !writable() || text.with(|text| text.trim().is_empty())>
                {move || if note_mode.get() { i18n.t("add-note") } else { i18n.t("send") }}
            </button>
        </form>
    }
}
