//! What a platform answered to one of our calls, in one shape for the agent: did it work, and if
//! not, the platform's own code and words; plus the ids a later call needs (recall, reply).
//! Each platform's rules live in its module (`Codec::outcome`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Outcome {
    pub ok: bool,
    /// The platform's error code, as it wrote it.
    pub code: Option<String>,
    pub message: Option<String>,
    /// Ids from the answer that later calls need (`msgId`, `newMsgId`, `createTime`, `msg_id`…).
    pub ids: BTreeMap<String, String>,
}

impl Outcome {
    pub fn ok() -> Outcome {
        Outcome {
            ok: true,
            ..Outcome::default()
        }
    }

    pub fn failed(code: Option<String>, message: impl Into<String>) -> Outcome {
        Outcome {
            ok: false,
            code,
            message: Some(message.into()),
            ids: BTreeMap::new(),
        }
    }

    /// A JSON answer that says how it went in a `code` field: ok when it is `ok_code`, else
    /// failed with that code and the words in `message_field`.
    pub fn of_code(value: &serde_json::Value, ok_code: &str, message_field: &str) -> Outcome {
        let code = id_text(&value["code"]);
        if code.as_deref() == Some(ok_code) {
            Outcome::ok()
        } else {
            let words = value[message_field].as_str();
            Outcome::failed(code, words.unwrap_or("the platform refused the call"))
        }
    }

    /// Keeps the ids later calls need: each `(name, value)` whose value is a string or number.
    pub fn with_ids<'v>(
        mut self,
        ids: impl IntoIterator<Item = (&'static str, &'v serde_json::Value)>,
    ) -> Outcome {
        for (name, value) in ids {
            if let Some(id) = id_text(value) {
                self.ids.insert(name.into(), id);
            }
        }
        self
    }

    /// One line for a failed bubble: "code 1001: 授权失败".
    pub fn describe(&self) -> String {
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => format!("code {code}: {message}"),
            (None, Some(message)) => message.clone(),
            (Some(code), None) => format!("code {code}"),
            (None, None) if self.ok => "ok".into(),
            (None, None) => "failed".into(),
        }
    }
}

/// A JSON value as an exact id string (numbers keep every digit).
pub(crate) fn id_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(text) if !text.is_empty() => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

pub(crate) fn json(body: &[u8]) -> Option<serde_json::Value> {
    serde_json::from_slice(body).ok()
}

pub(crate) fn not_json(body: &[u8]) -> Outcome {
    let preview: String = String::from_utf8_lossy(&body[..body.len().min(120)]).into_owned();
    Outcome::failed(None, format!("the answer is not JSON: {preview}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Platform;

    fn outcome(platform: Platform, path: &str, body: &[u8]) -> Outcome {
        crate::platforms::of(platform).outcome(path, body)
    }
    use prost::Message;

    #[test]
    fn each_platforms_error_shape_becomes_one_message() {
        let refused = crate::protobuf::yunhu::StatusResponse {
            status: Some(crate::protobuf::yunhu::Status {
                request_id: 7,
                code: -1,
                msg: "token 无效".into(),
            }),
        }
        .encode_to_vec();
        let yunhu = outcome(Platform::Yunhu, "/v1/msg/send-message", &refused);
        assert_eq!(
            (yunhu.ok, yunhu.describe()),
            (false, "code -1: token 无效".to_owned())
        );
        let fine = crate::protobuf::yunhu::StatusResponse {
            status: Some(crate::protobuf::yunhu::Status {
                request_id: 8,
                code: 1,
                msg: "success".into(),
            }),
        }
        .encode_to_vec();
        assert!(outcome(Platform::Yunhu, "/v1/msg/recall-msg", &fine).ok);
        let bot = outcome(
            Platform::Yunhu,
            "/open-apis/v1/bot/send",
            br#"{"code":1,"data":{"messageInfo":{"msgId":"m1"}},"msg":"success"}"#,
        );
        assert_eq!(bot.ids["msgId"], "m1");

        let douyin = outcome(Platform::Douyin, "/im/send/msg/", r#"{"data":{"error_code":2190008,"description":"access_token无效"},"extra":{"logid":"1"}}"#.as_bytes());
        assert_eq!(douyin.describe(), "code 2190008: access_token无效");
        let sent = outcome(
            Platform::Douyin,
            "/im/send/msg/",
            br#"{"data":{"error_code":0,"description":"","msg_id":"123"}}"#,
        );
        assert!(sent.ok);
        assert_eq!(sent.ids["msg_id"], "123");

        let wecom = outcome(
            Platform::Wecom,
            "/message/sendText",
            r#"{"code":1001,"msg":"登录已失效","data":null}"#.as_bytes(),
        );
        assert_eq!(wecom.describe(), "code 1001: 登录已失效");
        assert!(
            outcome(
                Platform::Wecom,
                "/message/cancelMsg",
                br#"{"code":200,"msg":"success"}"#
            )
            .ok
        );

        let mixin = outcome(Platform::Mixin, "/messages", br#"{"error":{"status":202,"code":401,"description":"Unauthorized, maybe invalid token."}}"#);
        assert_eq!(
            mixin.describe(),
            "code 401: Unauthorized, maybe invalid token."
        );
        assert!(outcome(Platform::Mixin, "/messages", br#"{"data":[]}"#).ok);

        let wechat = outcome(Platform::Wechat, "/sendText", r#"{"code":"1000","message":"处理成功","data":{"msgId":1000001,"newMsgId":3876235366388279544,"createTime":1795329858}}"#.as_bytes());
        assert!(wechat.ok);
        assert_eq!(
            wechat.ids["newMsgId"], "3876235366388279544",
            "64-bit ids stay exact"
        );
        assert_eq!(
            outcome(
                Platform::Wechat,
                "/sendText",
                r#"{"message":"失败","code":"1001","data":null}"#.as_bytes()
            )
            .describe(),
            "code 1001: 失败"
        );

        assert!(!outcome(Platform::Wechat, "/sendText", b"<html>502</html>").ok);
    }
}
