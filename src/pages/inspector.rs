use leptos::prelude::*;

use crate::components::empty_state::EmptyState;

/// Any payload, decoded down to the byte.
#[component]
pub fn Inspector() -> impl IntoView {
    view! {
        <EmptyState title="Inspector">
            <p>"Paste or drop a payload — JSON, protobuf (binary, hex or base64), gzip frames, Node console dumps — to see exactly what it says."</p>
        </EmptyState>
    }
}
