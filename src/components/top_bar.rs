use leptos::prelude::*;
use leptos_router::components::A;

/// Product name and the navigation between the two jobs of the console.
#[component]
pub fn TopBar() -> impl IntoView {
    view! {
        <header class="top-bar">
            <a class="brand" href="/desk">"Switchboard"</a>
            <nav class="top-nav" aria-label="Main">
                <A href="/desk">"Desk"</A>
                <A href="/inspect">"Inspector"</A>
            </nav>
        </header>
    }
}
