//! Yunhu's endpoints: the user API (protobuf, header `token`; paths as the Android client calls
//! them) and the bot open API (JSON, `?token=`), as `../shared/reference/platforms.md` lists them.

use crate::endpoint::Endpoint;
use crate::protobuf::yunhu::{
    ButtonReportRequest, GetUserRequest, GetUserResponse, GroupInfoRequest, GroupInfoResponse,
    ListMessageByMidSeqRequest, ListMessageBySeqRequest, ListMessageRequest, ListMessageResponse,
    RecallMsgRequest, SendMessageRequest, StatusResponse,
};

pub const SEND_MESSAGE: Endpoint =
    Endpoint::post("/v1/msg/send-message").protobuf(SendMessageRequest::SCHEMA, STATUS_RESPONSE);
pub const EDIT_MESSAGE: Endpoint =
    Endpoint::post("/v1/msg/edit-message").protobuf(SendMessageRequest::SCHEMA, STATUS_RESPONSE);
pub const LIST_MESSAGE_BY_SEQ: Endpoint = Endpoint::post("/v1/msg/list-message-by-seq")
    .protobuf(ListMessageBySeqRequest::SCHEMA, LIST_MESSAGE_RESPONSE);
pub const LIST_MESSAGE: Endpoint = Endpoint::post("/v1/msg/list-message")
    .protobuf(ListMessageRequest::SCHEMA, LIST_MESSAGE_RESPONSE);
pub const LIST_MESSAGE_BY_MID_SEQ: Endpoint = Endpoint::post("/v1/msg/list-message-by-mid-seq")
    .protobuf(ListMessageByMidSeqRequest::SCHEMA, LIST_MESSAGE_RESPONSE);
pub const RECALL_MSG: Endpoint =
    Endpoint::post("/v1/msg/recall-msg").protobuf(RecallMsgRequest::SCHEMA, STATUS_RESPONSE);
pub const RECALL_MSG_BATCH: Endpoint =
    Endpoint::post("/v1/msg/recall-msg-batch").protobuf(RecallMsgRequest::SCHEMA, STATUS_RESPONSE);
pub const BUTTON_REPORT: Endpoint =
    Endpoint::post("/v1/msg/button-report").protobuf(ButtonReportRequest::SCHEMA, STATUS_RESPONSE);
pub const LIST_MESSAGE_EDIT_RECORD: Endpoint = Endpoint::post("/v1/msg/list-message-edit-record");
pub const FILE_DOWNLOAD_RECORD: Endpoint = Endpoint::post("/v1/msg/file-download-record");
pub const MSG_FORWARD: Endpoint = Endpoint::post("/v1/msg/msg-forward");
pub const DELETE: Endpoint = Endpoint::post("/v1/msg/delete");
/// A user's name and avatar; a group's name, avatar and head count (reference `contacts.md` §2 C).
pub const GET_USER: Endpoint =
    Endpoint::post("/v1/user/get-user").protobuf(GetUserRequest::SCHEMA, GetUserResponse::SCHEMA);
pub const GROUP_INFO: Endpoint =
    Endpoint::post("/v1/group/info").protobuf(GroupInfoRequest::SCHEMA, GroupInfoResponse::SCHEMA);
/// Upload tokens for Qiniu, by kind of file.
pub const QINIU_TOKEN_IMAGE: Endpoint = Endpoint::get("/v1/misc/qiniu-token");
pub const QINIU_TOKEN_FILE: Endpoint = Endpoint::get("/v1/misc/qiniu-token2");
pub const QINIU_TOKEN_VIDEO: Endpoint = Endpoint::get("/v1/misc/qiniu-token-video");
pub const QINIU_TOKEN_AUDIO: Endpoint = Endpoint::get("/v1/misc/qiniu-token-audio");

/// The user API: every call takes the user's `token` header.
pub const USER_API: &[Endpoint] = &[
    SEND_MESSAGE,
    EDIT_MESSAGE,
    LIST_MESSAGE_BY_SEQ,
    LIST_MESSAGE,
    LIST_MESSAGE_BY_MID_SEQ,
    RECALL_MSG,
    RECALL_MSG_BATCH,
    BUTTON_REPORT,
    LIST_MESSAGE_EDIT_RECORD,
    FILE_DOWNLOAD_RECORD,
    MSG_FORWARD,
    DELETE,
    QINIU_TOKEN_IMAGE,
    QINIU_TOKEN_FILE,
    QINIU_TOKEN_VIDEO,
    QINIU_TOKEN_AUDIO,
    GET_USER,
    GROUP_INFO,
];

/// Where the bot open API lives: every call below it takes `?token=<bot token>`.
pub const BOT_API_PREFIX: &str = "/open-apis/v1/";
pub const BOT_SEND: Endpoint = Endpoint::post("/open-apis/v1/bot/send");
pub const BOT_RECALL: Endpoint = Endpoint::post("/open-apis/v1/bot/recall");
pub const BOT_EDIT: Endpoint = Endpoint::post("/open-apis/v1/bot/edit");
pub const BOT_IMAGE_UPLOAD: Endpoint = Endpoint::post("/open-apis/v1/image/upload");
pub const BOT_VIDEO_UPLOAD: Endpoint = Endpoint::post("/open-apis/v1/video/upload");
pub const BOT_FILE_UPLOAD: Endpoint = Endpoint::post("/open-apis/v1/file/upload");

/// The bot open API.
pub const BOT_API: &[Endpoint] = &[
    BOT_SEND,
    BOT_RECALL,
    BOT_EDIT,
    BOT_IMAGE_UPLOAD,
    BOT_VIDEO_UPLOAD,
    BOT_FILE_UPLOAD,
];

/// The answer of every `list-message*` call: one chat's messages, which do not name it.
pub const LIST_MESSAGE_RESPONSE: &str = ListMessageResponse::SCHEMA;
const STATUS_RESPONSE: &str = StatusResponse::SCHEMA;
