//! Which language: the agent's earlier choice (this browser's storage), else the first of the
//! browser's languages (`navigator.languages`) that we speak. The choice also goes into a cookie
//! so the server's own pages (the login form) speak it, and onto `<html lang>` for screen readers
//! and fonts.

use wasm_bindgen::JsCast;

/// The languages the app speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Locale {
    ZhCn,
    En,
}

const STORAGE_KEY: &str = "switchboard.language";
/// Read by the server for its own pages; the same name as `crates/server/src/words.rs` reads.
const COOKIE: &str = "switchboard_language";

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// The BCP 47 tag: `zh-CN`, `en`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// The language's own name for itself, as a language menu shows it.
    pub fn endonym(self) -> &'static str {
        match self {
            Locale::ZhCn => "简体中文",
            Locale::En => "English",
        }
    }

    /// The language a BCP 47 tag asks for, if we speak it: any Chinese reads the simplified
    /// catalog (the only Chinese one), any English the English one.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Locale::ZhCn),
            "en" => Some(Locale::En),
            _ => None,
        }
    }
}

/// The first of the browser's languages we speak; English for a browser that asks for neither.
pub fn from_browser() -> Locale {
    let Some(window) = web_sys::window() else {
        return Locale::En;
    };
    let navigator = window.navigator();
    navigator
        .languages()
        .iter()
        .filter_map(|tag| tag.as_string())
        .chain(navigator.language())
        .find_map(|tag| Locale::from_tag(&tag))
        .unwrap_or(Locale::En)
}

pub fn remembered() -> Option<Locale> {
    let tag = crate::storage::local_storage()?
        .get_item(STORAGE_KEY)
        .ok()
        .flatten()?;
    Locale::from_tag(&tag)
}

pub fn remember(locale: Locale) {
    if let Some(storage) = crate::storage::local_storage() {
        let _ = storage.set_item(STORAGE_KEY, locale.tag());
    }
}

fn set_cookie(locale: Locale) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    if let Ok(document) = document.dyn_into::<web_sys::HtmlDocument>() {
        let _ = document.set_cookie(&format!(
            "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            locale.tag()
        ));
    }
}

/// Puts the language on the page itself (`<html lang>`) and tells the server's pages.
pub fn apply(locale: Locale) {
    if let Some(root) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
    {
        let _ = root.set_attribute("lang", locale.tag());
    }
    set_cookie(locale);
}
