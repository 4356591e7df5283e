//! Notifications in Settings: whether this browser shows them (and the control that asks), and
//! the sound for a customer's new message (off by default; kept in this browser).

use leptos::prelude::*;

use crate::components::desk::notifications::{NotificationsControl, set_sound, sound_on};
use crate::i18n::use_i18n;

#[component]
pub fn NotificationsCard() -> impl IntoView {
    let i18n = use_i18n();
    let sound = RwSignal::new(sound_on());
    view! {
        <section class="settings-card notifications-card" aria-label=move || i18n.t("notifications-title")>
            <h2>{move || i18n.t("notifications-title")}</h2>
            <p class="muted">{move || i18n.t("notifications-what")}</p>
            <NotificationsControl/>
            <label class="notification-sound">
                <input
                    type="checkbox"
                    prop:checked=move || sound.get()
                    on:change=move |event| {
                        let on = event_target_checked(&event);
                        set_sound(on);
                        sound.set(on);
                    }
                />
                " "{move || i18n.t("notifications-sound")}
            </label>
        </section>
    }
}
