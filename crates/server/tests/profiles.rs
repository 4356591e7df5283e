//! Profile lookups against the sandbox's emulators, over real sockets: the server asks each
//! platform who its customers are once, through the proxy (request and answer logged and
//! annotated as a lookup), and a refused or rate-limited lookup is tried again later while the
//! conversation goes on with its short id.

mod support;

use std::time::{Duration, Instant};

use support::{Options, RunningServer, all_events, body_of, dist, has_header, read_json};
use switchboard_desk::{ConversationKey, Desk, Row};
use switchboard_payload::Platform;
use switchboard_protocol::headers::annotation::LOOKUP;

/// Polls `check` every 100 ms until it gives a value or `within` passes.
async fn eventually<T, F>(within: Duration, what: &str, mut check: impl FnMut() -> F) -> T
where
    F: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(started.elapsed() < within, "waited {within:?} for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn customer_writes(
    client: &reqwest::Client,
    server: &RunningServer,
    platform: &str,
    request: serde_json::Value,
) {
    let response = client
        .post(server.url(&format!("/api/sandbox/{platform}/customer-message")))
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "{platform}: {}",
        response.text().await.unwrap()
    );
}

/// A customer writes `text` on each platform that is asked who they are: Yunhu's bot (its
/// webhook carries a nickname but no picture, so get-user is asked), Mixin, E云's second
/// customer and a WeCom room (its sender and the room are asked).
async fn asked_customers_write(client: &reqwest::Client, server: &RunningServer, text: &str) {
    for (platform, message) in [
        ("yunhu", serde_json::json!({ "to": "bot", "text": text })),
        ("mixin", serde_json::json!({ "text": text })),
        ("wechat", serde_json::json!({ "text": text, "customer": 1 })),
        ("wecom", serde_json::json!({ "text": text, "group": true })),
    ] {
        customer_writes(client, server, platform, message).await;
    }
}

/// The lookups `platform` was asked, as (request row, its answer row).
fn lookups(
    events: &[serde_json::Value],
    platform: &str,
) -> Vec<(serde_json::Value, serde_json::Value)> {
    events
        .iter()
        .filter(|event| event["platform"] == platform && has_header(event, LOOKUP))
        .map(|request| {
            let answer = events
                .iter()
                .find(|event| event["request_seq"] == request["seq"])
                .cloned()
                .unwrap_or(serde_json::Value::Null);
            (request.clone(), answer)
        })
        .collect()
}

/// The desk's projection of the whole log.
fn project(events: &[serde_json::Value]) -> Desk {
    let mut desk = Desk::new();
    for event in events {
        let row: Row = serde_json::from_value(event.clone()).unwrap();
        desk.apply(&row);
    }
    desk
}

/// The text of a conversation's newest message.
fn last_text(conversation: &switchboard_desk::Conversation) -> Option<&str> {
    conversation.last_message()?.content.text.as_deref()
}

fn title(desk: &Desk, platform: Platform, id: &str) -> String {
    desk.conversation(&ConversationKey {
        platform,
        id: id.into(),
    })
    .map(|conversation| conversation.title.clone())
    .unwrap_or_default()
}

