use leptos::prelude::*;

use crate::components::empty_state::EmptyState;

/// Shown for any path the router does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <EmptyState title="Page not found">
            <p>"There is no page at this address. Go to the "<a href="/desk">"Desk"</a>" or the "<a href="/inspect">"Inspector"</a>"."</p>
        </EmptyState>
    }
}
