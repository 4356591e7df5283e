//! A message with buttons or a form: its text, and the buttons' labels (not clickable here).

use leptos::prelude::*;
use switchboard_payload::event::Content;

pub fn view(content: Content, text: String) -> AnyView {
    let labels: Vec<String> = content
        .buttons
        .as_deref()
        .and_then(|json| serde_json::from_str::<serde_json::Value>(json).ok())
        .map(|value| button_labels(&value))
        .unwrap_or_default();
    view! {
        <div class="bubble-buttons">
            {(!text.is_empty()).then(|| view! { <div class="bubble-text">{text.clone()}</div> })}
            <div class="button-row">
                {labels.into_iter().map(|label| view! { <button disabled=true>{label}</button> }).collect_view()}
            </div>
        </div>
    }
    .into_any()
}

/// Button labels from any of the platforms' button JSON (arrays of `{label|text}`, nested rows).
fn button_labels(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::Array(items) => items.iter().flat_map(button_labels).collect(),
        serde_json::Value::Object(object) => object
            .get("label")
            .or_else(|| object.get("text"))
            .and_then(|label| label.as_str())
            .map(|label| vec![label.to_owned()])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}
