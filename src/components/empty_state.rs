use leptos::prelude::*;

/// A page's "nothing here yet" panel: what the page is for and what to do first.
#[component]
pub fn EmptyState(
    /// Short heading, also the page's `<h1>`.
    title: Signal<String>,
    /// One or two sentences saying what to do.
    children: Children,
) -> impl IntoView {
    view! {
        <section class="empty-state">
            <h1>{title}</h1>
            <div class="empty-state-body">{children()}</div>
        </section>
    }
}
