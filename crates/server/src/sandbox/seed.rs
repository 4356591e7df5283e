//! At first start in sandbox mode the log is seeded with the payloads we were handed (the seed
//! documents, one fixture per payload), so the desk and the inspector have real traffic at once.

use switchboard_protocol::headers::pseudo;

use crate::event_log::{Direction, Platform};
use crate::state::{AppState, Append};

pub struct Seed {
    pub platform: Platform,
    pub name: &'static str,
    pub direction: Direction,
    pub content_type: &'static str,
    pub body: &'static [u8],
}

pub const SEEDS: &[Seed] = &[
    Seed {
        platform: Platform::Douyin,
        name: "douyin/im_message_body_followed.dump.txt",
        direction: Direction::Inbound,
        content_type: "text/plain",
        body: include_bytes!(
            "../../../payload/tests/fixtures/douyin/im_message_body_followed.dump.txt"
        ),
    },
    Seed {
        platform: Platform::Douyin,
        name: "douyin/im_message_body_read.dump.txt",
        direction: Direction::Inbound,
        content_type: "text/plain",
        body: include_bytes!(
            "../../../payload/tests/fixtures/douyin/im_message_body_read.dump.txt"
        ),
    },
    Seed {
        platform: Platform::Douyin,
        name: "douyin/image_upload_response.dump.txt",
        direction: Direction::Response,
        content_type: "text/plain",
        body: include_bytes!(
            "../../../payload/tests/fixtures/douyin/image_upload_response.dump.txt"
        ),
    },
    Seed {
        platform: Platform::Douyin,
        name: "douyin/webhook_im_enter_direct_msg.json",
        direction: Direction::Inbound,
        content_type: "application/json",
        body: include_bytes!(
            "../../../payload/tests/fixtures/douyin/webhook_im_enter_direct_msg.json"
        ),
    },
    Seed {
        platform: Platform::Douyin,
        name: "douyin/webhook_im_receive_msg.json",
        direction: Direction::Inbound,
        content_type: "application/json",
        body: include_bytes!("../../../payload/tests/fixtures/douyin/webhook_im_receive_msg.json"),
    },
    Seed {
        platform: Platform::Wecom,
        name: "wecom/event_logout.json",
        direction: Direction::Inbound,
        content_type: "application/json",
        body: include_bytes!("../../../payload/tests/fixtures/wecom/event_logout.json"),
    },
    Seed {
        platform: Platform::Wecom,
        name: "wecom/event_room_join.json",
        direction: Direction::Inbound,
        content_type: "application/json",
        body: include_bytes!("../../../payload/tests/fixtures/wecom/event_room_join.json"),
    },
    Seed {
        platform: Platform::Wecom,
        name: "wecom/event_room_leave.json",
        direction: Direction::Inbound,
        content_type: "application/json",
        body: include_bytes!("../../../payload/tests/fixtures/wecom/event_room_leave.json"),
    },
    Seed {
        platform: Platform::Wecom,
        name: "wecom/event_room_topic.json",
        direction: Direction::Inbound,
        content_type: "application/json",
        body: include_bytes!("../../../payload/tests/fixtures/wecom/event_room_topic.json"),
    },
    Seed {
        platform: Platform::Wecom,
        name: "wecom/message_contact.json",
        direction: Direction::Inbound,
        content_type: "application/json",
        body: include_bytes!("../../../payload/tests/fixtures/wecom/message_contact.json"),
    },
    Seed {
        platform: Platform::Wecom,
        name: "wecom/message_group_text.json",
        direction: Direction::Inbound,
        content_type: "application/json",
        body: include_bytes!("../../../payload/tests/fixtures/wecom/message_group_text.json"),
    },
    Seed {
        platform: Platform::Wecom,
        name: "wecom/message_image.json",
        direction: Direction::Inbound,
        content_type: "application/json",
        body: include_bytes!("../../../payload/tests/fixtures/wecom/message_image.json"),
    },
    Seed {
        platform: Platform::Wecom,
        name: "wecom/message_location.json",
        direction: Direction::Inbound,
        content_type: "application/json",
        body: include_bytes!("../../../payload/tests/fixtures/wecom/message_location.json"),
    },
    Seed {
        platform: Platform::Wecom,
        name: "wecom/message_miniprogram.json",
        direction: Direction::Inbound,
        content_type: "application/json",
        body: include_bytes!("../../../payload/tests/fixtures/wecom/message_miniprogram.json"),
    },
    Seed {
        platform: Platform::Wecom,
        name: "wecom/message_text.json",
        direction: Direction::Inbound,
        content_type: "application/json",
        body: include_bytes!("../../../payload/tests/fixtures/wecom/message_text.json"),
    },
    Seed {
        platform: Platform::Wecom,
        name: "wecom/message_url.json",
        direction: Direction::Inbound,
        content_type: "application/json",
        body: include_bytes!("../../../payload/tests/fixtures/wecom/message_url.json"),
    },
    Seed {
        platform: Platform::Wecom,
        name: "wecom/message_video.json",
        direction: Direction::Inbound,
        content_type: "application/json",
        body: include_bytes!("../../../payload/tests/fixtures/wecom/message_video.json"),
    },
    Seed {
        platform: Platform::Mixin,
        name: "mixin/attachment_upload_response.json",
        direction: Direction::Response,
        content_type: "application/json",
        body: include_bytes!(
            "../../../payload/tests/fixtures/mixin/attachment_upload_response.json"
        ),
    },
    Seed {
        platform: Platform::Mixin,
        name: "mixin/message_view_plain_text.json",
        direction: Direction::Inbound,
        content_type: "application/json",
        body: include_bytes!("../../../payload/tests/fixtures/mixin/message_view_plain_text.json"),
    },
    Seed {
        platform: Platform::Wechat,
        name: "wechat/error_response.json",
        direction: Direction::Response,
        content_type: "application/json",
        body: include_bytes!("../../../payload/tests/fixtures/wechat/error_response.json"),
    },
    Seed {
        platform: Platform::Wechat,
        name: "wechat/syncFinder_request.json",
        direction: Direction::Outbound,
        content_type: "application/json",
        body: include_bytes!("../../../payload/tests/fixtures/wechat/syncFinder_request.json"),
    },
    Seed {
        platform: Platform::Wechat,
        name: "wechat/syncFinder_response.json",
        direction: Direction::Response,
        content_type: "application/json",
        body: include_bytes!("../../../payload/tests/fixtures/wechat/syncFinder_response.json"),
    },
    Seed {
        platform: Platform::Douyin,
        name: "proto/douyin_message_body.bin",
        direction: Direction::Inbound,
        content_type: "application/x-protobuf",
        body: include_bytes!("../../../payload/tests/fixtures/proto/douyin_message_body.bin"),
    },
    Seed {
        platform: Platform::Douyin,
        name: "proto/douyin_new_message_notify.bin",
        direction: Direction::Inbound,
        content_type: "application/x-protobuf",
        body: include_bytes!("../../../payload/tests/fixtures/proto/douyin_new_message_notify.bin"),
    },
    Seed {
        platform: Platform::Yunhu,
        name: "proto/yunhu_list_message_response.bin",
        direction: Direction::Response,
        content_type: "application/x-protobuf",
        body: include_bytes!(
            "../../../payload/tests/fixtures/proto/yunhu_list_message_response.bin"
        ),
    },
    Seed {
        platform: Platform::Yunhu,
        name: "proto/yunhu_push_message.bin",
        direction: Direction::Inbound,
        content_type: "application/x-protobuf",
        body: include_bytes!("../../../payload/tests/fixtures/proto/yunhu_push_message.bin"),
    },
    Seed {
        platform: Platform::Yunhu,
        name: "proto/yunhu_recall_push.bin",
        direction: Direction::Inbound,
        content_type: "application/x-protobuf",
        body: include_bytes!("../../../payload/tests/fixtures/proto/yunhu_recall_push.bin"),
    },
    Seed {
        platform: Platform::Yunhu,
        name: "proto/yunhu_send_message_request.bin",
        direction: Direction::Outbound,
        content_type: "application/x-protobuf",
        body: include_bytes!(
            "../../../payload/tests/fixtures/proto/yunhu_send_message_request.bin"
        ),
    },
];

/// Appends every seed if the log is empty; returns how many were added.
pub async fn seed_if_empty(state: &AppState) -> anyhow::Result<usize> {
    if *state.newest.borrow() > 0 {
        return Ok(0);
    }
    for seed in SEEDS {
        state
            .append(Append {
                platform: seed.platform,
                direction: seed.direction,
                content_type: Some(seed.content_type.to_owned()),
                headers: vec![(pseudo::SEED.to_owned(), seed.name.to_owned())],
                body: seed.body.to_vec(),
                request_seq: None,
                dedupe_key: None,
            })
            .await?;
    }
    Ok(SEEDS.len())
}
