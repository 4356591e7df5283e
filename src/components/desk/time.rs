//! Times as agents read them.

/// "just now", "5 min", "3 h", "Mar 4".
pub fn relative_time(at_ms: i64) -> String {
    if at_ms <= 0 {
        return String::new();
    }
    let elapsed = (js_sys::Date::now() - at_ms as f64) / 1000.0;
    match elapsed {
        seconds if seconds < 60.0 => "just now".into(),
        seconds if seconds < 3600.0 => format!("{} min", (seconds / 60.0) as i64),
        seconds if seconds < 86_400.0 => format!("{} h", (seconds / 3600.0) as i64),
        _ => {
            let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at_ms as f64));
            format!(
                "{}-{:02}-{:02}",
                date.get_full_year(),
                date.get_month() + 1,
                date.get_date()
            )
        }
    }
}

/// "14:05" for a bubble.
pub fn clock_time(at_ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at_ms as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}
