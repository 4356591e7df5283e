use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::components::top_bar::TopBar;
use crate::i18n::provide_i18n;
use crate::pages::{desk::Desk, inspector::Inspector, not_found::NotFound, settings::Settings};

/// The whole console: top bar, then the page the URL names.
#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    view! {
        <Router>
            <TopBar/>
            <main class="page">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=|| view! { <Redirect path="/desk"/> }/>
                    <Route path=path!("/desk") view=Desk/>
                    <Route path=path!("/inspect") view=Inspector/>
                    <Route path=path!("/settings") view=Settings/>
                </Routes>
            </main>
        </Router>
    }
}
