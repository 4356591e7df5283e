use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{Locale, use_i18n};

/// Product name and the navigation: the two jobs of the console, and its settings; the language.
#[component]
pub fn TopBar() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="top-bar">
            <a class="brand" href="/desk">{move || i18n.t("app-name")}</a>
            <nav class="top-nav" aria-label=move || i18n.t("nav-label")>
                <A href="/desk">{move || i18n.t("nav-desk")}</A>
                <A href="/inspect">{move || i18n.t("nav-inspector")}</A>
                <A href="/settings">{move || i18n.t("nav-settings")}</A>
            </nav>
            <select
                class="language-switch"
                aria-label=move || i18n.t("language-label")
                on:change=move |event| {
                    if let Some(locale) = Locale::from_tag(&event_target_value(&event)) {
                        i18n.set_locale(locale);
                    }
                }
            >
                {Locale::ALL.into_iter().map(|locale| view! {
                    <option value=locale.tag() lang=locale.tag() selected=move || i18n.locale() == locale>
                        {locale.endonym()}
                    </option>
                }).collect_view()}
            </select>
        </header>
    }
}
