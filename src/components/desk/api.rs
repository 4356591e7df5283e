//! The server's browser API, over `fetch` (same origin, so the session cookie goes along).

use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

/// Why a call failed, in words for the status line.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 401: the session cookie is missing or stale.
    LoggedOut,
    /// The server answered with an error.
    Status(u16, String),
    /// No answer (server down, network gone).
    Network(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::LoggedOut => formatter.write_str("log in first"),
            ApiError::Status(status, message) => write!(formatter, "{message} ({status})"),
            ApiError::Network(message) => {
                write!(formatter, "the server cannot be reached: {message}")
            }
        }
    }
}

fn js_text(value: JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|error| String::from(error.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

async fn send(
    method: &str,
    url: &str,
    json_body: Option<String>,
) -> Result<(u16, String), ApiError> {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = &json_body {
        init.set_body(&JsValue::from_str(body));
    }
    let request = Request::new_with_str_and_init(url, &init)
        .map_err(|error| ApiError::Network(js_text(error)))?;
    if json_body.is_some() {
        request
            .headers()
            .set("content-type", "application/json")
            .map_err(|error| ApiError::Network(js_text(error)))?;
    }
    let window = web_sys::window().ok_or_else(|| ApiError::Network("no window".into()))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|error| ApiError::Network(js_text(error)))?
        .unchecked_into();
    let text = JsFuture::from(
        response
            .text()
            .map_err(|error| ApiError::Network(js_text(error)))?,
    )
    .await
    .map_err(|error| ApiError::Network(js_text(error)))?
    .as_string()
    .unwrap_or_default();
    Ok((response.status(), text))
}

fn error_of(status: u16, text: &str) -> ApiError {
    if status == 401 {
        return ApiError::LoggedOut;
    }
    let message = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|value| value["error"].as_str().map(str::to_owned))
        .unwrap_or_else(|| text.chars().take(200).collect());
    ApiError::Status(status, message)
}

pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    let (status, text) = send("GET", url, None).await?;
    if !(200..300).contains(&status) {
        return Err(error_of(status, &text));
    }
    serde_json::from_str(&text)
        .map_err(|error| ApiError::Status(status, format!("unexpected answer: {error}")))
}

/// POSTs JSON; returns the status and body text of any 2xx answer.
pub async fn post_json(url: &str, body: &serde_json::Value) -> Result<(u16, String), ApiError> {
    let (status, text) = send("POST", url, Some(body.to_string())).await?;
    if !(200..300).contains(&status) {
        return Err(error_of(status, &text));
    }
    Ok((status, text))
}
