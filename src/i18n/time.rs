//! Times as agents read them, in their language: "just now" / "刚刚", "5 min ago" / "5 分钟前",
//! "yesterday 14:05" / "昨天 14:05", then the date.

use super::catalog::Arg;

fn date_of(at_ms: i64) -> js_sys::Date {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at_ms as f64))
}

/// Local midnight of the day `date` falls on, in ms.
fn midnight_ms(date: &js_sys::Date) -> f64 {
    let midnight = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(date.get_time()));
    midnight.set_hours(0);
    midnight.set_minutes(0);
    midnight.set_seconds(0);
    midnight.set_milliseconds(0);
    midnight.get_time()
}

/// How long ago `at_ms` was, for a conversation list or a status line, formatted by `say` (a
/// catalog message id and its arguments).
pub fn relative_time_with(say: impl Fn(&str, &[(&str, Arg)]) -> String, at_ms: i64) -> String {
    if at_ms <= 0 {
        return String::new();
    }
    let now = js_sys::Date::new_0();
    let elapsed = (now.get_time() - at_ms as f64) / 1000.0;
    let then = date_of(at_ms);
    let today = midnight_ms(&now);
    const DAY_MS: f64 = 86_400_000.0;
    if elapsed < 60.0 {
        say("time-just-now", &[])
    } else if elapsed < 3600.0 {
        say(
            "time-minutes-ago",
            &[("minutes", ((elapsed / 60.0) as i64).into())],
        )
    } else if then.get_time() >= today {
        say(
            "time-hours-ago",
            &[("hours", ((elapsed / 3600.0) as i64).into())],
        )
    } else if then.get_time() >= today - DAY_MS {
        say("time-yesterday", &[("time", clock_time(at_ms).into())])
    } else {
        say(
            "time-date",
            &[
                ("year", then.get_full_year().into()),
                ("month", (then.get_month() + 1).into()),
                ("day", then.get_date().into()),
                // Zero-padded, for languages that write "2026-03-04".
                ("mm", format!("{:02}", then.get_month() + 1).into()),
                ("dd", format!("{:02}", then.get_date()).into()),
            ],
        )
    }
}

/// "14:05" for a bubble.
pub fn clock_time(at_ms: i64) -> String {
    let date = date_of(at_ms);
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// "14:05:09" for a status line.
pub fn clock_time_seconds(at_ms: i64) -> String {
    let date = date_of(at_ms);
    format!(
        "{:02}:{:02}:{:02}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}
