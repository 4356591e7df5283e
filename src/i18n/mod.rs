//! Every word the app shows, in the agent's language: one Fluent catalog per language
//! (`en.ftl`, `zh-CN.ftl`), the language the agent reads (the browser's, or the one they picked in
//! the top bar, remembered), and times in it ("刚刚", "5 分钟前", "昨天 14:05").
//!
//! Fluent rather than `leptos_i18n`: `leptos_i18n`'s build step brings the whole ICU4X data
//! toolchain (some 300 crates) into every build on a two-core machine, and its plural rules need
//! ICU data in the wasm; Fluent keeps plurals and choices in the catalog, where translators edit
//! them, with a small runtime. What `leptos_i18n` checks at compile time (a key missing, a
//! catalog missing a key) `tests/catalog.rs` checks in the test command.

mod catalog;
mod locale;
mod time;

use leptos::prelude::*;

pub use catalog::Arg;
pub use locale::Locale;
pub use time::{clock_time, clock_time_seconds};

/// The language the app speaks now. Reading it in a reactive closure redraws that closure when the
/// agent switches language.
#[derive(Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    /// The language the agent chose before, else the first of the browser's we speak.
    fn detected() -> I18n {
        let locale = RwSignal::new(locale::remembered().unwrap_or_else(locale::from_browser));
        locale::apply(locale.get_untracked());
        I18n { locale }
    }

    /// A language given, not detected (tests, and code that runs outside a browser).
    pub fn fixed(locale: Locale) -> I18n {
        I18n {
            locale: RwSignal::new(locale),
        }
    }

    pub fn locale(&self) -> Locale {
        self.locale.get()
    }

    /// Switches the whole app and remembers the choice (this browser, and the server's own
    /// pages through a cookie).
    pub fn set_locale(&self, locale: Locale) {
        locale::remember(locale);
        locale::apply(locale);
        self.locale.set(locale);
    }

    /// The catalog's text for `id`.
    pub fn t(&self, id: &str) -> String {
        catalog::format(self.locale.get(), id, &[])
    }

    /// The catalog's text for `id` with its variables.
    pub fn f(&self, id: &str, args: &[(&str, Arg)]) -> String {
        catalog::format(self.locale.get(), id, args)
    }
}

/// Provides the app's language to everything below (the app does this once).
pub fn provide_i18n() -> I18n {
    let i18n = I18n::detected();
    provide_context(i18n);
    APP.with(|app| app.set(Some(i18n)));
    i18n
}

thread_local! {
    /// The app's language, for code that runs outside any component (after an `await`, in a
    /// click handler).
    static APP: std::cell::Cell<Option<I18n>> = const { std::cell::Cell::new(None) };
}

/// The app's language; a component mounted on its own (a browser test) gets the detected one.
pub fn use_i18n() -> I18n {
    use_context::<I18n>()
        .or_else(|| APP.with(|app| app.get()))
        .unwrap_or_else(|| {
            thread_local! {
                // Under a root owner of its own, kept for the page's life: not disposed with the
                // first component that happened to ask.
                static STANDALONE: I18n = {
                    let owner = Owner::new_root(None);
                    let i18n = owner.with(I18n::detected);
                    std::mem::forget(owner);
                    i18n
                };
            }
            STANDALONE.with(|i18n| *i18n)
        })
}

/// How long ago `at_ms` was, in the agent's language ("刚刚", "5 分钟前", "昨天 14:05").
pub fn relative_time(i18n: I18n, at_ms: i64) -> String {
    time::relative_time_with(|id, args| i18n.f(id, args), at_ms)
}

/// A platform's name in the agent's language ("云湖", "Yunhu").
pub fn platform_name(i18n: I18n, platform: switchboard_payload::Platform) -> String {
    use switchboard_payload::Platform;
    i18n.t(match platform {
        Platform::Yunhu => "platform-yunhu",
        Platform::Douyin => "platform-douyin",
        Platform::Wecom => "platform-wecom",
        Platform::Mixin => "platform-mixin",
        Platform::Wechat => "platform-wechat",
    })
}

/// A sentence the desk's pure code chose (a catalog id and its arguments), in words.
pub fn sentence(i18n: I18n, sentence: &switchboard_desk::receiving::Sentence) -> String {
    use switchboard_desk::receiving::Word;
    let args: Vec<(&str, Arg)> = sentence
        .args
        .iter()
        .map(|(name, word)| {
            let arg = match word {
                Word::Quoted(text) => Arg::Text(text.clone()),
                Word::Number(number) => Arg::from(*number),
                Word::Time(at_ms) => Arg::Text(clock_time(*at_ms)),
                Word::Phrase(Some(phrase)) => Arg::Text(self::sentence(i18n, phrase)),
                Word::Phrase(None) => Arg::Text(String::new()),
            };
            (*name, arg)
        })
        .collect();
    i18n.f(sentence.id, &args)
}

/// A catalog's Fluent source, for the tests that check the catalogs against each other and
/// against the code.
pub fn catalog_source(locale: Locale) -> &'static str {
    catalog::source(locale)
}

/// A payload format's name in the agent's language ("JSON", "protobuf text format" / "protobuf
/// 文本格式").
pub fn format_name(i18n: I18n, format: switchboard_payload::unwrap::Format) -> String {
    use switchboard_payload::unwrap::Format;
    i18n.t(match format {
        Format::Json => "format-json",
        Format::Jsonc => "format-jsonc",
        Format::NodeDump => "format-node-dump",
        Format::TextProto => "format-textproto",
        Format::Xml => "format-xml",
        Format::Hex => "format-hex",
        Format::Base64 => "format-base64",
        Format::Base64Url => "format-base64url",
        Format::Gzip => "format-gzip",
        Format::Delimited => "format-delimited",
        Format::Grpc => "format-grpc",
        Format::GzipFrames => "format-gzip-frames",
        Format::Protobuf => "format-protobuf",
        Format::Text => "format-text",
    })
}

/// Which way a log row went, in words.
pub fn direction_name(i18n: I18n, direction: switchboard_protocol::Direction) -> String {
    use switchboard_protocol::Direction;
    i18n.t(match direction {
        Direction::Inbound => "direction-inbound",
        Direction::Outbound => "direction-outbound",
        Direction::Response => "direction-response",
        Direction::Pulled => "direction-pulled",
        Direction::Rejected => "direction-rejected",
        Direction::Desk => "direction-desk",
    })
}
