use leptos::prelude::*;
use leptos_router::components::A;

/// Product name and the navigation: the two jobs of the console, and its settings.
#[component]
pub fn TopBar() -> impl IntoView {
    view! {
        <header class="top-bar">
            <a class="brand" href="/desk">"Switchboard"</a>
            <nav class="top-nav" aria-label="Main">
                <A href="/desk">"Desk"</A>
                <A href="/inspect">"Inspector"</A>
                <A href="/settings">"Settings"</A>
            </nav>
        </header>
    }
}
