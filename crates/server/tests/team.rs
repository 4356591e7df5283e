//! A team on the real server: agents managed from the terminal while it runs and from the API,
//! each login its own session, the agent stamped on what they send, desk facts stored as
//! `desk` rows that never reach a platform, presence on the live stream.

mod support;

use futures_util::StreamExt;
use support::{RunningServer, agent_command, all_events, read_json};

const LIN_PASSWORD: &str = "林晓的密码真的很长";

async fn status_of(request: reqwest::RequestBuilder) -> u16 {
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn agents_are_managed_from_the_terminal_while_the_server_runs() {
    let data = tempfile::tempdir().unwrap();
    let dist = support::dist();
    let server = RunningServer::start(data.path(), dist.path());
    let (added, output) = agent_command(data.path(), &["add", "林晓"], Some(LIN_PASSWORD));
    assert!(added, "{output}");
    let lin = server.client_of("林晓", LIN_PASSWORD).await;
    let me = support::get_json(&lin, &server.url("/api/me")).await;
    assert_eq!(me, serde_json::json!({"name": "林晓", "admin": false}));
    let (listed, list) = agent_command(data.path(), &["list"], None);
    assert!(
        listed && list.contains("admin\tadmin") && list.contains("林晓\t"),
        "{list}"
    );

    // Only an admin adds agents; an agent sees the team (who is online among them).
    let refused = lin
        .post(server.url("/api/agents"))
        .json(&serde_json::json!({"name": "eve", "password": "eve password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let admin = server.logged_in_client().await;
    let created = admin
        .post(server.url("/api/agents"))
        .json(&serde_json::json!({"name": "ming", "password": "ming password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let _ming = server.client_of("ming", "ming password").await;
    let team = support::get_json(&lin, &server.url("/api/agents")).await;
    let names: Vec<&str> = team
        .as_array()
        .unwrap()
        .iter()
        .map(|agent| agent["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["admin", "ming", "林晓"]);

    // Disabled from the terminal: the open session is refused on its next call, its live
    // stream ends, and a new login is refused.
    let stream = lin
        .get(server.url("/api/events/stream?after=999999999"))
        .send()
        .await
        .unwrap();
    let mut stream = stream.bytes_stream();
    let (disabled, output) = agent_command(data.path(), &["disable", "林晓"], None);
    assert!(disabled, "{output}");
    assert_eq!(status_of(lin.get(server.url("/api/config"))).await, 401);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    admin
        .post(server.url("/api/desk/douyin"))
        .json(&serde_json::json!({"kind": "status", "conversation": "c1", "status": "open"}))
        .send()
        .await
        .unwrap();
    let ended = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while let Some(chunk) = stream.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the disabled agent's stream ends");
    let again = reqwest::Client::new()
        .post(server.url("/api/login"))
        .json(&serde_json::json!({"name": "林晓", "password": LIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 401);
    let (_, output) = agent_command(data.path(), &["disable", "admin"], None);
    assert!(output.contains("last admin"), "{output}");
    let (enabled, _) = agent_command(data.path(), &["enable", "林晓"], None);
    assert!(enabled);
    let lin = server.client_of("林晓", LIN_PASSWORD).await;

    // A new password ends the sessions that knew the old one.
    let (changed, _) = agent_command(data.path(), &["passwd", "林晓"], Some("另一个很长的密码"));
    assert!(changed);
    assert_eq!(status_of(lin.get(server.url("/api/config"))).await, 401);
    server.client_of("林晓", "另一个很长的密码").await;
}

#[tokio::test]
async fn the_server_stamps_every_request_row_with_the_agent_who_caused_it() {
    let data = tempfile::tempdir().unwrap();
    let dist = support::dist();
    let server = RunningServer::start(data.path(), dist.path());
    assert!(agent_command(data.path(), &["add", "林晓"], Some(LIN_PASSWORD)).0);
    let lin = server.client_of("林晓", LIN_PASSWORD).await;
    let customer: serde_json::Value = read_json(
        lin.post(server.url("/api/sandbox/douyin/customer-message"))
            .json(&serde_json::json!({})),
    )
    .await;
    let sent = lin
        .post(server.url("/api/proxy/douyin/im/send/msg/"))
        // A page cannot pass for another agent, nor for the server's own profile lookups.
        .header("x-switchboard-agent", "admin")
        .header("x-switchboard-lookup", "profiles")
        .json(&serde_json::json!({
            "msg_id": customer["message_id"],
            "conversation_id": "@sandbox-conversation-_000sandbox-customer-c1",
            "to_user_id": "_000sandbox-customer-c1",
            "content": { "msg_type": 1, "text": { "text": "stamped reply" } }
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);
    let request_seq: i64 = sent.headers()["x-switchboard-request-seq"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let events = all_events(&lin, &server).await;
    let request = events
        .iter()
        .find(|event| event["seq"] == request_seq)
        .unwrap();
    let agents: Vec<&str> = request["headers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|pair| pair[0] == "x-switchboard-agent")
        .map(|pair| pair[1].as_str().unwrap())
        .collect();
    assert_eq!(agents, ["林晓"]);
    assert!(
        !request["headers"]
            .to_string()
            .contains("x-switchboard-lookup"),
        "{request}"
    );
    let delivered: serde_json::Value =
        read_json(lin.get(server.url("/api/sandbox/douyin/received?contains=x-switchboard-agent")))
            .await;
    assert_eq!(delivered["containing"], 0, "the stamp is never forwarded");
    let reply: serde_json::Value =
        read_json(lin.get(server.url("/api/sandbox/douyin/received?contains=stamped%20reply")))
            .await;
    assert_eq!(reply["containing"], 1, "the reply itself reached Douyin");
}

#[tokio::test]
async fn desk_facts_are_checked_stored_as_desk_rows_and_never_reach_a_platform() {
    let data = tempfile::tempdir().unwrap();
    let dist = support::dist();
    let server = RunningServer::start(data.path(), dist.path());
    assert!(agent_command(data.path(), &["add", "林晓"], Some(LIN_PASSWORD)).0);
    let admin = server.logged_in_client().await;
    let conversation = "@sandbox-conversation-_000sandbox-customer-c1";
    let record = |fact: serde_json::Value| {
        admin
            .post(server.url("/api/desk/douyin"))
            .json(&fact)
            .send()
    };
    let facts = [
        serde_json::json!({"kind": "assign", "conversation": conversation, "agent": "林晓"}),
        serde_json::json!({"kind": "status", "conversation": conversation, "status": "resolved"}),
        serde_json::json!({"kind": "note", "conversation": conversation,
            "text": "private-note-4711 for @林晓 and @nobody", "client_id": "n1"}),
        serde_json::json!({"kind": "read", "conversation": conversation, "seq": 3}),
    ];
    let outbound = |events: &[serde_json::Value]| {
        events
            .iter()
            .filter(|event| event["direction"] == "outbound")
            .count()
    };
    let sent_before = outbound(&support::without_lookups(all_events(&admin, &server).await));
    let mut seqs = Vec::new();
    for fact in &facts {
        let answer = record(fact.clone()).await.unwrap();
        assert_eq!(answer.status(), 200, "{fact}");
        let answer: serde_json::Value = answer.json().await.unwrap();
        seqs.push(answer["seq"].as_i64().unwrap());
    }
    // The same note again (a retry): stored once.
    let retry: serde_json::Value = record(facts[2].clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (retry["seq"].as_i64(), retry["duplicate"].as_bool()),
        (Some(seqs[2]), Some(true))
    );
    for (bad, why) in [
        (
            serde_json::json!({"kind": "assign", "conversation": conversation, "agent": "eve"}),
            "no active agent",
        ),
        (
            serde_json::json!({"kind": "note", "conversation": conversation, "text": "  "}),
            "a note is",
        ),
        (
            serde_json::json!({"kind": "status", "conversation": "", "status": "open"}),
            "conversation id",
        ),
        (
            serde_json::json!({"kind": "status", "conversation": conversation, "status": "open", "until_ms": 5}),
            "only a snooze",
        ),
    ] {
        let answer = record(bad.clone()).await.unwrap();
        assert_eq!(answer.status(), 400, "{bad}");
        let body: serde_json::Value = answer.json().await.unwrap();
        assert!(body["error"].as_str().unwrap().contains(why), "{body}");
    }
    let unknown = record(serde_json::json!({"kind": "vote"})).await.unwrap();
    assert!(unknown.status().is_client_error());

    let events = all_events(&admin, &server).await;
    let desk: Vec<&serde_json::Value> = events
        .iter()
        .filter(|event| event["direction"] == "desk")
        .collect();
    assert_eq!(desk.len(), 4);
    for event in &desk {
        assert_eq!(event["platform"], "douyin");
        assert!(
            event["headers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|pair| pair[0] == "x-switchboard-agent" && pair[1] == "admin"),
            "{event}"
        );
    }
    let note: serde_json::Value = serde_json::from_slice(&support::body_of(desk[2])).unwrap();
    assert_eq!(
        note["mentions"],
        serde_json::json!(["林晓"]),
        "only agents who exist"
    );
    for platform in ["yunhu", "douyin", "wecom", "mixin", "wechat"] {
        let received: serde_json::Value = read_json(admin.get(server.url(&format!(
            "/api/sandbox/{platform}/received?contains=private-note-4711"
        ))))
        .await;
        assert_eq!(received["containing"], 0, "{platform} saw the note");
    }
    assert_eq!(
        outbound(&support::without_lookups(events)),
        sent_before,
        "no call went out for a desk fact"
    );
}

#[tokio::test]
async fn presence_is_streamed_with_the_session_agent_and_never_stored() {
    let data = tempfile::tempdir().unwrap();
    let dist = support::dist();
    let server = RunningServer::start(data.path(), dist.path());
    assert!(agent_command(data.path(), &["add", "林晓"], Some(LIN_PASSWORD)).0);
    let admin = server.logged_in_client().await;
    let lin = server.client_of("林晓", LIN_PASSWORD).await;
    let stored = support::without_lookups(all_events(&admin, &server).await).len();
    let stream = admin
        .get(server.url("/api/events/stream?after=999999999"))
        .send()
        .await
        .unwrap();
    let mut body = stream.bytes_stream();
    // The stream counts: 林晓 sees the admin online.
    let team = support::get_json(&lin, &server.url("/api/agents")).await;
    let admin_entry = team
        .as_array()
        .unwrap()
        .iter()
        .find(|agent| agent["name"] == "admin")
        .unwrap();
    assert_eq!(admin_entry["online"], true);
    let announced = lin
        .post(server.url("/api/presence"))
        .json(&serde_json::json!({"platform": "douyin", "conversation": "c1", "activity": "typing", "agent": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(announced.status(), 204);
    let mut seen = String::new();
    while !seen.contains("event: presence") {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), body.next())
            .await
            .expect("presence arrives")
            .unwrap()
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    let data_line = seen
        .lines()
        .skip_while(|line| *line != "event: presence")
        .nth(1)
        .unwrap();
    let presence: serde_json::Value =
        serde_json::from_str(data_line.strip_prefix("data: ").unwrap()).unwrap();
    assert_eq!(
        presence,
        serde_json::json!({"platform": "douyin", "conversation": "c1", "activity": "typing", "agent": "林晓"}),
        "the server names the agent, whatever the page said"
    );
    assert_eq!(
        support::without_lookups(all_events(&admin, &server).await).len(),
        stored,
        "nothing stored"
    );
}

/// The assignments in the log: (conversation, agent, who decided).
async fn assignments(
    client: &reqwest::Client,
    server: &RunningServer,
) -> Vec<(String, Option<String>, String)> {
    all_events(client, server)
        .await
        .iter()
        .filter(|event| event["direction"] == "desk")
        .filter_map(|event| {
            let fact: serde_json::Value = serde_json::from_slice(&support::body_of(event)).ok()?;
            let by = event["headers"]
                .as_array()?
                .iter()
                .find(|pair| pair[0] == "x-switchboard-agent")?[1]
                .as_str()?
                .to_owned();
            (fact["kind"] == "assign").then(|| {
                (
                    fact["conversation"].as_str().unwrap_or_default().to_owned(),
                    fact["agent"].as_str().map(str::to_owned),
                    by,
                )
            })
        })
        .collect()
}

#[tokio::test]
async fn new_conversations_go_round_robin_to_the_agents_online_where_configured() {
    let data = tempfile::tempdir().unwrap();
    let dist = support::dist();
    let config = data.path().join("switchboard.toml");
    std::fs::write(&config, "[desk]\nauto_assign = [\"douyin\"]\n").unwrap();
    let mut options = support::Options::new(data.path(), dist.path());
    options.config = Some(&config);
    let server = RunningServer::start_with(options);
    assert!(agent_command(data.path(), &["add", "林晓"], Some(LIN_PASSWORD)).0);
    let admin = server.logged_in_client().await;
    let lin = server.client_of("林晓", LIN_PASSWORD).await;
    // Nobody has the desk open: a new conversation stays unassigned.
    let writes = |customer: u64| {
        admin
            .post(server.url("/api/sandbox/douyin/customer-message"))
            .json(&serde_json::json!({"text": "hi", "customer": customer}))
            .send()
    };
    assert!(writes(0).await.unwrap().status().is_success());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(assignments(&admin, &server).await.is_empty());
    // Both open the desk (a live stream each): the next conversations go to one, then the other.
    let _admin_stream = admin
        .get(server.url("/api/events/stream?after=999999999"))
        .send()
        .await
        .unwrap();
    let _lin_stream = lin
        .get(server.url("/api/events/stream?after=999999999"))
        .send()
        .await
        .unwrap();
    assert!(writes(0).await.unwrap().status().is_success());
    assert!(writes(1).await.unwrap().status().is_success());
    let mut found = Vec::new();
    for _ in 0..50 {
        found = assignments(&admin, &server).await;
        if found.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(found.len(), 2, "{found:?}");
    let agents: std::collections::BTreeSet<Option<String>> =
        found.iter().map(|(_, agent, _)| agent.clone()).collect();
    assert_eq!(
        agents,
        [Some("admin".to_owned()), Some("林晓".to_owned())].into(),
        "in turn"
    );
    assert!(
        found
            .iter()
            .all(|(_, _, by)| by == "switchboard (auto-assign)")
    );
    // Decided once: an agent's unassignment stands when the customer writes again.
    let (conversation, _, _) = found[0].clone();
    admin
        .post(server.url("/api/desk/douyin"))
        .json(&serde_json::json!({"kind": "assign", "conversation": conversation}))
        .send()
        .await
        .unwrap();
    assert!(writes(0).await.unwrap().status().is_success());
    assert!(writes(1).await.unwrap().status().is_success());
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        assignments(&admin, &server).await.len(),
        3,
        "nothing assigned twice"
    );
}
