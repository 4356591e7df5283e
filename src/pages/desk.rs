//! The desk: platforms | conversations | the open thread, live. Keyboard: Alt+J / Alt+K next /
//! previous conversation, `/` focuses search, Esc leaves the search box; in the open
//! conversation Alt+E resolves (or reopens), Alt+M snoozes until the customer writes, Alt+P
//! switches the composer between reply and private note. Alt+letter shortcuts go by the key's
//! place (`KeyE`), so they work whatever character a layout puts there.

use leptos::prelude::*;

use crate::components::desk::conversation_list::ConversationList;
use crate::components::desk::notifications::NotificationsControl;
use crate::components::desk::platform_list::PlatformList;
use crate::components::desk::state::{Connection, DeskState};
use crate::components::desk::status_line::StatusLine;
use crate::components::desk::thread::Thread;
use crate::components::desk::work_bar;
use crate::components::login::Login;
use crate::i18n::use_i18n;

#[component]
pub fn Desk() -> impl IntoView {
    let i18n = use_i18n();
    let state = DeskState::new();
    provide_context(state);
    state.start();
    let search_input = NodeRef::<leptos::html::Input>::new();

    let handle = window_event_listener(leptos::ev::keydown, move |event| {
        let typing = event
            .target()
            .and_then(|target| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(target).ok())
            .is_some_and(|element| {
                matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            });
        // Alt alone (not AltGr, which is Ctrl+Alt on Windows, nor with Cmd); while typing, only
        // where Alt+letter gives the letter itself (on a Mac, Option+E starts an accent: that
        // stays the agent's).
        let plain_alt = event.alt_key()
            && !event.ctrl_key()
            && !event.meta_key()
            && !event.get_modifier_state("AltGraph")
            && !event.repeat();
        let letter = event.key().len() == 1 && event.key().is_ascii();
        if plain_alt && (!typing || letter) {
            let open = state.selected.get_untracked();
            let done = match (event.code().as_str(), open) {
                ("KeyE", Some(key)) => {
                    work_bar::toggle_resolved(state, &key);
                    true
                }
                ("KeyM", Some(key)) => {
                    work_bar::snooze(state, &key);
                    true
                }
                ("KeyP", Some(_)) => {
                    state.note_mode.update(|note| *note = !*note);
                    // After the composer redraws (a platform that cannot send enables it only
                    // in note mode).
                    request_animation_frame(crate::components::desk::bubble::focus_composer);
                    true
                }
                _ => false,
            };
            if done {
                event.prevent_default();
                return;
            }
        }
        match (event.key().as_str(), event.alt_key()) {
            ("j" | "J" | "∆", true) | ("ArrowDown", true) => {
                state.move_selection(1);
                event.prevent_default();
            }
            ("k" | "K" | "˚", true) | ("ArrowUp", true) => {
                state.move_selection(-1);
                event.prevent_default();
            }
            ("/", false) if !typing => {
                if let Some(input) = search_input.get_untracked() {
                    let _ = input.focus();
                }
                event.prevent_default();
            }
            ("Escape", _) => {
                if let Some(input) = search_input.get_untracked() {
                    let _ = input.blur();
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
    // The tab title counts what the agent has to answer: "(3) Switchboard".
    Effect::new(move |_| {
        let unread = state.with_desk(|desk| desk.unread_for_me());
        set_title(&i18n.f("tab-title", &[("unread", unread.into())]));
    });
    on_cleanup(move || set_title(&i18n.t("app-name")));
    // Back in view: the open conversation counts as read from now.
    let shown = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if !crate::components::desk::notifications::tab_hidden() {
            state.tab_shown();
        }
    });
    on_cleanup(move || {
        shown.remove();
        state.forget_notifications();
    });

    view! {
        <h1 class="visually-hidden">{move || i18n.t("nav-desk")}</h1>
        {move || match state.connection.get() {
            Connection::LoggedOut => view! {
                <div class="desk-login"><Login on_success=move |_| state.start()/></div>
            }
            .into_any(),
            _ => view! {
                {move || state.mention.get().map(|mention| {
                    let key = mention.key.clone();
                    view! {
                        <div class="mention-toast" role="alert" data-testid="mention">
                            <span>{i18n.f("mention-toast", &[("author", (&mention.author).into()), ("text", (&mention.text).into())])}</span>" "
                            <button class="link-button" on:click=move |_| state.select(key.clone())>{i18n.t("mention-open")}</button>" "
                            <button class="link-button" on:click=move |_| state.mention.set(None)>{i18n.t("dismiss")}</button>
                        </div>
                    }
                })}
                <div class="visually-hidden" role="status" aria-live="polite" data-testid="announcement">
                    {move || state.announcement.get()}
                </div>
                <div class="desk">
                    <aside class="desk-side">
                        <PlatformList/>
                        <StatusLine/>
                        <NotificationsControl/>
                    </aside>
                    <ConversationList search_input/>
                    <Thread/>
                </div>
            }
            .into_any(),
        }}
    }
}

fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|window| window.document()) {
        document.set_title(title);
    }
}
