//! Sending files, cell by cell of the platform matrix, through `switchboard serve` and the
//! sandbox: the browser's file goes through `/api/upload`, the payload core composes the
//! platform's file message, the proxy forwards it, and the emulator accepts it only when it
//! names an upload it holds (with the name and size its clients need). The answer lands in the
//! event log and reads back as a sent file.

mod support;

use support::{RunningServer, all_events, body_of, dist, file_form, read_json};
use switchboard_payload::Platform;
use switchboard_payload::compose::{Attachment, Call, Target};
use switchboard_payload::event::{ContentKind, ConversationKind};
use switchboard_payload::outcome::Outcome;
use switchboard_payload::platforms;

const PDF: &[u8] =
    b"%PDF-1.4\n% price list\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";

async fn upload(client: &reqwest::Client, server: &RunningServer, platform: &str) -> Attachment {
    support::upload(
        client,
        server,
        platform,
        (PDF, "价目表.pdf", "application/pdf"),
    )
    .await
}

/// Forwards a composed call; answers the upstream status and what the payload core makes of
/// the platform's answer.
async fn forward(
    client: &reqwest::Client,
    server: &RunningServer,
    platform: Platform,
    call: &Call,
) -> (u16, Outcome) {
    let response = client
        .post(server.url(&format!("/api/proxy/{}{}", platform.id(), call.path)))
        .header("content-type", call.content_type)
        .body(call.body.clone())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap();
    (
        status,
        switchboard_payload::platforms::of(platform).outcome(&call.path, &body),
    )
}

#[tokio::test]
async fn files_are_sent_on_every_platform_that_has_them_and_the_emulators_check_them() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;

    let cells = [
        (
            Platform::Yunhu,
            Target::new("5180273", ConversationKind::Group, None, None),
        ),
        (
            Platform::Yunhu,
            Target::new("5180273", ConversationKind::Bot, Some("5180273"), None),
        ),
        (
            Platform::Wecom,
            Target::new("1688:7881", ConversationKind::Direct, Some("7881"), None),
        ),
        (
            Platform::Mixin,
            Target::new(
                "c354135b-6e4b-3f1c-8a8b-2d5f4b9f7a10",
                ConversationKind::Direct,
                Some("e8e8cd79-cd40-4796-8c54-3a13cfe50115"),
                None,
            ),
        ),
        (
            Platform::Wechat,
            Target::new("wxid_customer", ConversationKind::Direct, None, None),
        ),
    ];
    for (platform, target) in cells {
        let file = if target.kind == Some(ConversationKind::Bot) {
            // The bot API has its own upload; the server picks it when only a bot token is
            // set. Here both are: upload through the bot's endpoint by hand.
            let form = file_form(PDF, "价目表.pdf", "application/pdf");
            let uploaded: serde_json::Value = read_json(
                client
                    .post(server.url("/api/proxy/yunhu/open-apis/v1/file/upload"))
                    .multipart(form),
            )
            .await;
            Attachment {
                id: uploaded["data"]["fileKey"].as_str().unwrap().to_owned(),
                size: PDF.len() as u64,
                name: "价目表.pdf".into(),
                mime_type: "application/pdf".into(),
                ..Attachment::default()
            }
        } else {
            upload(&client, &server, platform.id()).await
        };
        let fresh = uuid::Uuid::new_v4().to_string();
        let call = platforms::of(platform)
            .send_file(&target, &file, &fresh)
            .unwrap();
        let (status, answered) = forward(&client, &server, platform, &call).await;
        assert!(
            status == 200 && answered.ok,
            "{platform:?} {}: {status} {answered:?}",
            call.path
        );

        // The same message naming a file nobody uploaded is refused by the emulator, with the
        // platform's own error shape (what the agent then sees on the failed bubble).
        let forged = Attachment {
            id: "0123456789abcdef0123456789abcdef.pdf".into(),
            url: file
                .url
                .as_ref()
                .map(|url| format!("{}-gone", url.trim_end_matches(".pdf"))),
            ..file.clone()
        };
        let fresh = uuid::Uuid::new_v4().to_string();
        let call = platforms::of(platform)
            .send_file(&target, &forged, &fresh)
            .unwrap();
        let (_, refused) = forward(&client, &server, platform, &call).await;
        assert!(!refused.ok, "{platform:?} accepted a file never uploaded");
        assert!(
            refused.message.as_deref().is_some_and(|m| !m.is_empty()),
            "{platform:?}: {refused:?}"
        );
    }

    // Every send is in the log as a request the payload core reads as a file, with its answer.
    let events = all_events(&client, &server).await;
    let sent_files: Vec<Platform> = events
        .iter()
        .filter(|event| event["direction"] == "outbound")
        .filter_map(|event| {
            let platform = Platform::from_id(event["platform"].as_str()?)?;
            let inspection = switchboard_payload::inspect(
                &body_of(event),
                &switchboard_payload::Options {
                    platform: Some(platform),
                    skip_tree: true,
                    ..Default::default()
                },
            );
            let is_file = inspection
                .events
                .iter()
                .any(|e| e.content.as_ref().and_then(|c| c.kind) == Some(ContentKind::File));
            is_file.then_some(platform)
        })
        .collect();
    for platform in [
        Platform::Yunhu,
        Platform::Wecom,
        Platform::Mixin,
        Platform::Wechat,
    ] {
        assert!(
            sent_files.iter().filter(|p| **p == platform).count() >= 2,
            "{platform:?}: {sent_files:?}"
        );
    }
}

#[tokio::test]
async fn the_wechat_emulator_fetches_only_files_our_server_hosts() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    // A page that answers 200, but is not a hosted file: E云's emulator must not fetch it.
    for url in [server.url("/login"), server.url("/files/../login")] {
        let response = client
            .post(server.url("/api/proxy/wechat/sendImage2"))
            .header("content-type", "application/json")
            .body(serde_json::json!({ "wcId": "wxid_customer_a", "content": url }).to_string())
            .send()
            .await
            .unwrap();
        let body = response.text().await.unwrap();
        assert!(body.contains("文件下载失败"), "{url}: {body}");
    }
    // A hosted upload is still fetched and sent.
    let file = upload(&client, &server, "wechat").await;
    let hosted = file.url.unwrap();
    let response = client
        .post(server.url("/api/proxy/wechat/sendFile"))
        .header("content-type", "application/json")
        .body(
            serde_json::json!({ "wcId": "wxid_customer_a", "path": hosted, "fileName": "价目表.pdf" })
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    let body = response.text().await.unwrap();
    assert!(body.contains("\"code\":\"1000\""), "{hosted}: {body}");
}
