use leptos::prelude::*;

use crate::components::empty_state::EmptyState;
use crate::i18n::use_i18n;

/// Shown for any path the router does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <EmptyState title=Signal::derive(move || i18n.t("not-found-title"))>
            <p>{move || i18n.t("not-found-body")}" "<a href="/desk">{move || i18n.t("nav-desk")}</a>" · "<a href="/inspect">{move || i18n.t("nav-inspector")}</a></p>
        </EmptyState>
    }
}
