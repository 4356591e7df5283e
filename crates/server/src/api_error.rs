//! The JSON error every API route answers with: a status and `{"error": "...", ...extra}`.
//! Below the routes, so that a platform's upload flow can answer with one too. An error the
//! console shows an agent says it in Chinese too ([`ApiError::said`]); `words::speak` sends the
//! caller's language.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A JSON error: `{"error": "...", ...extra}` with a status. Never a bare 500.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: serde_json::Value,
    /// `error` in Chinese, for a caller who reads it.
    chinese: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: serde_json::json!({ "error": message.into() }),
            chinese: None,
        }
    }

    /// An error in English and in Chinese.
    pub fn said(
        status: StatusCode,
        english: impl Into<String>,
        chinese: impl Into<String>,
    ) -> ApiError {
        ApiError {
            chinese: Some(chinese.into()),
            ..ApiError::new(status, english)
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> ApiError {
        self.body[key] = value.into();
        self
    }

    /// Our own failure: its whole chain goes to the server's log, which may name files and
    /// internals; the caller learns only that it failed.
    pub fn internal(error: anyhow::Error) -> ApiError {
        tracing::error!("{error:#}");
        ApiError::said(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the server could not do this; its log says why",
            "服务器无法完成此操作；原因见服务器日志",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let chinese = self.chinese.map(|chinese| {
            let mut body = self.body.clone();
            body["error"] = chinese.into();
            crate::words::ChineseBody(serde_json::to_vec(&body).unwrap_or_default())
        });
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(chinese) = chinese {
            response.extensions_mut().insert(chinese);
        }
        response
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> ApiError {
        ApiError::internal(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_tell_the_caller_nothing_of_the_chain() {
        let error = anyhow::anyhow!("disk I/O error")
            .context("appending to /var/lib/switchboard/events.sqlite");
        let answer = ApiError::internal(error);
        assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
        let text = answer.body.to_string();
        assert!(!text.contains("sqlite") && !text.contains("disk"), "{text}");
    }
}
