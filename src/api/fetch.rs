//! Calls to the server over `fetch` (same origin, so the session cookie goes along), and why
//! one failed.

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
    /// An answer this app does not understand (a server of another version).
    Unexpected(String),
}

impl ApiError {
    /// In the agent's language; what the server or the network said is quoted as it came.
    pub fn describe(&self, i18n: crate::i18n::I18n) -> String {
        match self {
            ApiError::LoggedOut => i18n.t("error-logged-out"),
            ApiError::Status(status, message) => i18n.f(
                "error-status",
                &[("message", message.into()), ("status", (*status).into())],
            ),
            ApiError::Network(message) => i18n.f("error-network", &[("message", message.into())]),
            ApiError::Unexpected(message) => {
                i18n.f("error-unexpected", &[("message", message.into())])
            }
        }
    }
}

pub fn js_text(value: JsValue) -> String {
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
    fetch_text(&request).await
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

/// Starts a GET now (before the returned future is first polled, so a caller can have the next
/// page on the wire while it works on this one) and reads the answer as bytes: JSON is parsed
/// from them directly, without a detour through a JavaScript string.
pub fn start_get(
    url: &str,
) -> impl std::future::Future<Output = Result<Vec<u8>, ApiError>> + use<> {
    let started = web_sys::window()
        .ok_or_else(|| ApiError::Network("no window".into()))
        .map(|window| JsFuture::from(window.fetch_with_str(url)));
    async move {
        let response: Response = started?
            .await
            .map_err(|error| ApiError::Network(js_text(error)))?
            .unchecked_into();
        let buffer = JsFuture::from(
            response
                .array_buffer()
                .map_err(|error| ApiError::Network(js_text(error)))?,
        )
        .await
        .map_err(|error| ApiError::Network(js_text(error)))?;
        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
        let status = response.status();
        if !(200..300).contains(&status) {
            return Err(error_of(status, &String::from_utf8_lossy(&bytes)));
        }
        Ok(bytes)
    }
}

/// Parses what [`start_get`] read.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|error| ApiError::Unexpected(error.to_string()))
}

pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    parse_json(&start_get(url).await?)
}

/// POSTs JSON; returns the status and body text of any 2xx answer.
pub async fn post_json(url: &str, body: &serde_json::Value) -> Result<(u16, String), ApiError> {
    send_json("POST", url, Some(body)).await
}

/// Sends JSON with `method` (PUT, DELETE…); returns the status and body text of any 2xx answer.
pub async fn send_json(
    method: &str,
    url: &str,
    body: Option<&serde_json::Value>,
) -> Result<(u16, String), ApiError> {
    let (status, text) = send(method, url, body.map(|body| body.to_string())).await?;
    if !(200..300).contains(&status) {
        return Err(error_of(status, &text));
    }
    Ok((status, text))
}

/// POSTs raw bytes with extra headers; returns the status and body text whatever the status
/// (a 502 from the proxy still means the call was logged).
pub async fn post_bytes(
    url: &str,
    content_type: &str,
    body: &[u8],
    headers: &[(&str, &str)],
) -> Result<(u16, String), ApiError> {
    let init = RequestInit::new();
    init.set_method("POST");
    let bytes = js_sys::Uint8Array::from(body);
    init.set_body(&bytes);
    let request = Request::new_with_str_and_init(url, &init)
        .map_err(|error| ApiError::Network(js_text(error)))?;
    let request_headers = request.headers();
    request_headers
        .set("content-type", content_type)
        .map_err(|error| ApiError::Network(js_text(error)))?;
    for (name, value) in headers {
        request_headers
            .set(name, value)
            .map_err(|error| ApiError::Network(js_text(error)))?;
    }
    let (status, text) = fetch_text(&request).await?;
    if status == 401 {
        return Err(ApiError::LoggedOut);
    }
    Ok((status, text))
}

/// Sends `request` and reads its answer as text: (status, body).
async fn fetch_text(request: &Request) -> Result<(u16, String), ApiError> {
    let window = web_sys::window().ok_or_else(|| ApiError::Network("no window".into()))?;
    let response: Response = JsFuture::from(window.fetch_with_request(request))
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

/// The error text of a JSON error body (`{"error": …}`), else the body itself.
pub fn error_text(i18n: crate::i18n::I18n, status: u16, text: &str) -> String {
    error_of(status, text).describe(i18n)
}

/// A fresh random UUID (v4), from the browser's CSPRNG (also on plain-http origins).
pub fn fresh_uuid() -> String {
    let mut bytes = [0u8; 16];
    if let Some(crypto) = web_sys::window().and_then(|window| window.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    switchboard_payload::request::uuid_text(bytes, 4)
}