#[tokio::test]
async fn every_platform_that_can_be_asked_names_its_customers_once() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    asked_customers_write(&client, &server, "a").await;
    // Douyin's payload says who the customer is: nothing to ask.
    customer_writes(
        &client,
        &server,
        "douyin",
        serde_json::json!({ "text": "a" }),
    )
    .await;
    let asked = |events: &[serde_json::Value]| {
        ["yunhu", "mixin", "wechat", "wecom"]
            .iter()
            .all(|platform| {
                let done = lookups(events, platform);
                // WeCom: the sender and the room.
                let wanted = if *platform == "wecom" { 2 } else { 1 };
                done.len() >= wanted && done.iter().all(|(_, answer)| !answer.is_null())
            })
    };
    let events = eventually(
        Duration::from_secs(20),
        "the lookups and their answers",
        || async {
            let events = all_events(&client, &server).await;
            asked(&events).then_some(events)
        },
    )
    .await;
    assert!(lookups(&events, "douyin").is_empty());
    for platform in ["yunhu", "mixin", "wechat", "wecom"] {
        for (request, answer) in lookups(&events, platform) {
            assert_eq!(answer["headers"][0][1], "200", "{platform}: {answer}");
            assert!(request["headers"].to_string().contains("profiles"));
            let body = String::from_utf8_lossy(&body_of(&answer)).into_owned();
            assert!(
                body.contains("林晓") || body.contains("Ming Zhao") || body.contains("售后服务群"),
                "{platform}: {body}"
            );
        }
    }
    let desk = project(&events);
    assert_eq!(
        title(&desk, Platform::Wechat, "wxid_sandbox_customer_c2"),
        "Ming Zhao"
    );
    assert_eq!(title(&desk, Platform::Yunhu, "5180273"), "林晓");
    assert_eq!(
        title(&desk, Platform::Wecom, "R:10820914206954100"),
        "售后服务群"
    );
    let room = desk
        .conversation(&ConversationKey {
            platform: Platform::Wecom,
            id: "R:10820914206954100".into(),
        })
        .unwrap();
    assert_eq!(room.member_count, Some(3));
    assert!(
        room.avatar_url
            .as_deref()
            .is_some_and(|url| url.ends_with("/avatars/group.png"))
    );
    let douyin = desk
        .conversations()
        .into_iter()
        .find(|conversation| conversation.key.platform == Platform::Douyin)
        .unwrap();
    assert_eq!(douyin.title, "林晓");
    assert!(douyin.avatar_url.is_some());

    // They write again: nobody is asked twice.
    let before = events.len();
    for platform in ["mixin", "wechat"] {
        customer_writes(&client, &server, platform, serde_json::json!({ "text": "b", "customer": if platform == "wechat" { 1 } else { 0 } })).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = all_events(&client, &server).await;
    assert!(after.len() > before);
    for platform in ["mixin", "wechat"] {
        assert_eq!(
            lookups(&after, platform).len(),
            lookups(&events, platform).len(),
            "{platform} asked again"
        );
    }

    // A restart remembers whom the log's answers described: they write again, nobody is asked.
    let asked_before: Vec<usize> = ASKED
        .iter()
        .map(|platform| lookups(&after, platform).len())
        .collect();
    drop(server);
    let server = RunningServer::start(data.path(), dist.path());
    let client = server.logged_in_client().await;
    asked_customers_write(&client, &server, "c").await;
    // A customer nobody has asked about yet writes too: the restarted server still asks.
    customer_writes(
        &client,
        &server,
        "wechat",
        serde_json::json!({ "text": "c", "customer": 0 }),
    )
    .await;
    let restarted = eventually(
        Duration::from_secs(20),
        "the messages written after the restart, and the new customer's lookup",
        || async {
            let events = all_events(&client, &server).await;
            let desk = project(&events);
            let wrote_c = |platform: &str| {
                desk.conversations().iter().any(|conversation| {
                    conversation.key.platform.id() == platform
                        && last_text(conversation) == Some("c")
                })
            };
            let new_one_named =
                title(&desk, Platform::Wechat, "wxid_sandbox_customer_c1") == "林晓";
            (ASKED.iter().all(|platform| wrote_c(platform)) && new_one_named).then_some(events)
        },
    )
    .await;
    // Time for a wrongly repeated lookup to show up.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let restarted_later = all_events(&client, &server).await;
    let asked_after: Vec<usize> = ASKED
        .iter()
        .map(|platform| lookups(&restarted_later, platform).len())
        .collect();
    let mut expected = asked_before.clone();
    // Only the new customer: one more lookup on E云.
    expected[ASKED
        .iter()
        .position(|platform| *platform == "wechat")
        .unwrap()] += 1;
    assert_eq!(
        asked_after, expected,
        "after a restart only the new customer is asked ({ASKED:?})"
    );
    let desk = project(&restarted);
    assert_eq!(
        title(&desk, Platform::Wechat, "wxid_sandbox_customer_c2"),
        "Ming Zhao"
    );

    // The inspector names one payload's ids from just the answers that name them.
    let naming = |platform: &str, ids: &[&str]| {
        let query: Vec<String> = ids.iter().map(|id| format!("id={id}")).collect();
        client.get(server.url(&format!(
            "/api/events/lookups/{platform}?{}",
            query.join("&")
        )))
    };
    let rows: Vec<serde_json::Value> =
        read_json(naming("wecom", &["R:10820914206954100", "nobody"])).await;
    // The one lookup that asked about the room (not the sender's), request and answer.
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1]["request_seq"], rows[0]["seq"]);
    let desk = project(&rows);
    assert_eq!(
        desk.profile_of(Platform::Wecom, "R:10820914206954100")
            .and_then(|profile| profile.member_count),
        Some(3)
    );
    assert_eq!(
        desk.name_of(Platform::Wecom, "R:10820914206954100"),
        Some("售后服务群")
    );
    assert!(desk.profile_of(Platform::Wecom, "nobody").is_none());
    let rows: Vec<serde_json::Value> = read_json(naming("wechat", &["nobody"])).await;
    assert!(rows.is_empty());
    let too_many: Vec<String> = (0..17).map(|index| format!("id{index}")).collect();
    let too_many: Vec<&str> = too_many.iter().map(String::as_str).collect();
    assert_eq!(
        naming("wechat", &too_many).send().await.unwrap().status(),
        400
    );
}

/// The platforms the server asks who their customers are.
const ASKED: [&str; 4] = ["mixin", "wechat", "wecom", "yunhu"];

