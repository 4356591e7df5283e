//! The server's own words in the reader's language: the login page, and the errors the console
//! shows an agent. The console's choice comes with every request as the `switchboard_language`
//! cookie (the app sets it); a browser that has not been to the console yet is read by its
//! `Accept-Language`. What a platform said is passed on as it came, in its own language.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;

/// The cookie the app sets to the language it speaks (`src/i18n/locale.rs` writes it).
pub const COOKIE: &str = "switchboard_language";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    En,
    ZhCn,
}

impl Language {
    fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Language::ZhCn),
            "en" => Some(Language::En),
            _ => None,
        }
    }

    /// The HTML `lang` of a page in this language.
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::ZhCn => "zh-CN",
        }
    }

    /// The console's choice, else the browser's most wanted language we speak, else English.
    pub fn of(headers: &HeaderMap) -> Language {
        let chosen = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|cookies| cookies.split(';'))
            .filter_map(|cookie| cookie.trim().split_once('='))
            .find(|(name, _)| *name == COOKIE)
            .and_then(|(_, tag)| Language::from_tag(tag));
        chosen
            .or_else(|| from_accept_language(headers))
            .unwrap_or(Language::En)
    }

    /// `english` or `chinese`, whichever this language reads.
    pub fn pick<'a>(self, english: &'a str, chinese: &'a str) -> &'a str {
        match self {
            Language::En => english,
            Language::ZhCn => chinese,
        }
    }
}

/// The language of the highest `q` in `Accept-Language` that we speak (at most 16 entries are
/// looked at: the header is the caller's).
fn from_accept_language(headers: &HeaderMap) -> Option<Language> {
    let value = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut best: Option<(f32, Language)> = None;
    for entry in value.split(',').take(16) {
        let mut parts = entry.split(';');
        let Some(language) = parts.next().and_then(Language::from_tag) else {
            continue;
        };
        let quality = parts
            .find_map(|part| part.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        if quality > 0.0 && best.is_none_or(|(best_quality, _)| quality > best_quality) {
            best = Some((quality, language));
        }
    }
    best.map(|(_, language)| language)
}

/// Something the server says, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub english: String,
    pub chinese: String,
}

impl Said {
    pub fn new(english: impl Into<String>, chinese: impl Into<String>) -> Said {
        Said {
            english: english.into(),
            chinese: chinese.into(),
        }
    }

    pub fn in_language(&self, language: Language) -> &str {
        language.pick(&self.english, &self.chinese)
    }
}

/// An error body in Chinese, carried beside the English one until the response leaves
/// ([`speak`] picks).
#[derive(Clone)]
pub struct ChineseBody(pub Vec<u8>);

/// The layer that answers in the caller's language: a response carrying a [`ChineseBody`]
/// sends that one to a caller who reads Chinese.
pub async fn speak(request: Request, next: Next) -> Response {
    let language = Language::of(request.headers());
    let mut response = next.run(request).await;
    let chinese = response.extensions_mut().remove::<ChineseBody>();
    if language == Language::ZhCn
        && let Some(ChineseBody(body)) = chinese
    {
        // The new body is plain JSON, whatever a compression layer did to the old one.
        response.headers_mut().remove(header::CONTENT_LENGTH);
        response.headers_mut().remove(header::CONTENT_ENCODING);
        *response.body_mut() = Body::from(body);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(
                header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        headers
    }

    #[test]
    fn the_consoles_choice_wins_then_the_browsers_best_then_english() {
        assert_eq!(Language::of(&headers(&[])), Language::En);
        assert_eq!(
            Language::of(&headers(&[("accept-language", "zh-CN,zh;q=0.9,en;q=0.8")])),
            Language::ZhCn
        );
        assert_eq!(
            Language::of(&headers(&[("accept-language", "fr, en;q=0.5, zh;q=0.7")])),
            Language::ZhCn
        );
        assert_eq!(
            Language::of(&headers(&[("accept-language", "zh;q=0, en-GB")])),
            Language::En
        );
        assert_eq!(
            Language::of(&headers(&[
                ("accept-language", "zh-CN"),
                ("cookie", "session=x; switchboard_language=en")
            ])),
            Language::En
        );
        assert_eq!(
            Language::of(&headers(&[("cookie", "switchboard_language=zh-CN")])),
            Language::ZhCn
        );
    }
}
