//! Browser notifications and the sound for a customer's new message: whether this browser
//! allows them, asking (only from a click), and the sound setting (off unless turned on).
//! `state/alerts.rs` decides when to use them.

use leptos::prelude::*;

use crate::i18n::use_i18n;

/// Where this browser keeps whether the sound is on (off unless the agent turned it on).
const SOUND_KEY: &str = "switchboard.notification-sound";

/// Whether a new customer message plays a sound (a setting, off by default).
pub fn sound_on() -> bool {
    crate::storage::local_storage()
        .and_then(|storage| storage.get_item(SOUND_KEY).ok().flatten())
        .is_some_and(|value| value == "on")
}

pub fn set_sound(on: bool) {
    if let Some(storage) = crate::storage::local_storage() {
        let _ = storage.set_item(SOUND_KEY, if on { "on" } else { "off" });
    }
}

/// What the browser says about notifications: "granted", "denied", "default" (not asked yet),
/// or `None` where there are none.
pub fn permission() -> Option<web_sys::NotificationPermission> {
    let window = web_sys::window()?;
    // Some browsers (and insecure origins) have no Notification at all.
    js_sys::Reflect::has(&window, &"Notification".into())
        .ok()
        .filter(|has| *has)?;
    Some(web_sys::Notification::permission())
}

/// Asks for permission (from a click: browsers ignore an ask nobody clicked for) and reports
/// the answer.
pub fn ask_permission(answered: impl Fn(web_sys::NotificationPermission) + 'static) {
    let Ok(promise) = web_sys::Notification::request_permission() else {
        return;
    };
    leptos::task::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        answered(web_sys::Notification::permission());
    });
}

pub fn tab_hidden() -> bool {
    web_sys::window()
        .and_then(|window| window.document())
        .is_some_and(|document| document.hidden())
}

thread_local! {
    /// One audio context for the page's chimes (browsers limit how many a page may open).
    static AUDIO: std::cell::OnceCell<Option<web_sys::AudioContext>> = const { std::cell::OnceCell::new() };
}

/// A short two-tone chime (no file to fetch).
pub fn chime() {
    let Some(context) = AUDIO.with(|audio| {
        audio
            .get_or_init(|| web_sys::AudioContext::new().ok())
            .clone()
    }) else {
        return;
    };
    let start = context.current_time();
    for (index, frequency) in [880.0_f32, 660.0].into_iter().enumerate() {
        let (Ok(oscillator), Ok(gain)) = (context.create_oscillator(), context.create_gain())
        else {
            return;
        };
        oscillator.frequency().set_value(frequency);
        let at = start + index as f64 * 0.15;
        gain.gain().set_value(0.0);
        let _ = gain.gain().linear_ramp_to_value_at_time(0.2, at + 0.02);
        let _ = gain.gain().linear_ramp_to_value_at_time(0.0, at + 0.14);
        let _ = oscillator.connect_with_audio_node(&gain);
        let _ = gain.connect_with_audio_node(&context.destination());
        let _ = oscillator.start_with_when(at);
        let _ = oscillator.stop_with_when(at + 0.15);
    }
}

/// The visible control that asks for notifications: shown while the browser has not been asked,
/// and saying so when they are blocked. Never asks by itself.
#[component]
pub fn NotificationsControl() -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(permission());
    let ask = move |_| ask_permission(move |answer| current.set(Some(answer)));
    move || {
        match current.get() {
        Some(web_sys::NotificationPermission::Default) => view! {
            <button type="button" class="link-button notifications-ask" on:click=ask>
                {move || i18n.t("notifications-turn-on")}
            </button>
        }
        .into_any(),
        Some(web_sys::NotificationPermission::Denied) => view! {
            <p class="muted notifications-state" data-state="denied">{move || i18n.t("notifications-blocked")}</p>
        }
        .into_any(),
        Some(web_sys::NotificationPermission::Granted) => view! {
            <p class="muted notifications-state" data-state="granted">{move || i18n.t("notifications-on")}</p>
        }
        .into_any(),
        _ => ().into_any(),
    }
    }
}