#[tokio::test]
async fn a_refused_lookup_leaves_the_short_id_and_is_tried_again_later() {
    let data = tempfile::tempdir().unwrap();
    let dist = dist();
    let mut options = Options::new(data.path(), dist.path());
    options
        .env
        .push(("SWITCHBOARD_LIMITS_PROFILE_RETRY_SECS", "1".into()));
    let server = RunningServer::start_with(options);
    let client = server.logged_in_client().await;
    for platform in ASKED {
        let refused = client
            .post(server.url(&format!("/api/sandbox/{platform}/refuse-profiles")))
            .json(&serde_json::json!({ "count": 2 }))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 204);
    }
    let douyin = client
        .post(server.url("/api/sandbox/douyin/refuse-profiles"))
        .send()
        .await
        .unwrap();
    assert_eq!(douyin.status(), 404, "Douyin has no profile endpoint");
    for platform in ASKED {
        let message = if platform == "yunhu" {
            serde_json::json!({ "to": "bot", "text": "a" })
        } else {
            serde_json::json!({ "text": "a" })
        };
        customer_writes(&client, &server, platform, message).await;
    }

    // First the refusals, in each platform's own shape: the conversation keeps its short id.
    let events = eventually(
        Duration::from_secs(20),
        "two refused lookups each",
        || async {
            let events = all_events(&client, &server).await;
            ASKED
                .iter()
                .all(|platform| {
                    lookups(&events, platform)
                        .iter()
                        .filter(|(_, answer)| !answer.is_null())
                        .count()
                        >= 2
                })
                .then_some(events)
        },
    )
    .await;
    let first_mixin = &lookups(&events, "mixin")[0].1;
    let body: serde_json::Value = serde_json::from_slice(&body_of(first_mixin)).unwrap();
    assert_eq!(body["error"]["code"], 429, "Mixin's rate limit: {body}");
    let first_wechat = &lookups(&events, "wechat")[0].1;
    let body: serde_json::Value = serde_json::from_slice(&body_of(first_wechat)).unwrap();
    assert_eq!(body["code"], "1001", "E云's failure: {body}");
    let first_wecom = &lookups(&events, "wecom")[0].1;
    let body: serde_json::Value = serde_json::from_slice(&body_of(first_wecom)).unwrap();
    assert_eq!(body["code"], 500, "wkteam's failure: {body}");
    let first_yunhu = &lookups(&events, "yunhu")[0].1;
    assert_eq!(
        first_yunhu["headers"][0][1], "200",
        "Yunhu refuses inside a 200"
    );
    let status = <switchboard_payload::protobuf::yunhu::StatusResponse as prost::Message>::decode(
        body_of(first_yunhu).as_slice(),
    )
    .unwrap()
    .status
    .unwrap();
    assert_ne!(
        status.code, 1,
        "Yunhu's failure is a Status other than 1: {status:?}"
    );
    // Each platform's log up to its second refusal (only refusals so far, whatever the others
    // did since): every conversation there goes by its short id, and names nobody.
    for platform in ASKED {
        let second_refusal = lookups(&events, platform)
            .iter()
            .filter_map(|(_, answer)| answer["seq"].as_i64())
            .nth(1)
            .unwrap();
        let until: Vec<serde_json::Value> = events
            .iter()
            .filter(|event| event["seq"].as_i64().unwrap() <= second_refusal)
            .cloned()
            .collect();
        let desk = project(&until);
        // The conversation this test's customer wrote in (the seeds' are there too).
        let conversations: Vec<_> = desk
            .conversations()
            .into_iter()
            .filter(|conversation| {
                conversation.key.platform.id() == platform && last_text(conversation) == Some("a")
            })
            .collect();
        assert_eq!(conversations.len(), 1, "{platform}");
        for conversation in conversations {
            // Yunhu's bot webhook names its sender itself; the picture is what get-user adds.
            if platform != "yunhu" {
                let customer = conversation
                    .peer_id
                    .as_deref()
                    .unwrap_or(&conversation.key.id);
                assert_eq!(
                    conversation.title,
                    switchboard_payload::profile::short_id(customer),
                    "{platform}: a short id while refused"
                );
            }
            assert!(
                conversation.avatar_url.is_none(),
                "{platform}: no picture yet"
            );
        }
    }
    // The conversation stays usable: a reply goes out.
    let reply = switchboard_payload::platforms::of(Platform::Wechat)
        .send_text(
            &switchboard_payload::compose::Target {
                conversation_id: "wxid_sandbox_customer_c1".into(),
                kind: Some(switchboard_payload::event::ConversationKind::Direct),
                ..Default::default()
            },
            "稍等",
            None,
            "x",
        )
        .unwrap();
    let sent = client
        .post(server.url(&format!("/api/proxy/wechat{}", reply.path)))
        .header("content-type", reply.content_type)
        .body(reply.body)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);

    // Then, after the backoff, the third try describes them.
    let events = eventually(
        Duration::from_secs(30),
        "a lookup after the refusals",
        || async {
            let events = all_events(&client, &server).await;
            let desk = project(&events);
            let described = |platform: Platform| {
                desk.conversations().iter().any(|conversation| {
                    conversation.key.platform == platform
                        && conversation.title == "林晓"
                        && conversation.avatar_url.is_some()
                })
            };
            (title(&desk, Platform::Wechat, "wxid_sandbox_customer_c1") == "林晓"
                && [Platform::Mixin, Platform::Wecom, Platform::Yunhu]
                    .into_iter()
                    .all(described))
            .then_some(events)
        },
    )
    .await;
    for platform in ASKED {
        assert_eq!(lookups(&events, platform).len(), 3, "{platform}");
    }
    let _: serde_json::Value = read_json(client.get(server.url("/api/config"))).await;
}
