//! WeChat through wkteam E云管家: syncFinder pages, callbacks, and API bodies (JSON).

pub mod customer;
pub mod endpoints;
pub mod profiles;

use crate::codec::Codec;
use crate::customer::CustomerMessage;
use crate::event::{
    Content, ContentKind, ConversationKind, Event, EventType, Platform, epoch_to_ms,
};
use crate::request::{Attachment, Call, ComposeError, Target};
use crate::text::literal::Literal;
use std::collections::BTreeMap;

use super::fields::{has_keys, id, string};

/// The conversation a 视频号 account's live-stream notices go in: they belong to no session.
pub const LIVE_NOTICES: &str = "finder-live-notices";

/// One `data.list[]` item of a syncFinder page: a 视频号 (WeChat Channels) private message in its
/// session (`msgSessionId`, `…@findermsg`), or a live-stream notice (no session, MsgType 10002).
fn sync_item_event(item: &Literal) -> Option<Event> {
    let content = item.get("content")?;
    let msg = content.get("msg")?;
    let wrapped = |key: &str| {
        msg.at(&[key, "string"])
            .and_then(Literal::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let outgoing = content.get("isSender").and_then(Literal::as_i64) == Some(1);
    let msg_type = msg.get("MsgType").and_then(Literal::as_i64).unwrap_or(0);
    let body = wrapped("Content").unwrap_or_default();
    let session = string(content, "msgSessionId").filter(|session| !session.is_empty());
    let mut event = message_like(msg_type, &body);
    event.message_id = id(msg, "NewMsgId").or_else(|| id(msg, "MsgId"));
    event.at_ms = msg
        .get("CreateTime")
        .and_then(Literal::as_i64)
        .map(|seconds| seconds * 1000);
    event.conversation_kind = Some(ConversationKind::ChannelsInbox);
    match session {
        Some(session) => {
            // Both sides are named: the customer's profile and ours (which one we are differs
            // per session: our 视频号, or our WeChat account writing to someone's 视频号).
            event.sender_id = wrapped("FromUserName");
            event.recipient_id = wrapped("ToUserName");
            event.outgoing = Some(outgoing);
            event.conversation_id = Some(session);
        }
        None => {
            event.conversation_id = Some(LIVE_NOTICES.to_owned());
            event.sender_name = Some("视频号直播".to_owned());
            event.outgoing = Some(outgoing);
            if event.kind == EventType::System {
                event.content = Some(Content::text(ContentKind::System, live_notice(&body)));
            }
        }
    }
    Some(event)
}

/// A live-stream notice as one line: what happened and which stream.
fn live_notice(xml: &str) -> String {
    let document = roxmltree::Document::parse(xml).ok();
    let element = |name: &str| {
        document.as_ref().and_then(|document| {
            document
                .descendants()
                .find(|node| node.has_tag_name(name))
                .and_then(|node| node.text())
                .map(|text| text.trim().to_owned())
        })
    };
    match sysmsg_type(xml) {
        Some("finderliveclosenotifymsg") => format!(
            "Channels live stream ended (live {}, object {})",
            element("live_id").unwrap_or_default(),
            element("object_id").unwrap_or_default()
        ),
        Some("functionmsg") => {
            let id = element("functionmsgid").unwrap_or_default();
            match id.strip_prefix("FinderLiveNotificationMsg_") {
                Some(rest) => {
                    let notice = rest.split('_').next().unwrap_or_default();
                    let notice = if notice.chars().all(|c| c.is_ascii_digit()) {
                        "notice"
                    } else {
                        notice
                    };
                    format!("Channels live stream {notice} ({id})")
                }
                None => format!("Channels notice ({id})"),
            }
        }
        Some(other) => format!("Channels notice: {other}"),
        None => "Channels notice".to_owned(),
    }
}

/// A callback `{wcId, account, messageType, data:{fromUser, fromGroup?, toUser, ...}}`.
fn callback_event(data: &Literal) -> Event {
    let msg_type = data.get("msgType").and_then(Literal::as_i64).unwrap_or(1);
    let body = string(data, "content").unwrap_or_default();
    let mut event = message_like(msg_type, &body);
    event.message_id = id(data, "newMsgId").or_else(|| id(data, "msgId"));
    event.sender_id = id(data, "fromUser");
    event.at_ms = data
        .get("timestamp")
        .and_then(Literal::as_i64)
        .map(epoch_to_ms);
    let outgoing = matches!(
        data.get("self").map(|v| &v.value),
        Some(crate::text::literal::LiteralValue::Bool(true))
    );
    event.outgoing = Some(outgoing);
    match id(data, "fromGroup") {
        Some(group) => {
            event.conversation_id = Some(group);
            event.conversation_kind = Some(ConversationKind::Group);
        }
        None => {
            event.conversation_id = if outgoing {
                id(data, "toUser")
            } else {
                event.sender_id.clone()
            };
            event.conversation_kind = Some(ConversationKind::Direct);
        }
    }
    event
}

/// WeChat message types: 1 text, 3 image (XML), 34 voice, 43 video, 47 emoji, 49 app/link/file,
/// 10000/10002 system (XML `<sysmsg>`; `revokemsg` is a recall).
fn message_like(msg_type: i64, body: &str) -> Event {
    let (kind, content) = match msg_type {
        1 => (EventType::Message, Content::text(ContentKind::Text, body)),
        3 => (EventType::Message, image_content(body)),
        34 => (EventType::Message, Content::new(ContentKind::Audio)),
        43 => (EventType::Message, Content::new(ContentKind::Video)),
        47 => (EventType::Message, Content::new(ContentKind::Sticker)),
        49 => (EventType::Message, Content::text(ContentKind::Card, body)),
        10000 | 10002 => {
            if let Some(target) = revoked_message_id(body) {
                let mut event = Event::new(EventType::Recall, Platform::Wechat);
                event.target_message_id = Some(target);
                event.content = Some(Content::text(ContentKind::System, body));
                return event;
            }
            (
                EventType::System,
                Content::text(ContentKind::System, sysmsg_type(body).unwrap_or(body)),
            )
        }
        _ => (
            EventType::Message,
            Content::text(ContentKind::Unknown, body),
        ),
    };
    let mut event = Event::new(kind, Platform::Wechat);
    event.content = Some(content);
    event
}

fn image_content(xml: &str) -> Content {
    let mut content = Content::new(ContentKind::Image);
    if let Ok(document) = roxmltree::Document::parse(xml)
        && let Some(img) = document.descendants().find(|node| node.has_tag_name("img"))
    {
        let attribute = |name: &str| {
            img.attribute(name)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let number = |name: &str| {
            attribute(name)
                .and_then(|v| v.parse::<i64>().ok())
                .filter(|&v| v > 0)
        };
        // cdn*url attributes are CDN file ids (hex), fetched with the aeskey, not URLs.
        content.key = attribute("cdnmidimgurl").or_else(|| attribute("cdnbigimgurl"));
        content.size = number("length");
        content.width = number("cdnmidwidth").or_else(|| number("cdnthumbwidth"));
        content.height = number("cdnmidheight").or_else(|| number("cdnthumbheight"));
    }
    content
}

fn sysmsg_type(xml: &str) -> Option<&str> {
    let start = xml.find("<sysmsg type=\"")? + "<sysmsg type=\"".len();
    let end = xml[start..].find('"')?;
    Some(&xml[start..start + end])
}

fn revoked_message_id(xml: &str) -> Option<String> {
    if sysmsg_type(xml) != Some("revokemsg") {
        return None;
    }
    let document = roxmltree::Document::parse(xml).ok()?;
    document
        .descendants()
        .find(|node| node.has_tag_name("newmsgid"))
        .and_then(|node| node.text())
        .map(|text| text.trim().to_owned())
}

/// Request bodies we send: sendText, sendImage2, sendFile, revokeMsg, syncFinder, privateSend.
fn request_events(value: &Literal) -> Option<(String, Vec<Event>)> {
    let mut event = Event::new(EventType::Message, Platform::Wechat);
    if has_keys(value, &["sessionId", "toUserName"]) {
        event.conversation_id = id(value, "sessionId");
        event.conversation_kind = Some(ConversationKind::ChannelsInbox);
        event.outgoing = Some(true);
        event.sender_id = id(value, "myUserName");
        event.recipient_id = id(value, "toUserName");
        event.content = string(value, "content").map(|text| Content::text(ContentKind::Text, text));
        return Some(("wechat.privateSend.request".into(), vec![event]));
    }
    event.conversation_id = id(value, "wcId");
    event.conversation_kind = Some(ConversationKind::Direct);
    event.outgoing = Some(true);
    let schema = if has_keys(value, &["msgId", "newMsgId", "createTime"]) {
        event.kind = EventType::Recall;
        event.target_message_id = id(value, "newMsgId");
        "wechat.revokeMsg.request"
    } else if has_keys(value, &["path", "fileName"]) {
        let mut content = Content::new(ContentKind::File);
        content.url = string(value, "path");
        content.name = string(value, "fileName");
        event.content = Some(content);
        "wechat.sendFile.request"
    } else if value.get("keyBuff").is_some() {
        return Some(("wechat.syncFinder.request".into(), Vec::new()));
    } else if let Some(content) = string(value, "content") {
        let looks_like_url = content.starts_with("http://") || content.starts_with("https://");
        if looks_like_url {
            let mut image = Content::new(ContentKind::Image);
            image.url = Some(content);
            event.content = Some(image);
            "wechat.sendImage2.request"
        } else {
            event.content = Some(Content::text(ContentKind::Text, content));
            "wechat.sendText.request"
        }
    } else {
        return None;
    };
    Some((schema.into(), vec![event]))
}

/// The answer's id that says where the next `syncFinder` page starts.
const SYNC_CURSOR: &str = "keyBuff";

/// `syncFinder {keyBuff}`: the server adds `wId`; an empty keyBuff starts from the beginning.
pub fn sync_finder(cursor: Option<&str>) -> crate::request::Call {
    crate::request::Call::json(
        endpoints::SYNC_FINDER.path,
        &serde_json::json!({ SYNC_CURSOR: cursor.unwrap_or_default() }),
        None,
    )
}

/// `privateSend`: the reply in a 视频号 session (wkteam.cn `shipinhao/privateSend`). The session
/// is the conversation (the synced items' `msgSessionId`, the form `/getSessionId` gives).
fn private_send(target: &Target, text: &str) -> Result<Call, ComposeError> {
    let peer = target.peer_id.as_deref().ok_or(ComposeError::Missing(
        "the customer's 视频号 identity (toUserName)",
    ))?;
    let mut body = serde_json::json!({
        "toUserName": peer,
        "sessionId": target.conversation_id,
        "content": text,
    });
    if let Some(own) = &target.own_id {
        body["myUserName"] = serde_json::Value::from(own.as_str());
    }
    Ok(Call::json(endpoints::PRIVATE_SEND.path, &body, None))
}

/// What E云 offers no way to do in a 视频号 session (no source names an image or a recall for
/// private messages).
fn refuse_in_inbox(target: &Target, what: &'static str) -> Result<(), ComposeError> {
    if target.kind == Some(ConversationKind::ChannelsInbox) {
        return Err(ComposeError::Unsupported(what));
    }
    Ok(())
}

fn public_url(
    file: &crate::request::Attachment,
    missing: &'static str,
) -> Result<String, crate::request::ComposeError> {
    file.url
        .clone()
        .filter(|url| url.starts_with("http://") || url.starts_with("https://"))
        .ok_or(crate::request::ComposeError::Missing(missing))
}

/// E云 (WeChat) in the payload core: its callbacks, `syncFinder` pages and its API's answers.
pub struct Wechat;

impl Codec for Wechat {
    fn platform(&self) -> Platform {
        Platform::Wechat
    }
    fn recognize_literal(&self, value: &Literal) -> Option<(String, Vec<Event>)> {
        // E云 codes are strings ("1000"); Yunhu's JSON endpoints use numbers.
        let string_code = value.get("code").and_then(Literal::as_str).is_some();
        if let Some(list) = value.at(&["data", "list"]).and_then(Literal::as_array)
            && string_code
        {
            let events = list.iter().filter_map(sync_item_event).collect();
            return Some(("wechat.syncFinder.response".into(), events));
        }
        if string_code
            && let Some(events) = value
                .get("data")
                .and_then(Literal::as_array)
                .filter(|items| !items.is_empty())
                .and_then(profiles::contact_events)
        {
            return Some(("wechat.getContact.response".into(), events));
        }
        if has_keys(value, &["code", "message", "data"])
            && matches!(
                value.get("code").and_then(Literal::as_str),
                Some("1000" | "1001")
            )
        {
            return Some(("wechat.api_response".into(), Vec::new()));
        }
        if has_keys(value, &["messageType", "data"]) && value.get("wcId").is_some() {
            let message_type = id(value, "messageType").unwrap_or_default();
            let events = value.get("data").map(callback_event).into_iter().collect();
            return Some((format!("wechat.callback.{message_type}"), events));
        }
        // Our requests: the server adds `wId`; as composed they carry `wcId` (and no messageType).
        if value.get("wId").is_some()
            || value.get("wcId").is_some()
            || has_keys(value, &["sessionId", "toUserName"])
        {
            return request_events(value);
        }
        None
    }
    /// E云 answers `{code: "1000" ok | "1001" fail, message, data}`; a send's `msgId`, `newMsgId` and
    /// `createTime` are kept (revokeMsg needs all three), and syncFinder's `keyBuff`.
    fn lookups(&self) -> Option<crate::profile::Lookups> {
        Some(profiles::LOOKUPS)
    }
    fn describe(&self, subjects: &[crate::profile::Subject]) -> Result<Call, ComposeError> {
        profiles::describe(subjects)
    }
    fn outcome(&self, _path: &str, body: &[u8]) -> crate::outcome::Outcome {
        use crate::outcome::{Outcome, json, not_json};
        let Some(value) = json(body) else {
            return not_json(body);
        };
        let data = &value["data"];
        let kept = ["msgId", "newMsgId", "createTime", "wcId", "keyBuff"];
        Outcome::of_code(&value, "1000", "message").with_ids(kept.map(|key| (key, &data[key])))
    }
    fn listing(&self, path: &str) -> Option<crate::codec::Listing> {
        // A `syncFinder` page carries what came since the last `keyBuff` (news: 视频号 private
        // messages arrive no other way) and the `keyBuff` the next page starts from.
        endpoints::SYNC_FINDER
            .ends(path)
            .then_some(crate::codec::Listing {
                schema: None,
                page_of_conversation: None,
                cursor: Some(SYNC_CURSOR),
                catch_up: true,
                newest_first: false,
            })
    }
    /// `sendText {wcId, content}`; in a 视频号 session `privateSend {toUserName, myUserName,
    /// sessionId, content}` (our name where the session showed it, else the server adds
    /// `wechat.finder_username`); the server adds `wId`.
    fn send_text(
        &self,
        target: &Target,
        text: &str,
        _quote: Option<&str>,
        _fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        if target.kind == Some(ConversationKind::ChannelsInbox) {
            return private_send(target, text);
        }
        let body = serde_json::json!({ "wcId": target.conversation_id, "content": text });
        Ok(crate::request::Call::json(
            endpoints::SEND_TEXT.path,
            &body,
            None,
        ))
    }
    /// `sendImage2 {wcId, content: image URL}`: E云 takes a URL, not an upload.
    fn send_image(
        &self,
        target: &Target,
        image: &Attachment,
        _fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        use crate::request::Call;
        refuse_in_inbox(target, "images in a 视频号 private conversation")?;
        let url = public_url(image, "a public image URL (E云 sends images by URL)")?;
        Ok(Call::json(
            endpoints::SEND_IMAGE2.path,
            &serde_json::json!({ "wcId": target.conversation_id, "content": url }),
            None,
        ))
    }
    /// `sendFile {wcId, path: file URL, fileName}`: E云 fetches the file from the URL.
    fn send_file(
        &self,
        target: &Target,
        file: &Attachment,
        _fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        refuse_in_inbox(target, "files in a 视频号 private conversation")?;
        let url = public_url(file, "a public file URL (E云 fetches files by URL)")?;
        Ok(crate::request::Call::json(
            endpoints::SEND_FILE.path,
            &serde_json::json!({ "wcId": target.conversation_id, "path": url, "fileName": file.name }),
            None,
        ))
    }
    fn sync(&self, cursor: Option<&str>) -> Result<Call, ComposeError> {
        Ok(sync_finder(cursor))
    }
    /// `revokeMsg` needs all three ids the send answered.
    fn recall(
        &self,
        target: &Target,
        _message_id: &str,
        platform_ids: &BTreeMap<String, String>,
        _fresh_id: &str,
    ) -> Result<Call, ComposeError> {
        use crate::request::{Call, ComposeError};
        refuse_in_inbox(target, "recalls in a 视频号 private conversation")?;
        let number = |key: &'static str| -> Result<serde_json::Value, ComposeError> {
            let text = platform_ids.get(key).ok_or(ComposeError::Missing(key))?;
            // Exact: a 64-bit id stays the number it was.
            serde_json::from_str::<serde_json::Number>(text)
                .map(serde_json::Value::Number)
                .map_err(|_| ComposeError::Missing(key))
        };
        let body = serde_json::json!({
            "wcId": target.conversation_id,
            "msgId": number("msgId")?,
            "newMsgId": number("newMsgId")?,
            "createTime": number("createTime")?,
        });
        Ok(Call::json(endpoints::REVOKE_MSG.path, &body, None))
    }

    fn customer_message(&self, message: &CustomerMessage) -> serde_json::Value {
        customer::message(message)
    }
}
